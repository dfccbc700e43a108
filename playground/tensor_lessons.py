"""The Tensors page's last tabs: the three common errors run live, and a fair CPU-vs-GPU matmul timing."""

from __future__ import annotations

import streamlit as st
import torch

from core import common_errors, device_timing
from playground.figures import timing_figure


def show_common_errors(devices: list[str]) -> None:
    """Shape, dtype and device mismatches: the failing code, PyTorch's real message, and the fix."""
    st.caption("Each one runs live: the code that fails, PyTorch's real message, and the one-line fix.")
    gpu = next((d for d in devices if d in ("cuda", "mps")), None)
    for demo in [common_errors.shape_mismatch(), *common_errors.dtype_mismatch(), common_errors.device_mismatch(gpu)]:
        with st.container(border=True):
            st.markdown(f"#### {demo.title}")
            broken, fixed = st.columns(2)
            broken.code(demo.broken_code, language="python", wrap_lines=True)
            broken.error(demo.message)
            fixed.code(demo.fix_code, language="python", wrap_lines=True)
            fixed.success(demo.fixed_result)
            st.caption(demo.explanation)


def show_device_timing(prefix: str) -> None:
    """The devices found, the device-agnostic pattern, and a fair matmul timing on each device."""
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
    if st.button("Time matrix multiplication", key=prefix + "time", type="primary"):
        with st.spinner("Timing n × n matmuls..."):
            st.session_state[prefix + "timings"] = [
                (t.device, t.size, t.seconds) for t in device_timing.compare(devices=found)
            ]
    timings = st.session_state.get(prefix + "timings")
    if timings:
        st.plotly_chart(timing_figure(timings), key=prefix + "timing_chart", config={"displayModeBar": False})
        st.dataframe(
            [
                {"device": d, "n": n, "ms per matmul": round(s * 1000, 3), "GFLOP/s": round(2 * n**3 / s / 1e9, 1)}
                for d, n, s in timings
            ],
            hide_index=True,
        )
