"""The live-training runtime: runs that train in the background and stream frames to the browser.

- experiment: the protocol a page's experiment follows (a Trainer, live settings)
- run: one learner's run (history, frames, play / pause / step)
- scheduler: the process's one trainer thread, taking every playing run in turn
- hub: frame-stream token -> run (weak)
- stream: the server-sent-events route that sends frames to the browser
- session: a page's run in st.session_state (built, reused, reset)
- controls: Play / Pause / Step / Reset and the live view component (the only Streamlit part)
"""
