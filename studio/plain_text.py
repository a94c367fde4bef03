"""Text from outside the app (a share link's words, an uploaded file's name) shown as plain text.

Streamlit renders the body of ``st.warning``, ``st.error``, ``st.caption`` and friends as
Markdown, GitHub's flavour: a link's value could otherwise put a live link, an image from
another site or bold text into the app's own notice. Backslash escapes are not enough:
GitHub's flavour turns any ``http://``, ``www.`` or e-mail address left in the text into a
link after the escapes are read. So outside text is shown as inline code, where Markdown
reads nothing at all, fenced with more backticks than any run of them inside, so the text
cannot close it. ``cut`` keeps each value short: a 60,000-character value would otherwise
make a notice thousands of pixels tall. Plain Python.
"""

from __future__ import annotations

import re
import unicodedata

MAX_SHOWN = 40  # characters of one outside value shown in a notice
ELLIPSIS = "…"


def single_line(text: str) -> str:
    """Control characters (newlines, tabs, escapes) as spaces: one value, one line."""
    return "".join(" " if unicodedata.category(c).startswith("C") else c for c in str(text))


def cut(text: str, limit: int = MAX_SHOWN) -> str:
    """``text`` on one line, at most ``limit`` characters (the last an ellipsis when cut)."""
    text = single_line(text)
    return text if len(text) <= limit else text[: limit - 1] + ELLIPSIS


def code_span(text: str) -> str:
    """``text`` (one line) as Markdown inline code, shown exactly as it is.

    The fence is one backtick longer than the longest run of backticks in the text, and the
    spaces inside it are the ones CommonMark strips, so a text that starts or ends with a
    backtick is shown whole."""
    text = single_line(text)
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    return f"{fence} {text} {fence}"


def shown(value: str, limit: int = MAX_SHOWN) -> str:
    """An outside value cut short, as inline code: safe to put into any Markdown body."""
    return code_span(cut(value, limit))
