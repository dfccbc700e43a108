"""The live-training runtime: runs that train in the background and stream frames to the browser.

- experiment: the protocol a page's experiment follows (a Trainer, live settings)
- run: one learner's run (history, frames, play / pause / step)
- pool: the worker processes that train playing runs (one per core), and the watcher that keeps them even
- worker: a worker process's side: it trains the runs it is sent and sends their frames home
- scheduler: a process's one trainer thread, taking every playing run in turn (in each worker, or here)
- hub: frame-stream token -> run (weak)
- stream: the server-sent-events route that sends frames to the browser
- session: a page's run in st.session_state (built, reused, reset)
- controls: Play / Pause / Step / Reset and the live view component (the only Streamlit part)
"""
