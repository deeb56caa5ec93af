# Sift: build, test and demo. `make demo` and `make test` are the README's quick start; both
# install the Debian packages they need first (as root, or with sudo), so a fresh machine works.

SWIFT      ?= swift
APT_PKGS   := libzstd-dev liblz4-dev libxxhash-dev pkg-config graphviz
# An opt-in faster CPU target for the `sift` binary only (the library carries no unsafeFlags).
CPU_FLAGS  ?=
RELEASE    := $(SWIFT) build -c release $(CPU_FLAGS)
SIFT       := .build/release/sift
DEMO_DIR   ?= demo-out

.PHONY: all deps build release test demo corpus example bench-size bench-ingest clean

all: build

# Installs missing system packages; apt-get update first, as a fresh machine has no lists.
deps:
	@missing=""; for p in $(APT_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		SUDO=""; [ "$$(id -u)" -ne 0 ] && SUDO=sudo; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

build: deps
	$(SWIFT) build

release: deps
	$(RELEASE) --product sift

# Every test: unit, property, conformance (walks corpus/), command-line round trips; then the
# example package that depends on Sift by path.
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --disable-xctest --skip-build
	$(MAKE) example

example:
	cd Examples/QuickStart && $(SWIFT) build && $(SWIFT) run -q quickstart

# Regenerates corpus/ from its committed generator (Sources/SiftCorpusGen). Existing files
# must come out byte-identical: a corpus file never changes meaning.
corpus: deps
	$(SWIFT) run -q sift-corpus-gen corpus

demo: release
	@bash scripts/demo.sh $(SIFT) $(DEMO_DIR)

# File size against pyarrow's Parquet (zstd) on the same generated rows (a venv is created).
bench-size: release
	@bash Benchmarks/scripts/compare_size.sh $(SIFT)

# Ingest speed against DuckDB's NDJSON-to-Parquet COPY on the same 2M generated rows.
bench-ingest: release
	@bash Benchmarks/scripts/compare_ingest.sh $(SIFT)

clean:
	rm -rf .build $(DEMO_DIR)
