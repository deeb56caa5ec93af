# Sift: build, test and demo. `make demo` and `make test` are the README's quick start; both
# install the Debian packages they need first (as root, or with sudo), so a fresh machine works.

SWIFT      ?= swift
APT_PKGS   := libzstd-dev liblz4-dev libxxhash-dev libsimdjson-dev zlib1g-dev pkg-config graphviz
# The comparison scripts' peers (DuckDB, pyarrow, delta-rs) live in a Python venv.
BENCH_PKGS := python3 python3-venv
# An opt-in faster CPU target for the `sift` binary only (the library carries no unsafeFlags).
CPU_FLAGS  ?=
RELEASE    := $(SWIFT) build -c release $(CPU_FLAGS)
# The `sift` command links the Swift runtime and FoundationEssentials statically: a process
# starts in about half the time (BENCHMARKS.md §12). It has a build folder of its own because
# SwiftPM rebuilds every module when that flag changes, and libSiftC (for Python) cannot be
# linked that way (static FoundationEssentials does not link into a shared library).
SIFT_BUILD ?= .build-static
RELEASE_CLI := $(SWIFT) build -c release --static-swift-stdlib --scratch-path $(SIFT_BUILD) $(CPU_FLAGS)
# Better still, with C and C++ libraries linked in too: one static-pie executable, so no dynamic
# loader runs before `main` (a `--version` process 3.2 -> 1.7 ms, BENCHMARKS.md §16) and the
# binary keeps its address randomisation. Debian has no libsimdjson.a, so
# scripts/static-simdjson.sh builds it from Debian's source package of the installed version;
# where that fails (no network), `sift` is linked dynamically as above. glibc's static-pie
# start-up refuses a run path ($ORIGIN), gold cannot link static-pie (lld, from the toolchain,
# can), libstdc++ is named again last because simdjson comes after the runtime's copy in the
# link line, and packed relative relocations (glibc 2.36) shrink the 1 MiB of relocation
# entries the start-up walks to 9 KiB.
STATIC_LIBS := $(SIFT_BUILD)/static-libs
STATIC_PIE  := --disable-local-rpath -Xswiftc -static-executable -Xswiftc -use-ld=lld \
	-Xswiftc -Xclang-linker -Xswiftc -static-pie -Xlinker -L$(STATIC_LIBS)/lib -Xlinker -lstdc++ \
	-Xlinker -z -Xlinker pack-relative-relocs
SIFT       := $(SIFT_BUILD)/release/sift
DEMO_DIR   ?= demo-out

.PHONY: all deps bench-deps build release test demo corpus example report bench-startup bench-size bench-ingest clean python python-test jvm spark-test bench-python docs faults fuzz kills log-scale

all: build

# Installs missing system packages; apt-get update first, as a fresh machine has no lists.
deps:
	@missing=""; for p in $(APT_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		SUDO=""; [ "$$(id -u)" -ne 0 ] && SUDO=sudo; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

bench-deps:
	@$(MAKE) --no-print-directory deps APT_PKGS="$(BENCH_PKGS)"

build: deps
	$(SWIFT) build

release: deps
	@bash scripts/static-simdjson.sh $(STATIC_LIBS) || echo "sift: no static simdjson, so linked dynamically (starts slower)"
	$(RELEASE_CLI) $$([ -s $(STATIC_LIBS)/lib/libsimdjson.a ] && echo '$(STATIC_PIE)') --product sift

# Every test: unit, property, conformance (walks corpus/), command-line round trips; README's
# sift examples run verbatim; then the example package that depends on Sift by path.
test: deps
	@python3 scripts/doc-coverage.py --strict
	$(SWIFT) build --build-tests
	$(SWIFT) test --disable-xctest --skip-build
	@# The library and the command load FoundationEssentials only (start-up; BENCHMARKS.md §12).
	@bin=$$($(SWIFT) build --show-bin-path); for f in $$bin/sift $$bin/libSiftC.so; do \
		[ ! -e $$f ] || ! ldd $$f | grep -E 'libFoundation\.so|libFoundationInternationalization' || { echo "$$f links full Foundation"; exit 1; }; done
	bash scripts/readme-examples.sh $$($(SWIFT) build --show-bin-path)/sift
	$(MAKE) example
	$(MAKE) python-test

# libFuzzer over every decoder and parser (scripts/fuzz.sh; targets in Sources/SiftFuzz):
# FUZZ_SECONDS per target (or FUZZ_RUNS executions each), an optimised ASan build unless
# FUZZ_CONFIG=debug, corpora in .fuzz/, crashers in .fuzz/findings/.
FUZZ_SECONDS ?= 60
fuzz: deps
	@FUZZ_RUNS=$(FUZZ_RUNS) FUZZ_CONFIG=$(FUZZ_CONFIG) bash scripts/fuzz.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# File-system faults injected at random calls of appends, optimize, checkpoints, vacuum and
# the writer, far more of them than `make test` runs (FAULT_ROUNDS rounds, FAULT_SEED).
FAULT_ROUNDS ?= 20000
FAULT_SEED   ?= 7
faults: deps
	SIFT_FAULT_ROUNDS=$(FAULT_ROUNDS) SIFT_FAULT_SEED=$(FAULT_SEED) $(SWIFT) test --disable-xctest --filter FaultInjectionTests

# Appenders, optimize and vacuum as separate processes, some killed with SIGKILL each round
# (KILL_ROUNDS rounds of 4 processes; 150 rounds kill about 290).
KILL_ROUNDS ?= 150
kills: deps
	SIFT_KILL_ROUNDS=$(KILL_ROUNDS) $(SWIFT) test --disable-xctest --filter KillLoopTests

# Planning a needle on a table of LOG_FILES small files behind LOG_COMMITS commits (built once
# into LOG_DIR, checkpointed, index compacted): snapshot, index probe and planning times.
LOG_FILES   ?= 100000
LOG_COMMITS ?= 10000
LOG_DIR     ?= /tmp/sift-log-scale
log-scale: deps
	$(RELEASE) --product SiftLogScale
	$$($(RELEASE) --show-bin-path)/SiftLogScale $(LOG_DIR) $(LOG_FILES) $(LOG_COMMITS)

# The DocC documentation of the modules `import Sift` brings, combined, with the getting-started
# article (Sources/Sift/Sift.docc), into .build/docs (open .build/docs/index.html through a web server).
DOC_TARGETS := Sift SiftFormat SiftNDJSON SiftIndex SiftScan SiftTable
docs: deps
	$(SWIFT) package --disable-sandbox generate-documentation $(addprefix --target ,$(DOC_TARGETS)) \
		--enable-experimental-combined-documentation --output-path .build/docs
	@python3 scripts/doc-coverage.py

# The Python package (python/): libSiftC built in release mode, installed with pyarrow, the
# test peers and pyspark into the repo's .venv (pip's cache keeps later runs quick: pyspark is
# built from its sdist once, then reused as a cached wheel), Debian's Java 17 (the JDK: javac
# builds the JVM reader) for Spark, and that reader's jar (`make jvm`).
VENV     := .venv
PY       := $(VENV)/bin/python
PY_PKGS  := pyarrow duckdb polars pandas pytest pyspark
python: deps
	@command -v javac >/dev/null || $(MAKE) --no-print-directory deps APT_PKGS="openjdk-17-jdk-headless python3-venv"
	$(RELEASE) --product SiftC
	@[ -x $(PY) ] || python3 -m venv $(VENV)
	@$(PY) -c "import pyarrow, duckdb, polars, pandas, pytest, pyspark" 2>/dev/null || $(PY) -m pip install -q $(PY_PKGS)
	@$(MAKE) --no-print-directory jvm
	@rm -rf python/sift/_lib python/build
	$(PY) -m pip install -q --no-deps ./python
	@$(PY) -c "import sift; print('python: ' + sift.version())"

# Spark's JVM reader (`format("sift-jvm")`, jvm/): compiled against the Spark and Arrow jars
# pyspark ships, into .build/jvm/sift-spark.jar (pass it to Spark with spark.jars).
JVM_JAR  := .build/jvm/sift-spark.jar
JVM_SRC  := $(wildcard jvm/src/io/sift/spark/*.java) $(wildcard jvm/resources/META-INF/services/*)
jvm: $(JVM_JAR)
$(JVM_JAR): $(JVM_SRC)
	@jars=$$($(PY) -c "import os, pyspark; print(os.path.join(os.path.dirname(pyspark.__file__), 'jars'))") && \
		rm -rf .build/jvm/classes && mkdir -p .build/jvm/classes && \
		javac --release 17 -Xlint:all,-path,-classfile,-processing -Werror -d .build/jvm/classes -cp "$$jars/*" $(filter %.java,$(JVM_SRC)) && \
		cp -r jvm/resources/META-INF .build/jvm/classes/ && jar cf $@ -C .build/jvm/classes .
	@echo "jvm: $@"

# The pytest suite against the installed package (Spark tests on local[2]); it builds tables
# with the debug `sift`.
python-test: python
	$(SWIFT) build --product sift
	SIFT_BIN=.build/debug/sift $(PY) -m pytest -q python/tests

# The Spark tests again, on a real standalone cluster (a master and two workers on 127.0.0.1,
# started and stopped by scripts/spark-cluster.sh).
spark-test: python
	$(SWIFT) build --product sift
	@bash scripts/spark-cluster.sh start
	@SIFT_SPARK_MASTER=$$(cat .spark/master.url) SIFT_BIN=.build/debug/sift $(PY) -m pytest -q python/tests/test_spark.py python/tests/test_spark_jvm.py; \
		status=$$?; bash scripts/spark-cluster.sh stop; exit $$status

# Sift through Python against pyarrow and DuckDB on Parquet (BENCHMARKS.md §8).
PY_BENCH_ROWS ?= 20000000
bench-python: release python
	@bash Benchmarks/scripts/compare_python.sh $(SIFT) $(PY_BENCH_ROWS)

# SwiftPM does not notice files added to a path dependency in an existing build folder, nor
# always a public struct of it that gained a field (the example's main.swift, left compiled
# against the old layout of `Table`, crashed), so the example's build folder is cleared
# whenever any of Sift's source files has changed (about 30 s of build).
example:
	@list=$$(find Sources -type f | sort | xargs cksum | cksum); \
	if [ "$$(cat Examples/QuickStart/.build/sift-sources 2>/dev/null)" != "$$list" ]; then \
		rm -rf Examples/QuickStart/.build; mkdir -p Examples/QuickStart/.build; echo "$$list" > Examples/QuickStart/.build/sift-sources; fi
	cd Examples/QuickStart && $(SWIFT) build && $(SWIFT) run -q quickstart

# Regenerates corpus/ from its committed generator (Sources/SiftCorpusGen). Existing files
# must come out byte-identical: a corpus file never changes meaning.
corpus: deps
	$(SWIFT) run -q sift-corpus-gen corpus

demo: release
	@bash scripts/demo.sh $(SIFT) $(DEMO_DIR)

# The data-skipping report (issue 8): Sift layouts against Parquet, Parquet with bloom filters
# and a z-ordered Delta table, same rows, one run. REPORT_ROWS=20000000 for the large run.
REPORT_ROWS ?= 1000000
REPORT_OUT  ?= report
report: release bench-deps
	@bash Benchmarks/scripts/report.sh $(SIFT) $(REPORT_ROWS) $(REPORT_OUT)
	@echo "report: $(REPORT_OUT)/report.md (charts beside it)"

# Start-up: a whole `sift query` process against the same needle in process, on the demo's
# table (STARTUP_BINARIES: other builds to compare side by side).
bench-startup: release
	@[ -d $(DEMO_DIR)/conn-table ] || $(MAKE) --no-print-directory demo
	python3 Benchmarks/scripts/startup.py $(DEMO_DIR)/conn-table $(SIFT) $(STARTUP_BINARIES)

# File size against pyarrow's Parquet (zstd) on the same generated rows (a venv is created).
bench-size: release bench-deps
	@bash Benchmarks/scripts/compare_size.sh $(SIFT)

# Ingest speed against DuckDB's NDJSON-to-Parquet COPY on the same 2M generated rows.
bench-ingest: release bench-deps
	@bash Benchmarks/scripts/compare_ingest.sh $(SIFT)

clean:
	rm -rf .build $(SIFT_BUILD) $(DEMO_DIR)
