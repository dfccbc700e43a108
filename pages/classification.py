"""Classification playground: TensorFlow Playground, in PyTorch, trained live."""

import streamlit as st

from core.classification import OWN, build_experiment, structure_key
from core.codegen_classification import classification_script
from core.codegen_project import classification_project, project_zip
from playground import classification_widgets as widgets
from playground.challenges_ui import challenge_panel
from playground.classification_quick import live_control
from playground.classification_settings import FOCUSABLE, encode
from playground.classification_urlsync import restore_settings, save_settings
from playground.classification_view import (
    classification_attempt,
    classification_pictures,
    classification_report,
    closer_look,
    live_view_data,
)
from playground.classification_weights import weight_editor
from playground.code_ui import show_code
from playground.focus import focus_note
from playground.layout import live_column, workspace
from playground.live.controls import live_view, transport_controls
from playground.live.session import get_run
from playground.own_points_ui import own_points_editor
from playground.run_report_ui import replay_banner
from playground.sidebar import current_device, current_seed
from playground.teacher_link_ui import teacher_link_maker

PAGE = "classification"

st.title("Classification playground")
st.caption(
    "A neural network learns to separate coloured points, live: press **Play**, then change the learning rate, "
    "layers or activation and watch the boundary react (TensorFlow Playground's ideas, in PyTorch). "
    "Pick **Regression** as the problem type to fit a value per point instead."
)
restore_settings(PAGE, current_seed())
focus_note(PAGE, FOCUSABLE)
buttons = st.container()
area = workspace(PAGE)  # on a phone: the live view first, then the settings
bar = area.columns([1.4, 1.2, 1.2, 1.4, 1.1, 1.4], vertical_alignment="bottom")
controls, live_box = area.columns([1, 4], gap="medium")
live = live_column(live_box, PAGE)
config = widgets.classification_ui(list(bar), controls, current_seed(), live=live_control)
if config.data.dataset == OWN:
    with live, st.expander("Your points: click the plane to add one, click a point to remove it", expanded=True):
        trainable = own_points_editor(config.data.regression)
    if trainable is None:
        st.stop()  # too few points, or one class: the editor says which
device = current_device()
run, rebuilt = get_run(
    st.session_state,
    PAGE,
    (structure_key(config), str(device)),  # a new device means a new model on it
    lambda: build_experiment(config, device),
    classification_pictures,
)
run.apply_live_settings(config.train)
save_settings(PAGE, config)
with buttons:
    transport_controls(PAGE, run, extra=widgets.new_start_button)
    replay_banner(PAGE, run)
if rebuilt:
    st.toast("Settings changed the network or data, so training starts again from fresh weights.")
with live:
    toggles = st.container(horizontal=True)
    show_test = toggles.toggle("Show test data", key=PAGE + "/show_test")
    discretize = toggles.toggle("Discretize output", key=PAGE + "/discretize")
    view = live_view_data(run, show_test, discretize)
    weight_editor(run, live_view(PAGE, run, view), view["units"])
    challenge_panel(PAGE, run, lambda: classification_attempt(run))
    classification_report(run, encode(config), lambda epochs: classification_script(config, epochs=epochs))
    closer = st.expander("Look closer at one neuron", key=PAGE + "/closer", on_change="rerun")
    if closer.open:  # drawn only while open: every click would otherwise pay for a plotly figure
        with closer:
            closer_look(run)

epochs = max(run.epoch, 100)
project = (
    lambda: project_zip(classification_project(config, epochs), "classification_project"),  # built when clicked
    "classification_project.zip",
)
show_code(
    PAGE,
    lambda: classification_script(config, epochs=epochs),  # written only while the code view is open
    "playground_classification.py",
    device,
    project=project,
)
teacher_link_maker(PAGE, encode(config), FOCUSABLE)
