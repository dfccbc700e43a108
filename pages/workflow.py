"""The PyTorch workflow: data -> model -> loss and optimizer -> training loop -> evaluate -> save and load."""

import streamlit as st

from core.codegen_project import project_zip, regression_project
from core.codegen_regression import regression_script
from core.regression import build_regression, weight_and_bias
from playground.challenges_ui import challenge_panel
from playground.checkpoint_ui import save_and_load
from playground.code_ui import show_code
from playground.layout import live_column, workspace
from playground.live.controls import live_view, transport_controls
from playground.live.run import LiveRun
from playground.live.session import get_run, namespaced
from playground.page_link import follow_link, keep_in_address, labels
from playground.regression_view import regression_pictures, regression_view_data, workflow_attempt
from playground.regression_widgets import LINKED, TARGET_TITLES, regression_ui
from playground.run_report_ui import ReportSource, replay_banner, report_button
from playground.sidebar import current_device, current_seed
from playground.teacher_link_ui import teacher_link_maker

PAGE = "workflow"
GHOSTS = namespaced(PAGE, "ghosts")  # earlier runs' (weight, bias) paths, to compare optimizers on one landscape
MAX_GHOSTS = 3

st.title("The PyTorch workflow")
st.caption(
    "The course's chapter as one page, numbered as in its script: **1. data → 2. model → 3. loss and optimizer → "
    "4. training loop (and evaluating) → 5. save and load.** Press **Play** and watch the red predictions move onto "
    "the green test points. Train with SGD, switch to Adam, and both paths stay on the loss landscape."
)
follow_link(PAGE, LINKED)  # a link's settings, and a teacher's locks, hides and challenge
buttons = st.container()
st.markdown("**3. Loss and optimizer**, changed while it trains · **4. Training loop**: Play, Step or Reset above")
area = workspace(PAGE)  # on a phone: the live view first, then the settings
bar = area.columns(4, vertical_alignment="bottom")
controls, live_box = area.columns([1, 3], gap="medium")
live = live_column(live_box, PAGE)
config = regression_ui(list(bar), controls, current_seed())
settings = keep_in_address(PAGE, LINKED)
device = current_device()
previous = st.session_state.get(namespaced(PAGE, "run"))
key = (config.data, config.model, config.train.optimizer, config.seed, str(device))
run, rebuilt = get_run(st.session_state, PAGE, key, lambda: build_regression(config, device), regression_pictures)
if rebuilt and isinstance(previous, LiveRun) and len(previous.experiment.path) > 1:
    old = previous.experiment.config.train
    label = f"{old.optimizer} lr {old.learning_rate:g}" + (f" m {old.momentum:g}" if old.momentum else "")
    ghosts = [*st.session_state.get(GHOSTS, []), {"label": label, "path": previous.experiment.path[::4][-300:]}]
    st.session_state[GHOSTS] = ghosts[-MAX_GHOSTS:]
run.apply_live_settings(config.train)
with buttons:
    transport_controls(PAGE, run, default_speed="30 / s")
    replay_banner(PAGE, run)
with live:
    ghosts = st.session_state.get(GHOSTS, []) if weight_and_bias(run.trainer.model) is not None else []
    live_view(PAGE, run, regression_view_data(run, ghosts))
    if ghosts and st.button("Forget the earlier paths", key=namespaced(PAGE, "forget_ghosts")):
        st.session_state.pop(GHOSTS, None)
        st.rerun()
    challenge_panel(PAGE, run, lambda: workflow_attempt(run))
    report_button(
        ReportSource(
            PAGE,
            run,
            f"The PyTorch workflow: {TARGET_TITLES[config.data.target]}",
            settings,
            lambda epochs: regression_script(config, epochs=epochs),
            lambda: workflow_attempt(run),
        )
    )

st.subheader("5. Save and load")


def _after_swap() -> None:
    point = weight_and_bias(run.trainer.model)
    if point is not None:
        run.experiment.path.append(point)


save_and_load(PAGE + "/", run, run.experiment.test[0], _after_swap)

epochs = max(run.epoch, 100)
project = (lambda: project_zip(regression_project(config, epochs), "workflow_project"), "workflow_project.zip")
show_code(PAGE, regression_script(config, epochs=epochs), "pytorch_workflow.py", device, project=project)
teacher_link_maker(PAGE, settings, labels(LINKED))
