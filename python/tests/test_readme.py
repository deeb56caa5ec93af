"""README's Python snippet runs as written, against a table like the demo's."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import REPO


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
