"""Writing Arrow data into Sift files and tables, and the round trip back."""
from __future__ import annotations

import datetime as dt
import math
import os

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import sift

UTC = dt.timezone.utc


def every_type() -> pa.Table:
    """One column of each Sift type, with nulls, extremes and non-ASCII text."""
    return pa.table({
        "b": pa.array([True, None, False, True], pa.bool_()),
        "i32": pa.array([1, None, -(2**31), 2**31 - 1], pa.int32()),
        "i64": pa.array([2**40, 5, None, -(2**63)], pa.int64()),
        "u16": pa.array([0, 65535, None, 7], pa.uint16()),
        "u32": pa.array([None, 4_000_000_000, 7, 0], pa.uint32()),
        "f": pa.array([1.5, float("nan"), None, -0.0]),
        "ts": pa.array([dt.datetime(2026, 8, 1, tzinfo=UTC), None, dt.datetime(1969, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
                        dt.datetime(2026, 8, 1, 12, 0, 0, 1, tzinfo=UTC)], pa.timestamp("us", tz="UTC")),
        "s": pa.array(["a", None, "héllo \u202e\x1b[2J", ""], pa.string()),
        "bin": pa.array([b"\x00\x01", None, b"", b"\xff" * 40], pa.binary()),
        "v4": sift.ipv4_array(["10.0.0.1", None, "255.255.255.255", "0.0.0.0"]),
        "v6": sift.ipv6_array(["2001:db8::1", "10.1.2.3", None, "::"]),
    })


def assert_same(a: pa.Table, b: pa.Table) -> None:
    assert a.schema.names == b.schema.names
    for name in a.schema.names:
        assert a.schema.field(name).type == b.schema.field(name).type, name
        x, y = a[name].to_pylist(), b[name].to_pylist()
        same = [(u == v) or (isinstance(u, float) and isinstance(v, float) and math.isnan(u) and math.isnan(v)) for u, v in zip(x, y)]
        assert len(x) == len(y) and all(same), (name, x, y)


def test_round_trip_every_type_through_a_file(tmp_path):
    data = every_type()
    result = sift.write(tmp_path / "all.sift", data)
    assert result["rows"] == 4
    back = sift.open(tmp_path / "all.sift").to_table()
    assert_same(data, back)
    # -0.0 keeps its sign bit.
    assert math.copysign(1, back["f"][3].as_py()) == -1


def test_round_trip_with_empty_batches_and_many_row_groups(tmp_path):
    data = every_type()
    empty = data.slice(0, 0)
    batches = [b for t in (empty, data, empty, data.slice(1, 2), empty) for b in t.to_batches()] or []
    reader = pa.RecordBatchReader.from_batches(data.schema, batches)
    sift.write(tmp_path / "e.sift", reader, row_group_rows=2, page_rows=1)
    back = sift.open(tmp_path / "e.sift").to_table()
    assert_same(pa.concat_tables([data, data.slice(1, 2)]), back)


def test_round_trip_of_an_empty_stream(tmp_path):
    sift.write(tmp_path / "none.sift", every_type().slice(0, 0))
    back = sift.open(tmp_path / "none.sift")
    assert back.num_rows == 0 and back.to_table().num_rows == 0
    assert back.schema.names == every_type().schema.names


def test_round_trip_through_a_table_with_partitions(tmp_path):
    data = every_type().filter(pa.array([True, False, True, True]))  # no null ts: it partitions
    t = sift.create_table(tmp_path / "t", data.schema, partition_by=["date(ts)"])
    result = t.append(data)
    assert result["rows"] == 3 and result["files"] == 2 and t.version == 1
    back = t.to_table().sort_by("i64")
    assert_same(data.sort_by("i64"), back)


def test_sliced_input_respects_offsets(tmp_path):
    data = every_type()
    sliced = data.slice(1, 3)
    sift.write(tmp_path / "s.sift", sliced)
    assert_same(sliced, sift.open(tmp_path / "s.sift").to_table())


def test_pandas_and_polars_append_with_conversions(tmp_path):
    schema = pa.schema([("ts", pa.timestamp("us", tz="UTC")), ("src_ip", sift.ipv4), ("dst_ip", sift.ipv6),
                        ("dst_port", pa.int32()), ("domain", pa.string())])
    t = sift.create_table(tmp_path / "t", schema, partition_by=["date(ts)"], types={"domain": "string:domain"})
    frame = pd.DataFrame({
        "ts": pd.to_datetime(["2026-08-01T10:00:00.123456789Z", "2026-08-02T11:00:00.000000000Z"]),  # ns: Sift keeps us
        "src_ip": ["10.0.0.1", "10.0.0.2"],        # text into ipv4
        "dst_ip": ["203.0.113.7", "2001:db8::7"],  # text into ipv6
        "dst_port": [443, 22],                     # int64 into int32
        "domain": ["evil.example", None],
    })
    assert t.append(frame)["rows"] == 2
    polars_frame = pl.DataFrame({"ts": [dt.datetime(2026, 8, 3, tzinfo=UTC)], "src_ip": ["10.9.9.9"], "dst_ip": ["198.51.100.1"],
                                 "dst_port": [53], "domain": ["x.example"]})
    assert t.append(polars_frame)["rows"] == 1
    rows = t.to_table(columns=["ts", "src_ip", "dst_ip", "dst_port", "domain"]).sort_by("ts").to_pylist()
    assert [str(r["src_ip"]) for r in rows] == ["10.0.0.1", "10.0.0.2", "10.9.9.9"]
    assert [str(r["dst_ip"]) for r in rows] == ["203.0.113.7", "2001:db8::7", "198.51.100.1"]
    assert rows[0]["ts"] == dt.datetime(2026, 8, 1, 10, 0, 0, 123456, tzinfo=UTC)
    assert t.schema.field("domain").metadata == {b"sift.hint": b"domain"}
    assert t.to_table("src_ip = 10.0.0.2 and dst_port = 22").num_rows == 1
    assert t.to_table("domain ends_with '.example'").num_rows == 2


def test_types_override_stores_text_as_addresses(tmp_path):
    data = pa.table({"src_ip": ["10.0.0.1", "192.168.1.1"], "query": ["a.evil.example", "b.good.example"]})
    sift.write(tmp_path / "o.sift", data, types={"src_ip": "ipv4", "query": "string:domain"})
    f = sift.open(tmp_path / "o.sift")
    assert isinstance(f.schema.field("src_ip").type, sift.IPv4Type)
    assert f.to_table("src_ip in 10.0.0.0/8").num_rows == 1
    assert f.to_table("query ends_with '.evil.example'").num_rows == 1


def test_idempotent_txn_appends_once(tmp_path):
    data = every_type().filter(pa.array([True, False, True, True]))
    t = sift.create_table(tmp_path / "t", data.schema)
    first = t.append(data, txn="etl:7")
    again = t.append(data, txn="etl:7")
    assert first["version"] == 1 and not first["already_applied"]
    assert again["already_applied"] and again["version"] is None
    assert t.num_rows == 3 and t.version == 1
    assert t.append(data, txn="etl:8")["version"] == 2


def files_under(root) -> set[str]:
    return {os.path.relpath(os.path.join(d, f), root) for d, _, fs in os.walk(root) for f in fs}


def test_wrong_schema_or_bad_values_commit_nothing(tmp_path):
    schema = pa.schema([("ts", pa.timestamp("us", tz="UTC")), ("src_ip", sift.ipv4), ("n", pa.int64())])
    t = sift.create_table(tmp_path / "t", schema, partition_by=["date(ts)"])
    before = files_under(tmp_path / "t")
    good = pa.table({"ts": pa.array([dt.datetime(2026, 8, 1, tzinfo=UTC)], pa.timestamp("us", tz="UTC")),
                     "src_ip": sift.ipv4_array(["10.0.0.1"]), "n": [1]})
    with pytest.raises(sift.SchemaMismatch, match="columns the target does not: extra"):
        t.append(good.append_column("extra", pa.array([1])))
    with pytest.raises((sift.SchemaMismatch, pa.ArrowInvalid, pa.ArrowNotImplementedError)):
        t.append(good.set_column(2, "n", pa.array(["x"])))
    # A malformed address in the second batch: the first batch's rows must not be committed.
    bad = pa.table({"ts": pa.array([dt.datetime(2026, 8, 2, tzinfo=UTC)], pa.timestamp("us", tz="UTC")),
                    "src_ip": pa.array(["10.0.0.300"]), "n": [2]})
    stream = pa.RecordBatchReader.from_batches(bad.schema, [pa.table({"ts": good["ts"], "src_ip": pa.array(["10.0.0.1"]), "n": good["n"]}).to_batches()[0],
                                                            bad.to_batches()[0]])
    with pytest.raises(sift.SchemaMismatch, match=r"column 'src_ip', row 0: '10.0.0.300' is not an IPv4 address"):
        t.append(stream)
    assert t.version == 0 and sift.open(tmp_path / "t").version == 0
    assert files_under(tmp_path / "t") == before, "a failed append left files behind"


def test_write_refuses_existing_paths_and_leaves_nothing_on_failure(tmp_path):
    target = tmp_path / "x.sift"
    target.write_bytes(b"precious")
    with pytest.raises(sift.InvalidArgument, match="exists"):
        sift.write(target, every_type())
    assert target.read_bytes() == b"precious"
    with pytest.raises(sift.SchemaMismatch, match="has no Sift column type"):
        sift.write(tmp_path / "y.sift", pa.table({"l": pa.array([[1, 2]])}))
    with pytest.raises(sift.SchemaMismatch, match="not an IPv4 address"):
        sift.write(tmp_path / "z.sift", pa.table({"ip": ["nope"]}), types={"ip": "ipv4"})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.sift"]


def test_writing_a_scan_back_copies_a_table(tmp_path, conn_table):
    source = sift.open(conn_table)
    sift.write(tmp_path / "copy.sift", source.scan(where="dst_port = 22"), cluster="hilbert:src_ip,dst_ip")
    copy = sift.open(tmp_path / "copy.sift")
    assert copy.num_rows == source.to_table("dst_port = 22").num_rows > 0
    assert copy.schema == source.schema


def test_staged_files_commit_once_and_forged_ones_are_refused(tmp_path):
    data = every_type().filter(pa.array([True, False, True, True]))
    t = sift.create_table(tmp_path / "t", data.schema, partition_by=["date(ts)"])
    first = sift.write_files(tmp_path / "t", data.slice(0, 2))
    second = sift.write_files(tmp_path / "t", data.slice(2))
    assert sift.open(tmp_path / "t").num_rows == 0, "writing files commits nothing"
    files = first["files"] + second["files"]
    for forged, why in [(dict(files[0], path="../escape.sift"), "'..'"), (dict(files[0], path="/etc/passwd"), "absolute"),
                        (dict(files[0], size=files[0]["size"] + 1), "bytes"), (dict(files[0], path="date=2026-08-01/none.sift"), "does not exist")]:
        with pytest.raises((sift.InvalidArgument, sift.NotFound), match=why):
            sift.commit_files(tmp_path / "t", [forged])
    with pytest.raises(sift.InvalidArgument, match="twice"):
        sift.commit_files(tmp_path / "t", [files[0], files[0]])
    result = sift.commit_files(tmp_path / "t", files, txn="job:3")
    assert result["version"] == 1 and result["rows"] == 3
    with pytest.raises(sift.InvalidArgument, match="already part of the table"):
        sift.commit_files(tmp_path / "t", files)
    assert sift.commit_files(tmp_path / "t", [], txn="job:3")["already_applied"]
    assert_same(data.sort_by("i64"), sift.open(tmp_path / "t").to_table().sort_by("i64"))
