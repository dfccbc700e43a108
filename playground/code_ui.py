"""'Show the PyTorch code' on every page: the script, a download button, and what it reproduces."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st
import torch

CODE_OPEN = "/show_code"  # page + this: the expander's key (open or closed)


def show_code(
    page: str,
    source: str | Callable[[], str],
    file_name: str,
    device: torch.device | None = None,
    title: str = "Show the PyTorch code",
    project: tuple[Callable[[], bytes], str] | None = None,
) -> None:
    """An expander with the runnable script for the page's settings and a download button.

    Its content is drawn only while it is open (`source` may be a callable, then called only then): a closed
    code view costs a click nothing, and opening it reruns the page (or the fragment it is in).

    The script reproduces the page's numbers exactly on the CPU (same data, seed, batch order, thread
    count and operations); a GPU rounds differently, which the caption says when one trains the model.
    """
    view = st.expander(title, key=page + CODE_OPEN, on_change="rerun")
    if not view.open:
        return
    if callable(source):
        source = source()
    with view:
        reproduces = "same data, model, seed and batch order, so it prints the page's losses"
        if device is not None and device.type != "cpu":
            reproduces += f" on the CPU (this page trains on {device.type.upper()}, which rounds differently)"
        st.caption(f"The plain PyTorch script for these settings: {reproduces}.")
        buttons = st.container(horizontal=True)
        buttons.download_button(
            "Download as .py",
            source.encode(),
            file_name=file_name,
            mime="text/x-python",
            key=page + "/download_code",
        )
        if project is not None:
            buttons.download_button(
                "Download as a going-modular project (.zip)",
                project[0],
                file_name=project[1],
                mime="application/zip",
                key=page + "/download_project",
                help="data_setup.py, model_builder.py, engine.py, utils.py, train.py and a README: the course's "
                "going-modular layout, printing the same losses",
            )
        st.code(source, language="python")
