"""Set one weight or bias of the classification page's live model by hand (picked by a click in the live view).

The run comes home for the edit (a worker stops it after its slice), takes the value, draws a new frame
at once (boundary and neurons) and plays on if it was playing.
"""

from __future__ import annotations

import math
from typing import Any

import streamlit as st
import torch

from core.parameters import Parameter, describe, parameter_tensor
from playground.live.run import LiveRun

PICKED = "classification/weight_picked"  # {"layer", "unit", "source"} of the weight being set
VALUE = "classification/weight_value"
CHANGE = "classification/weight_change"  # (label, loss before, loss after) of the last edit


def _target(run: LiveRun, picked: Any) -> Parameter | None:
    """The parameter a pick names, if it fits the model as it is now."""
    parameter = Parameter.from_pick(picked)
    if parameter is None or parameter_tensor(run.trainer.model, parameter) is None:
        return None
    return parameter


def set_value(run: LiveRun, picked: dict[str, Any], value: float) -> tuple[float, float]:
    """Write `value` into the picked weight or bias; returns the training loss before and after."""
    with run.at_home():
        parameter = _target(run, picked)
        if parameter is None:
            raise ValueError("That weight is not in the network any more.")
        tensor = parameter_tensor(run.trainer.model, parameter)
        before = run.trainer.current_loss()
        with torch.no_grad():
            tensor[parameter.index] = value
        after = run.trainer.current_loss()
    run.publish()  # the boundary and the neurons with the new value, at once
    return before, after


def weight_editor(run: LiveRun, picked: Any, units: list[list[str]]) -> None:
    """The editor for the weight a click in the live view picked (kept until 'Done')."""
    if picked is not None and _target(run, picked) is not None:
        st.session_state[PICKED] = picked
        st.session_state.pop(CHANGE, None)
    chosen = st.session_state.get(PICKED)
    parameter = _target(run, chosen)
    if parameter is None:
        st.session_state.pop(PICKED, None)
        return
    label = describe(parameter, units)
    st.session_state[VALUE] = round(float(parameter_tensor(run.trainer.model, parameter).detach()[parameter.index]), 6)

    def changed() -> None:
        value = st.session_state.get(VALUE)
        if value is None or not math.isfinite(value):
            return
        before, after = set_value(run, chosen, float(value))
        st.session_state[CHANGE] = (label, before, after)

    with st.container(border=True):
        row = st.container(horizontal=True, vertical_alignment="bottom")
        row.number_input(
            f"Set the {label}",
            -100.0,
            100.0,
            step=0.1,
            format="%.4f",
            key=VALUE,
            on_change=changed,
            help="The boundary and the loss change at once; training goes on from the new value",
        )
        row.button("Done", key="classification/weight_done", on_click=lambda: st.session_state.pop(PICKED, None))
        change = st.session_state.get(CHANGE)
        if change and change[0] == label:
            st.caption(f"Training loss {change[1]:.4g} → {change[2]:.4g} ({change[2] - change[1]:+.4g}).")
