"""Run a function on someone's file in a child process, with a time and a memory limit.

Decoders can be made to work for hours (a progressive JPEG of 700,000 empty scans) or to
allocate gigabytes (a 35-byte GIF whose header claims 65535 x 65535, an MP4 whose tables
claim 20 million frames) before any check of ours sees a pixel. In the server's own process
that holds a core or takes the memory every other user shares. In a child, the kernel's
limits (``RLIMIT_CPU``, ``RLIMIT_DATA``) and a wall-clock timeout end it, and the page says so.

``run_limited("package.module:function", args, seconds=..., memory_mb=...)`` runs
``function(*args)`` (string arguments, a JSON-able result) in ``python -m studio.limited_child``.
A ``ValueError`` raised there comes back as a ``ValueError`` with its message (the function's
plain-words refusal); running out of time or memory raises ``LimitExceeded``.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import math
import resource
import subprocess
import sys
import types

RESULT_MARK = "limited_child result: "


class LimitExceeded(Exception):
    """The child ran out of its time or memory, or died; ``what`` says which in words."""

    def __init__(self, what: str):
        super().__init__(what)
        self.what = what


def run_limited(function: str, args: list[str], seconds: float, memory_mb: int) -> object:
    command = [sys.executable, "-m", "studio.limited_child", str(seconds), str(memory_mb), function, *args]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 5, check=False)
    except subprocess.TimeoutExpired:  # run() kills the child
        raise LimitExceeded(f"more than {seconds:.0f} s") from None
    answers = [line for line in done.stdout.splitlines() if line.startswith(RESULT_MARK)]
    if not answers:
        ran_out = "memory" if "MemoryError" in done.stderr or "alloc" in done.stderr.lower() else "time or memory"
        raise LimitExceeded(f"more {ran_out} than allowed (the reader stopped with code {done.returncode})")
    answer = json.loads(answers[-1][len(RESULT_MARK) :])
    if "refused" in answer:
        raise ValueError(answer["refused"])
    if "memory" in answer:
        raise LimitExceeded(f"more than {memory_mb} MB of memory")
    return answer["result"]


def _limit(seconds: float, memory_mb: int) -> None:
    cpu = math.ceil(seconds)
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))  # SIGXCPU, then SIGKILL
    data = memory_mb * 1024 * 1024  # heap and private mappings: what decoders allocate
    resource.setrlimit(resource.RLIMIT_DATA, (data, data))


def _without_package_init(package: str) -> None:
    """Let ``package.module`` be imported without running ``package/__init__.py``.

    ``posenet_core``'s loads the network and SciPy (~5 s of imports on a busy machine, most of
    a check's time); a child that reads a clip needs only ``posenet_core.clip``."""
    spec = importlib.util.find_spec(package)
    bare = types.ModuleType(package)
    bare.__path__ = list(spec.submodule_search_locations)
    sys.modules[package] = bare


def _main(argv: list[str]) -> int:
    seconds, memory_mb, function, *args = argv
    _limit(float(seconds), int(memory_mb))
    _without_package_init("posenet_core")
    module, name = function.split(":")
    try:
        answer = {"result": getattr(importlib.import_module(module), name)(*args)}
    except MemoryError:
        answer = {"memory": True}
    except ValueError as error:
        answer = {"refused": str(error)}
    print(RESULT_MARK + json.dumps(answer), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
