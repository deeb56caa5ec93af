#!/usr/bin/env python3
"""Start-up of the `sift` process against the same query in process (issue 19, item 4).

For each binary given, alternating between them round by round so that a loaded machine
slows all alike: the median wall time of a whole `sift query --count` process for a needle on a
warm table, of `sift --version`, and the median in-process time of the same query
(`--timing-runs`, each run from a fresh table handle). Prints one Markdown row per binary.

    python3 Benchmarks/scripts/startup.py TABLE [--where EXPR] [--rounds N] SIFT [SIFT ...]
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import time

# posix_spawn straight from this process, output to /dev/null: Python's subprocess module adds
# a few milliseconds of its own per process, which would be counted as sift's.
NULL_OUTPUT = [(os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0), (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0)]


def wall_ms(argv, repeat):
    """Median wall time of `repeat` runs of argv, in milliseconds."""
    path = argv[0] if "/" in argv[0] else shutil.which(argv[0])
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        pid = os.posix_spawn(path, argv, os.environ, file_actions=NULL_OUTPUT)
        _, status = os.waitpid(pid, 0)
        times.append((time.perf_counter() - start) * 1000)
        if status != 0:
            raise SystemExit(f"{' '.join(argv)} failed ({status})")
    return statistics.median(times)


def in_process_ms(sift, table, where):
    """From the query's own --explain report: the first run's snapshot and planning time (the
    query in a process that has not run one yet; for an absent needle the scan opens no file),
    and the median of 30 more runs in the same process, each from a fresh table handle."""
    out = subprocess.run([sift, "query", table, "--where", where, "--count", "--explain", "--timing-runs", "30"],
                         capture_output=True, text=True, check=True)
    text = out.stdout + out.stderr
    median = re.search(r"timed runs: \d+, median ([0-9.]+) ms", text)
    first = re.search(r"snapshot: ([0-9.]+) ms, planning: ([0-9.]+) ms", text)
    if not median or not first:
        raise SystemExit(f"{sift}: no 'timed runs' or 'snapshot' line in --explain's report")
    return float(first.group(1)) + float(first.group(2)), float(median.group(1))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("table")
    parser.add_argument("sift", nargs="+")
    parser.add_argument("--where", default="dst_ip = 198.51.100.77")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    query = lambda s: [s, "query", args.table, "--where", args.where, "--count"]
    baseline = wall_ms(["/bin/true"], 50)
    for s in args.sift:  # warm the page cache and the table
        wall_ms(query(s), 3)
    process = {s: [] for s in args.sift}
    version = {s: [] for s in args.sift}
    inside = {s: [] for s in args.sift}
    cold = {s: [] for s in args.sift}
    for _ in range(args.rounds):
        for s in args.sift:
            process[s].append(wall_ms(query(s), 20))
            version[s].append(wall_ms([s, "--version"], 20))
            first, warm = in_process_ms(s, args.table, args.where)
            cold[s].append(first)
            inside[s].append(warm)
    print(f"`{args.where}` on {args.table}, {args.rounds} rounds of 20 processes each, medians"
          f" (a process of /bin/true: {baseline:.1f} ms):\n")
    print("| binary | whole process | `--version` | first query in process | later queries in process | process / first | process / later |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for s in args.sift:
        p, v = statistics.median(process[s]), statistics.median(version[s])
        c, i = statistics.median(cold[s]), statistics.median(inside[s])
        print(f"| `{s}` | {p:.1f} ms | {v:.1f} ms | {c:.2f} ms | {i:.2f} ms | {p / c:.1f}x | {p / i:.1f}x |")


if __name__ == "__main__":
    main()
