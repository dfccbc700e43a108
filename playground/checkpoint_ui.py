"""Save and load section of a page: download the state_dict, upload one into a checked copy, swap it in."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st
import torch

from core.checkpoints import (
    MAX_CHECKPOINT_BYTES,
    CheckpointError,
    LoadedModel,
    load_into_copy,
    same_predictions,
    to_bytes,
)
from playground.live.run import LiveRun


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
        upload = st.file_uploader(
            "A .pt or .safetensors state_dict",
            type=["pt", "pth", "safetensors"],
            key=page + "upload",
            max_upload_size=max(1, MAX_CHECKPOINT_BYTES // (1024 * 1024)),
        )
        if upload is None:
            return
        try:
            with run.lock:
                loaded = load_into_copy(run.trainer.model, upload.getvalue(), upload.name)
        except CheckpointError as error:
            st.error(str(error))
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
    if st.button("Use the loaded weights", key=page + "swap", type="primary"):
        run.pause()
        with run.lock:
            run.trainer.model.load_state_dict(loaded.model.state_dict(), strict=True)
            if on_swap is not None:
                on_swap()
        run.publish()
        st.toast("The loaded weights are now your model's.")
