"""Save and load section of a page: download the state_dict, upload one into a checked copy, swap it in."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st
import torch

from core.checkpoints import MAX_CHECKPOINT_BYTES, LoadedModel, load_into_copy, same_predictions, to_bytes
from core.sizes import MB
from playground.literal import literal
from playground.live.run import LiveRun
from playground.upload_ui import file_upload, parsed_once


def save_and_load(page: str, run: LiveRun, X_check: torch.Tensor, on_swap: Callable[[], None] | None = None) -> None:
    """Draw Save (.pt, .safetensors) and Load (upload, keys and shapes, equal predictions, swap in).

    Args:
        page: widget-key prefix.
        run: the run whose model is saved or replaced.
        X_check: inputs on which the loaded and the current model's predictions are compared.
        on_swap: called (under the run's lock) after the loaded weights replace the model's.
    """
    save, load = st.columns(2, gap="large")
    with save:
        st.markdown("#### Save")
        st.caption(
            "Only the learned numbers (the state_dict) are saved, never the code: "
            "`torch.save(model.state_dict(), 'model.pt')`."
        )
        with run.lock:
            pt, safetensors = to_bytes(run.trainer.model, "pt"), to_bytes(run.trainer.model, "safetensors")
            epoch = run.epoch
        row = st.container(horizontal=True)
        row.download_button(
            "model.pt",
            pt,
            file_name=f"{page.strip('/')}_epoch{epoch}.pt",
            mime="application/octet-stream",
            key=page + "save_pt",
            icon=":material/download:",
        )
        row.download_button(
            "model.safetensors",
            safetensors,
            file_name=f"{page.strip('/')}_epoch{epoch}.safetensors",
            mime="application/octet-stream",
            key=page + "save_safetensors",
            icon=":material/download:",
        )
        with run.lock:
            keys = [(name, list(t.shape)) for name, t in run.trainer.model.state_dict().items()]
        st.dataframe([{"key": k, "shape": str(s)} for k, s in keys], hide_index=True)
    with load:
        st.markdown("#### Load")
        st.caption(
            "Loaded with `torch.load(..., weights_only=True)` (or safetensors) into a fresh copy; "
            "it replaces your model only after a strict load succeeds."
        )
        upload = file_upload(
            "A .pt or .safetensors state_dict",
            page + "upload",
            ["pt", "pth", "safetensors"],
            max_upload_size=MAX_CHECKPOINT_BYTES // MB,
        )
        if upload is None:
            return
        with run.lock:
            model = run.trainer.model
            loaded = parsed_once(
                page + "upload", upload, lambda data, name: load_into_copy(model, data, name), (run.key, id(model))
            )
        if isinstance(loaded, ValueError):
            st.error(literal(str(loaded)))
            st.caption("Your current model is unchanged.")
            return
        _show_loaded(page, run, loaded, X_check, on_swap)


def _show_loaded(
    page: str, run: LiveRun, loaded: LoadedModel, X_check: torch.Tensor, on_swap: Callable[[], None] | None
) -> None:
    st.success(f"Loaded {len(loaded.keys)} tensors from a .{loaded.file_format} file into a fresh model.")
    st.dataframe([{"key": k, "shape": str(list(s)), "dtype": d} for k, s, d in loaded.keys], hide_index=True)
    with run.lock:
        device = next(run.trainer.model.parameters()).device
        equal, difference = same_predictions(loaded.model.to(device), run.trainer.model, X_check.to(device))
    if equal:
        st.markdown(":green[**The loaded model's predictions equal your trained model's.**]")
    else:
        st.markdown(
            f"The loaded model predicts differently from your current one (largest difference "
            f"{difference:.4g}): it holds other weights."
        )
    st.button(
        "Use the loaded weights",
        key=page + "swap",
        type="primary",
        on_click=_swap_in,
        args=(run, loaded, on_swap),
        disabled=equal,
        help="Your model takes the file's weights; its history stays" if not equal else "They are already the same",
    )


def _swap_in(run: LiveRun, loaded: LoadedModel, on_swap: Callable[[], None] | None) -> None:
    """Replace the run's weights with the loaded ones (before the rerun, so the page shows the result)."""
    run.pause()
    with run.lock:
        run.trainer.model.load_state_dict(loaded.model.state_dict(), strict=True)
        run.trainer.restart_after_divergence()
        if on_swap is not None:
            on_swap()
    run.publish()
    st.toast("The loaded weights are now your model's.")
