"""The augmentation page's experiment: the same TinyVGG on a few hundred images, with and without augmentation."""

from __future__ import annotations

import streamlit as st
import torch

from core.augment import TRAINING_DEFAULT, AugmentError, BatchAugmenter, Step
from core.augment_experiment import TEST_IMAGES, experiment_data
from core.challenges import Attempt
from core.cnn import TinyVGGConfig
from core.codegen_project import augmentation_project, project_zip
from core.data.images import ImageDataset
from core.vision import VisionConfig, VisionTrain, build_vision
from playground.augment_widgets import K as PREVIEW_K
from playground.challenges_ui import challenge_panel
from playground.layout import live_column, workspace
from playground.literal import literal
from playground.live.controls import live_view, transport_controls
from playground.live.pool import shared_for_workers
from playground.live.session import get_run
from playground.page_link import choice, number
from playground.vision_view import vision_pictures, vision_view_data

K = "augexp/"
PLAIN, AUGMENTED = "augexp-plain", "augexp-augmented"  # the two runs' namespaces
TRAIN_SIZES = (100, 200, 300, 500, 1000)
LINK_PAGE = "augmentation"  # the page's name for links and challenges
LINKED = (  # what a link to the page sets, locks or hides (the Preview pipeline itself stays the learner's)
    number("samples", PREVIEW_K + "count", "Samples", 1, 16, whole=True),
    number("sample_seed", PREVIEW_K + "seed", "Seed of the samples", 0, 2**31 - 1, whole=True),
    choice("train_images", K + "train_images", "Training images (experiment)", TRAIN_SIZES),
)


@st.cache_resource(max_entries=4, show_spinner="Loading the images...")
def _data(train_images: int, seed: int) -> tuple[str, ImageDataset, ImageDataset]:
    """Read-only, shared: the experiment's images (each learner's models are their own)."""
    return shared_for_workers(experiment_data(train_images, seed))


def augmentation_experiment(page_steps: list[Step], seed: int, device: torch.device) -> None:
    """Two runs of one TinyVGG, one trained on augmented batches; both curves on each chart."""
    buttons = st.container()
    area = workspace(K.strip("/"))  # on a phone: the live views first, then the settings
    cols = area.columns([3, 2], vertical_alignment="bottom")
    which = cols[0].radio(
        "Augmentation while training",
        ["the gentle default: flips, small shifts, turns and zooms", "the pipeline built in Preview"],
        key=K + "which",
    )
    train_images = cols[1].select_slider("Training images", TRAIN_SIZES, 300, key=K + "train_images")
    name, train, test = _data(train_images, seed)
    steps = tuple(page_steps) if which.startswith("the pipeline") else TRAINING_DEFAULT
    shape = tuple(train.images.shape[1:])
    try:
        BatchAugmenter(steps, shape)  # checked now: a pipeline that changes the size says so before training
    except AugmentError as error:
        st.error(literal(str(error)) + " Training uses the gentle default instead.")
        steps = TRAINING_DEFAULT
    config = VisionConfig(name, TinyVGGConfig(), VisionTrain(), seed)
    key = (name, train_images, seed, str(device))
    plain, _ = get_run(st.session_state, PLAIN, key, lambda: build_vision(config, train, device, test), vision_pictures)
    augmented, _ = get_run(
        st.session_state,
        AUGMENTED,
        (*key, steps),
        lambda: build_vision(config, train, device, test, augment=BatchAugmenter(steps, shape, seed)),
        vision_pictures,
    )
    with buttons:
        transport_controls((PLAIN, AUGMENTED), plain)
    left, right = area.columns(2, gap="large")
    with live_column(left, PLAIN):
        st.markdown("#### Without augmentation", anchors=False)
        live_view(
            PLAIN,
            plain,
            {**vision_view_data(), "own_label": "plain", "stacked": True},
            compare=("augmented", augmented),
        )
    with live_column(right, AUGMENTED):
        st.markdown("#### With augmentation", anchors=False)
        live_view(
            AUGMENTED,
            augmented,
            {**vision_view_data(), "own_label": "augmented", "stacked": True},
            compare=("plain", plain),
        )
        st.caption("Each training batch goes through " + " → ".join(step.cls for step in steps) + ".")
    area.caption(
        f"{name}: {len(train.labels):,} training images and {TEST_IMAGES:,} test images, the same TinyVGG, seed, "
        "starting weights and batch order; only the augmentation differs. Solid lines: this run; dashed: the other. "
        "Watch the gap between train and test: without augmentation it grows (the model memorises)."
    )
    extra = {"own": steps == tuple(page_steps) and which.startswith("the pipeline"), "steps": len(steps)}
    challenge_panel(
        LINK_PAGE,
        augmented,
        lambda: Attempt(
            augmented.experiment.config, list(augmented.history), extra={**extra, "plain": list(plain.history)}
        ),
    )
    files = augmentation_project(steps, name, train_images, seed, epochs=max(plain.epoch, augmented.epoch, 10))
    with st.expander("Show the PyTorch code: the experiment as a going-modular project"):
        st.caption(
            "python train.py trains the augmented run and python train.py --no-augment the plain one; both print "
            "this page's losses (same images, seed, batch order and augmentation draws)."
        )
        st.download_button(
            "Download as a going-modular project (.zip)",
            lambda: project_zip(files, "augmentation_project"),  # built when clicked, not on every page run
            file_name="augmentation_project.zip",
            mime="application/zip",
            key=K + "download_project",
        )
        for tab, (file_name, text) in zip(st.tabs(list(files)), files.items(), strict=True):
            tab.code(text, language="python" if file_name.endswith(".py") else "markdown")
