#!/usr/bin/env bash
# End-to-end scans (issue 4): `sift cat --count` against DuckDB on Parquet, same rows.
#   bash Benchmarks/scripts/compare_scan.sh [SIFT_BINARY] [ROWS] [RUNS]
set -euo pipefail
SIFT=${1:-.build-static/release/sift}
ROWS=${2:-10000000}
RUNS=${3:-5}
HERE=$(cd "$(dirname "$0")/.." && pwd)
WORK=${WORK:-$(mktemp -d)}
source "$HERE/scripts/venv.sh"
"$VENV_PY" "$HERE/scripts/compare_scan.py" "$(cd "$(dirname "$SIFT")" && pwd)/$(basename "$SIFT")" "$ROWS" "$WORK" "$RUNS"
