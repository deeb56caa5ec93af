"""Times `sift write` and DuckDB's NDJSON-to-Parquet COPY alternately on the same file."""
import os
import statistics
import subprocess
import sys
import time

import duckdb

sift, ndjson, work, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
size = os.path.getsize(ndjson)


def run_sift():
    start = time.perf_counter()
    subprocess.run([sift, "write", "--input", ndjson, "--output", os.path.join(work, "out.sift"), "--force"], check=True, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def run_duckdb(threads, options=""):
    con = duckdb.connect()
    con.execute(f"SET threads={threads}")
    start = time.perf_counter()
    con.execute(f"COPY (SELECT * FROM read_json_auto('{ndjson}')) TO '{os.path.join(work, 'out.parquet')}' (FORMAT parquet{options})")
    elapsed = time.perf_counter() - start
    con.close()
    return elapsed


times = {"sift write (all cores)": [], "duckdb COPY (2 threads)": [], "duckdb COPY (2 threads), zstd": []}
sizes = {}
for _ in range(runs):
    times["sift write (all cores)"].append(run_sift())
    sizes["sift write (all cores)"] = os.path.getsize(os.path.join(work, "out.sift"))
    times["duckdb COPY (2 threads)"].append(run_duckdb(2))
    sizes["duckdb COPY (2 threads)"] = os.path.getsize(os.path.join(work, "out.parquet"))
    times["duckdb COPY (2 threads), zstd"].append(run_duckdb(2, ", COMPRESSION zstd"))
    sizes["duckdb COPY (2 threads), zstd"] = os.path.getsize(os.path.join(work, "out.parquet"))
print(f"{size / 1e6:.0f} MB of NDJSON, {runs} alternating runs, medians\n")
print("| tool | median s | MB/s of input | output MB |")
print("|---|---:|---:|---:|")
for name, values in times.items():
    m = statistics.median(values)
    print(f"| {name} | {m:.2f} | {size / 1e6 / m:.0f} | {sizes[name] / 1e6:.1f} |")
ratio = statistics.median(times["duckdb COPY (2 threads)"]) / statistics.median(times["sift write (all cores)"])
print(f"\nsift speed / duckdb speed: {ratio:.2f}x (above 1 means sift is faster)")
