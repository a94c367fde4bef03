"""What each requirements file installs: the demo serves without TensorFlow, the tests get everything.

`requirements.txt` is the first README command's install: every package the app and the library
import must come with it (directly or as a dependency), and TensorFlow (1.9 GB, only for rebuilding
the models and the tests that compare against it) must not. `requirements-dev.txt` (what `.ci/run`
installs) brings TensorFlow through `requirements-build.txt`.
"""

import ast
import importlib.metadata
import pathlib
import re
import sys

from packaging.requirements import Requirement

REPO_ROOT = pathlib.Path(__file__).resolve().parent.parent
SERVING_SOURCES = ["streamlit_app.py", "pages", "studio", "posenet_core"]
# The model builds import TensorFlow (and the converters) on purpose; serving never imports them.
BUILD_ONLY_MODULES = {"posenet_core/build.py", "posenet_core/successors/build.py"}
HEAVY = {"tensorflow", "keras", "tf-keras", "tensorflow-cpu"}


def requirement_lines(name: str) -> list[str]:
    lines = []
    for raw in (REPO_ROOT / name).read_text().splitlines():
        line = raw.split(" #", 1)[0].strip()
        if line and not line.startswith("#"):
            lines.append(line)
    return lines


def pinned(name: str) -> dict[str, str]:
    """{distribution: version} of a file's `name==version` lines (its includes not followed)."""
    found = {}
    for line in requirement_lines(name):
        if not line.startswith("-"):
            requirement = Requirement(line)
            found[canonical(requirement.name)] = str(requirement.specifier)
    return found


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def installed_closure(roots) -> set[str]:
    """The distributions `pip install roots` brings, read from the installed packages' metadata."""
    seen, todo = set(), [canonical(r) for r in roots]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for spec in importlib.metadata.requires(name) or []:
            requirement = Requirement(spec)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(canonical(requirement.name))
    return seen


def serving_imports() -> set[str]:
    """Top-level modules the app and the library import (outside the model build)."""
    modules = set()
    for source in SERVING_SOURCES:
        path = REPO_ROOT / source
        for file in [path] if path.is_file() else sorted(path.rglob("*.py")):
            if file.relative_to(REPO_ROOT).as_posix() in BUILD_ONLY_MODULES:
                continue
            for node in ast.walk(ast.parse(file.read_text())):
                if isinstance(node, ast.Import):
                    modules.update(alias.name.split(".")[0] for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    modules.add(node.module.split(".")[0])
    return {m for m in modules if m not in sys.stdlib_module_names and m not in ("posenet_core", "studio", "pages")}


def test_the_demo_requirements_hold_no_tensorflow():
    serving = installed_closure(pinned("requirements.txt"))
    assert not serving & HEAVY, f"requirements.txt pulls in {sorted(serving & HEAVY)}"


def test_every_module_the_demo_imports_comes_with_the_demo_requirements():
    serving = installed_closure(pinned("requirements.txt"))
    providers = importlib.metadata.packages_distributions()
    missing = {}
    for module in sorted(serving_imports()):
        distributions = {canonical(d) for d in providers.get(module, [])}
        assert distributions, f"no installed distribution provides {module!r}"
        if not distributions & serving:
            missing[module] = sorted(distributions)
    assert not missing, f"imported by the app or library but not installed by requirements.txt: {missing}"


def test_the_dev_requirements_bring_the_demo_and_tensorflow():
    dev = requirement_lines("requirements-dev.txt")
    assert "-r requirements.txt" in dev and "-r requirements-build.txt" in dev
    build = pinned("requirements-build.txt")
    assert "tensorflow" in build
    # The package's `build` extra names the same TensorFlow.
    pyproject = (REPO_ROOT / "pyproject.toml").read_text()
    assert f'build = ["tensorflow{build["tensorflow"]}"]' in pyproject
    assert "requirements-dev.txt" in (REPO_ROOT / ".ci" / "run").read_text()
