"""The Classify page: pick a model, draw / upload / photograph an image, see what the model sees and says."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from functools import partial

import numpy as np
import streamlit as st
import torch
from PIL import Image
from torch import nn

from core.challenges import Attempt
from core.cnn import class_probabilities, feature_maps
from core.codegen_evaluation import ImageModelSource
from core.drawing_input import BlankDrawing, Step, ink_share, prepare_image
from core.shipped_models import ModelCard, load_shipped, shipped_cards
from core.transfer import TRAINED_SIZE, PartlyFrozen, PretrainedMissing, first_feature_maps, imagenet_classes
from core.uploads import IMAGE_TYPES, looks_like_a_colour_photo
from playground import evaluation_sources
from playground.literal import literal
from playground.transfer_view import TrainedHere, frozen_copy, imagenet_model, trained_here
from playground.upload_ui import decoded_image, file_upload
from playground.vision_view import CHART, channel_sheet, probability_figure, top_k_figure

K = "classify/"
CANVAS = K + "canvas"
PICKED = K + "picked"  # ((model name, its weights' version), Classifier): copied once per version
CANVAS_SIDE = 280  # pixels: ten times the model's 28, room to draw
PHOTO_INK = 0.25  # a digits model's input covered more than this by "ink" is a photo, not a drawing
TOP_K = 3
MAX_BARS = 10  # more classes than this: only the most likely are drawn


@dataclass(frozen=True)
class Classifier:
    """A model that classifies one image, and what its training images looked like."""

    name: str
    title: str
    model: nn.Module
    classes: tuple[str, ...]
    dataset: str  # decides the preprocessing: "digits", "FashionMNIST", "shapes", "custom", ...
    size: int
    channels: int


@st.cache_resource(show_spinner=False, max_entries=4)
def _shipped(card: ModelCard) -> nn.Module:
    """Read-only, shared by every learner: a shipped model is never trained."""
    return load_shipped(card)


def _card_title(card: ModelCard) -> str:
    return f"Shipped TinyVGG: {card.name} ({card.test_accuracy:.1%} on {card.test_images:,} held-out images)"


def _from_card(card: ModelCard) -> Classifier:
    title = _card_title(card)
    return Classifier(
        "shipped " + card.name, title, _shipped(card), card.classes, card.name, card.image_size, card.in_channels
    )


def _from_session(candidate: evaluation_sources.Candidate) -> Classifier:
    subject = candidate.snapshot()  # a copy of the weights: the run may keep training on its page
    assert isinstance(subject.code, ImageModelSource) and subject.images is not None
    shape = subject.images.shape
    dataset = subject.code.test.dataset
    return Classifier(candidate.name, candidate.title, subject.model, subject.classes, dataset, shape[-1], shape[1])


def _from_transfer(trained: TrainedHere) -> Classifier:
    experiment = trained.run.experiment
    shape = experiment.train.images.shape
    model = frozen_copy(trained.run)
    return Classifier(trained.name, trained.title, model, experiment.classes, trained.dataset, shape[-1], shape[1])


IMAGENET_TITLE = "EfficientNet-Lite0 pretrained on ImageNet (1,000 classes of photos)"


def _imagenet() -> Classifier:
    return Classifier("imagenet", IMAGENET_TITLE, imagenet_model(), imagenet_classes(), "imagenet", TRAINED_SIZE, 3)


def pick_classifier() -> Classifier:
    """The model picker: the shipped models, ImageNet's network, then every image model of this session.

    Only the picked one is built.
    """
    choices: dict[str, tuple[str, Hashable, Callable[[], Classifier]]] = {}  # name -> (title, version, build)
    for card in shipped_cards().values():
        choices["shipped " + card.name] = (_card_title(card), card.sha256, partial(_from_card, card))
    choices["imagenet"] = (IMAGENET_TITLE, "imagenet", _imagenet)
    for candidate in evaluation_sources.candidates(st.session_state):
        if candidate.data_id[0] == "images":
            choices[candidate.name] = (candidate.title, candidate.version, partial(_from_session, candidate))
    for trained in trained_here(st.session_state):
        version = (trained.run.token, trained.run.samples_seen)  # a Reset makes a new run, a new token
        choices[trained.name] = (trained.title, version, partial(_from_transfer, trained))
    names = list(choices)
    if st.session_state.get(K + "model") not in names:
        st.session_state[K + "model"] = names[0]
    name = st.selectbox("Model", names, format_func=lambda n: choices[n][0], key=K + "model")
    _, version, build = choices[name]
    kept = st.session_state.get(PICKED)
    if kept is not None and kept[0] == (name, version):
        return kept[1]  # the same weights as on the last rerun (a stroke): no new copy of a session model
    try:
        classifier = build()
    except PretrainedMissing as error:
        st.error(literal(str(error)) + " The shipped digits model is used instead.")
        return choices[names[0]][2]()
    st.session_state[PICKED] = ((name, version), classifier)
    return classifier


def _canvas_image() -> Image.Image | None:
    from streamlit_drawable_canvas import st_canvas  # registers its component only inside a Streamlit run

    result = st_canvas(
        stroke_width=20,
        stroke_color="#000000",
        background_color="",
        height=CANVAS_SIDE,
        width=CANVAS_SIDE,
        drawing_mode="freedraw",
        key=CANVAS,
        return_image_data=True,
    )
    pixels = result.image_data
    return None if pixels is None else Image.fromarray(np.asarray(pixels, dtype=np.uint8), "RGBA")


def image_input() -> tuple[Image.Image | None, str]:
    """The learner's image from the canvas, an upload or the camera; and which of them."""
    source = st.segmented_control("Image from", ["Draw", "Upload", "Camera"], default="Draw", key=K + "source")
    if source == "Upload":
        label = f"An image ({', '.join(t.upper() for t in IMAGE_TYPES[:6])})"
        return decoded_image(K + "upload", file_upload(label, K + "upload", IMAGE_TYPES)), "upload"
    if source == "Camera":
        shot = st.camera_input("Take a photo", key=K + "camera")
        st.caption("If the browser asks, allow the camera; without one (or if it is blocked), upload a photo instead.")
        return decoded_image(K + "camera", shot), "camera"
    st.space("medium")  # the canvas's toolbar floats above it
    drawing = _canvas_image()
    st.caption("Draw with the mouse (or a finger); the prediction follows every stroke. The bin icon clears it.")
    return drawing, "drawing"


def classify_attempt(classifier: Classifier, source: str, prediction: tuple[str, float] | None) -> Attempt:
    """What the page shows, for its challenges: which model, where the image came from, and its prediction."""
    kind = (
        "imagenet" if classifier.name == "imagenet" else "shipped" if classifier.name.startswith("shipped") else "own"
    )
    top, probability = prediction if prediction is not None else (None, 0.0)
    extra = {"model": kind, "dataset": classifier.dataset, "source": source, "top": top, "probability": probability}
    return Attempt(None, (), extra=extra)


def _steps_row(steps: list[Step]) -> None:
    cols = st.columns(len(steps))
    for col, step in zip(cols, steps, strict=True):
        pixels = step.pixels
        scale = max(1, -(-112 // max(pixels.shape[:2])))  # small steps drawn with big square pixels
        big = np.kron(pixels, np.ones((scale, scale) + (1,) * (pixels.ndim - 2), dtype=np.uint8))
        col.image(big, caption=step.name, width=112)


def _caveat(classifier: Classifier, image: Image.Image, source: str) -> str | None:
    if classifier.dataset == "imagenet" and source == "drawing":
        return (
            "ImageNet's 1,000 classes are photos of things (animals, objects, food); it has no digits and no "
            "sketches, so it names the photo-like thing your drawing resembles most."
        )
    if classifier.channels != 1:
        return None
    if looks_like_a_colour_photo(image.convert("RGB")) or (
        classifier.dataset == "digits" and source != "drawing" and ink_share(image) > PHOTO_INK
    ):
        return (
            f"This looks like a photo, not like the model's training images ({classifier.dataset}): it can only "
            f"answer one of {', '.join(classifier.classes[:10])}, so take the answer with a pinch of salt."
        )
    return None


def classify(classifier: Classifier, image: Image.Image | None, source: str) -> tuple[str, float] | None:
    """The prediction, the top classes, what the model sees, and its first feature maps.

    Returns the predicted class and its probability (None: nothing to classify)."""
    if image is None:
        st.info("Draw something first." if source == "drawing" else "Give the model an image first.")
        return None
    caveat = _caveat(classifier, image, source)
    if caveat:
        st.warning(literal(caveat))
    try:
        model_input, steps = prepare_image(image, classifier.dataset, classifier.size, classifier.channels)
    except BlankDrawing as error:
        st.info(str(error) if source == "drawing" else "The image is one flat colour: there is nothing to classify.")
        return None
    probs = class_probabilities(classifier.model, model_input)
    top = torch.argsort(probs, descending=True)[:TOP_K].tolist()
    best = top[0]
    st.subheader(f"Pred: {literal(classifier.classes[best])} | Prob: {float(probs[best]):.3f}")
    if len(classifier.classes) > MAX_BARS:  # ImageNet: the ten most likely of its 1,000 classes
        pairs = [(classifier.classes[i], float(probs[i])) for i in torch.argsort(probs, descending=True)[:MAX_BARS]]
        st.plotly_chart(top_k_figure(pairs), key=K + "top", config=CHART)
    else:
        st.plotly_chart(probability_figure(probs, classifier.classes), key=K + "probs", config=CHART)
    st.caption(
        "Top "
        + str(len(top))
        + ": "
        + ", ".join(f"{literal(classifier.classes[i])} {float(probs[i]):.1%}" for i in top)
    )
    st.markdown("#### What the model sees")
    _steps_row(steps)
    st.markdown("#### The first layers' feature maps for this image")
    if isinstance(classifier.model, PartlyFrozen):  # EfficientNet-Lite0: ImageNet's, or trained on the Transfer page
        for name, maps in first_feature_maps(classifier.model, model_input):
            st.image(
                channel_sheet(maps, per_row=8, scale=max(1, 96 // maps.shape[-1])),
                caption=f"{name}: {maps.shape[0]} channels, {maps.shape[1]} x {maps.shape[2]}",
            )
    elif hasattr(classifier.model, "blocks"):
        for name, maps in feature_maps(classifier.model, model_input)[:2]:
            st.image(
                channel_sheet(maps), caption=f"{name}: {maps.shape[0]} channels, {maps.shape[1]} x {maps.shape[2]}"
            )
    return classifier.classes[best], float(probs[best])
