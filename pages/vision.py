"""Computer vision: TinyVGG trained live, a shape tracer, and CNN Explainer's layer-by-layer views."""

import streamlit as st

from core.challenges import Attempt
from core.codegen_cnn import cnn_script
from core.codegen_project import project_zip, vision_project
from core.vision import VisionConfig, build_vision
from playground.challenges_ui import challenge_panel
from playground.code_ui import show_code
from playground.custom_data_view import VERSION
from playground.layout import live_column, workspace
from playground.live.controls import live_view, transport_controls
from playground.live.session import get_run
from playground.page_link import follow_link, keep_in_address, labels
from playground.run_report_ui import ReportSource, replay_banner, report_button
from playground.sidebar import current_device, current_seed
from playground.teacher_link_ui import teacher_link_maker
from playground.vision_data import data_section
from playground.vision_inside import inside_the_network
from playground.vision_sandbox import convolution_sandbox
from playground.vision_view import shape_tracer, vision_pictures, vision_view_data
from playground.vision_widgets import DATASET_TITLES, LINKED, K, tiny_vgg_ui, vision_train_ui

PAGE = "vision"

st.title("Computer vision with TinyVGG")
st.caption(
    "A small convolutional network (the course's TinyVGG, CNN Explainer's model) learns to tell images "
    "apart. Configure it, train it live, then look inside: every feature map, every kernel, every sum."
)
follow_link(PAGE, LINKED)  # a link's settings, and a teacher's locks, hides and challenge
data_tab, model_tab, train_tab, inside_tab = st.tabs(["1. Data", "2. Model", "3. Train", "4. Inside the network"])

with data_tab:
    name, data, test = data_section(K, current_seed())

with model_tab:
    model_config = shape_tracer(PAGE, tiny_vgg_ui(), data)
    st.markdown("#### Convolution sandbox")
    convolution_sandbox(K)

with train_tab:
    buttons = st.container()
    area = workspace(PAGE)  # on a phone: the live view first, then the settings
    train_config = vision_train_ui(list(area.columns(4, vertical_alignment="bottom")))
    config = VisionConfig(name, model_config, train_config, current_seed())
    device = current_device()
    custom_version = st.session_state.get(VERSION) if name == "custom" else None  # a new upload: a new model
    key = (name, custom_version, model_config, train_config.optimizer, config.seed, str(device))
    run, rebuilt = get_run(
        st.session_state, PAGE, key, lambda: build_vision(config, data, device, test), vision_pictures
    )
    run.apply_live_settings(train_config)
    settings = keep_in_address(PAGE, LINKED)
    with buttons:
        transport_controls(PAGE, run)
        replay_banner(PAGE, run)
    train_count, test_count = len(run.experiment.train.labels), len(run.experiment.test.labels)
    area.caption(
        f"{train_count:,} training and {test_count:,} test images; one epoch is "
        f"{-(-train_count // train_config.batch_size)} batches of {train_config.batch_size}."
    )
    with live_column(area, PAGE):
        live_view(PAGE, run, vision_view_data())

    def attempt() -> Attempt:
        """The run as the challenges see it."""
        return Attempt(run.experiment.config, list(run.history), list(run.stops))

    challenge_panel(PAGE, run, attempt)
    own = ("Your own data set does not travel in a link: it opens the digits.",) if name == "custom" else ()
    title = f"Computer vision: TinyVGG on {DATASET_TITLES.get(name, 'your data set')}"
    report_button(ReportSource(PAGE, run, title, settings, lambda n: cnn_script(config, epochs=n), attempt, own))
    epochs = max(run.epoch, 5)
    project = (lambda: project_zip(vision_project(config, epochs), "tinyvgg_project"), "tinyvgg_project.zip")
    show_code(PAGE, cnn_script(config, epochs=epochs), "tinyvgg.py", device, project=project)

with inside_tab:
    inside_the_network(K, run)
teacher_link_maker(PAGE, settings, labels(LINKED))
