"""PyTorch Playground's Streamlit script: page config, the shared sidebar, navigation over pages/.

It lives in playground/, not beside pages/: Streamlit treats a `pages/` folder
next to the main script as an old-style multipage app on a fresh server's
first request (a deep link such as /classification would then skip
st.navigation: no sidebar, no layout). Pages are named by absolute paths.
"""

import streamlit as st

from core.device import configure_threads
from playground.layout import NARROW_SCREEN_CSS
from playground.live.pool import POOL
from playground.live.scheduler import SCHEDULER
from playground.sidebar import app_sidebar
from playground.tensor_lessons import FIX_LINE
from playground.topics import APP_ICON, HOME, TOPICS

STYLE = (
    "<style>[data-testid='stMainBlockContainer'] { padding-top: 2.2rem; padding-bottom: 3rem; }"
    + NARROW_SCREEN_CSS
    + f"[class*='st-key-{FIX_LINE}'] input {{ font-family: 'Source Code Pro', monospace; }}"  # a line of code
    + "</style>"
)

configure_threads()  # once per process: tiny models train fastest on one thread
POOL.start_soon()  # once per process: the training workers (one per core) start while the first page loads

st.set_page_config(page_title="PyTorch Playground", page_icon=str(APP_ICON), layout="wide")
st.html(STYLE)  # a compact header, so a live page's picture and curves fit a laptop screen
home = st.Page(str(HOME.file), title=HOME.title, icon=HOME.icon, default=True)
topics = [st.Page(str(topic.file), title=topic.title, icon=topic.icon, url_path=topic.url_path) for topic in TOPICS]
page = st.navigation({"Start": [home], "Topics": topics})
app_sidebar()
with SCHEDULER.hold():  # this process's trainer thread (GPU runs, no workers) steps aside while this script runs
    page.run()
