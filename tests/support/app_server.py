"""The app under test: ``streamlit run streamlit_app.py`` in its own process, on a free port."""

from __future__ import annotations

import contextlib
import os
import pathlib
import socket
import subprocess
import sys
import time
import urllib.request

from tests.support.paths import REPO_ROOT


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# An experiment, off by default: start Streamlit with its after-every-run clean-up switched
# off. After each script run (fragment runs included) Streamlit 1.67 calls
# keras.backend.clear_session() when keras is imported (TensorFlow imports it) and, with
# runner.postScriptGC, gc.collect(2): two full collections that held the GIL ~0.25 s each
# with TensorFlow's ~400,000 objects and stalled the video threads (15 instead of 30 fps,
# latency growing, two sessions frozen). studio/model.py now gc.freeze()s after loading the
# model, which removes that cost; set POSENET_E2E_SKIP_RUN_CLEANUP=1 (or pass
# skip_run_cleanup=True) to compare with the clean-up skipped altogether.
SKIP_RUN_CLEANUP_ENV = "POSENET_E2E_SKIP_RUN_CLEANUP"  # the command line: studio.live.streamlit_compat


class AppServer:
    """``streamlit run streamlit_app.py`` on 127.0.0.1 and a free port, logging to a file."""

    def __init__(
        self,
        log_path: pathlib.Path,
        port: int | None = None,
        cwd: pathlib.Path = REPO_ROOT,
        skip_run_cleanup: bool | None = None,
        address: str = "127.0.0.1",
        prefix: list[str] = (),
    ):
        """``address``: where it listens; ``prefix``: what runs it (e.g. ``ip netns exec NAME``, a host of its own)."""
        self.log_path = pathlib.Path(log_path)
        self.port = port or free_port()
        self.cwd = cwd
        self.address = address
        self.prefix = list(prefix)
        if skip_run_cleanup is None:
            skip_run_cleanup = os.environ.get(SKIP_RUN_CLEANUP_ENV, "") not in ("", "0")
        self.skip_run_cleanup = skip_run_cleanup
        self.process: subprocess.Popen | None = None
        self._log = None

    @property
    def url(self) -> str:
        return f"http://{self.address}:{self.port}"

    def start(self, timeout: float = 90.0) -> AppServer:
        env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", PYTHONUNBUFFERED="1")
        env.pop("POSENET_ICE_SERVERS", None)  # local runs: host candidates only
        self._log = open(self.log_path, "wb")
        command = [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "streamlit_app.py",
            "--server.headless",
            "true",
            "--server.address",
            self.address,
            "--server.port",
            str(self.port),
            "--browser.gatherUsageStats",
            "false",
            "--server.fileWatcherType",
            "none",  # others edit the code while tests run
        ]
        if self.skip_run_cleanup:
            from studio.live.streamlit_compat import SKIP_RUN_CLEANUP_PRELUDE

            command[1:3] = ["-c", SKIP_RUN_CLEANUP_PRELUDE]
            command += ["--runner.postScriptGC", "false"]
        command = [*self.prefix, *command]
        self.process = subprocess.Popen(
            command, cwd=self.cwd, env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"streamlit exited with code {self.process.returncode}\n{self.log_tail()}")
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as response:
                    if response.read().strip() == b"ok":
                        return self
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"streamlit did not answer /_stcore/health within {timeout:.0f} s\n{self.log_tail()}")

    def log_tail(self, lines: int = 60) -> str:
        if self._log:
            self._log.flush()
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return f"--- last {lines} lines of {self.log_path} ---\n" + "\n".join(text.splitlines()[-lines:])

    def log_text(self) -> str:
        if self._log:
            self._log.flush()
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if self._log:
            self._log.close()
            self._log = None

    def __enter__(self) -> AppServer:
        return self.start()

    def __exit__(self, exc_type, *exc) -> None:
        if exc_type is not None:  # whatever went wrong, the server's side of it
            print(self.log_tail(40))
        self.stop()


@contextlib.contextmanager
def server_with_env(log_path: pathlib.Path, **env: str):
    """An ``AppServer`` started with ``env`` in its environment (read at start-up), stopped afterwards."""
    previous = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    server = AppServer(log_path)
    try:
        server.start()
    finally:
        for name, value in previous.items():
            if value is None:
                del os.environ[name]
            else:
                os.environ[name] = value
    try:
        yield server
    finally:
        server.stop()
