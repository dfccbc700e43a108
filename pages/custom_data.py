"""Custom datasets: a zip of class folders becomes the course's Dataset subclass and a DataLoader batch."""

import streamlit as st

from core.data.imagefolder import DATASET_SOURCE, example_zip
from playground.challenges_ui import challenge_panel
from playground.custom_data_view import (
    DATA,
    OWN,
    custom_attempt,
    download_bytes,
    keep_loaded,
    read_zip,
    show_batch,
    show_classes,
    show_samples,
)
from playground.page_link import follow_link, keep_in_address
from playground.sidebar import current_seed
from playground.teacher_link_ui import teacher_link_maker
from playground.topics import ROOT
from playground.upload_ui import BundledFile, file_upload, parsed_once

K = "custom/"
PAGE = "custom"
KEPT_SOURCE = K + "source/kept"  # the Images choice, kept through page trips (a widget's own state is not)


@st.cache_resource(max_entries=1)
def example() -> BundledFile:
    """The bundled example zip (read-only, shared): real handwritten digits written out as class folders."""
    return BundledFile("bundled-example", "digits.zip", example_zip())


st.title("Custom datasets")
follow_link(PAGE, ())  # a teacher's link may set a challenge
st.caption(
    "Your own images, the course's way: one folder per class (pizza/, steak/, sushi/ …), optionally under train/ "
    "and test/. Zip the folder and upload it, or start with the example. Nothing is written to disk."
)
if K + "source" not in st.session_state and KEPT_SOURCE in st.session_state:  # back from another page
    st.session_state[K + "source"] = st.session_state[KEPT_SOURCE]
source = st.radio("Images", ["the example: handwritten digits as class folders", "your zip"], key=K + "source")
st.session_state[KEPT_SOURCE] = source
own = source == "your zip"
upload = file_upload("A .zip of class folders (up to 10 MB)", K + "upload", ["zip"]) if own else example()
if upload is not None:
    folder = keep_loaded(parsed_once(K + "zip", upload, read_zip), own)
elif own and st.session_state.get(OWN):  # the uploader forgets its file on a page trip; the data set stays
    folder = st.session_state.get(DATA)
    st.caption("Your zip from before is still loaded; upload another to replace it.")
else:
    folder = None
challenge_panel(PAGE, None, custom_attempt, subject="Now")  # on the data set loaded here (and a model of it)
if folder is None:
    st.info("Upload a zip of class folders, e.g. food/pizza/1.jpg, food/steak/2.jpg, … (or pick the example).")
    st.stop()

classes, samples = st.columns([2, 3], gap="large")
with classes:
    show_classes(folder)
    st.download_button(
        "Download the tensors (custom_dataset.pt)",
        download_bytes(),
        file_name="custom_dataset.pt",
        help="For the TinyVGG script on the Computer vision page: torch.load(..., weights_only=True)",
        key=K + "download",
    )
    st.page_link(
        str(ROOT / "pages" / "vision.py"), label="Train TinyVGG on it (Computer vision)", icon=":material/image:"
    )
with samples:
    show_samples(folder)

st.subheader("The Dataset subclass and one DataLoader batch")
code, batch = st.columns([1, 1], gap="large")
code.code(DATASET_SOURCE, language="python")
with batch:
    steps = st.session_state.get("augment/steps")
    use = st.toggle(
        "Apply the pipeline from the Data augmentation page",
        key=K + "augment",
        disabled=not steps,
        help="Build one on the Data augmentation page first" if not steps else f"{len(steps)} transform(s)",
    )
    show_batch(folder, steps if use else None, current_seed())
teacher_link_maker(PAGE, keep_in_address(PAGE, ()), {})
