"""Tensors: build one, inspect it, operate on it, meet the three common errors, and time the devices."""

import streamlit as st
import torch

from core import device_timing
from core.tensor_ops import OPERATIONS
from core.tensors import TensorInputError, TensorSpec, build
from playground.literal import literal
from playground.page_link import follow_link, keep_in_address
from playground.sidebar import current_seed
from playground.teacher_link_ui import teacher_link_maker
from playground.tensor_lessons import common_errors_lesson, show_device_timing, show_reproducibility
from playground.tensor_views import show_facts, show_operation, show_values
from playground.tensor_widgets import op_params_ui, tensor_spec_ui

PAGE = "tensors/"
DEVICES = [*device_timing.available_devices(), "meta"]


def built(name: str, spec: TensorSpec) -> tuple[torch.Tensor, str]:
    """Build a tensor; on bad input say why and keep the last one that worked (nothing is lost)."""
    try:
        tensor, code = build(spec, name)
    except TensorInputError as error:
        st.error(literal(str(error)))
        tensor, code = st.session_state.get(PAGE + name, build(TensorSpec(), name))
        st.caption("Showing the last tensor that worked.")
        return tensor, code
    st.session_state[PAGE + name] = (tensor, code)
    return tensor, code


st.title("Tensors")
st.caption("Everything in PyTorch is a tensor. Build one, look inside, change it, and see each answer.")
follow_link("tensors", ())  # a teacher's link may set a challenge
build_tab, operate_tab, errors_tab, seed_tab, device_tab = st.tabs(
    ["Build", "Operate", "The three common errors", "Reproducibility", "Devices and speed"]
)

with build_tab:
    controls, view = st.columns([2, 3], gap="large")
    with controls:
        a, a_code = built("a", tensor_spec_ui(PAGE + "a/", DEVICES))
    with view:
        st.code(a_code, language="python")
        show_facts(a)
        show_values(a, PAGE + "a/view")

with operate_tab:
    a, a_code = st.session_state.get(PAGE + "a", build(TensorSpec(), "a"))
    with st.expander(
        f"**a**, the tensor from Build: shape {list(a.shape)}, {str(a.dtype).removeprefix('torch.')}", expanded=True
    ):
        st.code(a_code, language="python")
        show_values(a, PAGE + "operate/a")
    names = list(OPERATIONS)
    name = st.selectbox(
        "Operation", names, key=PAGE + "op", format_func=lambda n: f"{OPERATIONS[n].group}: {OPERATIONS[n].title}"
    )
    controls, view = st.columns([2, 3], gap="large")
    b = None
    with controls:
        if OPERATIONS[name].needs_b:
            st.markdown("**b**")
            b, b_code = built("b", tensor_spec_ui(PAGE + "b/", DEVICES, TensorSpec(method="ones", shape="3")))
            st.code(b_code, language="python")
        params = op_params_ui(PAGE + "params/", name, a.ndim)
    with view:
        show_operation(name, a, b, params, PAGE)

with errors_tab:
    common_errors_lesson(DEVICES, PAGE)

with seed_tab:
    show_reproducibility(PAGE, current_seed())

with device_tab:
    show_device_timing(PAGE)
teacher_link_maker("tensors", keep_in_address("tensors", ()), {})
