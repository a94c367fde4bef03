"""Text from a link or an upload is shown as typed: never Markdown, never long (studio/plain_text.py)."""

import pytest

from studio.plain_text import MAX_SHOWN, code_span, cut, shown
from tests.conftest import code_spans, markdown_syntax

HOSTILE = [
    "x` **Camera blocked: [click here to fix](http://evil.example/fix)** `",
    "`view=x` **Camera blocked: [click here to fix](http://evil.example/fix)** ``",  # as the old notice quoted it
    "![img](http://evil.example/a.png)",
    "<img src=http://evil.example/a.png> <a href='http://evil.example'>x</a>",
    "# Big *bold* _it_ ~~gone~~ :red[red] :material/home: $x^2$ | a | b |",
    "- item",
    "mail me@evil.example or www.evil.example",
    "\\[escaped\\](http://evil.example) ``` ```` `",
    "` starts and ends with a backtick `",
]


def test_the_checker_sees_markdown_when_there_is_some():
    """The test's own parser must find what it is meant to find, or the tests below prove nothing."""
    found = set().union(*(markdown_syntax(text) for text in HOSTILE))
    assert {"link_open", "strong_open", "code_inline", "image", "autolink", "html_inline", "em_open"} <= found


@pytest.mark.parametrize("text", HOSTILE)
def test_a_code_span_shows_the_text_exactly_and_nothing_else(text):
    body = f"The link's settings: {code_span(text)} is not valid."
    assert markdown_syntax(body) == {"code_inline"}
    assert code_spans(body) == [text]


def test_a_long_value_is_cut_with_an_ellipsis():
    assert cut("a" * 60_000) == "a" * (MAX_SHOWN - 1) + "…"
    assert cut("short") == "short" and len(cut("b" * MAX_SHOWN)) == MAX_SHOWN
    assert code_spans(shown("`" * 60_000)) == ["`" * (MAX_SHOWN - 1) + "…"]


def test_a_value_stays_on_one_line():
    assert cut("a\nb\r\tc\x1b") == "a b  c "
    assert code_spans(shown("- a\n# b")) == ["- a # b"]
