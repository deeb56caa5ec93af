"""Fixtures: a connection table built by the `sift` command from generated logs, as README's
quick start builds one (partitioned by day, Hilbert-clustered on the address pair)."""
from __future__ import annotations

import os
import subprocess
import sys
import time
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


def spark_jar() -> Path:
    """The JVM reader (`format("sift-jvm")`), built by `make jvm` (make python-test does)."""
    return REPO / ".build" / "jvm" / "sift-spark.jar"


@pytest.fixture(scope="session")
def spark():
    """One Spark session for the Spark tests: local[2] (make test) or the project's standalone
    cluster (make spark-test sets SIFT_SPARK_MASTER); both data sources registered."""
    pytest.importorskip("pyspark", reason="pyspark is installed by `make python`")
    from pyspark.sql import SparkSession
    from sift.spark import register
    master = os.environ.get("SIFT_SPARK_MASTER", "local[2]")
    # Spark's Python workers must be this interpreter: it has the sift package and pyarrow.
    os.environ["PYSPARK_PYTHON"] = sys.executable
    # PySpark hands timestamps over as naive local times; make local time UTC for the checks.
    os.environ["TZ"] = "UTC"
    time.tzset()
    builder = (SparkSession.builder.master(master).appName("sift-tests")
               .config("spark.sql.python.filterPushdown.enabled", "true")
               .config("spark.sql.session.timeZone", "UTC")
               .config("spark.ui.enabled", "false")
               .config("spark.driver.host", "127.0.0.1")
               .config("spark.driver.bindAddress", "127.0.0.1")
               # Executors run in folders of their own: the command by its absolute path.
               .config("spark.sift.bin", os.path.abspath(sift_binary())))
    if spark_jar().exists():
        builder = builder.config("spark.jars", str(spark_jar()))
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    register(session)
    yield session
    session.stop()
