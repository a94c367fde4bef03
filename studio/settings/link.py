"""A demo's settings in the URL's query string, so a copied link reproduces the same demo.

The query keys are the article's parameter names (``outputStride=8&maxPoseDetections=2``).
Only values that differ from the page's defaults are written, so links stay short. A value
that is unknown or out of range falls back to its default with a notice, as does a name the
page does not know. Plain Python.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields

from studio.plain_text import MAX_SHOWN, cut, shown
from studio.settings.demo import DemoSettings
from studio.settings.table import PARAMETERS, VIEWS, Parameter, available_views
from studio.sources import CAMERA

SOURCE_KEY = "source"
STREAMLIT_QUERY_KEYS = ("embed", "embed_options")  # Streamlit's own: not ours to judge


def _format(param: Parameter, value) -> str:
    value = param.as_option(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _applies(param: Parameter, defaults: DemoSettings) -> bool:
    return defaults.multi_pose or not param.multi_pose_only


@dataclass(frozen=True)
class LinkNotice:
    """A part of the link the page did not take, and what it did instead.

    ``setting``: the widget it is about (a DemoSettings field, or "source"); None for a name
    the page does not know. The page shows it until the user changes that setting (any
    setting, for an unknown name). ``text`` is Markdown, safe to show: the link's own words
    are in it cut short and as inline code (``plain_text.shown``).
    """

    setting: str | None
    text: str


def _quoted(name: str, text: str) -> str:
    """``name=text`` from the link, each cut short, as inline code."""
    return shown(f"{cut(name)}={cut(text)}", limit=2 * MAX_SHOWN + 1)


def _invalid(name: str, text: str, allowed: str, using: str, setting: str) -> LinkNotice:
    return LinkNotice(setting, f"{_quoted(name, text)} is not valid (allowed: {allowed}); using {using}.")


def read_link(query: Mapping[str, str], defaults: DemoSettings, sources) -> tuple[DemoSettings, str, list[LinkNotice]]:
    """(settings, source, notices) from a query string's values."""
    multi_pose = defaults.multi_pose
    chosen, notices = {}, []
    for field, param in PARAMETERS.items():
        if param.link_name not in query or not _applies(param, defaults):
            continue
        text = query[param.link_name]
        using = _format(param, getattr(defaults, field))
        try:
            chosen[field] = param.parse(text, multi_pose)
        except ValueError as allowed:
            if text in map(str, param.multi_pose_options):
                notices.append(
                    LinkNotice(field, f"{_quoted(param.link_name, text)} is for the multi-pose page; using {using}.")
                )
            else:
                notices.append(_invalid(param.link_name, text, str(allowed), using, field))
    source = query.get(SOURCE_KEY, CAMERA)
    if source not in sources:
        notices.append(_invalid(SOURCE_KEY, source, "one of " + ", ".join(sources), "the webcam", SOURCE_KEY))
        source = CAMERA
    known = {SOURCE_KEY, *STREAMLIT_QUERY_KEYS, *(p.link_name for p in PARAMETERS.values())}
    for name, text in query.items():
        if name not in known:
            notices.append(LinkNotice(None, f"{_quoted(name, text)}: unknown setting, ignored."))
    settings = defaults.with_changes(**chosen)
    if settings.view not in available_views(multi_pose, settings.model):
        link_name = PARAMETERS["view"].link_name
        notices.append(
            LinkNotice(
                "view",
                f"{_quoted(link_name, settings.view)}: {settings.model} has no {VIEWS[settings.view].lower()}; "
                f"using {defaults.view}.",
            )
        )
        settings = settings.with_changes(view=defaults.view)
    return settings, source, notices


def write_link(settings: DemoSettings, source: str, defaults: DemoSettings) -> dict[str, str]:
    """The query string values for these settings: only what differs from the defaults."""
    query = {SOURCE_KEY: source} if source != CAMERA else {}
    for f in fields(DemoSettings):
        param = PARAMETERS.get(f.name)
        value = getattr(settings, f.name)
        if param is not None and _applies(param, defaults) and value != getattr(defaults, f.name):
            query[param.link_name] = _format(param, value)
    return query
