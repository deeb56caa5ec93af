"""Bytes read per query and layout: the indexing targets of issue 3, measured.

Generates N connection rows (sift gen), writes them unclustered and clustered, picks needles
from the data with DuckDB (deterministic: ordered by value), runs each query with
`sift cat --where ... --explain --json`, and prints a markdown table of the share of each
file read, with rows matched (checked equal across layouts).
"""
import json
import os
import subprocess
import sys

import duckdb

from queryset import reference_queries

sift, rows, work = sys.argv[1], int(sys.argv[2]), sys.argv[3]
ndjson = os.path.join(work, f"conn-{rows}.ndjson")
if not os.path.exists(ndjson):
    subprocess.run([sift, "gen", "conn", "--rows", str(rows), "--days", "30", "--seed", "1", "--output", ndjson], check=True)

layouts = {
    "arrival order": [],
    "zorder:src_ip,dst_ip": ["--cluster", "zorder:src_ip,dst_ip"],
    "hilbert:src_ip,dst_ip": ["--cluster", "hilbert:src_ip,dst_ip"],
    "zorder:ts,src_ip,dst_ip": ["--cluster", "zorder:ts,src_ip,dst_ip"],
    "hilbert:src_ip,dst_ip,domain": ["--cluster", "hilbert:src_ip,dst_ip,domain"],
    "hilbert-raw:src_ip,dst_ip": ["--cluster", "hilbert-raw:src_ip,dst_ip"],
    "hilbert-raw:src_ip,dst_ip,domain": ["--cluster", "hilbert-raw:src_ip,dst_ip,domain"],
}
files = {}
for name, extra in layouts.items():
    path = os.path.join(work, f"conn-{rows}-{name.replace(':', '-').replace(',', '-').replace(' ', '-')}.sift")
    if not os.path.exists(path):
        subprocess.run([sift, "write", "--input", ndjson, "--output", path, "--force", "--bloom", "src_ip,dst_ip,domain,dst_port"] + extra, check=True, stderr=subprocess.DEVNULL)
    files[name] = path

con = duckdb.connect()
con.execute("SET TimeZone = 'UTC'")
con.execute(f"CREATE VIEW c AS SELECT * FROM read_json_auto('{ndjson}')")
queries = reference_queries(con)

print(f"{rows:,} rows; share of each file's bytes read (footer and bloom filters included), rows matched\n")
print("| query | " + " | ".join(layouts) + " |")
print("|---|" + "---:|" * len(layouts))
for label, where in queries:
    cells, matched = [], set()
    for name in layouts:
        out = subprocess.run([sift, "cat", files[name], "--where", where, "--columns", "ts", "--explain", "--json"], check=True, capture_output=True, text=True).stdout
        report = json.loads(out.strip().splitlines()[-1])
        matched.add(report["rows_matched"])
        cells.append(f"{100 * report['bytes_read'] / report['bytes_total']:.3f}%")
    assert len(matched) == 1, f"{label}: row counts differ across layouts: {matched}"
    print(f"| {label}: `{where}` ({matched.pop()} rows) | " + " | ".join(cells) + " |")
