#!/usr/bin/env python3
"""Two Sift builds (or tables) on the same needles: the report's, from its results.json.

For every needle of the chosen kinds, runs `sift query TABLE --where NEEDLE --explain --json
--order-by none` with the old binary on the old table and the new binary on the new table,
checks that both return the same number of rows, and prints each kind's mean and worst share
of the table's bytes read (as `make report` computes them).

    python3 Benchmarks/scripts/compare_needles.py OLD_SIFT NEW_SIFT OLD_TABLE NEW_TABLE \\
        [--results Benchmarks/results/report-20M-needles/results.json] [--dataset conn] KIND [KIND ...]
"""
import argparse
import json
import statistics
import subprocess


def share(sift, table, where):
    """Percent of the table's bytes the needle reads, and its rows."""
    out = subprocess.run([sift, "query", table, "--where", where, "--explain", "--json", "--order-by", "none"],
                         capture_output=True, text=True, check=True).stdout
    ledger = json.loads(out.strip().splitlines()[-1])
    return 100 * ledger["bytes_read"] / ledger["bytes_total"], ledger["rows_matched"]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("old_sift")
    parser.add_argument("new_sift")
    parser.add_argument("old_table")
    parser.add_argument("new_table")
    parser.add_argument("kinds", nargs="+", help="kind labels, as in the report (e.g. 'rare domain')")
    parser.add_argument("--results", default="Benchmarks/results/report-20M-needles/results.json")
    parser.add_argument("--dataset", default="conn")
    args = parser.parse_args()
    results = json.load(open(args.results))
    dataset = next(d for d in results["datasets"] if d["name"] == args.dataset)
    for query in dataset["queries"]:
        if query["label"] not in args.kinds:
            continue
        old, new = [], []
        for needle in query["needles"]:
            (a, rows_a), (b, rows_b) = share(args.old_sift, args.old_table, needle["sift"]), share(args.new_sift, args.new_table, needle["sift"])
            if rows_a != rows_b:
                raise SystemExit(f"{needle['sift']}: {rows_a} rows before, {rows_b} after")
            old.append(a)
            new.append(b)
        print(f"{query['label']}: {len(old)} needles, same rows; mean {statistics.mean(old):.3f}% -> {statistics.mean(new):.3f}%, "
              f"worst {max(old):.3f}% -> {max(new):.3f}%")


if __name__ == "__main__":
    main()
