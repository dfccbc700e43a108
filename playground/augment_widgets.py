"""The augmentation page's controls: the image source, and the pipeline editor (add, remove, reorder, tune)."""

from __future__ import annotations

from typing import Any

import numpy as np
import streamlit as st
import torch
from torch import Tensor

from core.augment import AUGMENTATIONS, Param, Step
from core.data.photos import PHOTOS, load_photo
from core.uploads import IMAGE_TYPES, decode_image
from playground.literal import literal
from playground.upload_ui import file_upload, parsed_once

K = "augment/"
PIPELINE = K + "pipeline"  # session state: [{"id": n, "cls": name}, ...] in order
NEXT_ID = K + "next_id"
DEFAULT_PIPELINE = ("RandomResizedCrop", "RandomHorizontalFlip", "ColorJitter")  # the course's kind of recipe
MAX_STEPS = 12


def _pipeline() -> list[dict[str, Any]]:
    if PIPELINE not in st.session_state:
        st.session_state[PIPELINE] = [{"id": i, "cls": name} for i, name in enumerate(DEFAULT_PIPELINE)]
        st.session_state[NEXT_ID] = len(DEFAULT_PIPELINE)
    return st.session_state[PIPELINE]


def _add(name: str) -> None:
    steps = _pipeline()
    if len(steps) < MAX_STEPS:
        steps.append({"id": st.session_state[NEXT_ID], "cls": name})
        st.session_state[NEXT_ID] += 1


def _remove(step_id: int) -> None:
    st.session_state[PIPELINE] = [s for s in _pipeline() if s["id"] != step_id]


def _move(step_id: int, offset: int) -> None:
    steps = _pipeline()
    index = next(i for i, s in enumerate(steps) if s["id"] == step_id)
    other = index + offset
    if 0 <= other < len(steps):
        steps[index], steps[other] = steps[other], steps[index]


def _param_control(param: Param, key: str) -> Any:
    label = param.name
    if param.kind == "choice":
        return st.selectbox(label, param.options, index=param.options.index(param.default), key=key, help=param.help)
    if param.kind == "int":
        return int(
            st.slider(
                label, int(param.low), int(param.high), int(param.default), int(param.step), key=key, help=param.help
            )
        )
    value = st.slider(
        label,
        float(param.low),
        float(param.high),
        tuple(float(v) for v in param.default) if param.kind == "range" else float(param.default),
        float(param.step),
        key=key,
        help=param.help,
    )
    return tuple(value) if param.kind == "range" else float(value)


def pipeline_ui() -> list[Step]:
    """One bordered box per transform, in order, with its parameters and ↑ ↓ ✕; an Add picker below."""
    steps: list[Step] = []
    current = _pipeline()
    for position, entry in enumerate(current, start=1):
        augmentation = AUGMENTATIONS[entry["cls"]]
        with st.container(border=True):
            st.markdown(f"**{position}. {augmentation.title}** `v2.{augmentation.cls}`")
            sid = entry["id"]
            row = st.container(horizontal=True, gap="small")
            row.button(
                "Up",
                key=f"{K}up/{sid}",
                on_click=_move,
                args=(sid, -1),
                disabled=position == 1,
                icon=":material/arrow_upward:",
                help="Apply this step earlier",
            )
            row.button(
                "Down",
                key=f"{K}down/{sid}",
                on_click=_move,
                args=(sid, 1),
                disabled=position == len(current),
                icon=":material/arrow_downward:",
                help="Apply this step later",
            )
            row.button(
                "Remove",
                key=f"{K}remove/{sid}",
                on_click=_remove,
                args=(sid,),
                icon=":material/close:",
                help="Remove this step",
            )
            values = tuple((p.name, _param_control(p, f"{K}step/{sid}/{p.name}")) for p in augmentation.params)
            steps.append(Step(entry["cls"], values))
    if not current:
        st.caption("The pipeline is empty: every sample is the original image.")
    add = st.columns([3, 1], vertical_alignment="bottom")
    choice = add[0].selectbox(
        "Add a transform",
        list(AUGMENTATIONS),
        format_func=lambda name: f"{AUGMENTATIONS[name].group}: {AUGMENTATIONS[name].title}",
        key=K + "add_choice",
    )
    add[1].button(
        "Add", key=K + "add", on_click=_add, args=(choice,), disabled=len(current) >= MAX_STEPS, icon=":material/add:"
    )
    return steps


def _as_tensor(pixels: np.ndarray) -> Tensor:
    """uint8 [H, W, 3] -> uint8 [3, H, W]."""
    return torch.from_numpy(np.array(pixels, dtype=np.uint8)).permute(2, 0, 1).contiguous()  # a writable copy


def image_source_ui(datasets: dict[str, Any]) -> tuple[Tensor | None, str]:
    """A sample photo, an image from a data set, or an upload: uint8 [3, H, W] and its credit line."""
    source = st.radio(
        "Image", ["a sample photo", "an image from a data set", "your own"], horizontal=True, key=K + "source"
    )
    if source == "a sample photo":
        name = st.selectbox("Photo", list(PHOTOS), format_func=lambda n: PHOTOS[n].title, key=K + "photo")
        return _as_tensor(load_photo(name)), f"Photo: {PHOTOS[name].credit}"
    if source == "an image from a data set":
        cols = st.columns(2)
        name = cols[0].selectbox("Data set", list(datasets), key=K + "dataset")
        data = datasets[name]()
        index = int(cols[1].number_input("Image", 0, len(data.labels) - 1, 0, key=K + "index"))
        pixels = (data.images[index] * 255).round().to(torch.uint8)
        rgb = pixels.repeat(3, 1, 1) if pixels.shape[0] == 1 else pixels
        return rgb, literal(f"{name} #{index}: {data.classes[int(data.labels[index])]}")
    upload = file_upload("An image", K + "upload", IMAGE_TYPES)
    if upload is None:
        return None, ""
    decoded = parsed_once(K + "upload", upload, lambda data, _name: decode_image(data))
    if isinstance(decoded, ValueError):
        st.error(literal(str(decoded)))
        return None, ""
    return _as_tensor(
        np.asarray(decoded.rgb)
    ), f"Your {decoded.original_format} ({', '.join(decoded.notes) or 'as is'})"
