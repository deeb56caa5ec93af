#!/usr/bin/env bash
# A standalone Spark cluster for Sift's tests and benchmarks: one master and two workers, bound
# to 127.0.0.1 only, on free ports, with PIDs and logs under .spark/ (ignored by git), stopped by
# PID. Spark comes from the pyspark package in the repo's .venv (`make python`); Java from
# Debian's openjdk-17.
#   bash scripts/spark-cluster.sh start|stop|status
#   WORKER_CORES=1 WORKER_MEMORY=2g (per worker)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
STATE="$ROOT/.spark"
PY="$ROOT/.venv/bin/python"
WORKER_CORES=${WORKER_CORES:-1}
WORKER_MEMORY=${WORKER_MEMORY:-2g}

spark_home() { "$PY" -c "import os, pyspark; print(os.path.dirname(pyspark.__file__))"; }
free_port() { "$PY" -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1]); s.close()"; }
alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

start() {
    if alive "$STATE/master.pid"; then echo "already running: $(cat "$STATE/master.url")"; return; fi
    [ -x "$PY" ] || { echo "run 'make python' first (it installs pyspark)" >&2; exit 1; }
    command -v java >/dev/null || { echo "java is missing: make python installs openjdk-17-jdk-headless" >&2; exit 1; }
    mkdir -p "$STATE/logs" "$STATE/work"
    local home port ui url
    home=$(spark_home)
    port=$(free_port); ui=$(free_port)
    url="spark://127.0.0.1:$port"
    export SPARK_HOME="$home" SPARK_LOCAL_IP=127.0.0.1 SPARK_MASTER_HOST=127.0.0.1 PYSPARK_PYTHON="$PY"
    export SPARK_LOG_DIR="$STATE/logs" SPARK_WORKER_DIR="$STATE/work"
    nohup "$home/bin/spark-class" org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$port" --webui-port "$ui" \
        > "$STATE/logs/master.log" 2>&1 &
    echo $! > "$STATE/master.pid"
    echo "$url" > "$STATE/master.url"
    for i in 1 2; do
        nohup "$home/bin/spark-class" org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --port "$(free_port)" \
            --webui-port "$(free_port)" --cores "$WORKER_CORES" --memory "$WORKER_MEMORY" --work-dir "$STATE/work/$i" "$url" \
            > "$STATE/logs/worker-$i.log" 2>&1 &
        echo $! > "$STATE/worker-$i.pid"
    done
    # Ready when both workers have registered with the master.
    for _ in $(seq 1 120); do
        if [ "$(grep -c 'Registering worker' "$STATE/logs/master.log" 2>/dev/null || true)" -ge 2 ]; then
            echo "master $url, 2 workers ($WORKER_CORES core(s), $WORKER_MEMORY each); logs in .spark/logs"
            return
        fi
        sleep 0.5
    done
    echo "the cluster did not come up; see .spark/logs" >&2
    stop
    exit 1
}

stop() {
    for f in "$STATE"/worker-*.pid "$STATE/master.pid"; do
        [ -f "$f" ] || continue
        if alive "$f"; then
            local pid; pid=$(cat "$f")
            # spark-class execs java, so the PID is the JVM's; children die with it.
            kill "$pid" 2>/dev/null || true
            for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
            kill -9 "$pid" 2>/dev/null || true
        fi
        rm -f "$f"
    done
    rm -f "$STATE/master.url"
    echo "stopped"
}

status() {
    if alive "$STATE/master.pid"; then
        echo "master $(cat "$STATE/master.url") (pid $(cat "$STATE/master.pid"))"
        for f in "$STATE"/worker-*.pid; do alive "$f" && echo "worker pid $(cat "$f")"; done
    else
        echo "not running"
        return 1
    fi
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status) status ;;
    *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
