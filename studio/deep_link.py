"""A demo's settings in the URL's query string, so a copied link reproduces the same demo.

The query keys are the article's parameter names (``outputStride=8&maxPoseDetections=2``).
Only values that differ from the page's defaults are written, so links stay short. A value
that is unknown or out of range falls back to its default with a notice. Plain Python.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields

from .parameters import ALL_PARTS, PARAMETERS, Parameter, available_views
from .settings import DemoSettings
from .sources import CAMERA

SOURCE_KEY = "source"


def _format(value) -> str:
    if value is None:
        return ALL_PARTS
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _applies(param: Parameter, defaults: DemoSettings) -> bool:
    return defaults.multi_pose or not param.multi_pose_only


def read_link(query: Mapping[str, str], defaults: DemoSettings, sources) -> tuple[DemoSettings, str, list[str]]:
    """(settings, source, notices) from a query string's values."""
    chosen, notices = {}, []
    for field, param in PARAMETERS.items():
        if param.link_name not in query or not _applies(param, defaults):
            continue
        text = query[param.link_name]
        try:
            chosen[field] = param.parse(text)
        except ValueError as allowed:
            fallback = _format(getattr(defaults, field))
            notices.append(f"`{param.link_name}={text}` is not valid (allowed: {allowed}); using {fallback}.")
    if chosen.get("view", defaults.view) not in available_views(defaults.multi_pose):
        notices.append(f"`view={chosen.pop('view')}` is for the multi-pose page; using {defaults.view}.")
    source = query.get(SOURCE_KEY, CAMERA)
    if source not in sources:
        notices.append(f"`source={source}` is not a known source (allowed: {', '.join(sources)}); using the webcam.")
        source = CAMERA
    return defaults.with_changes(**chosen), source, notices


def write_link(settings: DemoSettings, source: str, defaults: DemoSettings) -> dict[str, str]:
    """The query string values for these settings: only what differs from the defaults."""
    query = {SOURCE_KEY: source} if source != CAMERA else {}
    for f in fields(DemoSettings):
        param = PARAMETERS.get(f.name)
        value = getattr(settings, f.name)
        if param is not None and _applies(param, defaults) and value != getattr(defaults, f.name):
            query[param.link_name] = _format(value)
    return query
