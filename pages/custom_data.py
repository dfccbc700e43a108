"""Custom datasets: a zip of class folders becomes the course's Dataset subclass and a DataLoader batch."""

import streamlit as st

from core.data.imagefolder import DATASET_SOURCE, example_zip
from playground.custom_data_view import (
    download_bytes,
    keep_loaded,
    read_zip,
    show_batch,
    show_classes,
    show_samples,
)
from playground.sidebar import current_seed
from playground.topics import ROOT
from playground.upload_ui import BundledFile, file_upload, parsed_once

K = "custom/"


@st.cache_resource(max_entries=1)
def example() -> BundledFile:
    """The bundled example zip (read-only, shared): real handwritten digits written out as class folders."""
    return BundledFile("bundled-example", "digits.zip", example_zip())


st.title("Custom datasets")
st.caption(
    "Your own images, the course's way: one folder per class (pizza/, steak/, sushi/ …), optionally under train/ "
    "and test/. Zip the folder and upload it, or start with the example. Nothing is written to disk."
)
source = st.radio("Images", ["the example: handwritten digits as class folders", "your zip"], key=K + "source")
if source == "your zip":
    upload = file_upload("A .zip of class folders (up to 10 MB)", K + "upload", ["zip"])
else:
    upload = example()
folder = keep_loaded(parsed_once(K + "zip", upload, read_zip)) if upload is not None else None
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
