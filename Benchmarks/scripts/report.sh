#!/usr/bin/env bash
# The data-skipping report (issue 8): Sift layouts against Parquet and Delta Lake, same rows.
#   bash Benchmarks/scripts/report.sh [SIFT_BINARY] [ROWS] [OUT_DIR]
# Data and tables are kept in $WORK (default /tmp/sift-report-ROWS) and reused by later runs.
set -euo pipefail
SIFT=${1:-.build-static/release/sift}
ROWS=${2:-1000000}
OUT=${3:-report}
HERE=$(cd "$(dirname "$0")/.." && pwd)
source "$HERE/scripts/venv.sh"
"$VENV_PY" "$HERE/scripts/harness/report.py" "$SIFT" --rows "$ROWS" --out "$OUT" ${WORK:+--work "$WORK"} ${RUNS:+--runs "$RUNS"}
