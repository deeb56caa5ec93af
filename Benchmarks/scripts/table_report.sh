#!/usr/bin/env bash
# A 30-day table before and after optimize (issue 5's targets): bytes read per query.
#   bash Benchmarks/scripts/table_report.sh [SIFT_BINARY] [ROWS]
set -euo pipefail
SIFT=${1:-.build-static/release/sift}
ROWS=${2:-1000000}
HERE=$(cd "$(dirname "$0")/.." && pwd)
WORK=${WORK:-$(mktemp -d)}
source "$HERE/scripts/venv.sh"
"$VENV_PY" "$HERE/scripts/table_report.py" "$(cd "$(dirname "$SIFT")" && pwd)/$(basename "$SIFT")" "$ROWS" "$WORK"
