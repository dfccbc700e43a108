"""How the Tensors page shows a tensor: its facts, its values, and shape rules."""

from __future__ import annotations

import numpy as np
import streamlit as st
from torch import Tensor

from core.tensor_ops import (
    OPERATIONS,
    OpParams,
    ShapeRow,
    apply,
    broadcast_rule,
    matmul_rule,
    parse_index,
    selection_mask,
)
from core.tensors import TensorInputError, as_display_array, facts, shape_text
from playground.figures import tensor_heatmap
from playground.literal import literal

MAX_SHOWN = 60  # cells per side drawn; bigger tensors show their top-left corner


def show_facts(tensor: Tensor) -> None:
    """Shape, ndim, dtype, device, numel, bytes, stride and contiguity, as a compact table (nothing cut off)."""
    f = facts(tensor)
    rows = [
        ("shape", shape_text(f.shape)),
        ("numel", f"{f.numel:,}"),
        ("ndim", str(f.ndim)),
        ("bytes", f"{f.nbytes:,} ({f.numel:,} × {f.element_bytes})"),
        ("dtype", f.dtype),
        ("stride", str(f.stride)),
        ("device", f.device),
        ("contiguous", "yes" if f.contiguous else "no"),
    ]
    pairs = [rows[i : i + 2] for i in range(0, len(rows), 2)]
    st.markdown(
        "| | | | |\n|---|---|---|---|\n"
        + "\n".join("| " + " | ".join(f"**{name}** | `{value}`" for name, value in pair) + " |" for pair in pairs)
    )
    st.caption("stride: steps in memory to move one place along each dim; contiguous: rows stored one after another.")


def _two_d(values: np.ndarray) -> np.ndarray:
    if values.ndim == 0:
        return values.reshape(1, 1)
    if values.ndim == 1:
        return values.reshape(1, -1)
    return values


def show_values(tensor: Tensor, key: str, highlight: np.ndarray | None = None) -> None:
    """Draw the values: a heatmap for 0-2 dims, a slice picker (and an image view) for 3-D and 4-D."""
    try:
        values = as_display_array(tensor).numpy()
    except TensorInputError as error:
        st.info(literal(str(error)))
        return
    if tensor.ndim == 0:
        st.metric("value", f"{tensor.item():.6g}" if tensor.dtype.is_floating_point else str(tensor.item()))
        return
    picked = values
    mask = highlight
    title = ""
    if tensor.ndim >= 3:
        leading = tensor.shape[: tensor.ndim - 2]
        cols = st.columns(len(leading) + 1)
        index = []
        for d, size in enumerate(leading):
            if size == 0:
                st.info("This tensor has a size-0 dim: nothing to draw.")
                return
            index.append(int(cols[d].number_input(f"index along dim {d}", 0, size - 1, 0, key=f"{key}/d{d}")))
        picked = values[tuple(index)]
        mask = highlight[tuple(index)] if highlight is not None else None
        title = f"a[{', '.join(str(i) for i in index)}]  (the last two dims)"
        channels_dim = tensor.ndim - 3
        if tensor.shape[channels_dim] in (1, 3) and cols[-1].toggle(
            "as an image", key=f"{key}/image", help="Read it as [C, H, W] (or [B, C, H, W])"
        ):
            _show_image(values, index, tensor.ndim)
            return
    picked = _two_d(picked)
    if mask is not None:
        mask = _two_d(mask)
    if picked.size == 0:
        st.info("This tensor has no elements (a size-0 dim).")
        return
    shown = picked[:MAX_SHOWN, :MAX_SHOWN]
    if shown.shape != picked.shape:
        st.caption(
            f"Showing the top-left {shown.shape[0]} × {shown.shape[1]} of {picked.shape[0]} × {picked.shape[1]}."
        )
    st.plotly_chart(
        tensor_heatmap(shown, highlight=None if mask is None else mask[:MAX_SHOWN, :MAX_SHOWN], title=title),
        key=key + "/heatmap",
        config={"displayModeBar": False},
    )


def _show_image(values: np.ndarray, index: list[int], ndim: int) -> None:
    image = values[tuple(index[:-1])] if ndim == 4 else values  # [C, H, W]
    image = np.moveaxis(image, 0, -1)  # [H, W, C], as images are stored
    low, high = float(image.min()), float(image.max())
    scaled = (image - low) / (high - low) if high > low else np.zeros_like(image)
    st.image(
        scaled.squeeze(-1) if scaled.shape[-1] == 1 else scaled,
        clamp=True,
        width=256,
        caption=f"[C, H, W] → [H, W, C] with x.permute(1, 2, 0); values scaled from {low:.3g}..{high:.3g}",
    )


def show_shape_rule(rows: list[ShapeRow], result: tuple[int, ...] | None, heading: str) -> None:
    """A shape rule, drawn as a table of aligned sizes with a verdict per row."""
    lines = [f"**{heading}**", "", "| | a | b | result | why |", "|---|---|---|---|---|"]
    for row in rows:
        mark = ":green[✓]" if row.ok else ":red[✗]"
        lines.append(f"| {mark} {row.label} | {row.a} | {row.b} | {row.result} | {row.why} |")
    st.markdown("\n".join(lines))
    if result is None:
        st.error("These shapes do not fit the rule, so PyTorch raises an error.")
    else:
        st.success(f"Result shape: {shape_text(result)}")


def matmul_headline(a_shape: tuple[int, ...], b_shape: tuple[int, ...], result: tuple[int, ...] | None) -> str:
    """'[3, 2] @ [2, 4] → [3, 4]' as markdown, the inner sizes green when they match and red when not."""
    if not a_shape or not b_shape:
        return f"{shape_text(a_shape)} @ {shape_text(b_shape)} → ✗"
    colour = "green" if result is not None else "red"
    b_inner = -2 if len(b_shape) >= 2 else -1
    a_parts = [str(s) for s in a_shape[:-1]] + [f":{colour}[**{a_shape[-1]}**]"]
    b_parts = [str(s) for s in b_shape]
    b_parts[b_inner] = f":{colour}[**{b_shape[b_inner]}**]"
    after = shape_text(result) if result is not None else ":red[✗]"
    return f"#### [{', '.join(a_parts)}] @ [{', '.join(b_parts)}] → {after}"


def show_operation(name: str, a: Tensor, b: Tensor | None, params: OpParams, prefix: str) -> None:
    """The operation's shape rule (matmul, broadcasting), its one line of PyTorch, notes and the result c."""
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
            show_values(b.expand(shape), prefix + "broadcast/b")
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
                a, prefix + "index/a", highlight=selection_mask(tuple(a.shape), parse_index(params.index)).numpy()
            )
        st.markdown("**c**")
        show_facts(result.value)
        show_values(result.value, prefix + "result")
