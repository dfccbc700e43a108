"""PyTorch Playground's server: Streamlit (playground/app_main.py) plus the live-training frame stream.

`streamlit run streamlit_app.py` finds `app` below and serves it: the usual
Streamlit app, and one extra route that streams each learner's training frames
to their browser (playground.live.stream). Unexpected errors show a one-line
message instead of a stack trace.
"""

import streamlit as st

from playground.errors import show_friendly_error
from playground.live.stream import ROUTES

app = st.App("playground/app_main.py", routes=ROUTES, on_script_error=show_friendly_error)
