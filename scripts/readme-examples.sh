#!/usr/bin/env bash
# Runs README's command examples verbatim (the ```sh blocks that call `sift`, not `make` or
# Python), each in a scratch folder holding the files they name, and fails on the first command
# that exits non-zero. Part of `make test`, so README's examples cannot rot.
#   bash scripts/readme-examples.sh [SIFT_BINARY]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SIFT=$(cd "$(dirname "${1:-$ROOT/.build/debug/sift}")" && pwd)/$(basename "${1:-sift}")
WORK=$(mktemp -d "${TMPDIR:-/tmp}/sift-readme-XXXXXX")
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/bin"
ln -s "$SIFT" "$WORK/bin/sift"
export PATH="$WORK/bin:$PATH"
cd "$WORK"

# The files the examples name.
ln -s "$ROOT/corpus" corpus
sift gen conn --rows 20000 --days 3 --seed 3 --output conn.ndjson
sift write --input conn.ndjson --output conn.sift --quiet
sift gen conn --rows 2000 --days 1 --seed 4 --output sample.ndjson
sift gen conn --rows 5000 --days 1 --seed 5 --start 2026-08-01 --output day1.ndjson
sift gen conn --rows 5000 --days 1 --seed 6 --start 2026-08-02 --output day2.ndjson
cp "$ROOT/corpus/real/zeek/zat-conn.log" conn.log
cp "$ROOT/corpus/real/zeek/zat-dns.log" dns.log
mkdir -p spool
sed 's|\.\./\.\./corpus/|corpus/|; s|"assets": *"[^"]*"|"assets": "assets.csv"|' "$ROOT/scripts/demo/rules.json" > rules.json
cp "$ROOT/scripts/demo/assets.csv" assets.csv
cp "$ROOT/scripts/demo/allowlist.txt" allow.txt

# Every line of README's sh blocks that runs sift, in order.
awk '/^```sh/ { inside = 1; next } /^```/ { inside = 0 } inside && /^sift / { print }' "$ROOT/README.md" > examples.sh
count=0
while IFS= read -r line; do
    count=$((count + 1))
    if ! bash -c "$line" > out.txt 2> err.txt; then
        echo "README example failed: $line" >&2
        cat err.txt >&2
        exit 1
    fi
done < examples.sh
echo "readme examples: $count commands ran, all exit 0"
