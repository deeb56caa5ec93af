#!/usr/bin/env bash
# make demo: the format (write, inspect, hunt, verify a file), a table (append, optimize, query,
# time travel), then the pipeline (wrap, ingest, parse, optimize, hunt across a warehouse).
set -euo pipefail
SIFT=${1:-.build-static/release/sift}
OUT=${2:-demo-out}
ROWS=${DEMO_ROWS:-500000}
EVENTS=${DEMO_EVENTS:-2000000}
REAL=${REAL:-corpus/real}
mkdir -p "$OUT"
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "1. generate $ROWS connection records over 30 days (deterministic)"
"$SIFT" gen conn --rows "$ROWS" --days 30 --seed 7 --output "$OUT/conn.ndjson"
ls -l "$OUT/conn.ndjson" | awk '{print $5 " bytes of NDJSON"}'

step "2. write them as a Sift file (schema inferred, zstd)"
start=$(date +%s.%N)
"$SIFT" write --input "$OUT/conn.ndjson" --output "$OUT/conn.sift" --emit-schema "$OUT/conn.schema.json" --force
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

step "8. a table: daily partitions, appended in two commits (the second one twice: idempotent)"
TABLE="$OUT/conn-table"
rm -rf "$TABLE"
HALF=$((ROWS / 2))
head -n "$HALF" "$OUT/conn.ndjson" > "$OUT/first-half.ndjson"
tail -n +"$((HALF + 1))" "$OUT/conn.ndjson" > "$OUT/second-half.ndjson"
"$SIFT" table create "$TABLE" --schema "$OUT/conn.schema.json" --partition-by 'date(ts)' --cluster-by hilbert:src_ip,dst_ip
"$SIFT" table append "$TABLE" "$OUT/first-half.ndjson" --txn demo-loader:1
"$SIFT" table append "$TABLE" "$OUT/second-half.ndjson" --txn demo-loader:2
"$SIFT" table append "$TABLE" "$OUT/second-half.ndjson" --txn demo-loader:2
"$SIFT" table describe "$TABLE" | grep -v '^  {' | sed -n '1,5p;/^partitions/,$p' | sed -n '1,11p'
echo "  ..."

step "9. optimize: compact each day and order it along a Hilbert curve over (src_ip, dst_ip)"
"$SIFT" table optimize "$TABLE" --target-file-mb 4
"$SIFT" table history "$TABLE"

step "10. hunt across the table: who talked to $DST since 2026-08-15?"
"$SIFT" query "$TABLE" --where "dst_ip = $DST and ts >= '2026-08-15'" --columns ts,src_ip,dst_ip,dst_port,domain --format table --explain
SRC=$("$SIFT" query "$TABLE" --where "dst_ip = $DST" --columns src_ip --limit 1 | sed 's/.*"src_ip":"\([^"]*\)".*/\1/')
echo
echo "the reference query, src_ip = $SRC and dst_ip = $DST, now and as of version 2 (before optimize), --explain --json:"
"$SIFT" query "$TABLE" --where "src_ip = $SRC and dst_ip = $DST" --columns ts --explain --json | tail -1
"$SIFT" query "$TABLE" --where "src_ip = $SRC and dst_ip = $DST" --columns ts --explain --json --as-of 2 | tail -1

step "11. the pipeline: $EVENTS generated connection events, planted attacks, and the real Zeek and Suricata samples, wrapped as a shipper would"
WH="$OUT/warehouse"
rm -rf "$WH" "$OUT/events"
mkdir -p "$OUT/events"
"$SIFT" gen conn --rows "$EVENTS" --days 30 --seed 11 --avoid-indicators scripts/demo/rules.json --output "$OUT/generated.ndjson"   # background traffic that trips no indicator
"$SIFT" wrap --format ndjson --event-type demo.conn "$OUT/generated.ndjson" --output "$OUT/events/generated.ndjson"
# Planted attacks (spec/pipeline.md §10): beaconing to a listed dynamic-DNS name, a port scan,
# the same from an allowlisted scanner, connections to a listed address, a rare port.
"$SIFT" gen attacks --start 2026-08-01 --output "$OUT/attacks.ndjson"
"$SIFT" wrap --format ndjson --event-type demo.conn "$OUT/attacks.ndjson" --output "$OUT/events/attacks.ndjson"
"$SIFT" wrap --format zeek "$REAL"/zeek/zat-conn.log "$REAL"/zeek/zat-dns.log "$REAL"/zeek/zat-http.log "$REAL"/zeek/zat-ssl.json \
    "$REAL"/zeek/wrccdc2018-dns-head2000.log "$REAL"/zeek/wrccdc2018-ssl-head1500.json --output "$OUT/events/zeek.ndjson"
"$SIFT" wrap --format suricata "$REAL"/suricata/surevego-eve.json "$REAL"/suricata/suricatalog-eve-2.json --output "$OUT/events/suricata.ndjson"
printf '%s\n' 'this line is not an event' '{"ts":"2026-08-03T10:00:00Z","event_type":"demo.conn","source":"demo","raw":{"src_ip":"10.0.0.1","dst_ip":"999.1.1.1"}}' > "$OUT/events/broken.ndjson"

step "12. ingest into staging (every event kept byte for byte; what is not a valid wrapper goes to quarantine)"
"$SIFT" ingest "$WH" --follow "$OUT/events" --once

step "13. parse into refined tables of a common schema (what no parser takes, or a parser rejects, goes to quarantine)"
"$SIFT" parse "$WH"
echo "quarantine, by reason:"
"$SIFT" query "$WH/quarantine" --columns stage,reason --format csv | tail -n +2 | sed 's/"byte [0-9]*: /"/' | sort | uniq -c | sort -rn | head -8

step "14. optimize: cluster each day of conn by (src_ip, dst_ip), alert by (src_ip, dst_ip), dns, http and ssl by (domain, dst_ip)"
"$SIFT" optimize "$WH" --target-file-mb 64

step "15. hunt across the warehouse"
HOST=$("$SIFT" query "$WH/refined/conn" --where "event_type = 'demo.conn'" --columns dst_ip --limit 1 | sed 's/.*"dst_ip":"\([^"]*\)".*/\1/')
echo "who talked to $HOST since 2026-08-20?"
"$SIFT" hunt "$WH" --where "dst_ip = $HOST" --since 2026-08-20 --format table --limit 10 --explain
echo
echo "everything about *.debian.org (the real Suricata and Zeek samples), dns and http only:"
"$SIFT" hunt "$WH" --where "domain ends_with '.debian.org'" --table dns,http --columns time,src_ip,dst_ip,domain --format table --limit 8 --explain
echo
echo "the data-skipping summary of a needle across every table (--explain --json):"
"$SIFT" hunt "$WH" --where "src_ip = 192.168.33.10 and dst_ip = 54.245.228.191" --explain --json | tail -1

step "16. detect: indicator joins (maltrail and Zeek intel feeds), port scans, rare ports, beacons; every alert to the alerts table"
cat scripts/demo/rules.json | sed -n '/"rules"/,$p'
"$SIFT" detect "$WH" --rules scripts/demo/rules.json

step "17. alerts: de-duplicate, apply the allowlist, deliver each surviving alert once to $OUT/alerts.ndjson"
rm -f "$OUT/alerts.ndjson"
"$SIFT" alerts "$WH" --sink "$OUT/alerts.ndjson" --allowlist scripts/demo/allowlist.txt
echo "the planted attacks, as delivered:"
"$SIFT" query "$WH/alerts" --where "status = 'delivered' and (rule_id = 'beacon' or rule_id = 'port-scan' or rule_id = 'rare-port' or src_ip in 10.0.0.0/8 and (indicator = '5.63.151.0/24' or domain ends_with '.ddns.net'))" \
    --columns rule_id,severity,title,owner,criticality --format table
echo
echo "suppressed, kept in the alerts table:"
"$SIFT" query "$WH/alerts" --where "status = 'allowlisted'" --columns rule_id,key,status_reason,owner --format table
echo
echo "delivered $(wc -l < "$OUT/alerts.ndjson") alerts in all; by rule:"
"$SIFT" query "$WH/alerts" --columns rule_id,status --format csv | tail -n +2 | sort | uniq -c | sort -rn

step "18. the picture to triage from: connections around the beaconing destination"
C2=185.220.101.7
"$SIFT" graph "$WH" --around "$C2" --rules scripts/demo/rules.json --out "$OUT/c2.svg"
"$SIFT" graph "$WH" --around "$C2" --rules scripts/demo/rules.json --out "$OUT/c2.png"
"$SIFT" graph "$WH" --around ddns.net --rules scripts/demo/rules.json --out "$OUT/ddns.svg"
echo "open $OUT/c2.svg (or c2.png, ddns.svg) to see it"
