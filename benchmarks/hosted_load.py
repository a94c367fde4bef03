"""The hosted stack under load: ``python benchmarks/hosted_load.py --sessions 1,2,4,6`` (not a test).

Starts ``deploy/up`` (coturn + HAProxy + ``--replicas`` Streamlit replicas; relay-only ICE
unless ``--policy all``), then adds browser sessions on the multi-pose page, each with the
fake camera (640 x 480, every frame stamped with its index, as in browser_fps.py), until
each count in ``--sessions`` is streaming, and for ``--seconds`` at each count prints:

* per session: its replica (HAProxy's cookie), distinct frames PoseNet processed per second
  (deltas of the page's "Frames processed"), glass-to-glass latency (median over the returned
  frames shown, each one's stamp against the camera track's, read in the page), the local ICE candidate type;
* per replica: CPU in cores (from /proc), and HAProxy's, coturn's (each also per session) and the whole machine's;
* host steal over the window (/proc/stat): the machine is shared, so read the numbers with it.

Each session has a Chromium of its own (as users do; ``--one-browser``: one Chromium, a context
per session, whose shared fake camera held 3 or more sessions to ~5 fps each here), on the same
cores as the servers, so from 3 sessions on the browsers take much of the machine.

``--class-network``: the class of issue 21 instead, on hosts that are network namespaces
(tests/support/class_network.py, as tests/browser/test_class_network.py builds it): the edge runs
``deploy/up edge`` (HAProxy + coturn, HTTPS with a test CA, TURN over TLS on port 443), hostA and
hostB run ``deploy/up replica`` with one replica each, and every student's Chromium runs in the
student namespace behind a firewall that lets only TCP 443 to the edge out. Sessions alternate
between the two hosts (HAProxy's replica cookie), each checked relayed over TLS before it counts.
Per window it prints the same per-session numbers (the candidate as ``relay/tls``), each host's
replica CPU, HAProxy's and coturn's CPU in all and per session, and steal.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import statistics
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))  # the repository: tests.support

from benchmarks.browser_fps import LOOP_FRAMES, LOOP_S  # noqa: E402
from tests.support import class_network, hosted  # noqa: E402
from tests.support.chromium import launch_chromium, warm_up  # noqa: E402
from tests.support.demo_page import processed_rate  # noqa: E402
from tests.support.fake_camera import make_y4m  # noqa: E402
from tests.support.netns import in_namespace  # noqa: E402
from tests.support.proc_metrics import cpu_seconds_of, descendants, host_cpu_jiffies, other_descendants  # noqa: E402
from tests.support.webrtc_probe import record_stamps, recorded_latencies_ms  # noqa: E402

WIDTH, HEIGHT = 640, 480
HOSTS = ("hostA", "hostB")  # --class-network: the replica hosts, one replica each
PER_SESSION = ("haproxy", "coturn")  # parts every session passes through: their CPU is also shown per session


def measure(sessions: list[hosted.Session], parts: dict[str, list[int]], stacks: list[int], seconds: float) -> dict:
    """One window of ``seconds`` over the streaming ``sessions``. ``parts``: {name: pids}, each pid's
    process tree counted as that part (HAProxy's workers run under its master); ``stacks``: the
    ``deploy/up`` processes, whose trees hold every server, so what else this process started is Chromium."""
    trees = {name: [p for pid in pids for p in (pid, *descendants(pid))] for name, pids in parts.items()}
    trees["chromium"] = other_descendants(*stacks)
    cpu0 = {name: cpu_seconds_of(pids) for name, pids in trees.items()}
    total0, idle0, steal0 = host_cpu_jiffies()
    for session in sessions:
        record_stamps(session.demo, HEIGHT, LOOP_FRAMES)
        recorded_latencies_ms(session.demo)  # from the window's start on
    first = [s.demo.read() for s in sessions]
    started = time.monotonic()
    time.sleep(seconds)
    latencies = [recorded_latencies_ms(s.demo) for s in sessions]
    last = [s.demo.read() for s in sessions]
    elapsed = time.monotonic() - started
    total1, idle1, steal1 = host_cpu_jiffies()
    cores = {name: (cpu_seconds_of(pids) - cpu0[name]) / elapsed for name, pids in trees.items()}
    cores["machine busy"] = (os.cpu_count() or 1) * (1 - (idle1 - idle0) / max(1, total1 - total0))
    return {
        "fps": [processed_rate([a, b]) for a, b in zip(first, last)],
        "latency_ms": [statistics.median(x) if x else None for x in latencies],
        "replica": [s.replica() for s in sessions],
        "candidate": [candidate(s) for s in sessions],
        "cores": cores,
        "steal": (steal1 - steal0) / max(1, total1 - total0),
        "load": os.getloadavg()[0],
    }


def candidate(session: hosted.Session) -> str:
    """The browser's side of the session's path: "host", "srflx", or "relay/<protocol to TURN>"."""
    local = session.connection()["local"]
    return "/".join(filter(None, (local["candidateType"], local.get("relayProtocol"))))


def grow_and_measure(counts: list[int], seconds: float, open_session, parts, stacks, check=None) -> None:
    """Adds sessions, ``open_session(n)`` opening the n-th, until each count streams, then measures
    and prints a window; ``check(session)`` asserts what a session must be before it counts."""
    sessions: list[hosted.Session] = []
    for count in counts:
        while len(sessions) < count:
            session = open_session(len(sessions))
            session.demo.start(timeout=60)
            session.demo.wait_for_frames(1, timeout=40)
            if check:
                check(session)
            sessions.append(session)
        time.sleep(3)  # let the newest session settle
        print_row(count, measure(sessions, parts, stacks, seconds))


def stack_parts(stack: hosted.Stack) -> dict[str, list[int]]:
    """HAProxy and coturn of a one-machine or edge stack, as ``measure`` counts them."""
    return {"haproxy": [stack.info["haproxy"]["pid"]], "coturn": [stack.info["turn"]["pid"]]}


def one_machine(args, counts: list[int], camera: pathlib.Path, tmp: pathlib.Path) -> None:
    from playwright.sync_api import sync_playwright

    env = {"POSENET_ICE_TRANSPORT_POLICY": args.policy}
    stack = hosted.Stack(tmp / "stack", replicas=args.replicas, env=env, port=args.port).start()
    print(f"stack: {stack.info['url']}, {args.replicas} replicas, ICE policy {args.policy}, {os.cpu_count()} cores")
    parts = {r["name"]: [r["pid"]] for r in stack.info["replicas"]} | stack_parts(stack)
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright, camera)
            pages = warm_up(browser, stack.info["url"])

            def open_session(n: int) -> hosted.Session:
                own = launch_chromium(playwright, camera) if not args.one_browser else browser
                session = hosted.Session(own, stack, pages["Multi pose"])
                session.demo.open()
                return session

            grow_and_measure(counts, args.seconds, open_session, parts, [stack.process.pid])
            browser.close()
    finally:
        stack.stop()


def class_network_run(args, counts: list[int], camera: pathlib.Path, tmp: pathlib.Path) -> None:
    from playwright.sync_api import sync_playwright

    env = {"POSENET_ICE_TRANSPORT_POLICY": args.policy}
    with class_network.school_network():
        files, config = class_network.new_class(tmp / "class", list(HOSTS))
        flags = ["--config", str(config)]
        edge = hosted.Stack(tmp / "edge", role="edge", env=env, extra=flags, prefix=in_namespace("edge", []))
        hosts = {
            host: hosted.Stack(tmp / host, role="replica", env=env, extra=flags, prefix=in_namespace(host, []))
            for host in HOSTS
        }
        started = []
        try:
            for part in (edge, *hosts.values()):
                started.append(part.start())
            parts = {f"{host} replica": [r["pid"] for r in s.info["replicas"]] for host, s in hosts.items()}
            parts |= stack_parts(edge)
            # Session n goes to replica n mod 2 in this order: the hosts take turns.
            replicas = [r["name"] for s in hosts.values() for r in s.info["replicas"]]
            print(
                f"class network: {edge.info['url']} at the edge (HAProxy + coturn, TURN over TLS on 443); "
                f"replicas {', '.join(replicas)}; students behind a firewall that lets only TCP 443 out; "
                f"ICE policy {args.policy}; {os.cpu_count()} cores for all of it"
            )
            with sync_playwright() as playwright:

                def student(n: int):
                    folder = tmp / f"student{n}"  # a HOME each: one NSS database per Chromium
                    home = class_network.browser_home_trusting(files["ca"], folder / "home")
                    return class_network.student_chromium(playwright, camera, home, folder)

                browser = student(0)
                pages = warm_up(browser, edge.info["url"], timeout=180)

                def open_session(n: int) -> hosted.Session:
                    own = student(n + 1) if not args.one_browser else browser
                    path, replica = pages["Multi pose"], replicas[n % len(replicas)]
                    session = class_network.student_session(own, edge, path, replica)
                    session.demo.open(timeout=180)  # a host's first page loads the model there
                    return session

                stacks = [part.process.pid for part in started]
                grow_and_measure(
                    counts, args.seconds, open_session, parts, stacks, check=class_network.relayed_over_tls
                )
                browser.close()
        finally:
            for part in reversed(started):
                part.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", default="1,2,3,4,5,6", help="session counts to measure, rising")
    parser.add_argument("--seconds", type=float, default=15.0, help="measuring window per count")
    parser.add_argument("--replicas", type=int, default=2, help="replicas of the one-machine stack")
    parser.add_argument("--port", type=int, help="the one-machine stack's HAProxy port (default: a free one)")
    parser.add_argument(
        "--one-browser",
        action="store_true",
        help="one Chromium for all sessions, a context each (its shared fake camera caps 3+ sessions at ~5 fps)",
    )
    parser.add_argument("--policy", choices=("relay", "all"), default="relay", help="POSENET_ICE_TRANSPORT_POLICY")
    parser.add_argument(
        "--class-network",
        action="store_true",
        help="an edge, two replica hosts (one replica each) and students behind a TCP-443-only firewall, "
        "as network namespaces (needs root; --replicas and --port do not apply)",
    )
    args = parser.parse_args()
    counts = sorted({int(x) for x in args.sessions.split(",")})

    with tempfile.TemporaryDirectory(prefix="posenet-hosted-") as tmp:
        tmp = pathlib.Path(tmp)
        camera = make_y4m(tmp / "camera.y4m", WIDTH, HEIGHT, seconds=LOOP_S, stamp=True)
        (class_network_run if args.class_network else one_machine)(args, counts, camera, tmp)
    return 0


def print_row(count: int, row: dict) -> None:
    fps = " ".join(f"{f:4.1f}" for f in row["fps"])
    latency = " ".join("-" if x is None else f"{x:.0f}" for x in row["latency_ms"])
    cores = " ".join(
        f"{name} {value:.2f}" + (f" ({value / count:.3f}/session)" if name in PER_SESSION else "")
        for name, value in row["cores"].items()
    )
    print(
        f"{count} session(s): fps [{fps}] (min {min(row['fps']):.1f}); latency ms [{latency}]; "
        f"replicas {row['replica']}; candidates {row['candidate']}; cores: {cores}; "
        f"steal {100 * row['steal']:.0f}%; load {row['load']:.1f}",
        flush=True,
    )


if __name__ == "__main__":
    sys.exit(main())
