"""What the augmentation page draws: the original beside its augmented samples, each with what was drawn."""

from __future__ import annotations

from typing import Any

import numpy as np
import streamlit as st
from torch import Tensor

from core.augment import AUGMENTATIONS, AugmentError, Sample, Step, samples
from playground.literal import literal

PER_ROW = 4
LAST_GOOD = "augment/last_good"  # (image, samples, credit, inputs) of the last preview that ran


def _pixels(image: Tensor) -> np.ndarray:
    return image.permute(1, 2, 0).numpy()


def _value(value: Any) -> str:
    if isinstance(value, list):
        return "(" + ", ".join(_value(v) for v in value) + ")"
    return f"{value:g}" if isinstance(value, float) else str(value)


def drawn_text(sample: Sample) -> str:
    """What each step drew for this sample, in one short line per step."""
    lines = []
    for cls, params in sample.drawn:
        title = AUGMENTATIONS[cls].title
        if params is None:
            what = "ops picked inside the policy" if AUGMENTATIONS[cls].group == "Policies" else "skipped this time"
        elif not params:
            what = "applied"
        else:
            what = ", ".join(f"{k} {_value(v)}" for k, v in list(params.items())[:4] if not str(v).startswith("tensor"))
            what = what or "applied"
        lines.append(f"{title}: {what}")
    return " · ".join(lines)


def show_samples(image: Tensor, steps: list[Step], count: int, seed: int, credit: str) -> None:
    """The original and `count` augmented samples; a pipeline that cannot run says why and keeps the last preview."""
    key = (hash(image.numpy().tobytes()), tuple(image.shape), tuple(steps), count, seed)
    kept = st.session_state.get(LAST_GOOD)
    try:
        drawn = kept[1] if kept is not None and kept[3] == key else samples(image, steps, count, seed)
    except AugmentError as error:
        st.error(literal(str(error)) + " The last preview that ran is shown.")
        if kept is None:
            return
        image, drawn, credit, _ = kept
    else:
        st.session_state[LAST_GOOD] = (image, drawn, credit, key)  # a rerun with the same inputs draws nothing again
    st.markdown(f"**Before** `{list(image.shape)}` uint8")
    st.image(_pixels(image), caption=credit, width=260)
    st.markdown(f"**After**: {len(drawn)} samples, sample i drawn with seed {seed} + i")
    for start in range(0, len(drawn), PER_ROW):
        columns = st.columns(PER_ROW)
        for column, sample in zip(columns, drawn[start : start + PER_ROW], strict=False):
            column.image(_pixels(sample.image), width="stretch")
            column.caption(f"`{list(sample.image.shape)}` · " + literal(drawn_text(sample)))
