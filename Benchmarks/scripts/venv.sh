# Sourced by the comparison scripts: a Python venv under Benchmarks/.venv with the peers from
# PyPI (pyarrow, duckdb, deltalake) and matplotlib for the report's charts, created on first use.
# Sets VENV_PY.
HERE=${HERE:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
VENV="$HERE/.venv"
PACKAGES="pyarrow duckdb deltalake matplotlib"
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import pyarrow, duckdb, deltalake, matplotlib" 2>/dev/null; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q $PACKAGES
fi
VENV_PY="$VENV/bin/python"
