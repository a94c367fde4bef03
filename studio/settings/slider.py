"""A slider for one number of the parameter table: the demo pages and the teaching page alike."""

from __future__ import annotations

import streamlit as st

from studio.settings.table import PARAMETERS


def parameter_slider(field: str, key: str, where=st, help: str | None = None, **options):
    """A slider for a number of the parameter table (label, range, step, help text from there)
    in ``where`` (a column, or ``st``); ``help`` replaces the table's, ``options`` go to ``st.slider``."""
    p = PARAMETERS[field]
    return where.slider(p.label, **p.slider_range(), key=key, help=help or p.help, **options)
