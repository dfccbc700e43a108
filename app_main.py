"""PyTorch Playground's Streamlit script: page config, the shared sidebar, navigation over app_pages/."""

import streamlit as st

from core.device import configure_threads
from playground.live_run import SCHEDULER
from playground.sidebar import app_sidebar
from playground.topics import TOPICS

configure_threads()  # once per process: tiny models train fastest on one thread

st.set_page_config(page_title="PyTorch Playground", page_icon=":material/local_fire_department:", layout="wide")
home = st.Page("app_pages/home.py", title="Home", icon=":material/home:", default=True)
topics = [
    st.Page(topic.path, title=topic.title, icon=topic.icon, url_path=topic.path.split("/")[-1][:-3]) for topic in TOPICS
]
page = st.navigation({"Start": [home], "Topics": topics})
app_sidebar()
with SCHEDULER.hold():  # the trainer thread steps aside while this script runs
    page.run()
