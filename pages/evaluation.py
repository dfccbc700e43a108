"""Evaluation: what a model of this session gets wrong, measured with torchmetrics and shown example by example."""

import streamlit as st

from core.codegen_evaluation import WEIGHTS_FILE, evaluation_script
from playground import evaluation_view as view
from playground.challenges_ui import challenge_panel
from playground.code_ui import show_code
from playground.page_link import follow_link, keep_in_address
from playground.sidebar import current_device, current_seed
from playground.teacher_link_ui import teacher_link_maker

PAGE = "evaluation"

st.title("Evaluation: what does the model get wrong?")
st.caption(
    "Accuracy is one number; a confusion matrix shows which classes the model mixes up. Pick any model trained "
    "in this session, click a cell to see its examples, and read precision, recall and F1 off the counts."
)
follow_link(PAGE, ())  # a teacher's link may set a challenge
pick, quick = st.columns([3, 1], vertical_alignment="bottom")
with quick:
    view.quick_model_ui(current_seed(), current_device())
with pick:
    evaluated = view.pick_model()
panel = st.container()  # the challenges, checked on this model as the page shows it
if evaluated is None:
    with panel:
        challenge_panel(PAGE, None, lambda: None)
    st.stop()

threshold = view.threshold_ui(evaluated)
matrix_tab, metrics_tab, *binary_tab, compare_tab = st.tabs(
    ["Confusion matrix", "Metrics explained", *(["Threshold, ROC and PR"] if threshold is not None else []), "Compare"]
)
with matrix_tab:
    left, right = st.columns([1.25, 1], gap="large")
    with left:
        cell = view.confusion_section(evaluated, threshold)
    with right:
        view.cell_section(evaluated, threshold, cell)
    st.markdown("#### The most confident mistakes")
    view.mistakes_section(evaluated, threshold)
with metrics_tab:
    view.metrics_section(evaluated, threshold)
for tab in binary_tab:
    with tab:
        view.curves_section(evaluated, threshold)
with compare_tab:
    view.compare_section(evaluated, threshold)
with panel:
    challenge_panel(PAGE, None, lambda: view.evaluation_attempt(evaluated, threshold, cell), subject="This model")

st.download_button(
    f"Download the weights ({WEIGHTS_FILE})",
    evaluated.weights(),
    file_name=WEIGHTS_FILE,
    mime="application/octet-stream",
    key=PAGE + "/download_weights",
)
show_code(PAGE, evaluation_script(evaluated.subject.code, threshold), "evaluate.py")
teacher_link_maker(PAGE, keep_in_address(PAGE, ()), {})
