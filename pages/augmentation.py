"""Data augmentation: build a torchvision.transforms.v2 pipeline and see what it does to a real photo."""

import streamlit as st

from core.augment import pipeline_source
from core.data import download as downloads
from core.data.images import digits, shapes, torchvision_set
from playground.augment_experiment_view import LINK_PAGE, LINKED, augmentation_experiment
from playground.augment_view import show_samples
from playground.augment_widgets import K, image_source_ui, pipeline_ui
from playground.code_ui import show_code
from playground.custom_data_view import vision_copy
from playground.page_link import follow_link, keep_in_address, labels
from playground.sidebar import current_device, current_seed
from playground.teacher_link_ui import teacher_link_maker

PAGE = "augment"


def datasets() -> dict:
    """The app's image sets a learner can take a preview image from: loaders, called only when picked."""
    found = {"digits": digits, "shapes": shapes}
    if downloads.is_downloaded("FashionMNIST", downloads.DEFAULT_ROOT):
        found["FashionMNIST"] = lambda: torchvision_set("FashionMNIST", downloads.DEFAULT_ROOT, train=False)
    custom = vision_copy()
    if custom is not None:
        found["your data set"] = lambda: custom[0]
    return found


st.title("Data augmentation")
st.caption(
    "Augmentation shows a model many versions of each training image, so it learns what stays the same. Build a "
    "pipeline of torchvision.transforms.v2 transforms, pick an image, and see samples drawn from a seed."
)
follow_link(LINK_PAGE, LINKED)  # a link's settings, and a teacher's locks, hides and challenge
preview, experiment = st.tabs(["Preview", "The experiment: with and without augmentation"])
with preview:
    controls, view = st.columns([2, 3], gap="large")
with controls:
    image, credit = image_source_ui(datasets())
    cols = st.columns(2)
    count = cols[0].slider("Samples", 1, 16, 8, key=K + "count")
    seed = int(cols[1].number_input("Seed", 0, 2**31 - 1, 0, key=K + "seed", help="Sample i is drawn with seed + i"))
    st.markdown("#### Pipeline")
    steps = pipeline_ui()
    st.session_state[K + "steps"] = steps  # the Custom datasets page can apply this pipeline to a batch
with view:
    if image is None:
        st.info("Upload an image (PNG, JPEG, GIF, BMP, WEBP or TIFF) to see it augmented.")
    else:
        show_samples(image, steps, count, seed, credit)
with preview:
    show_code(PAGE, pipeline_source(steps, seed, count), "augment.py")
with experiment:
    augmentation_experiment(steps, current_seed(), current_device())
teacher_link_maker(LINK_PAGE, keep_in_address(LINK_PAGE, LINKED), labels(LINKED))
