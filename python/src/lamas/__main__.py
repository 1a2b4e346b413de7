"""``python -m lamas ARGS`` runs the lamas binary with ARGS, like the ``lamas`` command."""

import os
import subprocess
import sys

from ._binary import binary


def main() -> int:
    """Runs the binary with this process's arguments and returns its exit code."""
    path = binary()
    if os.name != "nt":
        os.execv(path, [path, *sys.argv[1:]])
    return subprocess.call([path, *sys.argv[1:]])


if __name__ == "__main__":
    sys.exit(main())
