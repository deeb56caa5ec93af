"""Issue 4's end-to-end comparison: the same generated connection rows as a Sift file and as
Parquet (written by DuckDB), three counting queries timed for `sift cat --count` and for DuckDB
on the Parquet file, each with 1 and 2 threads, medians and ratios."""
import json
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
    subprocess.run([sift, "write", "--input", ndjson, "--output", sift_file, "--force"], check=True, stderr=subprocess.DEVNULL)
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


def time_sift(where, threads, runs):
    """Median of `runs` in-process runs (`--timing-runs`: a freshly opened file each run, no
    process start), and the count."""
    out = subprocess.run([sift, "cat", sift_file, "--where", where, "--count", "--explain", "--json",
                          "--timing-runs", str(runs), "--threads", str(threads)], check=True, capture_output=True, text=True).stdout
    lines = out.strip().splitlines()
    return statistics.median(json.loads(lines[-1])["run_ms"]) / 1000, int(lines[0])


def time_duckdb(where, threads):
    con = duckdb.connect()
    con.execute(f"SET threads={threads}")
    start = time.perf_counter()
    n = con.execute(f"SELECT count(*) FROM read_parquet('{parquet}') WHERE {where}").fetchall()[0][0]
    elapsed = time.perf_counter() - start
    con.close()
    return elapsed, n


print(f"{rows:,} rows; Sift {os.path.getsize(sift_file) / 1e6:.0f} MB, Parquet {os.path.getsize(parquet) / 1e6:.0f} MB; "
      f"medians of {runs} runs each. Both engines in-process, each run opening the file afresh: Sift through "
      f"`sift cat --count --timing-runs`, DuckDB in this Python process with a new connection per run.\n")
print("| query | rows | Sift 1 thread | DuckDB 1 thread | Sift 2 threads | DuckDB 2 threads | Sift speed / DuckDB, 1 thread | 2 threads |")
print("|---|---:|---:|---:|---:|---:|---:|---:|")
for label, sift_where, duck_where in queries:
    s1, n1 = time_sift(sift_where, 1, runs)
    s2, n2 = time_sift(sift_where, 2, runs)
    d1, d2, counts = [], [], {n1, n2}
    for _ in range(runs):
        t, n = time_duckdb(duck_where, 1); d1.append(t); counts.add(n)
        t, n = time_duckdb(duck_where, 2); d2.append(t); counts.add(n)
    assert len(counts) == 1, f"{label}: counts differ: {counts}"
    m1, m2 = statistics.median(d1), statistics.median(d2)
    print(f"| {label}: `{sift_where}` | {n1:,} | {s1 * 1000:.1f} ms | {m1 * 1000:.1f} ms | {s2 * 1000:.1f} ms | {m2 * 1000:.1f} ms | {m1 / s1:.2f}x | {m2 / s2:.2f}x |")
