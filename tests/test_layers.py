"""The arrows between the app's rooms point one way (read from the import statements).

pages -> teaching -> ui -> clips / model -> live -> settings -> {sources, site_map, hosting, plain_text}
-> {session_keys, timing} -> posenet_core. A module may import its own room and any room below it, never one
above it nor a neighbour at its own level (a room of the same rank).
"""

from __future__ import annotations

import ast
import pathlib

from tests.conftest import REPO_ROOT

ORDER = (
    ("pages",),
    ("teaching",),
    ("ui",),
    ("clips", "model"),
    ("live",),
    ("settings",),
    ("sources", "site_map", "hosting", "plain_text"),
    ("session_keys", "timing"),
    ("posenet_core",),
)
RANK = {room: rank for rank, rooms in enumerate(ORDER) for room in rooms}

# Inside posenet_core: the drawings and each decoder stand on the shared grid helpers, not on a decoder.
CORE_FORBIDDEN = {
    "draw": {"single_pose", "multi_pose"},
    "multi_pose": {"single_pose"},
    "single_pose": {"multi_pose"},
}


def room_of(module: str) -> str | None:
    """``studio.live.relay`` -> ``live``; ``pages.x`` and the entry script -> ``pages``; others None."""
    parts = module.split(".")
    if parts[0] == "posenet_core":
        return "posenet_core"
    if parts[0] in ("pages", "streamlit_app"):
        return "pages"
    if parts[0] == "studio" and len(parts) > 1:
        return parts[1]
    return None


def module_name(path: pathlib.Path, root: pathlib.Path) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: pathlib.Path, package: str) -> set[str]:
    """Every module ``path`` imports (``from a import b`` counts as ``a`` and ``a.b``)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: inside the importer's package
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + [base]).strip(".")
            names.add(base)
            names |= {f"{base}.{alias.name}" for alias in node.names}
    return names


def upward_imports(root: pathlib.Path) -> list[str]:
    files = [root / "streamlit_app.py", *root.glob("pages/*.py"), *root.glob("studio/**/*.py")]
    found = []
    for path in files:
        if not path.exists():
            continue
        module = module_name(path, root)
        room = room_of(module)
        if room not in RANK:
            continue
        for name in sorted(imported(path, module)):
            target = room_of(name)
            if target in RANK and target != room and RANK[target] <= RANK[room]:
                found.append(f"{module} -> {name}")
    return found


def test_studio_imports_point_down_only():
    assert upward_imports(REPO_ROOT) == []


def test_every_room_of_studio_has_a_rank():
    rooms = {p.stem if p.is_file() else p.name for p in (REPO_ROOT / "studio").iterdir()}
    rooms -= {"__init__", "__pycache__", "static", "samples"}  # static files and sample media
    assert rooms <= set(RANK), f"place {sorted(rooms - set(RANK))} in ORDER"


def test_the_check_sees_an_arrow_up(tmp_path):
    (tmp_path / "studio" / "live").mkdir(parents=True)
    (tmp_path / "studio" / "live" / "streamer.py").write_text("from studio.ui import connection_watch\n")
    (tmp_path / "studio" / "live" / "relay.py").write_text(
        "from studio.live import fresh_frames\nimport posenet_core\n"
    )
    (tmp_path / "studio" / "clips").mkdir()
    (tmp_path / "studio" / "clips" / "panel.py").write_text("from studio.model import get_model\n")
    assert upward_imports(tmp_path) == [  # the entry script is missing here: skipped
        "studio.clips.panel -> studio.model",
        "studio.clips.panel -> studio.model.get_model",
        "studio.live.streamer -> studio.ui",
        "studio.live.streamer -> studio.ui.connection_watch",
    ]


def test_posenet_core_draws_and_decodes_on_shared_helpers():
    core = REPO_ROOT / "posenet_core"
    for module, forbidden in CORE_FORBIDDEN.items():
        names = imported(core / f"{module}.py", f"posenet_core.{module}")
        assert not {f"posenet_core.{f}" for f in forbidden} & names, module


def test_posenet_core_never_imports_streamlit():
    for path in (REPO_ROOT / "posenet_core").rglob("*.py"):
        assert not any(n.split(".")[0] in ("streamlit", "streamlit_webrtc", "studio") for n in imported(path, "x")), (
            path
        )
