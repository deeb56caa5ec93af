"""README's Python snippet runs as written, against a table like the demo's."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

from conftest import REPO, sift_binary


def readme_snippet() -> str:
    text = (REPO / "README.md").read_text()
    section = text.split("## Python and Arrow", 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_the_readme_snippet_runs(conn_table, tmp_path):
    shutil.copytree(conn_table, tmp_path / "demo-out" / "conn-table")
    done = subprocess.run([sys.executable, "-c", readme_snippet()], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "src_ip" in done.stdout and "sum" not in done.stderr
    import sift
    t = sift.open(tmp_path / "demo-out" / "conn-table")
    assert t.history()[-1]["operation"] == "append"
    assert t.to_table("src_ip = 10.9.9.9 and dst_port = 4444").num_rows == 1


def test_the_scaling_out_snippet_runs_on_local_spark(conn_table, tmp_path):
    section = (REPO / "README.md").read_text().split("## Scaling out", 1)[1]
    snippet = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    snippet = snippet.replace('open(".spark/master.url").read().strip()', '"local[2]"')
    assert '"local[2]"' in snippet
    shutil.copytree(conn_table, tmp_path / "demo-out" / "conn-table")
    done = subprocess.run([sys.executable, "-c", snippet], cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    import sift
    ssh = sift.open(tmp_path / "demo-out" / "ssh-table")
    assert ssh.num_rows == sift.open(tmp_path / "demo-out" / "conn-table").to_table("dst_port = 22").num_rows > 0
    assert "'txn': 'etl:1'" in done.stdout
    assert "/demo-out/conn-table version" in done.stderr and "row groups" in done.stderr, "the explain option's skip report"


def test_the_jvm_reader_snippet_runs_on_local_spark(conn_table, tmp_path):
    section = (REPO / "README.md").read_text().split("## Scaling out", 1)[1].split("\n## ", 1)[0]
    snippet = textwrap.dedent(re.findall(r"```python\n(.*?)```", section, re.S)[1])
    assert "sift-jvm" in snippet
    snippet = snippet.replace('open(".spark/master.url").read().strip()', '"local[2]"')
    snippet = snippet.replace('os.path.abspath(".build-static/release/sift")', repr(os.path.abspath(sift_binary())))
    shutil.copytree(conn_table, tmp_path / "demo-out" / "conn-table")
    done = subprocess.run([sys.executable, "-c", snippet], cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    import sift
    protos = sift.open(tmp_path / "demo-out" / "conn-table").to_table("dst_port in (22, 3389)", ["proto"])["proto"].to_pylist()
    shown = [[cell.strip() for cell in line.strip("|").split("|")] for line in done.stdout.splitlines() if line.startswith("|")]
    assert shown[0] == ["proto", "count"]
    assert sorted((p, int(n)) for p, n in shown[1:]) == sorted((p, protos.count(p)) for p in set(protos)) and protos
