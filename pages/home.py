"""Home: what the playground teaches, a map of the topics, and this machine."""

import streamlit as st

from core.device import describe, versions
from playground.challenges_ui import progress_line, sync_with_browser
from playground.sidebar import current_device_choice
from playground.topics import TOPICS

CHALLENGE_PAGES = {"custom_data": "custom"}  # a page file's stem -> its name for challenges, where they differ

st.title("PyTorch Playground")
st.markdown(
    "Learn PyTorch by **watching it work**. Every page trains a small model live, in your own session, "
    "with the controls a course asks you to try: learning rate, layers, activation, optimizer, batch size. "
    "Charts move while it trains, and every experiment shows the plain PyTorch code behind it."
)
st.subheader("Topics")
sync_with_browser()  # the challenges met in this browser, on any page
for topic in TOPICS:
    with st.container(border=True):
        st.page_link(str(topic.file), label=topic.title, icon=topic.icon)
        st.caption(topic.summary)
        progress = progress_line(CHALLENGE_PAGES.get(topic.file.stem, topic.file.stem))
        if progress:
            st.caption(f":material/emoji_events: {progress}")

st.subheader("This machine")
choice = current_device_choice()
found = versions()
cols = st.columns(3)
cols[0].metric("Device", choice.device.type.upper())
cols[1].metric("torch", found["torch"])
cols[2].metric("torchvision", found["torchvision"])
st.caption(f"{describe(choice.device)}. {choice.reason} Change it in the sidebar.")
