"""Spark's JVM reader, `format("sift-jvm")` (jvm/, built by `make jvm`): Spark prunes columns
and pushes AND/OR/NOT of exact comparisons, the driver plans with `sift plan`, each task runs
`sift query --units` and reads its Arrow stream as columnar batches. Checked against `sift
query` and against the Python source, on local[2] (make test) or the cluster (make spark-test)."""
from __future__ import annotations

import json
import math
import shutil

import pytest

import sift
from conftest import run_sift, spark_jar
from test_spark import SPARK_NEEDLES
from test_write import every_type

pytest.importorskip("pyspark", reason="pyspark is installed by `make python`")
pytestmark = pytest.mark.skipif(not spark_jar().exists(), reason="the JVM reader is built by `make jvm`")


def load(spark, path, **options):
    reader = spark.read.format("sift-jvm")
    for key, value in options.items():
        reader = reader.option(key, value)
    return reader.load(path)


def scan_node(df) -> str:
    """The physical plan's scan: its columns and the predicate Sift was handed."""
    return next(line for line in df._jdf.queryExecution().executedPlan().toString().splitlines() if "BatchScan" in line)


@pytest.fixture()
def table(conn_table, tmp_path):
    path = tmp_path / "conn"
    shutil.copytree(conn_table, path)
    return str(path)


@pytest.mark.parametrize("spark_sql,sift_where", SPARK_NEEDLES + [
    ("(dst_port = 3389 or dst_port = 22) and not (proto = 'udp')", "dst_port in (22, 3389) and not (proto = 'udp')"),
])
def test_needles_return_sift_querys_rows(spark, conn_table, spark_sql, sift_where):
    got = load(spark, conn_table).where(spark_sql).select("uid", "src_ip", "dst_ip", "ts").collect()
    out = run_sift("query", conn_table, "--where", sift_where, "--columns", "uid,src_ip,dst_ip,ts")
    expected = sorted((r["uid"], r["src_ip"], r["dst_ip"], r["ts"]) for r in map(json.loads, out.splitlines()))
    assert sorted((r.uid, r.src_ip, r.dst_ip, r.ts.strftime("%Y-%m-%dT%H:%M:%S.%fZ")) for r in got) == expected


def test_rows_equal_the_python_sources(spark, conn_table):
    """Every column, every type of the connection table, the same as format("sift") gives."""
    where = "dst_port in (22, 3389) or domain like '%.de'"
    jvm = load(spark, conn_table).where(where).collect()
    python = spark.read.format("sift").load(conn_table).where(where).collect()
    assert len(jvm) > 0 and sorted(jvm) == sorted(python)


def test_filters_are_pushed_and_columns_pruned(spark, conn_table):
    df = (load(spark, conn_table).where("(dst_port = 22 or dst_port = 3389) and src_ip = '10.2.3.233' and duration > 1.0")
          .select("uid"))
    node = scan_node(df)
    # OR reaches Sift (a Python source is never handed one); doubles' order is left to Spark.
    assert "((dst_port = 22) or (dst_port = 3389))" in node and "(src_ip = 10.2.3.233)" in node
    assert "duration >" not in node.split(" where ", 1)[1]
    # Only the columns the query needs: the projection and the filter Spark kept.
    assert "[uid#" in node and "duration#" in node and "domain#" not in node
    assert df.count() == sift.open(conn_table).to_table("dst_port in (22, 3389) and src_ip = 10.2.3.233 and duration > 1.0", ["uid"]).num_rows


def test_literals_sift_would_judge_differently_stay_with_spark(spark, conn_table):
    for spark_sql in ["dst_ip = '010.2.3.233'", "src_port = 4000000000000", "dst_ip > '10.0.0.0'", "duration = double('NaN')"]:
        node = scan_node(load(spark, conn_table).where(spark_sql))
        assert " where " not in node or "is not null" in node.split(" where ", 1)[1].replace("(", "").split(")")[0], (spark_sql, node)


def test_tasks_follow_sifts_plan(spark, conn_table):
    small = "200000"
    everything = load(spark, conn_table, target_partition_bytes=small).rdd.getNumPartitions()
    needle = load(spark, conn_table, target_partition_bytes=small).where("dst_port = 22 and src_ip = '10.2.3.233'")
    units = sift.open(conn_table).plan("dst_port = 22 and src_ip = 10.2.3.233")["units"]
    assert 1 <= needle.rdd.getNumPartitions() <= len(units) < everything
    absent = load(spark, conn_table).where("dst_ip = '203.0.113.7'")
    assert absent.rdd.getNumPartitions() == 1 and absent.count() == 0  # one task that only checks the version
    assert load(spark, conn_table).count() == sift.open(conn_table).num_rows
    assert load(spark, conn_table).limit(3).count() == 3  # a task that stops early stops its command


def test_tasks_come_in_whole_waves_of_the_cores(spark, conn_table):
    """A plan needing a few more tasks than Spark has cores is packed into whole rounds of them
    (local[2]: two tasks, not three), balanced by bytes, every row still read once."""
    where = "proto = 'tcp'"
    units = sift.open(conn_table).plan("proto = 'tcp'")["units"]
    total = sum(u["bytes"] for u in units)
    assert spark.sparkContext.defaultParallelism == 2 and len(units) >= 3
    df = load(spark, conn_table, target_partition_bytes=str(total * 2 // 5)).where(where)  # three tasks' worth
    assert df.rdd.getNumPartitions() == 2
    sizes = df.rdd.mapPartitions(lambda rows: [sum(1 for _ in rows)]).collect()
    assert sum(sizes) == sift.open(conn_table).to_table("proto = 'tcp'", ["uid"]).num_rows
    # Balanced by the plan's bytes (rows track them here) down to a row group, the unit of a split.
    largest_group = max(u["rows"] / len(u["row_groups"]) for u in units)
    assert max(sizes) - min(sizes) <= largest_group * 1.01
    one = load(spark, conn_table, target_partition_bytes=str(total * 2)).where(where)
    assert one.rdd.getNumPartitions() == 1  # fewer tasks than cores: left alone


def test_a_reused_dataframe_plans_afresh(spark, table):
    df = load(spark, table)
    needle = df.where("dst_port = 22 and src_ip = '10.2.3.233'")
    absent = df.where("dst_ip = '203.0.113.99'")
    before = len(needle.collect())
    assert absent.collect() == []
    t = sift.open(table)
    row = t.to_table("dst_port = 22 and src_ip = 10.2.3.233").slice(0, 1)
    t.append(row)
    moved = row.set_column(row.schema.get_field_index("dst_ip"), "dst_ip", sift.ipv6_array(["203.0.113.99"]))
    t.append(moved)
    # Spark keeps the tasks it planned before the appends; they plan again and read it all
    # (both new rows are the needle's; the second is also the once-absent address's).
    assert len(needle.collect()) == before + 2
    assert len(absent.collect()) == 1


def test_time_travel(spark, table):
    t = sift.open(table)
    v = t.version
    t.append(t.to_table("dst_port = 22").slice(0, 5))
    assert load(spark, table, version=str(v)).count() + 5 == load(spark, table).count() == sift.open(table).num_rows


def test_every_type(spark, tmp_path):
    path = str(tmp_path / "types")
    data = every_type()
    sift.create_table(path, data)
    rows = load(spark, path).collect()
    python = spark.read.format("sift").load(path).collect()
    assert len(rows) == 4
    for jvm_row, py_row in zip(sorted(rows, key=repr), sorted(python, key=repr)):
        for a, b in zip(jvm_row, py_row):
            assert a == b or (isinstance(a, float) and math.isnan(a) and math.isnan(b)), (jvm_row, py_row)
    got = {r.u32: r.u16 for r in load(spark, path).where("u32 = 4000000000 or u16 = 7").collect()}
    assert got == {4_000_000_000: 65535, 0: 7}
    assert [r.v6 for r in load(spark, path).where("v6 = '2001:db8::1'").collect()] == ["2001:db8::1"]


def test_errors_name_what_is_wrong(spark, conn_table, tmp_path):
    with pytest.raises(Exception, match="no-such-sift"):
        load(spark, conn_table, sift_bin=str(tmp_path / "no-such-sift")).count()
    with pytest.raises(Exception, match="where"):
        load(spark, conn_table, where="dst_port >>> 3").count()
    with pytest.raises(Exception, match="columns option names 'nope'"):
        load(spark, conn_table, columns="ts,nope").count()


def test_a_single_file_is_refused_by_name(spark, tmp_path):
    path = str(tmp_path / "one.sift")
    sift.write(path, every_type())
    with pytest.raises(Exception, match="single Sift file"):
        load(spark, path).count()


def test_the_package_ships_the_jar():
    from sift.spark import jvm_jar
    assert jvm_jar() is not None and open(jvm_jar(), "rb").read() == spark_jar().read_bytes()


def test_a_needle_is_broadcast_into_a_join(spark, conn_table):
    """The scan reports the plan's rows and bytes, so a needle joins as the small side."""
    conn = load(spark, conn_table)
    needle = conn.where("dst_port = 22 and src_ip = '10.2.3.233'").select("dst_ip")
    everything = conn.select("dst_ip", "uid")
    joined = everything.join(needle.distinct(), "dst_ip")
    plan = joined._jdf.queryExecution().executedPlan().toString()
    assert "BroadcastHashJoin" in plan and "SortMergeJoin" not in plan, plan
    size = lambda df: int(str(df._jdf.queryExecution().optimizedPlan().stats().sizeInBytes()))
    # Without the scan's statistics Spark would take a V2 relation as defaultSizeInBytes (2^63 - 1).
    assert 0 < size(needle) < 10 * 2**20


def test_count_is_answered_by_sift(spark, table):
    """count(*) with pushed filters: each task runs `sift query --count`; Spark adds them up."""
    conn = load(spark, table)
    needle = conn.where("dst_port = 22 or src_ip = '10.2.3.233'")
    assert "count(*)" in scan_node(needle.groupBy().count())
    expected = sift.open(table).to_table("dst_port = 22 or src_ip = 10.2.3.233", ["ts"]).num_rows
    assert needle.count() == expected > 0
    assert conn.count() == sift.open(table).num_rows
    assert conn.where("dst_ip = '203.0.113.99'").count() == 0
    # Not pushed: a filter Spark keeps, or a grouped count.
    assert "count(*)" not in scan_node(conn.where("duration > 1.0").groupBy().count())
    grouped = {r["proto"]: r["count"] for r in conn.groupBy("proto").count().collect()}
    assert sum(grouped.values()) == sift.open(table).num_rows
    # A reused count after a commit counts the new rows too.
    counted = conn.where("dst_ip = '203.0.113.99'")
    assert counted.count() == 0
    t = sift.open(table)
    row = t.to_table("dst_port = 22").slice(0, 1)
    t.append(row.set_column(row.schema.get_field_index("dst_ip"), "dst_ip", sift.ipv6_array(["203.0.113.99"])))
    assert counted.count() == 1


def test_the_translator_decides_what_is_pushed(spark):
    """FilterTranslator (Java) case by case, as test_spark checks the Python source's rules."""
    jvm, gateway = spark._jvm, spark.sparkContext._gateway
    kinds = jvm.java.util.HashMap()
    for name, kind in {"port": "int64", "u16": "uint16", "f": "float64", "ip4": "ipv4", "ip6": "ipv6", "s": "string",
                       "ts": "timestamp", "b": "bool"}.items():
        kinds.put(name, kind)
    translate = jvm.io.sift.spark.FilterTranslator(kinds).translate
    src = jvm.org.apache.spark.sql.sources

    def values(*items):
        array = gateway.new_array(jvm.java.lang.Object, len(items))
        for i, v in enumerate(items):
            array[i] = v
        return array

    cases = [
        (src.EqualTo("port", jvm.java.lang.Long(22)), "port = 22"),
        (src.EqualTo("u16", jvm.java.lang.Integer(70000)), None),                  # out of range
        (src.In("port", values(jvm.java.lang.Long(22), jvm.java.lang.Long(3389))), "port in (22, 3389)"),
        (src.Not(src.In("port", values(jvm.java.lang.Long(22), None))), None),      # null in the list
        (src.EqualTo("f", jvm.java.lang.Double(1.5)), "f = 1.5"),
        (src.GreaterThan("f", jvm.java.lang.Double(1.5)), None),                    # NaN orders differently
        (src.EqualTo("ip4", "10.2.3.4"), "ip4 = 10.2.3.4"),
        (src.EqualTo("ip4", "010.2.3.4"), None),                                    # not Sift's text
        (src.EqualTo("ip6", "2001:db8::1"), "ip6 = 2001:db8::1"),
        (src.EqualTo("ip6", "2001:DB8::1"), None),
        (src.EqualTo("ip6", "2001:db8:0:0:0:0:0:1"), None),
        (src.EqualTo("ip6", "::ffff:10.0.0.1"), None),
        (src.EqualTo("ip6", "10.0.0.1"), "ip6 = 10.0.0.1"),
        (src.GreaterThan("ip4", "10.0.0.0"), None),                                 # text order is not address order
        (src.StringEndsWith("s", "it's"), "s ends_with 'it\\'s'"),
        (src.EqualTo("b", True), "b = true"),
        (src.Or(src.EqualTo("port", jvm.java.lang.Long(1)), src.IsNull("s")), "(port = 1) or (s is null)"),
        (src.And(src.EqualTo("port", jvm.java.lang.Long(1)), src.GreaterThan("f", jvm.java.lang.Double(0.0))), None),
        (src.EqualTo("nope", jvm.java.lang.Long(1)), None),
        (src.GreaterThanOrEqual("ts", jvm.java.time.Instant.parse("2026-08-01T00:00:00Z")), "ts >= '2026-08-01T00:00:00.000000Z'"),
    ]
    for spark_filter, expected in cases:
        assert translate(spark_filter) == expected, spark_filter.toString()


def test_an_aggregate_over_every_batch_of_every_task(spark, conn_table):
    """Sums over the whole table, several tasks of many batches each (the reader reuses one set of
    vectors per task), equal to the same sums over sift's own rows."""
    from pyspark.sql import functions as F
    got = {r["proto"]: (r["n"], r["out"], r["last"]) for r in
           load(spark, conn_table, target_partition_bytes="300000").groupBy("proto")
           .agg(F.count("*").alias("n"), F.sum("bytes_out").alias("out"), F.max("ts").alias("last")).collect()}
    rows = sift.open(conn_table).to_table(columns=["proto", "bytes_out", "ts"]).to_pylist()
    expected = {}
    for r in rows:
        n, out, last = expected.get(r["proto"], (0, 0, None))
        expected[r["proto"]] = (n + 1, out + (r["bytes_out"] or 0), max(last, r["ts"]) if last else r["ts"])
    assert load(spark, conn_table, target_partition_bytes="300000").rdd.getNumPartitions() > 2
    assert {k: (n, out) for k, (n, out, _) in got.items()} == {k: (n, out) for k, (n, out, _) in expected.items()}
    assert {k: last.replace(tzinfo=None) for k, (_, _, last) in got.items()} == \
        {k: last.replace(tzinfo=None) for k, (_, _, last) in expected.items()}


def test_the_skip_report_is_in_sparks_metrics(spark, conn_table):
    """The scan node's metrics (Spark's SQL tab) hold the planner's skip report."""
    where = "dst_port = 22 and src_ip = '10.2.3.233'"
    df = load(spark, conn_table).where(where)
    df.collect()
    node = df._jdf.queryExecution().executedPlan()
    while "BatchScan" not in node.getClass().getSimpleName():
        node = node.children().apply(0)
    metrics = node.metrics()
    value = lambda name: metrics.apply(name).value()
    report = sift.open(conn_table).plan("dst_port = 22 and src_ip = 10.2.3.233", ["ts"])["report"]
    assert value("sift_files_total") == report["files_total"] > 0
    assert value("sift_files_skipped_table_index") == report["files_skipped_by"]["table_index"]
    assert value("sift_files_skipped_partition") + value("sift_files_skipped_file_stats") + \
        value("sift_files_skipped_table_index") + value("sift_files_opened") == report["files_total"]
    assert value("sift_row_groups_left") >= 1 and value("sift_planning_bytes_read") > 0
