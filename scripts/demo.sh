#!/usr/bin/env bash
# make demo: generate a sample, write it as Sift, inspect it, read it back, verify it, and show
# what verify says about a corrupted copy. Grows with the pipeline (see README).
set -euo pipefail
SIFT=${1:-.build/release/sift}
OUT=${2:-demo-out}
ROWS=${DEMO_ROWS:-500000}
mkdir -p "$OUT"
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "1. generate $ROWS connection records over 30 days (deterministic)"
"$SIFT" gen conn --rows "$ROWS" --days 30 --seed 7 --output "$OUT/conn.ndjson"
ls -l "$OUT/conn.ndjson" | awk '{print $5 " bytes of NDJSON"}'

step "2. write them as a Sift file (schema inferred, zstd)"
start=$(date +%s.%N)
"$SIFT" write --input "$OUT/conn.ndjson" --output "$OUT/conn.sift" --emit-schema "$OUT/conn.schema.json"
awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "took %.2f s\n", e - s }'

cat "$OUT/conn.schema.json"

step "3. inspect: layout, encodings and statistics (reads only the footer)"
"$SIFT" inspect "$OUT/conn.sift" | sed -n '/^columns/,/^$/p'

step "4. read back a few rows"
"$SIFT" cat "$OUT/conn.sift" --columns ts,src_ip,dst_ip,dst_port,domain,bytes_in --limit 5 --format table

step "5. hunt: find rows about one address, one domain suffix, one network, and say what was skipped"
# A rarely seen destination: the one of the last record (destinations are heavy-tailed).
DST=$("$SIFT" cat "$OUT/conn.sift" --columns dst_ip | tail -1 | sed 's/.*"dst_ip":"\([^"]*\)".*/\1/')
echo "--where \"dst_ip = $DST\""
"$SIFT" cat "$OUT/conn.sift" --where "dst_ip = $DST" --columns ts,src_ip,dst_ip,dst_port,domain --format table --explain
echo
echo "--where \"domain ends_with '.wayne-shop5.de'\" --explain --json (last line)"
"$SIFT" cat "$OUT/conn.sift" --where "domain ends_with '.wayne-shop5.de'" --explain --json | tail -1
echo
echo "--where \"dst_ip in 203.0.113.0/24 or src_ip = 10.99.0.1\" --explain --json (absent: footer and blooms only)"
"$SIFT" cat "$OUT/conn.sift" --where "dst_ip in 203.0.113.0/24 or src_ip = 10.99.0.1" --explain --json | tail -1

step "6. round trip: cat reproduces the input byte for byte"
"$SIFT" cat "$OUT/conn.sift" > "$OUT/conn.back.ndjson"
if cmp -s "$OUT/conn.ndjson" "$OUT/conn.back.ndjson"; then echo "identical ($ROWS rows)"; else echo "DIFFERENT"; exit 1; fi

step "7. verify every checksum, then flip one byte and verify again"
"$SIFT" verify "$OUT/conn.sift"
cp "$OUT/conn.sift" "$OUT/conn.corrupt.sift"
printf '\x5a' | dd of="$OUT/conn.corrupt.sift" bs=1 seek=200000 conv=notrunc status=none
"$SIFT" verify "$OUT/conn.corrupt.sift" || echo "(exit $? as expected: the flipped byte was found)"
