#!/usr/bin/env bash
# Builds libsimdjson.a from Debian's own source package of the installed libsimdjson-dev, so the
# `sift` command can be linked as one static-pie executable (no dynamic loader at start-up:
# BENCHMARKS.md §16). Debian ships simdjson only as a shared library.
#
#     bash scripts/static-simdjson.sh OUT_DIR    # leaves OUT_DIR/lib/libsimdjson.a
#
# The source comes through apt with a private list of deb-src entries (the system's sources with
# `deb` turned into `deb-src`; the system's apt configuration is not touched), so apt checks it
# against Debian's signed index. The library is built from the same version as the installed
# header, and the header of the source must be byte for byte the installed one. Exits non-zero
# with a message when any step fails; the Makefile then links `sift` as before (dynamically).
set -euo pipefail

out=${1:?usage: static-simdjson.sh OUT_DIR}
mkdir -p "$out"
out=$(cd "$out" && pwd)
source_package=$(dpkg-query -W -f='${source:Package}' libsimdjson-dev)
version=$(dpkg-query -W -f='${source:Version}' libsimdjson-dev)
# Built before from the version installed now: nothing to do (an update of libsimdjson-dev
# rebuilds it).
[ -s "$out/lib/libsimdjson.a" ] && [ "$(cat "$out/lib/version" 2>/dev/null)" = "$version" ] && exit 0
rm -f "$out/lib/libsimdjson.a"
work="$out/work"
rm -rf "$work"
mkdir -p "$work/parts" "$work/lists/partial" "$work/cache/archives/partial" "$work/src"

# deb-src twins of the system's entries, both list formats.
for f in /etc/apt/sources.list.d/*.sources; do
    [ -e "$f" ] && sed 's/^Types:.*/Types: deb-src/' "$f" > "$work/parts/$(basename "$f")"
done
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -e "$f" ] && sed -n 's/^deb \(.*\)/deb-src \1/p' "$f" >> "$work/parts/system.list"
done

apt=(apt-get -qq -o Dir::Etc::SourceList=/dev/null -o "Dir::Etc::SourceParts=$work/parts"
     -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache")
# As root, apt would hand the download to its `_apt` user, which cannot write into this folder.
if [ "$(id -u)" -eq 0 ]; then apt+=(-o APT::Sandbox::User=root); else apt+=(-o Debug::NoLocking=1); fi
"${apt[@]}" update
(cd "$work/src" && "${apt[@]}" source --download-only "$source_package=$version")

tar -xzf "$work/src/${source_package}_${version%-*}.orig.tar.gz" -C "$work/src"
single=$(ls -d "$work/src"/*/singleheader)
if ! cmp -s "$single/simdjson.h" /usr/include/simdjson.h; then
    echo "static-simdjson: $source_package $version's simdjson.h differs from /usr/include/simdjson.h" >&2
    exit 1
fi

# -O3 as simdjson's own release build; position-independent, as the static-pie link needs.
mkdir -p "$out/lib"
g++ -std=c++17 -O3 -DNDEBUG -fPIE -c "$single/simdjson.cpp" -o "$work/simdjson.o"
ar rcs "$out/lib/libsimdjson.a.tmp" "$work/simdjson.o"
mv "$out/lib/libsimdjson.a.tmp" "$out/lib/libsimdjson.a"
echo "$version" > "$out/lib/version"
rm -rf "$work"
echo "static-simdjson: built $out/lib/libsimdjson.a from $source_package $version"
