"""The convolution sandbox: input size, kernel, stride and padding, the output size, and where the kernel sits."""

from __future__ import annotations

import streamlit as st
import torch

from core.cnn import conv_output_size
from playground.vision_view import CHART, matrix_figure


def convolution_sandbox(prefix: str) -> None:
    """Draw the sandbox's controls, the output-size formula and the window over the padded input."""
    cols = st.columns(4)
    size = cols[0].slider("Input size", 3, 16, 7, key=prefix + "sandbox_size")
    kernel = cols[1].slider("Kernel size", 1, 7, 3, key=prefix + "sandbox_kernel")
    stride = cols[2].slider("Stride", 1, 4, 1, key=prefix + "sandbox_stride")
    padding = cols[3].slider("Padding", 0, 3, 0, key=prefix + "sandbox_padding")
    out = conv_output_size(size, kernel, stride, padding)
    formula = f"⌊({size} + 2·{padding} − {kernel}) / {stride}⌋ + 1"
    if out < 1:
        st.error(
            f"A {kernel} × {kernel} kernel does not fit in a {size} × {size} input with padding {padding}: "
            f"{formula} = {out}. Add padding or shrink the kernel."
        )
        return
    st.markdown(f"Output size = {formula} = **{out} × {out}**")
    if out == 1:
        st.caption("The kernel fits exactly once: the output is a single pixel.")
        position = 0
    else:
        position = st.slider("Kernel position (output pixel)", 0, out * out - 1, 0, key=prefix + "sandbox_position")
    row, col = divmod(position, out)
    top, left = row * stride, col * stride
    padded = torch.zeros(size + 2 * padding, size + 2 * padding)
    padded[padding : padding + size, padding : padding + size] = 1.0
    output = torch.zeros(out, out)
    output[row, col] = 1.0
    side = 420
    left_view, right_view = st.columns([3, 2], gap="large")
    left_view.plotly_chart(
        matrix_figure(
            padded,
            f"Input {size} × {size} (1) with padding {padding} (0): the red window",
            ((top, top + kernel), (left, left + kernel)),
            height=side,
            digits=0,
            top=2.5,
        ),
        key=prefix + "sandbox_chart",
        config=CHART,
    )
    right_view.plotly_chart(
        matrix_figure(
            output,
            f"Output {out} × {out}: pixel ({row}, {col})",
            ((row, row + 1), (col, col + 1)),
            digits=0,
            top=2.5,
            height=min(side, 140 + 34 * out),
        ),
        key=prefix + "sandbox_output",
        config=CHART,
    )
