"""The custom-datasets page's views: the class table, samples per class, one DataLoader batch, the saved tensors."""

from __future__ import annotations

import streamlit as st
import torch
from torch.utils.data import DataLoader

from core.augment import Step, compose
from core.challenges import Attempt
from core.data.imagefolder import FolderData, ImageFolderCustom, read_image_zip, tensors_file
from core.data.images import ImageDataset
from playground.figures import png_data_uri
from playground.literal import literal
from playground.live.run import LiveRun
from playground.vision_view import labelled_sheet

DATA = "custom/data"  # the session's custom data set (FolderData), for this page, the vision page and later pages
VERSION = "custom/version"  # bumped for every newly loaded data set: models trained on the old one are rebuilt
OWN = "custom/own"  # whether the session's data set came from the learner's own zip (not the example)
VISION_RUN = "vision/run"  # the computer vision page's run: it may train on this data set
DOWNLOAD = "custom/download_bytes"  # (version, .pt bytes) for the download button, made once per data set
VISION_COPY = "custom/vision"  # (version, train, test) as float images for TinyVGG, converted once
PER_CLASS = 8


def keep_loaded(result: FolderData | ValueError, own: bool = False) -> FolderData | None:
    """Make a newly read data set the session's (`own`: from the learner's zip); on an error say why and keep
    the previous one."""
    if isinstance(result, ValueError):
        st.error(literal(str(result)))
        if DATA in st.session_state:
            st.caption("The data set loaded before is kept.")
        return st.session_state.get(DATA)
    if st.session_state.get(DATA) is not result:
        st.session_state[DATA] = result
        st.session_state[VERSION] = st.session_state.get(VERSION, 0) + 1
        st.session_state[OWN] = own
    return result


def custom_attempt() -> Attempt:
    """The session's data set as its challenges see it: where it came from, its classes and split, and the
    computer vision page's run when it trains on this very data set."""
    folder = st.session_state.get(DATA)
    if not isinstance(folder, FolderData):
        return Attempt(None, (), extra={})
    run = st.session_state.get(VISION_RUN)
    on_this = isinstance(run, LiveRun) and run.key[:2] == ("custom", st.session_state.get(VERSION))
    extra = {
        "own": bool(st.session_state.get(OWN)),
        "classes": len(folder.classes),
        "fewest": min((train for train, _ in folder.counts().values()), default=0),
        "split_given": folder.split_given,
        "trained": on_this,
    }
    return Attempt(None, list(run.history) if on_this else [], extra=extra)


def read_zip(data: bytes, _name: str) -> FolderData:
    """read_image_zip for parsed_once."""
    return read_image_zip(data)


def show_classes(folder: FolderData) -> None:
    """Class names (shown literally) and image counts, and what was skipped."""
    counts = folder.counts()
    split = "the zip's own train/ and test/ folders" if folder.split_given else "split 80/20 within each class here"
    st.markdown(f"**{len(folder.classes)} classes**, {split}:")
    st.dataframe(
        [
            {"class": name, "index": i, "train": counts[name][0], "test": counts[name][1]}
            for i, name in enumerate(counts)
        ],
        hide_index=True,
        height=min(400, 35 * (len(counts) + 1) + 3),
    )
    summary = folder.skipped.summary()
    if summary:
        st.info(literal(summary))


def show_samples(folder: FolderData) -> None:
    """The first training images of every class."""
    for label, name in enumerate(folder.classes[:20]):
        members = torch.nonzero(folder.train.labels == label).flatten()
        shown = folder.train.images[members[:PER_CLASS]].float() / 255.0  # only the images drawn
        st.markdown(f"**{literal(name)}** ({len(members)} training images)")
        st.image(png_data_uri(labelled_sheet(shown, [""] * len(shown), per_row=PER_CLASS, scale=1)))
    if len(folder.classes) > 20:
        st.caption(f"… and {len(folder.classes) - 20} more classes.")


def show_batch(folder: FolderData, steps: list[Step] | None, seed: int) -> None:
    """One DataLoader batch from the course's Dataset subclass, with the augmentation pipeline if chosen."""
    transform = compose(steps) if steps else None
    dataset = ImageFolderCustom(folder.train, transform=transform)
    loader = DataLoader(dataset, batch_size=32, shuffle=True, generator=torch.Generator().manual_seed(seed))
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        try:
            images, labels = next(iter(loader))
        except (RuntimeError, ValueError, TypeError) as error:
            st.error(literal(f"The augmentation pipeline cannot run on these images: {str(error).splitlines()[0]}"))
            return
    st.markdown(f"`images.shape` = **{list(images.shape)}** (`[B, C, H, W]`), `labels.shape` = {list(labels.shape)}")
    applied = " → ".join(step.cls for step in steps) if steps else "none"
    st.caption(
        f"Transforms: resized to 64 × 64 when the zip was read; augmentation: {applied}; "
        "to float 0..1 in `__getitem__`; shuffled by the DataLoader."
    )
    captions = [folder.classes[int(y)][:10] for y in labels]
    st.image(png_data_uri(labelled_sheet(images, captions, per_row=8, scale=1)))


def download_bytes() -> bytes:
    """The session's data set as a .pt file, made once per data set (not on every rerun of the page)."""
    version = st.session_state.get(VERSION, 0)
    kept = st.session_state.get(DOWNLOAD)
    if kept is None or kept[0] != version:
        kept = (version, tensors_file(st.session_state[DATA]))
        st.session_state[DOWNLOAD] = kept
    return kept[1]


def vision_copy() -> tuple[ImageDataset, ImageDataset] | None:
    """The session's custom data set as float images in 0..1 for TinyVGG (converted once per data set)."""
    folder = st.session_state.get(DATA)
    if folder is None:
        return None
    version = st.session_state.get(VERSION, 0)
    kept = st.session_state.get(VISION_COPY)
    if kept is None or kept[0] != version:
        kept = (version, *folder.as_float())
        st.session_state[VISION_COPY] = kept
    return kept[1], kept[2]
