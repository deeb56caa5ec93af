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

sift, rows, work = sys.argv[1], int(sys.argv[2]), sys.argv[3]
ndjson = os.path.join(work, f"conn-{rows}.ndjson")
if not os.path.exists(ndjson):
    subprocess.run([sift, "gen", "conn", "--rows", str(rows), "--days", "30", "--seed", "1", "--output", ndjson], check=True)

layouts = {
    "arrival order": [],
    "zorder:src_ip,dst_ip": ["--cluster", "zorder:src_ip,dst_ip"],
    "hilbert:src_ip,dst_ip": ["--cluster", "hilbert:src_ip,dst_ip"],
    "zorder:ts,src_ip,dst_ip": ["--cluster", "zorder:ts,src_ip,dst_ip"],
}
files = {}
for name, extra in layouts.items():
    path = os.path.join(work, f"conn-{rows}-{name.replace(':', '-').replace(',', '-').replace(' ', '-')}.sift")
    if not os.path.exists(path):
        subprocess.run([sift, "write", "--input", ndjson, "--output", path, "--bloom", "src_ip,dst_ip,domain,dst_port"] + extra, check=True, stderr=subprocess.DEVNULL)
    files[name] = path

con = duckdb.connect()
con.execute("SET TimeZone = 'UTC'")
con.execute(f"CREATE VIEW c AS SELECT * FROM read_json_auto('{ndjson}')")
def one(sql):
    return con.execute(sql).fetchone()

pair = one("SELECT src_ip, dst_ip FROM c WHERE dst_ip NOT LIKE '%:%' GROUP BY 1, 2 HAVING count(*) = 1 ORDER BY 1, 2 LIMIT 1 OFFSET 1000")
rare_ip = one("SELECT dst_ip FROM c WHERE dst_ip NOT LIKE '%:%' GROUP BY 1 HAVING count(*) = 1 ORDER BY 1 LIMIT 1 OFFSET 500")[0]
common_ip = one("SELECT dst_ip FROM c GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1 OFFSET 20")[0]
busy_host, busy_count = one("SELECT src_ip, count(*) FROM c GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1 OFFSET 5")
rare_domain = one("SELECT domain FROM c WHERE domain IS NOT NULL GROUP BY 1 ORDER BY count(*), 1 LIMIT 1 OFFSET 100")[0]
suffix = "." + ".".join(rare_domain.split(".")[-2:])
net16 = ".".join(rare_ip.split(".")[:2]) + ".0.0/16"
day = one("SELECT strftime(min(ts) + INTERVAL 1 DAY, '%Y-%m-%d') FROM c")[0]
queries = [
    ("two-column needle", f"src_ip = {pair[0]} and dst_ip = {pair[1]}"),
    ("rare external IP", f"dst_ip = {rare_ip}"),
    ("common external IP", f"dst_ip = {common_ip}"),
    (f"busy internal host ({busy_count} rows)", f"src_ip = {busy_host}"),
    ("a /16 block", f"dst_ip in {net16}"),
    ("rare domain", f"domain = '{rare_domain}'"),
    ("domain suffix", f"domain ends_with '{suffix}'"),
    ("rare port", "dst_port = 666"),
    ("one day and an IP", f"ts between '{day}T12:00:00Z' and '{day}T23:59:59Z' and dst_ip = {common_ip}"),
    ("absent IP", "dst_ip = 203.0.113.77"),
]

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
