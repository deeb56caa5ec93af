"""The `sift` Spark data source on local[2] (make test) or on the project's standalone cluster
(make spark-test sets SIFT_SPARK_MASTER): pushdown, planning, the stale-plan guard, time
travel, atomic and idempotent writes."""
from __future__ import annotations

import json
import os
import shutil
import sys
import time

import pytest

import sift
from conftest import run_sift

pyspark = pytest.importorskip("pyspark", reason="pyspark is installed by `make python`")
from pyspark.sql import functions as F  # noqa: E402

from sift.spark import SiftReader  # noqa: E402


@pytest.fixture()
def table(conn_table, tmp_path):
    """A private copy of the session's connection table (tests append to it)."""
    path = tmp_path / "conn"
    shutil.copytree(conn_table, path)
    return str(path)


SPARK_NEEDLES = [
    # (Spark SQL, the same in Sift's language)
    ("dst_port = 22 and src_ip = '10.2.3.233'", "dst_port = 22 and src_ip = 10.2.3.233"),
    ("proto = 'udp' and bytes_out > 100000", "proto = 'udp' and bytes_out > 100000"),
    ("domain like '%.de'", "domain ends_with '.de'"),
    ("ts >= '2026-08-02' and ts < '2026-08-02 06:00:00' and dst_port in (53, 443)",
     "ts >= '2026-08-02' and ts < '2026-08-02T06:00:00Z' and dst_port in (53, 443)"),
    ("dst_ip = '203.0.113.7'", "dst_ip = 203.0.113.7"),
    ("conn_state is null or dst_port <> 443", "conn_state is null or not (dst_port = 443)"),
]


@pytest.mark.parametrize("spark_sql,sift_where", SPARK_NEEDLES)
def test_needles_return_sift_querys_rows(spark, conn_table, spark_sql, sift_where):
    """Each reference needle through Spark returns exactly the rows `sift query` prints."""
    got = spark.read.format("sift").load(conn_table).where(spark_sql).select("uid", "src_ip", "dst_ip", "ts").collect()
    out = run_sift("query", conn_table, "--where", sift_where, "--columns", "uid,src_ip,dst_ip,ts")
    expected = sorted((r["uid"], r["src_ip"], r["dst_ip"], r["ts"]) for r in map(json.loads, out.splitlines()))
    as_cli = sorted((r.uid, r.src_ip, r.dst_ip, r.ts.strftime("%Y-%m-%dT%H:%M:%S.%fZ")) for r in got)
    assert as_cli == expected


def test_filters_sift_decides_exactly_are_pushed_and_the_rest_returned(spark, conn_table):
    from pyspark.sql.datasource import EqualTo, GreaterThan, In, IsNull, Not, StringContains, StringEndsWith
    reader = SiftReader(conn_table, {}, spark.read.format("sift").load(conn_table).schema)
    filters = [EqualTo(("dst_port",), 22), EqualTo(("src_ip",), "10.2.3.233"), StringEndsWith(("domain",), ".de"),
               Not(In(("proto",), ("icmp", "it's"))), IsNull(("service",)),
               StringContains(("uid",), "x"),            # a substring test on a string column: Sift's contains
               GreaterThan(("duration",), 1.0),          # Spark orders NaN above numbers; Sift does not
               EqualTo(("dst_ip",), "010.2.3.233"),      # not the text Sift shows: string equality differs
               EqualTo(("src_port",), 2**70),            # out of the column's range
               Not(In(("dst_port",), (22, None)))]       # null, not true, where dst_port is not 22
    leftover = list(reader.pushFilters(filters))
    assert reader.where() == ("dst_port = 22 and src_ip = 10.2.3.233 and domain ends_with '.de' and "
                              "not (proto in ('icmp', 'it\\'s')) and service is null and uid contains 'x'")
    assert leftover == filters[6:]
    # A second query on the same reader starts from no filter.
    assert list(reader.pushFilters([])) == [] and reader.where() is None


def test_tasks_follow_sifts_plan(spark, conn_table):
    small = 200_000  # bytes per task, so the whole table takes several tasks
    load = lambda: spark.read.format("sift").option("target_partition_bytes", str(small)).load(conn_table)
    everything = load().rdd.getNumPartitions()
    needle = load().where("dst_port = 22 and src_ip = '10.2.3.233'")
    units = sift.open(conn_table).plan("dst_port = 22 and src_ip = 10.2.3.233")["units"]
    assert 1 <= needle.rdd.getNumPartitions() <= len(units) < everything
    absent = load().where("dst_ip = '203.0.113.7'")
    assert absent.rdd.getNumPartitions() == 1 and absent.count() == 0  # Spark's one placeholder task reads nothing
    assert load().count() == sift.open(conn_table).num_rows


def test_units_are_packed_in_balanced_tasks_in_whole_rounds_of_the_cores():
    from sift.spark import pack_units
    units = [{"path": f"f{i}.sift", "row_groups": list(range(n)), "bytes": 100 * n, "rows": 10 * n}
             for i, n in enumerate([7, 1, 3, 9, 2])]                                 # 2,200 bytes
    for target, cores, tasks in [(800, 2, 2), (800, 1, 3), (500, 2, 4), (10_000, 2, 1), (100, 4, 20), (100, 3, 21)]:
        packed = pack_units(units, target, cores)
        assert len(packed) == tasks, (target, cores)
        # Every row group once, in plan order.
        pieces = [(p["path"], g) for task in packed for p in task for g in p["row_groups"]]
        assert pieces == [(u["path"], g) for u in units for g in u["row_groups"]]
        # Balanced: each task within one piece (its split of a unit) of an even share.
        sizes = [sum(p["bytes"] for p in task) for task in packed]
        piece = max(p["bytes"] for task in packed for p in task)
        assert all(abs(size - 2200 / tasks) <= piece for size in sizes), (target, cores, sizes)
    assert pack_units([], 800, 2) == []


def test_tasks_come_in_whole_waves_of_the_cores(spark, conn_table):
    """A plan needing a few more tasks than Spark has cores is packed into whole rounds of them
    (local[2]: two tasks, not three), balanced by bytes, every row still read once."""
    where = "proto = 'tcp'"
    units = sift.open(conn_table).plan(where)["units"]
    total = sum(u["bytes"] for u in units)
    assert spark.sparkContext.defaultParallelism == 2 and len(units) >= 3
    load = lambda target: spark.read.format("sift").option("target_partition_bytes", str(target)).load(conn_table).where(where)
    df = load(total * 2 // 5)  # three tasks' worth
    assert df.rdd.getNumPartitions() == 2
    sizes = df.rdd.mapPartitions(lambda rows: [sum(1 for _ in rows)]).collect()
    assert sum(sizes) == sift.open(conn_table).to_table(where, ["uid"]).num_rows
    largest_group = max(u["rows"] / len(u["row_groups"]) for u in units)
    assert max(sizes) - min(sizes) <= largest_group * 1.01
    assert load(total * 2).rdd.getNumPartitions() == 1  # fewer tasks than cores: left alone


def test_where_and_columns_options(spark, conn_table):
    df = (spark.read.format("sift").option("where", "src_ip in 10.2.0.0/16 or dst_port = 3389")
          .option("columns", "ts,src_ip,dst_port").load(conn_table))
    assert df.columns == ["ts", "src_ip", "dst_port"]
    assert df.count() == sift.open(conn_table).to_table("src_ip in 10.2.0.0/16 or dst_port = 3389", ["ts"]).num_rows > 0


def test_a_reused_dataframe_plans_afresh(spark, table):
    df = spark.read.format("sift").load(table)
    needle = df.where("dst_port = 22 and src_ip = '10.2.3.233'")
    before = len(needle.collect())
    assert df.where("proto = 'udp'").count() == sift.open(table).to_table("proto = 'udp'").num_rows
    t = sift.open(table)
    t.append(t.to_table("dst_port = 22 and src_ip = 10.2.3.233").slice(0, 1))
    # collect() reuses the partitions Spark planned before the append.
    assert len(needle.collect()) == before + 1
    assert needle.count() == before + 1


def test_time_travel(spark, table):
    t = sift.open(table)
    v = t.version
    t.append(t.to_table("dst_port = 22").slice(0, 5))
    old = spark.read.format("sift").option("version", str(v)).load(table).count()
    new = spark.read.format("sift").load(table).count()
    assert new == old + 5 == sift.open(table).num_rows


def test_append_overwrite_and_an_idempotent_txn(spark, conn_table, tmp_path):
    target = str(tmp_path / "out")
    sift.create_table(target, sift.open(conn_table).schema, partition_by=["date(ts)"])
    rows = spark.read.format("sift").load(conn_table).where("dst_port = 22")
    n = rows.count()
    rows.write.format("sift").mode("append").option("txn", "job:1").save(target)
    rows.write.format("sift").mode("append").option("txn", "job:1").save(target)  # a retried job
    t = sift.open(target)
    assert t.num_rows == n and t.version == 1
    assert t.history()[-1]["parameters"]["txn"] == "job:1"
    assert sorted(t.to_table(columns=["uid"])["uid"].to_pylist()) == sorted(r.uid for r in rows.select("uid").collect())
    rows.limit(7).write.format("sift").mode("overwrite").save(target)
    assert sift.open(target).num_rows == 7


def test_a_failed_task_commits_nothing(spark, conn_table, tmp_path):
    target = str(tmp_path / "out")
    sift.create_table(target, sift.open(conn_table).schema, partition_by=["date(ts)"])
    rows = spark.read.format("sift").load(conn_table).where("dst_port = 22").repartition(2)
    failing = rows.withColumn("dst_port", F.when(F.col("src_port") > 60000, F.raise_error("task dies")).otherwise(F.col("dst_port")))
    with pytest.raises(Exception, match="task dies"):
        failing.write.format("sift").mode("append").save(target)
    t = sift.open(target)
    assert t.version == 0 and t.num_rows == 0
    assert not [p for p in (tmp_path / "out").rglob("*.sift")], "an aborted job left data files"


def test_string_contains_is_pushed_and_agrees(spark, conn_table):
    from pyspark.sql.functions import col
    df = spark.read.format("sift").load(conn_table).where(col("domain").contains("cdn"))
    expected = sift.open(conn_table).to_table("domain contains 'cdn'", ["ts"]).num_rows
    assert expected > 0 and df.count() == expected
