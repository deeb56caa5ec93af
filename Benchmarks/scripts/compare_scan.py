"""Issue 4's end-to-end comparison: the same generated connection rows as a Sift file and as
Parquet (written by DuckDB), three counting queries timed for `sift cat --count` and for DuckDB
on the Parquet file with 1 and 2 threads, alternating runs, medians and ratios.

Sift's scan is single-threaded for now, so its one number is set against both of DuckDB's."""
import os
import statistics
import subprocess
import sys
import time

import duckdb

sift, rows, work, runs = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
ndjson = os.path.join(work, f"conn-{rows}.ndjson")
if not os.path.exists(ndjson):
    subprocess.run([sift, "gen", "conn", "--rows", str(rows), "--days", "30", "--seed", "1", "--output", ndjson], check=True)
sift_file = os.path.join(work, f"conn-{rows}.sift")
if not os.path.exists(sift_file):
    subprocess.run([sift, "write", "--input", ndjson, "--output", sift_file], check=True, stderr=subprocess.DEVNULL)
parquet = os.path.join(work, f"conn-{rows}.parquet")
if not os.path.exists(parquet):
    con = duckdb.connect()
    con.execute(f"COPY (SELECT * FROM read_json_auto('{ndjson}')) TO '{parquet}' (FORMAT parquet)")
    con.close()

queries = [
    ("rare port", "dst_port = 666", "dst_port = 666"),
    ("a network and big uploads", "dst_ip in 10.0.0.0/8 and bytes_out > 1000000",
     "starts_with(dst_ip, '10.') and bytes_out > 1000000"),
    ("full scan, a range", "bytes_out between 1000 and 50000", "bytes_out between 1000 and 50000"),
]


def time_sift(where):
    start = time.perf_counter()
    out = subprocess.run([sift, "cat", sift_file, "--where", where, "--count"], check=True, capture_output=True, text=True).stdout
    return time.perf_counter() - start, int(out.strip())


def time_duckdb(where, threads):
    con = duckdb.connect()
    con.execute(f"SET threads={threads}")
    start = time.perf_counter()
    n = con.execute(f"SELECT count(*) FROM read_parquet('{parquet}') WHERE {where}").fetchone()[0]
    elapsed = time.perf_counter() - start
    con.close()
    return elapsed, n


def time_start():
    start = time.perf_counter()
    subprocess.run([sift, "--help"], check=True, capture_output=True)
    return time.perf_counter() - start


startup = statistics.median([time_start() for _ in range(5)])
print(f"{rows:,} rows; Sift {os.path.getsize(sift_file) / 1e6:.0f} MB, Parquet {os.path.getsize(parquet) / 1e6:.0f} MB; "
      f"{runs} alternating runs, medians. Each sift run is a new process: starting one (`sift --help`) "
      f"takes {startup * 1000:.0f} ms here, included below; DuckDB runs in this Python process, a new connection each time.\n")
print("| query | rows | sift (1 thread) | duckdb 1 thread | duckdb 2 threads | sift speed / duckdb 1t | sift speed / duckdb 2t |")
print("|---|---:|---:|---:|---:|---:|---:|")
for label, sift_where, duck_where in queries:
    s, d1, d2 = [], [], []
    counts = set()
    for _ in range(runs):
        t, n = time_sift(sift_where); s.append(t); counts.add(("sift", n))
        t, n = time_duckdb(duck_where, 1); d1.append(t); counts.add(("duckdb", n))
        t, n = time_duckdb(duck_where, 2); d2.append(t)
    ns = {n for _, n in counts}
    assert len(ns) == 1, f"{label}: counts differ: {counts}"
    ms, m1, m2 = statistics.median(s), statistics.median(d1), statistics.median(d2)
    print(f"| {label}: `{sift_where}` | {ns.pop():,} | {ms * 1000:.0f} ms | {m1 * 1000:.0f} ms | {m2 * 1000:.0f} ms | {m1 / ms:.2f}x | {m2 / ms:.2f}x |")
