"""A 30-day connection table, before and after optimize: issue 5's targets, measured.

Generates N connection rows (sift gen, 30 days), creates a table partitioned by date(ts),
appends the rows, runs the reference queries, optimizes with Hilbert clustering on
(src_ip, dst_ip) and runs them again. Needles are picked from the data with DuckDB
(deterministic: ordered by value). Prints a markdown table of the share of the table's bytes
each query read, with rows matched (checked equal before and after), and the times of
append, optimize and planning.
"""
import json
import os
import shutil
import subprocess
import sys
import time

import duckdb

from queryset import reference_queries

sift, rows, work = sys.argv[1], int(sys.argv[2]), sys.argv[3]
ndjson = os.path.join(work, f"conn-{rows}.ndjson")
if not os.path.exists(ndjson):
    subprocess.run([sift, "gen", "conn", "--rows", str(rows), "--days", "30", "--seed", "1", "--output", ndjson], check=True)
table = os.path.join(work, f"table-{rows}")
shutil.rmtree(table, ignore_errors=True)

def run(args):
    started = time.monotonic()
    subprocess.run([sift] + args, check=True, stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    return time.monotonic() - started

sample = os.path.join(work, "sample.ndjson")
with open(ndjson) as src, open(sample, "w") as dst:
    for _, line in zip(range(100000), src):
        dst.write(line)
run(["table", "create", table, "--infer-from", sample, "--partition-by", "date(ts)", "--cluster-by", "hilbert:src_ip,dst_ip"])
append_seconds = run(["table", "append", table, ndjson])

con = duckdb.connect()
con.execute("SET TimeZone = 'UTC'")
con.execute(f"CREATE VIEW c AS SELECT * FROM read_json_auto('{ndjson}')")
queries = reference_queries(con)

def measure(*flags):
    out = {}
    for label, where in queries:
        text = subprocess.run([sift, "query", table, "--where", where, "--columns", "ts", "--explain", "--json", *flags],
                              check=True, capture_output=True, text=True).stdout
        out[label] = json.loads(text.strip().splitlines()[-1])
    return out

before = measure()
optimize_seconds = run(["table", "optimize", table, "--target-file-mb", "64"])
after = measure()
no_index = measure("--no-table-index")

print(f"{rows:,} rows over 30 days; table partitioned by date(ts); append {append_seconds:.1f} s, "
      f"optimize (Hilbert on src_ip, dst_ip, 64 MiB files) {optimize_seconds:.1f} s\n")
print("| query | files read, arrival order | bytes read, arrival order | files read, optimized | bytes read, optimized | optimized without the table index: files, bytes | planning (snapshot + plan) |")
print("|---|---:|---:|---:|---:|---:|---:|")
for label, where in queries:
    b, a, n = before[label], after[label], no_index[label]
    assert b["rows_matched"] == a["rows_matched"] == n["rows_matched"], f"{label}: rows differ: {b['rows_matched']} vs {a['rows_matched']} vs {n['rows_matched']}"
    print(f"| {label}: `{where}` ({a['rows_matched']} rows) | {b['files_read']}/{b['files_total']} | "
          f"{100 * b['bytes_read'] / b['bytes_total']:.3f}% | {a['files_read']}/{a['files_total']} | "
          f"{100 * a['bytes_read'] / a['bytes_total']:.3f}% | {n['files_read']}/{n['files_total']}, "
          f"{100 * n['bytes_read'] / n['bytes_total']:.3f}% | {a['snapshot_ms'] + a['planning_ms']:.1f} ms |")
index_bytes = sum(os.path.getsize(os.path.join(table, "_sift_index", f)) for f in os.listdir(os.path.join(table, "_sift_index")))
data_bytes = after[queries[0][0]]["bytes_total"]
print(f"\nTable index segments: {len(os.listdir(os.path.join(table, '_sift_index')))} files, {index_bytes:,} bytes "
      f"({100 * index_bytes / data_bytes:.1f}% of the live data files' {data_bytes:,} bytes; segments of files optimize replaced stay until vacuum).")
