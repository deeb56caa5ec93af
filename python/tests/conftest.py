"""Fixtures: a connection table built by the `sift` command from generated logs, as README's
quick start builds one (partitioned by day, Hilbert-clustered on the address pair)."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def sift_binary() -> str:
    explicit = os.environ.get("SIFT_BIN")
    if explicit:
        return explicit
    for build in ("release", "debug"):
        candidate = REPO / ".build" / build / "sift"
        if candidate.exists():
            return str(candidate)
    pytest.fail("the sift command is not built: run `swift build` (make test does)")


def run_sift(*args: str) -> str:
    done = subprocess.run([sift_binary(), *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise AssertionError(f"sift {' '.join(args)} failed: {done.stderr}")
    return done.stdout


@pytest.fixture(scope="session")
def conn_table(tmp_path_factory) -> str:
    root = tmp_path_factory.mktemp("conn")
    logs = root / "conn.ndjson"
    run_sift("gen", "conn", "--rows", "60000", "--days", "3", "--start", "2026-08-01", "--output", str(logs))
    table = root / "conn"
    run_sift("table", "create", str(table), "--infer-from", str(logs), "--partition-by", "date(ts)", "--cluster-by", "hilbert:src_ip,dst_ip")
    run_sift("table", "append", str(table), str(logs))
    run_sift("table", "optimize", str(table))
    return str(table)
