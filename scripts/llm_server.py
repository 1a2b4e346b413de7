"""llama.cpp's OpenAI-compatible server (xllamacpp) on 127.0.0.1, for lamas's live tests.

Serves one GGUF model at http://127.0.0.1:PORT/v1 until killed or, with --parent PID, until
that process is gone (so a test run that dies never leaves a server behind).
"""
import argparse
import os
import sys
import time

import xllamacpp as xlc


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--model", required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--parallel", type=int, default=4, help="slots: requests decoded at once")
    ap.add_argument("--ctx", type=int, default=4096, help="context, shared by the slots")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--parent", type=int, default=0, help="exit when this process is gone")
    a = ap.parse_args()
    started = time.time()
    p = xlc.CommonParams()
    p.model.path = a.model
    p.hostnames = ["127.0.0.1"]
    p.port = a.port
    p.n_parallel = a.parallel
    p.n_ctx = a.ctx
    p.cpuparams.n_threads = a.threads
    p.cpuparams_batch.n_threads = a.threads
    server = xlc.Server(p)
    print(f"llm_server: listening on {server.listening_address} after {time.time() - started:.2f} s",
          flush=True)
    while True:
        time.sleep(0.5)
        if a.parent and not alive(a.parent):
            print("llm_server: parent gone, exiting", flush=True)
            os._exit(0)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


if __name__ == "__main__":
    sys.exit(main())
