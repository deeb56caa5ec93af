#!/usr/bin/env bash
# Sift through Python against pyarrow and DuckDB on Parquet (issue 14): full scan into pyarrow,
# needles through Python against the CLI in-process, DuckDB SQL over a pruned scan.
#   bash Benchmarks/scripts/compare_python.sh [SIFT_BINARY] [ROWS] [RUNS]
# Uses the repo's .venv from `make python` (the sift package and the peers).
set -euo pipefail
SIFT=${1:-.build-static/release/sift}
ROWS=${2:-20000000}
RUNS=${3:-5}
HERE=$(cd "$(dirname "$0")/.." && pwd)
WORK=${WORK:-$(mktemp -d)}
PY="$HERE/../.venv/bin/python"
[ -x "$PY" ] || { echo "run 'make python' first" >&2; exit 1; }
"$PY" "$HERE/scripts/compare_python.py" "$(cd "$(dirname "$SIFT")" && pwd)/$(basename "$SIFT")" "$ROWS" "$WORK" "$RUNS"
