"""The Tensors page's last tabs: the three common errors run live, and a fair CPU-vs-GPU matmul timing."""

from __future__ import annotations

import streamlit as st
import torch

from core import common_errors, device_timing
from core.challenges import Attempt
from core.common_errors import ErrorDemo
from core.fix_exercises import EXERCISES, Exercise, FixOutcome, try_fix
from playground.challenges_ui import challenge_panel
from playground.figures import timing_figure
from playground.tensor_views import show_values

FIX_LINE = "fix-line-"  # key prefix of the learner's line (the app's style sets it in a code font)


def common_errors_lesson(devices: list[str], prefix: str) -> None:
    """The three common errors to fix, with the page's challenges checked on the learner's lines."""
    panel = st.container()  # the challenges first, checked on the lines below
    fixes = show_common_errors(devices, prefix)
    with panel:
        challenge_panel("tensors", None, lambda: Attempt(None, (), extra={"fixes": fixes}), subject="Your line")


def show_reproducibility(prefix: str, seed: int) -> None:
    """Two random draws: different, or equal when the seed is reset before each."""
    st.markdown("Random numbers differ on every draw, unless you reset the seed before each draw.")
    use_seed = st.toggle("Reset the seed before each draw", key=prefix + "use_seed")
    seed = int(st.number_input("Seed", 0, 2**31 - 1, seed, key=prefix + "seed", disabled=not use_seed, width=220))
    first, second, code = common_errors.random_pair(seed if use_seed else None)
    st.code(code, language="python")
    same = bool(torch.equal(first, second))
    left, right = st.columns(2)
    with left:
        st.markdown("**a**")
        show_values(first, prefix + "seed/a")
    with right:
        st.markdown("**b**")
        show_values(second, prefix + "seed/b")
    (st.success if same else st.info)(f"a == b everywhere: {same}")
    st.button("Draw again", key=prefix + "draw_again")


def show_common_errors(devices: list[str], prefix: str) -> dict[str, FixOutcome]:
    """Shape, dtype and device mismatches: the failing code, PyTorch's real message, the learner's own fix
    (really run), and the fix on request. Returns what each of the learner's lines did, by exercise."""
    st.caption(
        "Each one runs live: the code that fails and PyTorch's real message. Rewrite the failing line, press "
        "Run, and see what PyTorch says now. The fix is there if you want it."
    )
    gpu = next((d for d in devices if d in ("cuda", "mps")), None)
    demos = [common_errors.shape_mismatch(), *common_errors.dtype_mismatch(), common_errors.device_mismatch(gpu)]
    outcomes = {}
    for demo, exercise in zip(demos, EXERCISES.values(), strict=True):
        with st.container(border=True):
            st.markdown(f"#### {demo.title}")
            broken, yours = st.columns(2)
            broken.code(demo.broken_code, language="python", wrap_lines=True)
            broken.error(demo.message)
            with yours:
                outcome = _fix_it(exercise, prefix)
            if outcome is not None:
                outcomes[exercise.key] = outcome
            _the_fix(demo)
    return outcomes


def _fix_it(exercise: Exercise, prefix: str) -> FixOutcome | None:
    """The learner's line, run for real (over the names the code beside it made) when they press Run."""
    key = FIX_LINE + prefix.strip("/") + "-" + exercise.key
    with st.form(prefix + "form/" + exercise.key, border=False, enter_to_submit=True):
        line = st.text_input(
            "Your fix: rewrite the failing line",
            value=exercise.broken_line,
            key=key,
            max_chars=200,
            help="One line of PyTorch over the names above. It really runs (in a safe subset of Python).",
        )
        st.form_submit_button("Run", icon=":material/play_arrow:")
    if line.strip() == exercise.broken_line:
        return None  # untouched: the error beside it is what it does
    outcome = try_fix(exercise, line)
    if outcome.met:
        st.success(outcome.message)
    elif outcome.ran:
        st.warning(outcome.message)
    else:
        st.error(outcome.message)
    return outcome


def _the_fix(demo: ErrorDemo) -> None:
    with st.expander("Show the fix"):
        st.code(demo.fix_code, language="python", wrap_lines=True)
        st.success(demo.fixed_result)
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
