# Sourced by the comparison scripts: a Python venv under Benchmarks/.venv with the peers from
# PyPI (pyarrow, duckdb), created on first use. Sets VENV_PY.
HERE=${HERE:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
VENV="$HERE/.venv"
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q pyarrow duckdb
fi
VENV_PY="$VENV/bin/python"
