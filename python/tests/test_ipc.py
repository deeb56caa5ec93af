"""`sift cat|query --format arrow` writes an Arrow IPC stream that pyarrow reads back exactly."""
from __future__ import annotations

import subprocess

import pyarrow as pa

import sift
from conftest import sift_binary
from test_write import assert_same, every_type


def ipc(*args: str) -> tuple[pa.Table, str]:
    done = subprocess.run([sift_binary(), *args, "--format", "arrow"], capture_output=True)
    assert done.returncode == 0, done.stderr.decode()
    return pa.ipc.open_stream(pa.BufferReader(done.stdout)).read_all(), done.stderr.decode()


def test_every_type_through_an_ipc_stream(tmp_path):
    data = every_type()
    sift.write(tmp_path / "all.sift", data, row_group_rows=3)
    table, _ = ipc("cat", str(tmp_path / "all.sift"))
    assert_same(data, table)
    assert table.schema.field("v4").type == sift.ipv4


def test_query_stream_equals_the_python_scan_and_explain_goes_to_stderr(conn_table):
    table, stderr = ipc("query", conn_table, "--where", "dst_port = 22", "--columns", "ts,src_ip,dst_ip,domain", "--explain", "--order-by", "none")
    expected = sift.open(conn_table).to_table("dst_port = 22", ["ts", "src_ip", "dst_ip", "domain"])
    assert table.num_rows == expected.num_rows > 0
    assert table.equals(expected)
    assert "rows matched" in stderr


def test_an_empty_result_is_a_stream_with_a_schema_and_no_rows(conn_table):
    table, _ = ipc("query", conn_table, "--where", "dst_ip = 203.0.113.7", "--columns", "ts,dst_ip")
    assert table.num_rows == 0 and table.schema.names == ["ts", "dst_ip"]


def test_limit_cuts_the_stream(conn_table):
    table, _ = ipc("query", conn_table, "--limit", "7", "--order-by", "none")
    assert table.num_rows == 7


def test_hunt_streams_one_schema_across_refined_tables(tmp_path):
    """`sift hunt --format arrow` over a warehouse of the real Zeek samples: one schema (the
    table's name, then the common columns), rows equal to the NDJSON hunt's."""
    from conftest import REPO, run_sift
    import json
    real = REPO / "corpus" / "real" / "zeek"
    events, wh = tmp_path / "events", tmp_path / "wh"
    events.mkdir()
    logs = [str(real / name) for name in ("zat-conn.log", "zat-dns.log", "zat-http.log")]
    run_sift("wrap", "--format", "zeek", *logs, "--output", str(events / "zeek.ndjson"))
    run_sift("ingest", str(wh), "--follow", str(events), "--once")
    run_sift("parse", str(wh))
    where = "src_ip in 192.168.0.0/16"
    table, _ = ipc("hunt", str(wh), "--where", where, "--columns", "time,src_ip,dst_ip,domain")
    assert table.schema.names == ["table", "time", "src_ip", "dst_ip", "domain"]
    text = [json.loads(line) for line in run_sift("hunt", str(wh), "--where", where, "--columns", "time,src_ip,dst_ip,domain").splitlines()]
    assert table.num_rows == len(text) > 0
    assert sorted(set(table["table"].to_pylist())) == sorted({r["table"] for r in text})
    assert sorted(str(a) for a in table["src_ip"].to_pylist()) == sorted(r["src_ip"] for r in text)
