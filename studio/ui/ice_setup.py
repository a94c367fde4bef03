"""This session's ICE servers (STUN/TURN), from the app's secrets or environment, or a plain-words stop."""

from __future__ import annotations

import streamlit as st

from studio.hosting import ice
from studio.session_keys import ICE_SETUP


def session_ice_config() -> tuple[dict, str]:
    """This session's RTCConfiguration for the browser and where it came from (the server's own
    half, with its TURN URLs, is made from the same setup by ``live.streamer``).

    A configuration that cannot be read stops the page with a message for the host.
    """
    try:
        secrets = dict(st.secrets) if len(st.secrets) else None
    except FileNotFoundError:  # no secrets.toml anywhere: the local default
        secrets = None
    try:
        setup = ice.ice_setup(secrets)
    except ice.IceConfigError as error:
        st.error(f"This app's WebRTC configuration is wrong, so video cannot connect: {error}")
        st.stop()
    st.session_state[ICE_SETUP] = setup  # the live panel's advice when a connection stalls
    return ice.rtc_configuration(setup, st.session_state), setup.origin
