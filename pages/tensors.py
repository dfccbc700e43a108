"""Tensors: build one, inspect it, operate on it, meet the three common errors, and time the devices."""

import streamlit as st
import torch

from core import common_errors, device_timing
from core.tensor_ops import OPERATIONS, apply, broadcast_rule, matmul_rule, parse_index, selection_mask
from core.tensors import TensorInputError, TensorSpec, build
from playground.figures import timing_figure
from playground.literal import literal
from playground.sidebar import current_seed
from playground.tensor_views import matmul_headline, show_facts, show_shape_rule, show_values
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
        if name == "matmul" and b is not None:
            rows, shape = matmul_rule(tuple(a.shape), tuple(b.shape))
            st.markdown(matmul_headline(tuple(a.shape), tuple(b.shape), shape))
            show_shape_rule(rows, shape, "The shape rule of a @ b")
        elif OPERATIONS[name].group == "Elementwise" and b is not None:
            rows, shape = broadcast_rule(tuple(a.shape), tuple(b.shape))
            show_shape_rule(rows, shape, "Broadcasting, compared from the right")
            if shape is not None and tuple(b.shape) != shape:
                st.markdown(
                    f"**b, stretched to {list(shape)}** (`b.expand({', '.join(map(str, shape))})`: no copy "
                    "is made, the stride of a stretched dim is 0)"
                )
                show_values(b.expand(shape), PAGE + "broadcast/b")
        try:
            result = apply(name, a, b, params)
        except TensorInputError as error:
            st.error(literal(str(error)))
        else:
            st.code(result.code, language="python")
            for note in result.notes:
                st.caption(note)
            if name == "index":
                st.markdown("**a, with the selected cells outlined**")
                show_values(
                    a, PAGE + "index/a", highlight=selection_mask(tuple(a.shape), parse_index(params.index)).numpy()
                )
            st.markdown("**c**")
            show_facts(result.value)
            show_values(result.value, PAGE + "result")

with errors_tab:
    st.caption("Each one runs live: the code that fails, PyTorch's real message, and the one-line fix.")
    gpu = next((d for d in DEVICES if d in ("cuda", "mps")), None)
    for demo in [common_errors.shape_mismatch(), *common_errors.dtype_mismatch(), common_errors.device_mismatch(gpu)]:
        with st.container(border=True):
            st.markdown(f"#### {demo.title}")
            broken, fixed = st.columns(2)
            broken.code(demo.broken_code, language="python", wrap_lines=True)
            broken.error(demo.message)
            fixed.code(demo.fix_code, language="python", wrap_lines=True)
            fixed.success(demo.fixed_result)
            st.caption(demo.explanation)

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
    found = device_timing.available_devices()
    st.markdown(f"**Devices found:** {', '.join(found)} (the sidebar picks the one models use).")
    if found == ["cpu"]:
        st.info(
            "No GPU here (no CUDA, no Apple MPS), so only the CPU is timed. On a machine with a GPU the same "
            "button times both, with the same fair method."
        )
    st.markdown("The device-agnostic pattern, used by every page of this app:")
    st.code(device_timing.DEVICE_AGNOSTIC_CODE, language="python")
    st.caption(
        f"Fair timing: one warm-up call, then repeats, synchronising the GPU before reading the clock. "
        f"The CPU uses {torch.get_num_threads()} thread(s): this app keeps tiny models on one thread so "
        "many learners can share a machine."
    )
    if st.button("Time matrix multiplication", key=PAGE + "time", type="primary"):
        with st.spinner("Timing n × n matmuls..."):
            st.session_state[PAGE + "timings"] = [
                (t.device, t.size, t.seconds) for t in device_timing.compare(devices=found)
            ]
    timings = st.session_state.get(PAGE + "timings")
    if timings:
        st.plotly_chart(timing_figure(timings), key=PAGE + "timing_chart", config={"displayModeBar": False})
        st.dataframe(
            [
                {"device": d, "n": n, "ms per matmul": round(s * 1000, 3), "GFLOP/s": round(2 * n**3 / s / 1e9, 1)}
                for d, n, s in timings
            ],
            hide_index=True,
        )
