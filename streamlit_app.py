"""PyTorch Playground's server: Streamlit (playground/app_main.py) plus the live-training frame stream.

`streamlit run streamlit_app.py` finds `app` below and serves it: the usual
Streamlit app, and one extra route that streams each learner's training frames
to their browser (playground.live.stream). Unexpected errors show a one-line
message instead of a stack trace.
"""

import gc
import sys

import streamlit as st
import torchvision  # noqa: F401  (loaded before the freeze below, as every page needs it)

from playground.errors import show_friendly_error
from playground.live.stream import ROUTES

sys.setswitchinterval(0.001)  # hand the GIL over every 1 ms, not 5: many sessions' scripts take turns promptly
gc.freeze()  # the ~400k objects of torch, torchvision and streamlit never become garbage: keep them out of every GC

app = st.App("playground/app_main.py", routes=ROUTES, on_script_error=show_friendly_error)
