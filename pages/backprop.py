"""Backprop, step by step: the training loop's five lines, one button each, on the playground's own model."""

import streamlit as st

from core.challenges import Attempt
from core.parameters import unit_columns
from playground import backprop_ui as ui
from playground.backprop_view import boundary_figure, network_figure, picked_from_chart
from playground.challenges_ui import challenge_panel
from playground.page_link import follow_link, keep_in_address
from playground.teacher_link_ui import teacher_link_maker

st.title("Backprop, step by step")
st.caption(
    "The course's training loop is five lines. Press them one by one on a copy of the classification "
    "playground's model (its data, settings and weights) and see what each one changes; pick any weight to see "
    "its gradient worked out by the chain rule, equal to what autograd computed."
)
follow_link("backprop", ())  # a teacher's link may set a challenge
config = ui.source_config()
stepper, points, fresh = ui.current_stepper(config)
if fresh:
    st.caption(
        f"A copy of the playground's model: {config.data.dataset} data, hidden layers {list(config.model.hidden)}, "
        f"{config.model.activation}, learning rate {config.train.learning_rate:g}, batch size {stepper.batch_size}. "
        "Change them on the classification page."
    )
names = unit_columns(config.features, stepper.model)
ui.step_buttons(stepper)
left, right = st.columns([1, 1], gap="medium")
with left:
    ui.what_changed(stepper)
    chart_key = ui.PAGE + "/network"
    ui.pick_from_chart(picked_from_chart(st.session_state.get(chart_key)), names)
    chosen_box = st.container()
    point = ui.point_picker(stepper) if stepper.shown.a else 0
    with chosen_box:
        chosen = ui.choose_parameter(stepper, names)
    st.plotly_chart(
        network_figure(stepper, names, chosen, point),
        key=chart_key,
        on_select="rerun",
        selection_mode="points",
        config={"displayModeBar": False},
    )
    st.caption("Edges: blue positive, orange negative, thicker is larger. Nodes: the chosen point's activation.")
with right:
    ui.loop_code(stepper)
    if stepper.shown.loss is not None:
        st.metric("Loss of this batch", f"{stepper.shown.loss:.6g}")
    boundary = boundary_figure(stepper, config, points)
    st.plotly_chart(boundary, key=ui.PAGE + "/boundary", config={"displayModeBar": False})
    ui.rewind_buttons(stepper, config.seed)
    panel = st.container()  # the challenges, checked on what the steps below did
st.subheader("The chosen parameter")
ui.parameter_panel(stepper, chosen, names)
extra = {"losses": stepper.losses, "edits": stepper.edits, "predictions": stepper.predictions}
with panel:
    challenge_panel("backprop", None, lambda: Attempt(config, (), extra=extra), subject="Now")
teacher_link_maker("backprop", keep_in_address("backprop", ()), {})
