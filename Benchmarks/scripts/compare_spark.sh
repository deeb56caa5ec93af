#!/usr/bin/env bash
# Sift on Spark against Spark's Parquet reader on the project's standalone cluster (issue 15).
#   WORK=DIR bash Benchmarks/scripts/compare_spark.sh [RUNS]
# DIR must hold the 20M-row table `conn` that compare_python.sh builds (the same WORK).
set -euo pipefail
RUNS=${1:-3}
HERE=$(cd "$(dirname "$0")/.." && pwd)
ROOT=$(cd "$HERE/.." && pwd)
WORK=${WORK:?set WORK to the folder compare_python.sh used}
PY="$ROOT/.venv/bin/python"
SIFT=${SIFT:-$ROOT/.build-static/release/sift}
[ -x "$SIFT" ] && [ -f "$ROOT/.build/jvm/sift-spark.jar" ] || { echo "build first: make release python (or set SIFT to a release sift)" >&2; exit 1; }
[ -d "$WORK/conn/_sift_log" ] || { echo "no table at $WORK/conn: run compare_python.sh with WORK=$WORK first" >&2; exit 1; }
bash "$ROOT/scripts/spark-cluster.sh" start
trap 'bash "$ROOT/scripts/spark-cluster.sh" stop' EXIT
"$PY" "$HERE/scripts/compare_spark.py" "$WORK/conn" "$WORK/spark" "$(cat "$ROOT/.spark/master.url")" "$RUNS" "$SIFT" "$ROOT/.build/jvm/sift-spark.jar"
