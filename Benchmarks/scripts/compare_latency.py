#!/usr/bin/env python3
"""Two Sift builds against DuckDB on one kind of the report's needles, needle by needle.

For the first N needles of a kind in a report's results.json, runs the report's own measurements
interleaved (so machine drift hits all three alike): `sift query --timing-runs` with the old and
the new binary on a Sift table, and DuckDB's `SELECT *` over a peer layout's Parquet files.
Prints the three means and each build's worst needle as a share of DuckDB's time on it, and
fails if a needle's row counts disagree.

    Benchmarks/.venv/bin/python Benchmarks/scripts/compare_latency.py OLD_SIFT NEW_SIFT SIFT_TABLE PARQUET_DIR \\
        [--kind 'busy internal src_ip'] [--needles 50] [--runs 5] [--threads 2] \\
        [--results Benchmarks/results/report-20M-needles/results.json] [--dataset conn]
"""
import argparse
import json
import os
import statistics
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "harness"))
from layouts import parquet_files  # noqa: E402
from report import duckdb_time, sift_measure  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("old_sift")
    parser.add_argument("new_sift")
    parser.add_argument("sift_table")
    parser.add_argument("parquet_dir", help="a peer layout's folder of the report's work directory")
    parser.add_argument("--kind", default="busy internal src_ip")
    parser.add_argument("--needles", type=int, default=50)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--results", default="Benchmarks/results/report-20M-needles/results.json")
    parser.add_argument("--dataset", default="conn")
    args = parser.parse_args()
    results = json.load(open(args.results))
    dataset = next(d for d in results["datasets"] if d["name"] == args.dataset)
    query = next(q for q in dataset["queries"] if q["label"] == args.kind)
    files = parquet_files(args.parquet_dir)
    times = {"old": [], "new": [], "duckdb": []}
    for needle in query["needles"][:args.needles]:
        old = sift_measure(args.old_sift, args.sift_table, needle["sift"], args.runs, args.threads)
        new = sift_measure(args.new_sift, args.sift_table, needle["sift"], args.runs, args.threads)
        duck, rows = duckdb_time(files, needle["sql"], args.runs, args.threads)
        if not old["rows"] == new["rows"] == rows:
            sys.exit(f"{needle['sift']}: rows differ (old {old['rows']}, new {new['rows']}, DuckDB {rows})")
        times["old"].append(old["time_ms"])
        times["new"].append(new["time_ms"])
        times["duckdb"].append(duck)
    n = len(times["old"])
    worst = {k: max(t / d for t, d in zip(times[k], times["duckdb"])) for k in ("old", "new")}
    print(f"{args.kind}, {n} needles, mean ms: old Sift {statistics.mean(times['old']):.1f}, "
          f"new Sift {statistics.mean(times['new']):.1f}, DuckDB {statistics.mean(times['duckdb']):.1f} ({len(files)} files); "
          f"worst needle against DuckDB's time: old {worst['old']:.2f}x, new {worst['new']:.2f}x")


if __name__ == "__main__":
    main()
