"""Tensors: build one, inspect it, operate on it, meet the three common errors, and time the devices."""

import streamlit as st
import torch

from core import common_errors, device_timing
from core.challenges import Attempt
from core.tensor_ops import OPERATIONS
from core.tensors import TensorInputError, TensorSpec, build
from playground.challenges_ui import challenge_panel
from playground.literal import literal
from playground.page_link import follow_link, keep_in_address
from playground.sidebar import current_seed
from playground.teacher_link_ui import teacher_link_maker
from playground.tensor_lessons import show_common_errors, show_device_timing
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
    panel = st.container()  # the challenges, checked on the lines below
    fixes = show_common_errors(DEVICES, PAGE)
    with panel:
        challenge_panel("tensors", None, lambda: Attempt(None, (), extra={"fixes": fixes}), subject="Your line")

with seed_tab:
    st.markdown("Random numbers differ on every draw, unless you reset the seed before each draw.")
    use_seed = st.toggle("Reset the seed before each draw", key=PAGE + "use_seed")
    seed = int(
        st.number_input("Seed", 0, 2**31 - 1, current_seed(), key=PAGE + "seed", disabled=not use_seed, width=220)
    )
    first, second, code = common_errors.random_pair(seed if use_seed else None)
    st.code(code, language="python")
    same = bool(torch.equal(first, second))
    left, right = st.columns(2)
    with left:
        st.markdown("**a**")
        show_values(first, PAGE + "seed/a")
    with right:
        st.markdown("**b**")
        show_values(second, PAGE + "seed/b")
    (st.success if same else st.info)(f"a == b everywhere: {same}")
    st.button("Draw again", key=PAGE + "draw_again")

with device_tab:
    show_device_timing(PAGE)
teacher_link_maker("tensors", keep_in_address("tensors", ()), {})
