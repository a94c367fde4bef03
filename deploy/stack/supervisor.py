"""Children of deploy/up that die with it, come back when they die alone, and are named in plain words.

- **Die with it**: every child gets ``PR_SET_PDEATHSIG`` (the kernel sends it SIGTERM when
  deploy/up ends, even by SIGKILL, which no handler sees) and a session of its own (Ctrl-C in
  the terminal reaches deploy/up only, which stops the parts in order).
- **Come back**: a part that exits while the stack runs is started again after a back-off
  (1, 2, 4 ... 30 s; reset after a minute of good running), and the log says what stopped,
  what that means for the people using it, and when it comes back.
"""

from __future__ import annotations

import contextlib
import ctypes
import dataclasses
import signal
import subprocess
import time
from collections.abc import Callable

PR_SET_PDEATHSIG = 1
FIRST_BACKOFF_S = 1.0
MAX_BACKOFF_S = 30.0
STEADY_AFTER_S = 60.0  # running this long resets the back-off


def _die_with_parent() -> None:  # runs in the child between fork and exec
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def next_backoff(previous: float | None, ran_for_s: float) -> float:
    """Seconds to wait before a restart: doubling while a part keeps failing, back to 1 s once it ran steadily."""
    if previous is None or ran_for_s >= STEADY_AFTER_S:
        return FIRST_BACKOFF_S
    return min(MAX_BACKOFF_S, previous * 2)


def exit_words(returncode: int) -> str:
    """How a process ended, in words (``-9`` -> "was killed (SIGKILL)")."""
    if returncode < 0:
        with contextlib.suppress(ValueError):
            return f"was killed ({signal.Signals(-returncode).name})"
        return f"was killed (signal {-returncode})"
    return f"exited with code {returncode}"


@dataclasses.dataclass
class Part:
    """One supervised process: ``start`` makes it (and writes whatever it needs); ``meaning`` says
    in plain words what its loss means for the people using the stack."""

    name: str
    start: Callable[[], subprocess.Popen]
    meaning: str
    process: subprocess.Popen | None = None
    started_at: float = 0.0
    backoff: float | None = None
    restart_at: float | None = None
    restarts: int = 0

    def launch(self) -> subprocess.Popen:
        self.process = self.start()
        self.started_at = time.monotonic()
        self.restart_at = None
        return self.process


def spawn(command: list[str], log_path, env=None, cwd=None) -> subprocess.Popen:
    """A child in its own session that gets SIGTERM when deploy/up goes, its output appended to ``log_path``."""
    with open(log_path, "ab") as log:
        return subprocess.Popen(
            command,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=cwd,
            start_new_session=True,
            preexec_fn=_die_with_parent,  # noqa: PLW1509 (a prctl only; no threads in deploy/up)
        )


class Supervisor:
    """Starts parts, restarts the ones that die (with a back-off), stops them all in reverse order."""

    def __init__(self, say: Callable[[str], None] = print, on_restart: Callable[[Part], None] | None = None):
        self.parts: list[Part] = []
        self.say = say
        self.on_restart = on_restart or (lambda part: None)

    def add(self, part: Part) -> Part:
        self.parts.append(part)
        part.launch()
        return part

    def part(self, name: str) -> Part:
        return next(p for p in self.parts if p.name == name)

    def restart(self, name: str) -> None:
        """Stop and start a part on purpose (a new certificate): no back-off, no alarm in the log."""
        part = self.part(name)
        part.process.terminate()
        part.process.wait(timeout=10)
        part.launch()

    def check(self, now: float | None = None) -> None:
        """One round: note parts that died, restart those whose back-off has passed."""
        now = time.monotonic() if now is None else now
        for part in self.parts:
            if part.restart_at is not None:
                if now >= part.restart_at:
                    part.restarts += 1
                    part.launch()
                    self.say(f"{part.name} started again (restart {part.restarts}, pid {part.process.pid}).")
                    self.on_restart(part)
                continue
            if part.process is None or part.process.poll() is None:
                continue
            part.backoff = next_backoff(part.backoff, now - part.started_at)
            part.restart_at = now + part.backoff
            self.say(
                f"{part.name} {exit_words(part.process.returncode)}: {part.meaning} "
                f"Starting it again in {part.backoff:.0f} s."
            )

    def stop(self, timeout: float = 10.0) -> None:
        running = [p.process for p in reversed(self.parts) if p.process is not None and p.process.poll() is None]
        for process in running:
            process.terminate()
        deadline = time.monotonic() + timeout
        for process in running:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
