"""Sift through Python (the Arrow C stream) against pyarrow and DuckDB on Parquet, same rows,
one run (issue 14's benchmark):

1. a full scan into pyarrow: `pa.table(sift.open(t).scan())` against `pq.read_table` of the
   same rows written by pyarrow as Parquet (zstd, 131,072-row row groups, same Arrow types);
2. needles through Python (`t.to_table(where)`) against the same needle run in-process by the
   CLI (`sift query --timing-runs`, run_ms);
3. DuckDB SQL (a group-by) over a pruned Sift scan against DuckDB over the Parquet file with the
   predicate in SQL.

    python compare_python.py SIFT_BINARY ROWS WORKDIR RUNS
"""
from __future__ import annotations

import ipaddress
import json
import os
import statistics
import subprocess
import sys
import time

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

import sift

SIFT, ROWS, WORK, RUNS = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
THREADS = os.cpu_count() or 2


def run(*args: str) -> str:
    return subprocess.run([SIFT, *args], check=True, capture_output=True, text=True).stdout


def median_seconds(fn, runs: int = RUNS) -> float:
    fn()  # warm: page cache, lazy loading
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def build() -> tuple[str, str]:
    os.makedirs(WORK, exist_ok=True)
    logs, table, parquet = f"{WORK}/conn.ndjson", f"{WORK}/conn", f"{WORK}/conn.parquet"
    if not os.path.exists(f"{table}/_sift_log"):
        if not os.path.exists(logs):
            run("gen", "conn", "--rows", str(ROWS), "--days", "30", "--start", "2026-08-01", "--output", logs)
        run("table", "create", table, "--infer-from", logs, "--partition-by", "date(ts)", "--cluster-by", "hilbert:src_ip,dst_ip")
        run("table", "append", table, logs)
        run("table", "optimize", table)
    if not os.path.exists(parquet):
        # The same rows, in the same Arrow types, as pyarrow writes Parquet.
        with pq.ParquetWriter(parquet, sift.open(table).schema, compression="zstd") as writer:
            for batch in sift.open(table).scan():
                writer.write_batch(batch, row_group_size=131_072)
    return table, parquet


def ipv6_bytes(address) -> str:
    """The 16 network-order bytes Sift's ipv6 storage (and so the Parquet copy) holds, as hex."""
    ip = ipaddress.ip_address(str(address))
    if ip.version == 4:
        ip = ipaddress.IPv6Address("::ffff:" + str(ip))
    return ip.packed.hex()


def main() -> None:
    table, parquet = build()
    t = sift.open(table)
    rows = t.num_rows
    out: dict = {"rows": rows, "threads": THREADS, "runs": RUNS}
    print(f"{rows} rows; Sift table {t.info['bytes'] / 2**20:.0f} MiB in {t.info['files']} files, "
          f"Parquet {os.path.getsize(parquet) / 2**20:.0f} MiB; {THREADS} threads, median of {RUNS}")

    # 1. Full scan into pyarrow.
    assert pa.table(sift.open(table).scan()).num_rows == pq.read_table(parquet).num_rows == rows
    sift_full = median_seconds(lambda: pa.table(sift.open(table).scan()))
    pq_full = median_seconds(lambda: pq.read_table(parquet))
    out["full_scan"] = {"sift_s": sift_full, "parquet_s": pq_full, "sift_rows_per_s": rows / sift_full, "parquet_rows_per_s": rows / pq_full,
                        "ratio": pq_full / sift_full}
    print(f"full scan into pyarrow: Sift {rows / sift_full / 1e6:.1f}M rows/s ({sift_full * 1000:.0f} ms), "
          f"pq.read_table {rows / pq_full / 1e6:.1f}M rows/s ({pq_full * 1000:.0f} ms): {pq_full / sift_full:.2f}x")

    # 2. Needles: Python against the CLI in-process.
    pair = t.to_table("dst_port = 22", ["src_ip", "dst_ip"]).slice(0, 1).to_pylist()[0]
    needles = {
        "two-column needle": f"src_ip = {pair['src_ip']} and dst_ip = {pair['dst_ip']}",
        "rare port": "dst_port = 22 and src_ip in 10.2.0.0/16",
        "absent address": "dst_ip = 203.0.113.7",
        "domain suffix": "domain ends_with '.evil.example'",
    }
    out["needles"] = {}
    for name, where in needles.items():
        matched = sift.open(table).to_table(where).num_rows
        py = median_seconds(lambda: sift.open(table).to_table(where), runs=max(RUNS, 9))
        report = json.loads(run("query", table, "--where", where, "--explain", "--json", "--timing-runs", str(max(RUNS, 9))).splitlines()[-1])
        cli = statistics.median(report["run_ms"]) / 1000
        out["needles"][name] = {"where": where, "rows": matched, "python_s": py, "cli_in_process_s": cli, "ratio": py / cli}
        print(f"needle {name!r} ({matched} rows): Python {py * 1000:.1f} ms, CLI in-process {cli * 1000:.1f} ms: {py / cli:.2f}x")

    # 3. DuckDB SQL over a pruned Sift scan against DuckDB over Parquet: a selective hunt (who
    # talked to one destination, by source) and a broad one (port 22 from a /16).
    out["duckdb_group_by"] = {}
    for name, where, sql_where in [
        ("who talked to one destination", f"dst_ip = {pair['dst_ip']}", f"dst_ip = from_hex('{ipv6_bytes(pair['dst_ip'])}')"),
        ("port 22 from a /16", "dst_port = 22 and src_ip in 10.2.0.0/16", "dst_port = 22 and src_ip >= 167903232 and src_ip <= 167968767"),
    ]:
        def duck_sift():
            scan = sift.open(table).scan(where=where, columns=["src_ip", "dst_port", "bytes_out"])
            return duckdb.sql("select src_ip, count(*), sum(bytes_out) from scan group by 1").fetchall()
        def duck_parquet():
            return duckdb.sql(f"select src_ip, count(*), sum(bytes_out) from read_parquet('{parquet}') where {sql_where} group by 1").fetchall()
        assert sorted(duck_sift()) == sorted(duck_parquet()) and duck_sift(), f"{name}: DuckDB over Sift and over Parquet disagree"
        ds, dp = median_seconds(duck_sift), median_seconds(duck_parquet)
        out["duckdb_group_by"][name] = {"where": where, "over_sift_scan_s": ds, "over_parquet_s": dp, "ratio": dp / ds}
        print(f"DuckDB group-by, {name}: over a pruned Sift scan {ds * 1000:.1f} ms, over Parquet {dp * 1000:.1f} ms: {dp / ds:.2f}x")
    with open(f"{WORK}/python_results.json", "w") as f:
        json.dump(out, f, indent=2)


main()
