"""Text from a link or an upload is shown as typed: never Markdown, never long (studio/plain_text.py)."""

import re

import pytest

from studio.plain_text import MAX_SHOWN, cut, escape_markdown, shown
from tests.conftest import markdown_syntax

HOSTILE = [
    "x` **Camera blocked: [click here to fix](http://evil.example/fix)** `",
    "`view=x` **Camera blocked: [click here to fix](http://evil.example/fix)** ``",  # as the old notice quoted it
    "![img](http://evil.example/a.png)",
    "<img src=http://evil.example/a.png> <a href='http://evil.example'>x</a>",
    "# Big *bold* _it_ ~~gone~~ :red[red] :material/home: $x^2$ | a | b |",
    "- item\n1. two\n\n---",
    "mail me@evil.example or www.evil.example",
    "\\[not escaped\\](http://evil.example)",
]


def test_the_checker_sees_markdown_when_there_is_some():
    """The test's own parser must find what it is meant to find, or the tests below prove nothing."""
    assert {"link_open", "strong_open", "code_inline", "image", "autolink"} <= set().union(
        *(markdown_syntax(text) for text in HOSTILE)
    )


@pytest.mark.parametrize("text", HOSTILE)
def test_escaped_text_is_plain_text(text):
    assert markdown_syntax(escape_markdown(text)) == set()


@pytest.mark.parametrize("text", HOSTILE)
def test_escaping_keeps_every_character(text):
    """Every backslash escapes the character after it: removing them gives the text back (on one line)."""
    assert re.sub(r"\\(.)", r"\1", escape_markdown(text)) == text.replace("\n", " ")


def test_a_long_value_is_cut_with_an_ellipsis():
    assert cut("a" * 60_000) == "a" * (MAX_SHOWN - 1) + "…"
    assert cut("short") == "short" and len(cut("b" * MAX_SHOWN)) == MAX_SHOWN
    assert len(shown("[" * 60_000)) == 2 * (MAX_SHOWN - 1) + 1  # each cut character escaped once


def test_a_value_stays_on_one_line():
    assert cut("a\nb\r\tc\x1b") == "a b  c "
