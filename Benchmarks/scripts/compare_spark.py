"""Sift on Spark against Spark's own Parquet reader, on the project's standalone cluster, same
rows, one run (issue 15's benchmark).

Readers and layouts: the Sift table (daily partitions, Hilbert on src_ip,dst_ip) through the
Python source (`format("sift")`) and through the JVM reader (`format("sift-jvm")`, which gets
Spark's column pruning); Parquet written by Spark
from the same DataFrame (arrival order); Parquet written by Spark sorted by (src_ip, dst_ip), the
strongest IP layout plain Parquet gets. For each reference needle and a full-scan aggregate:
wall time (median), scan tasks launched, bytes Sift read (its explain report; Spark 4.3's input
metrics for Parquet scans came out far below the pages a needle must read, so they are not
reported), and the row count (checked equal everywhere). A needle's time is Spark's noop sink
over it (every row and column made in the JVM, none sent to Python). Then
an ETL job: one day of events written into a Sift table against written as Parquet.

    python compare_spark.py SIFT_TABLE WORKDIR MASTER_URL RUNS SIFT_BIN JVM_JAR
"""
from __future__ import annotations

import json
import os
import shutil
import statistics
import sys
import time

from pyspark.sql import SparkSession, functions as F

import sift
from sift.spark import register

TABLE, WORK, MASTER, RUNS, SIFT_BIN, JVM_JAR = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5], sys.argv[6]
os.environ["PYSPARK_PYTHON"] = sys.executable


def session() -> SparkSession:
    s = (SparkSession.builder.master(MASTER).appName("sift-bench")
         .config("spark.sql.python.filterPushdown.enabled", "true")
         .config("spark.sql.session.timeZone", "UTC")
         .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
         .config("spark.ui.enabled", "false").config("spark.executor.memory", "1536m")
         .config("spark.jars", JVM_JAR).config("spark.sift.bin", SIFT_BIN)
         .getOrCreate())
    s.sparkContext.setLogLevel("ERROR")
    register(s)
    return s


def timed(fn, runs=RUNS):
    # Warm-up: Spark sends each reader's classes (and the JVM reader's jar) to an executor at its
    # first task there; three runs touch both executors before any run is timed.
    for _ in range(3):
        fn()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> None:
    spark = session()
    os.makedirs(WORK, exist_ok=True)
    plain, ordered = f"{WORK}/spark.parquet", f"{WORK}/spark-sorted.parquet"
    source = spark.read.format("sift").load(TABLE)
    if not os.path.exists(plain):
        source.write.parquet(plain, compression="zstd")
    if not os.path.exists(ordered):
        source.orderBy("src_ip", "dst_ip").write.parquet(ordered, compression="zstd")
    t = sift.open(TABLE)
    pair = t.to_table("dst_port = 22", ["src_ip", "dst_ip"], ips="text").slice(0, 1).to_pylist()[0]
    busy = (spark.read.parquet(plain).groupBy("src_ip").count().orderBy(F.desc("count")).limit(6).collect()[-1]["src_ip"])
    needles = [
        ("two-column needle", f"src_ip = '{pair['src_ip']}' and dst_ip = '{pair['dst_ip']}'",
         f"src_ip = {pair['src_ip']} and dst_ip = {pair['dst_ip']}"),
        ("rare destination", f"dst_ip = '{pair['dst_ip']}'", f"dst_ip = {pair['dst_ip']}"),
        ("absent address", "dst_ip = '203.0.113.7'", "dst_ip = 203.0.113.7"),
        ("rare port", "dst_port = 666", "dst_port = 666"),
        ("domain suffix", "domain like '%.evil.example'", "domain ends_with '.evil.example'"),
        ("busy internal host", f"src_ip = '{busy}'", f"src_ip = {busy}"),
    ]
    layouts = {
        "sift": lambda: spark.read.format("sift").load(TABLE),
        "sift-jvm": lambda: spark.read.format("sift-jvm").load(TABLE),
        "parquet (Spark)": lambda: spark.read.parquet(plain),
        "parquet sorted by src_ip,dst_ip": lambda: spark.read.parquet(ordered),
    }
    results: dict = {"rows": t.num_rows, "needles": {}, "aggregate": {}}
    print(f"{t.num_rows} rows on {MASTER}; median of {RUNS}")
    for name, sql, where in needles:
        results["needles"][name] = {}
        for layout, load in layouts.items():
            # Every row and column materialised in the JVM (Spark's noop sink), not shipped to
            # Python: collect() of a busy host's 447k rows costs ~7 s of Python on any reader.
            seconds, _ = timed(lambda: load().where(sql).write.format("noop").mode("overwrite").save())
            rows = load().where(sql).collect()
            tasks = load().where(sql).rdd.getNumPartitions()
            read = sift.open(TABLE).explain(where)["bytes_read"] if layout.startswith("sift") else None
            results["needles"][name][layout] = {"seconds": seconds, "rows": len(rows), "tasks": tasks, "bytes_read": read}
            shown = f"{read / 2**20:8.1f} MiB read" if read is not None else ""
            print(f"  {name:20s} {layout:32s} {seconds * 1000:8.0f} ms  {len(rows):7d} rows  {tasks:4d} tasks  {shown}")
        counts = {v["rows"] for v in results["needles"][name].values()}
        assert len(counts) == 1, f"{name}: the layouts disagree: {results['needles'][name]}"
    # The Python source gets no projection from Spark; its `columns` option is the way round.
    aggregate_layouts = dict(layouts, **{"sift, columns option": lambda: spark.read.format("sift").option("columns", "proto,bytes_out").load(TABLE)})
    answers = {}
    for layout, load in aggregate_layouts.items():
        seconds, rows = timed(lambda: load().groupBy("proto").agg(F.count("*"), F.sum("bytes_out")).collect(), runs=max(1, RUNS // 2))
        tasks = load().rdd.getNumPartitions()
        answers[layout] = sorted(tuple(r) for r in rows)
        results["aggregate"][layout] = {"seconds": seconds, "tasks": tasks}
        print(f"  full-scan aggregate  {layout:32s} {seconds * 1000:8.0f} ms  {tasks:4d} tasks")
    assert len(set(map(tuple, answers.values()))) == 1, f"the aggregates disagree: {answers}"

    # ETL: one day of events into a Sift table, against Parquet.
    day = spark.read.parquet(plain).where("ts >= '2026-08-10' and ts < '2026-08-11'").cache()
    n = day.count()
    target = f"{WORK}/etl-sift"
    def etl_sift():
        shutil.rmtree(target, ignore_errors=True)
        sift.create_table(target, sift.open(TABLE).schema, partition_by=["date(ts)"]).close()
        day.write.format("sift").mode("append").save(target)
    def etl_parquet():
        shutil.rmtree(f"{WORK}/etl.parquet", ignore_errors=True)
        day.write.parquet(f"{WORK}/etl.parquet", compression="zstd")
    s_sift, _ = timed(etl_sift, runs=max(1, RUNS // 2))
    s_pq, _ = timed(etl_parquet, runs=max(1, RUNS // 2))
    assert sift.open(target).num_rows == n
    results["etl"] = {"rows": n, "sift_s": s_sift, "parquet_s": s_pq}
    print(f"  ETL of one day ({n} rows): into a Sift table {s_sift * 1000:.0f} ms, into Parquet {s_pq * 1000:.0f} ms")
    with open(f"{WORK}/spark_results.json", "w") as f:
        json.dump(results, f, indent=2)
    spark.stop()


main()
