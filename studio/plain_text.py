"""Text from outside the app (a share link's values, an uploaded file's name) shown as plain text.

Streamlit renders the body of ``st.warning``, ``st.error``, ``st.caption`` and friends as
Markdown (GitHub's flavour, plus its own ``:red[...]``, ``:material/...:`` and ``$...$``):
a link's value could otherwise put a live link, an image from another site, or bold text
into the app's own notice. ``escape_markdown`` backslash-escapes every character Markdown
could read as syntax, so the text shows exactly as typed; ``cut`` keeps one value short (a
60,000-character value would otherwise make a notice thousands of pixels tall). Plain Python.
"""

from __future__ import annotations

import re
import unicodedata

MAX_SHOWN = 40  # characters of one outside value shown in a notice
ELLIPSIS = "…"
# CommonMark lets any ASCII punctuation be backslash-escaped; these could start syntax (links,
# images, emphasis, code, HTML, lists, headings, tables, autolinks, Streamlit's directives, maths).
_SYNTAX = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$&@^])")


def single_line(text: str) -> str:
    """Control characters (newlines, tabs, escapes) as spaces: one value, one line."""
    return "".join(" " if unicodedata.category(c).startswith("C") else c for c in str(text))


def cut(text: str, limit: int = MAX_SHOWN) -> str:
    """``text`` on one line, at most ``limit`` characters (the last an ellipsis when cut)."""
    text = single_line(text)
    return text if len(text) <= limit else text[: limit - 1] + ELLIPSIS


def escape_markdown(text: str) -> str:
    """``text`` for a Streamlit element that renders Markdown, to be shown exactly as typed."""
    return _SYNTAX.sub(r"\\\1", single_line(text))


def shown(value: str, limit: int = MAX_SHOWN) -> str:
    """An outside value, cut and escaped, ready to put into a Markdown body."""
    return escape_markdown(cut(value, limit))
