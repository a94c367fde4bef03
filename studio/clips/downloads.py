"""Download buttons in a row, for the clip analysis and the snapshot."""

from __future__ import annotations

import streamlit as st

from studio.session_keys import DemoKeys


def download_buttons(keys: DemoKeys, *downloads: tuple) -> None:
    """Download buttons side by side, each ``(label, data, file name, MIME type, clip_tool key)``.

    A horizontal container, not columns: each button as wide as its label (never cut), wrapping
    onto a second row when the column is narrow."""
    row = st.container(horizontal=True, gap="small")
    for label, data, file_name, mime, tool in downloads:
        row.download_button(
            label, data, file_name=file_name, mime=mime, icon=":material/download:", key=keys.clip_tool(tool)
        )
