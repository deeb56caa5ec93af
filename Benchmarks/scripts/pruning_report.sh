#!/usr/bin/env bash
# Share of bytes read per query and layout (issue 3's targets).
#   bash Benchmarks/scripts/pruning_report.sh [SIFT_BINARY] [ROWS]
set -euo pipefail
SIFT=${1:-.build-static/release/sift}
ROWS=${2:-1000000}
HERE=$(cd "$(dirname "$0")/.." && pwd)
WORK=${WORK:-$(mktemp -d)}
source "$HERE/scripts/venv.sh"
"$VENV_PY" "$HERE/scripts/pruning_report.py" "$(cd "$(dirname "$SIFT")" && pwd)/$(basename "$SIFT")" "$ROWS" "$WORK"
