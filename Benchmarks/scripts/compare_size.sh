#!/usr/bin/env bash
# File size: Sift (zstd) against pyarrow's Parquet (zstd) on the same generated connection rows.
#   bash Benchmarks/scripts/compare_size.sh [SIFT_BINARY] [ROWS]
# Creates a Python venv with pyarrow under Benchmarks/.venv (PyPI) on first use.
set -euo pipefail
SIFT=${1:-.build-static/release/sift}
ROWS=${2:-1000000}
HERE=$(cd "$(dirname "$0")/.." && pwd)
WORK=${WORK:-$(mktemp -d)}
source "$HERE/scripts/venv.sh"
"$SIFT" gen conn --rows "$ROWS" --days 30 --seed 1 --output "$WORK/conn.ndjson"
"$SIFT" write --input "$WORK/conn.ndjson" --output "$WORK/conn.sift" --compression zstd --force
"$VENV_PY" "$HERE/scripts/compare_size.py" "$WORK/conn.ndjson" "$WORK/conn.sift"
