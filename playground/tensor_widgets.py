"""Controls of the Tensors page: *_ui() functions that draw widgets and return frozen specs."""

from __future__ import annotations

import streamlit as st

from core.tensor_ops import OPERATIONS, OpParams
from core.tensors import DTYPES, METHODS, TensorSpec

METHOD_TITLES: dict[str, str] = {
    "tensor": "torch.tensor from a list",
    "zeros": "torch.zeros",
    "ones": "torch.ones",
    "rand": "torch.rand (uniform 0..1)",
    "randn": "torch.randn (normal)",
    "arange": "torch.arange",
    "linspace": "torch.linspace",
    "full": "torch.full",
    "eye": "torch.eye (identity)",
}


def tensor_spec_ui(prefix: str, devices: list[str], default: TensorSpec | None = None) -> TensorSpec:
    """Method, dtype, device and the method's own inputs; returns the spec they describe.

    Args:
        prefix: widget-key prefix, so several builders can live on one page.
        devices: the devices a learner may pick (cpu, any GPU found, meta).
        default: the values the widgets start from.
    """
    default = default or TensorSpec()
    method = st.selectbox(
        "How", METHODS, index=METHODS.index(default.method), key=prefix + "method", format_func=METHOD_TITLES.get
    )
    top = st.columns(2)
    dtype = top[0].selectbox("dtype", list(DTYPES), index=list(DTYPES).index(default.dtype), key=prefix + "dtype")
    device = top[1].selectbox(
        "device",
        devices,
        key=prefix + "device",
        help="meta tensors have a shape and dtype but no data: handy to check shapes.",
    )
    values, shape, start, end, step, steps, fill, rows, seed = (
        default.values,
        default.shape,
        default.start,
        default.end,
        default.step,
        default.steps,
        default.fill,
        default.rows,
        None,
    )
    if method == "tensor":
        values = st.text_area(
            "Values (a nested list)",
            default.values,
            key=prefix + "values",
            height=90,
            help="Square brackets and commas, like [[1, 2], [3, 4]]. Every row the same length.",
        )
    elif method in ("zeros", "ones", "rand", "randn", "full"):
        cols = st.columns(2)
        shape = cols[0].text_input("Shape", default.shape, key=prefix + "shape", help="Sizes separated by commas.")
        if method == "full":
            fill = cols[1].number_input("Fill value", value=default.fill, key=prefix + "fill")
        if method in ("rand", "randn") and cols[1].checkbox("Seed it", key=prefix + "seeded"):
            seed = int(cols[1].number_input("Seed", 0, 2**31 - 1, 42, key=prefix + "seed"))
    elif method in ("arange", "linspace"):
        cols = st.columns(3)
        start = cols[0].number_input("start", value=default.start, key=prefix + "start")
        end = cols[1].number_input("end", value=default.end, key=prefix + "end")
        if method == "arange":
            step = cols[2].number_input("step", value=default.step, key=prefix + "step")
        else:
            steps = int(cols[2].number_input("steps", 1, 100_000, default.steps, key=prefix + "steps"))
    else:
        rows = int(st.number_input("Size n (n × n)", 0, 1000, default.rows, key=prefix + "rows"))
    return TensorSpec(
        method, values, shape, dtype, device, float(start), float(end), float(step), steps, float(fill), rows, seed
    )


def op_params_ui(prefix: str, name: str, ndim: int) -> OpParams:
    """The inputs the chosen operation reads (a dim, a shape, dims, an index or a dtype)."""
    needed = OPERATIONS[name].params
    params: dict[str, object] = {}
    if "dim" in needed:
        choices: list[int | None] = [None, *range(-max(ndim, 1) - 1, max(ndim, 1) + 1)]
        label = "dim (None: all)" if name not in ("stack", "cat", "unsqueeze") else "dim"
        default = None if name in ("min", "max", "mean", "sum", "argmin", "argmax", "squeeze") else 0
        params["dim"] = st.selectbox(
            label,
            choices,
            index=choices.index(default),
            key=prefix + "dim",
            format_func=lambda d: "None" if d is None else str(d),
        )
    if "shape" in needed:
        params["shape"] = st.text_input("New shape (-1: work it out)", "3, 2", key=prefix + "shape")
    if "dims" in needed:
        params["dims"] = st.text_input(
            "New order of dims", ", ".join(str(d) for d in reversed(range(ndim))), key=prefix + "dims"
        )
    if "dim0" in needed:
        cols = st.columns(2)
        params["dim0"] = int(cols[0].number_input("dim0", -6, 5, 0, key=prefix + "dim0"))
        params["dim1"] = int(cols[1].number_input("dim1", -6, 5, 1 if ndim > 1 else 0, key=prefix + "dim1"))
    if "index" in needed:
        params["index"] = st.text_input(
            "Index, as inside a[ ... ]",
            "0, 1:3",
            key=prefix + "index",
            help="Whole numbers, start:stop:step slices, ... and None, separated by commas.",
        )
    if "dtype" in needed:
        params["dtype"] = st.selectbox(
            "to dtype", list(DTYPES), index=list(DTYPES).index("int64"), key=prefix + "to_dtype"
        )
    return OpParams(**params)
