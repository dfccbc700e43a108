"""The vision page's data tab: pick a data set (download one when online), a sample grid, the batch shape."""

from __future__ import annotations

import streamlit as st

from core.data import download as downloads
from core.data.images import ONLINE_SETS, ImageDataset, digits, shapes, torchvision_set
from core.vision import LIVE_IMAGE_LIMIT
from playground.custom_data_view import vision_copy
from playground.literal import literal
from playground.live.pool import shared_for_workers
from playground.vision_view import labelled_sheet
from playground.vision_widgets import dataset_ui

SAMPLES_SHOWN = 24


@st.cache_resource(show_spinner="Loading images...", max_entries=4)
def load_images(name: str, seed: int) -> ImageDataset:
    """Read-only image data, shared by every learner (each learner's model is their own); at most 4 kept."""
    if name == "digits":
        return shared_for_workers(digits())
    if name == "shapes":
        return shared_for_workers(shapes(seed=seed))
    return shared_for_workers(torchvision_set(name, downloads.DEFAULT_ROOT))


def _offer_download(prefix: str, name: str) -> None:
    st.info(
        f"{name} is not on this machine yet. Download it (needs the internet) or install it with "
        f"{downloads.INSTALL_HINT[name]}; the digits and shapes work offline. Until it is here, the page uses "
        "the digits."
    )
    if st.button(f"Download {name}", key=prefix + "download"):
        bar = st.progress(0.0, text="Connecting...")
        try:
            downloads.download(
                name,
                downloads.DEFAULT_ROOT,
                progress=lambda fraction, message: bar.progress(min(fraction, 1.0), message),
            )
        except downloads.DownloadError as error:
            st.error(literal(str(error)))
        else:
            st.rerun()


def data_section(prefix: str, seed: int) -> tuple[str, ImageDataset, ImageDataset | None]:
    """The data set picker, samples and the [B, C, H, W] shape.

    Returns:
        The name in use, its images, and its own test set (a custom set's; None: split 80/20).
    """
    custom = vision_copy()
    title = f"Your data set ({len(custom[0].classes)} classes, from Custom datasets)" if custom else None
    name = dataset_ui(title)
    test = None
    if name == "custom" and custom is not None:
        data, test = custom
    elif name in ONLINE_SETS and not downloads.is_downloaded(name, downloads.DEFAULT_ROOT):
        with st.spinner(f"Looking for {name} on this machine..."):
            found = downloads.use_local_copy(name, downloads.DEFAULT_ROOT)
        if found:
            st.toast(f"Found {name} on this machine and unpacked it for torchvision.")
        else:
            _offer_download(prefix, name)
            name = "digits"
    if test is None:
        data = load_images(name, seed if name == "shapes" else 0)  # only the drawn shapes depend on the seed
    if len(data.labels) > LIVE_IMAGE_LIMIT:
        st.caption(
            f"Training live on the first {LIVE_IMAGE_LIMIT:,} of {len(data.labels):,} images, so an epoch takes "
            "seconds "
            "(the course trains on all of them; remove the limit in the generated script to do the same)."
        )
        data = ImageDataset(data.images[:LIVE_IMAGE_LIMIT], data.labels[:LIVE_IMAGE_LIMIT], data.classes)
    st.image(
        labelled_sheet(
            data.images[:SAMPLES_SHOWN], [data.classes[int(y)] for y in data.labels[:SAMPLES_SHOWN]], per_row=12
        ),
        caption=f"{len(data.labels):,} images in {len(data.classes)} classes: {', '.join(data.classes)}",
    )
    st.markdown(
        f"A batch of 32 is a tensor of shape **[B, C, H, W] = {list(data.images[:32].shape)}**: "
        "batch, colour channels (1: grey, 3: colour), height, width."
    )
    return name, data, test
