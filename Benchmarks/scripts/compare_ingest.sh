#!/usr/bin/env bash
# Ingest speed: `sift write` against DuckDB's COPY (SELECT * FROM read_json_auto(F)) TO (FORMAT
# parquet) on the same NDJSON, alternating runs, medians and their ratio.
#   bash Benchmarks/scripts/compare_ingest.sh [SIFT_BINARY] [ROWS] [RUNS]
set -euo pipefail
SIFT=${1:-.build-static/release/sift}
ROWS=${2:-2000000}
RUNS=${3:-5}
HERE=$(cd "$(dirname "$0")/.." && pwd)
WORK=${WORK:-$(mktemp -d)}
source "$HERE/scripts/venv.sh"
[ -f "$WORK/conn.ndjson" ] || "$SIFT" gen conn --rows "$ROWS" --days 30 --seed 1 --output "$WORK/conn.ndjson"
"$VENV_PY" "$HERE/scripts/compare_ingest.py" "$SIFT" "$WORK/conn.ndjson" "$WORK" "$RUNS"
