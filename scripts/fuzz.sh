#!/usr/bin/env bash
# Builds sift-fuzz with libFuzzer and AddressSanitizer (checksums not enforced: -DSIFT_FUZZING)
# and runs every target for FUZZ_SECONDS seconds, growing a corpus per target in .fuzz/ from the
# seeds in corpus/fuzz/ (and corpus/v1/ for the reader). Prints executions, coverage and
# findings per target; crashers go to .fuzz/findings/. Exits 1 if any target found something.
#   bash scripts/fuzz.sh [SECONDS] [TARGET...]
# FUZZ_CONFIG=release (the default) builds optimised with ASan (~15x the executions per second of
# a debug build on the reader); FUZZ_CONFIG=debug keeps the debug build. FUZZ_RUNS=N stops each
# target after N executions instead of after SECONDS (libFuzzer's -runs).
set -uo pipefail
CONFIG=${FUZZ_CONFIG:-release}
RUNS=${FUZZ_RUNS:-}
SECONDS_EACH=${1:-60}
shift || true
TARGETS=${*:-reader predicate log checkpoint index ndjson wrapper rules}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
swift build -c "$CONFIG" --product sift-fuzz --scratch-path .build-fuzz -Xswiftc -sanitize=fuzzer,address \
    -Xswiftc -DSIFT_FUZZING -Xcc -DSIFT_FUZZING 2>&1 | grep -E "error|Compiling|Build of" | tail -3
BIN=.build-fuzz/$CONFIG/sift-fuzz
[ -x "$BIN" ] || { echo "fuzz build failed"; exit 2; }
mkdir -p .fuzz/findings
found=0
printf '%-11s %12s %10s %8s %9s %s\n' target executions exec/s cov corpus findings
for t in $TARGETS; do
    mkdir -p ".fuzz/$t"
    seeds=""
    [ -d "corpus/fuzz/$t" ] && seeds="corpus/fuzz/$t"
    [ "$t" = reader ] && seeds="$seeds corpus/v1/valid corpus/v1/invalid"
    log=".fuzz/$t.log"
    limit=(-max_total_time="$SECONDS_EACH")
    [ -n "$RUNS" ] && limit=(-runs="$RUNS")
    # SWIFT_BACKTRACE=enable=no: the Swift crash reporter can hang for minutes after a crash.
    SWIFT_BACKTRACE=enable=no SIFT_FUZZ_TARGET=$t "$BIN" "${limit[@]}" -timeout=10 -rss_limit_mb=3000 \
        -print_final_stats=1 -artifact_prefix=".fuzz/findings/$t-" ".fuzz/$t" $seeds > "$log" 2>&1
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
    rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$')
    cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | grep -o '[0-9]*')
    corpus=$(ls ".fuzz/$t" | wc -l)
    findings=$(ls .fuzz/findings 2>/dev/null | grep -c "^$t-")
    [ "$findings" -gt 0 ] && found=1
    printf '%-11s %12s %10s %8s %9s %s\n' "$t" "${runs:-?}" "${rate:-?}" "${cov:-?}" "$corpus" "$findings"
done
[ $found -eq 0 ] || { echo "findings in .fuzz/findings (the logs are .fuzz/TARGET.log)"; exit 1; }
