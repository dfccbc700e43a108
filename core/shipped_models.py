"""The small trained models the app ships in assets/models: how each is trained, its card, loading it safely.

`python assets/make_models.py` retrains them with the recipes below (one thread, fixed seeds, so the
same machine gives the same weights); each card states the held-out accuracy, which a test checks.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import torch

from core.augment import BatchAugmenter, Step
from core.checkpoints import load_into_copy
from core.cnn import TinyVGG, TinyVGGConfig, build_tiny_vgg
from core.data import download as downloads
from core.data.images import ImageDataset, digits, split_images, torchvision_set
from core.evaluation import predict
from core.vision import VisionConfig, VisionTrain, build_vision

MODELS_DIR = Path(__file__).resolve().parent.parent / "assets" / "models"
# Small shifts, turns and zooms (no flips: a flipped 2 is no digit): drawn digits sit anywhere on the canvas.
DIGIT_AUGMENTATION = (
    Step("RandomAffine", (("degrees", 10.0), ("translate", (0.1, 0.1)), ("scale", (0.9, 1.1)), ("shear", 0.0))),
)


@dataclass(frozen=True)
class Recipe:
    """How one shipped model is trained and tested."""

    name: str  # "digits" or "FashionMNIST"; also the file's stem
    description: str  # what the card says it was trained on
    epochs: int
    augment: bool  # train on DIGIT_AUGMENTATION's random shifts, turns and zooms
    seed: int = 42
    model: TinyVGGConfig = field(default_factory=TinyVGGConfig)  # the course's TinyVGG: 10 channels, 2 blocks


RECIPES: dict[str, Recipe] = {
    "digits": Recipe(
        "digits",
        "scikit-learn's 1,797 handwritten digits (8 x 8, scaled to 28 x 28); 80 % to train, 20 % held out",
        epochs=60,
        augment=True,
    ),
    "FashionMNIST": Recipe(
        "FashionMNIST",
        "FashionMNIST's 60,000 training images; its 10,000 test images held out",
        epochs=3,
        augment=False,
    ),
}


@dataclass(frozen=True)
class ModelCard:
    """What a shipped model is, how it was made and how well it does on data it never saw."""

    name: str
    description: str
    classes: tuple[str, ...]
    model: dict  # TinyVGGConfig's fields
    in_channels: int
    image_size: int
    epochs: int
    seed: int
    test_images: int
    test_accuracy: float
    sha256: str  # of the weights file
    torch_version: str


def recipe_data(recipe: Recipe, root: Path | None = None) -> tuple[ImageDataset, ImageDataset]:
    """(train, held-out test) for a recipe; FashionMNIST must be on the machine (core.data.download)."""
    if recipe.name == "digits":
        return split_images(digits(), 0.8, seed=recipe.seed)
    root = root or downloads.DEFAULT_ROOT
    if not downloads.use_local_copy(recipe.name, root):
        raise FileNotFoundError(f"{recipe.name} is not on this machine; install {downloads.INSTALL_HINT[recipe.name]}.")
    return torchvision_set(recipe.name, root, train=True), torchvision_set(recipe.name, root, train=False)


def train_recipe(
    recipe: Recipe, epochs: int | None = None, progress: Callable[[int, float], None] | None = None
) -> tuple[TinyVGG, ImageDataset]:
    """Train the recipe's TinyVGG (the course's settings: 10 channels, Adam 0.001, batch 32).

    Returns:
        The trained model and the held-out test set.
    """
    train, test = recipe_data(recipe)
    config = VisionConfig(recipe.name, recipe.model, VisionTrain(), recipe.seed)
    shape = tuple(train.images.shape[1:])
    augment = BatchAugmenter(DIGIT_AUGMENTATION, shape, recipe.seed) if recipe.augment else None
    experiment = build_vision(config, train, "cpu", test.empty(), augment=augment)
    for epoch in range(epochs or recipe.epochs):
        record = experiment.trainer.run_epoch()
        if progress is not None:
            progress(epoch + 1, record.train_loss)
    return experiment.trainer.model, test


def held_out_accuracy(model: TinyVGG, test: ImageDataset) -> float:
    """Share of the held-out images the model gets right."""
    predictions = predict(model, test.images, test.labels, test.classes)
    return float((predictions.predicted() == predictions.labels).float().mean())


def save_model(
    model: TinyVGG, recipe: Recipe, test: ImageDataset, folder: Path = MODELS_DIR, epochs: int | None = None
) -> ModelCard:
    """Write <name>.safetensors and its card <name>.json; returns the card."""
    from safetensors.torch import save

    folder.mkdir(parents=True, exist_ok=True)
    data = save({k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()})
    (folder / f"{recipe.name}.safetensors").write_bytes(data)
    card = ModelCard(
        recipe.name,
        recipe.description,
        tuple(test.classes),
        asdict(recipe.model),
        int(test.images.shape[1]),
        int(test.images.shape[-1]),
        epochs or recipe.epochs,
        recipe.seed,
        len(test.labels),
        round(held_out_accuracy(model, test), 6),
        hashlib.sha256(data).hexdigest(),
        torch.__version__,
    )
    (folder / f"{recipe.name}.json").write_text(json.dumps(asdict(card), indent=2) + "\n")
    return card


def shipped_cards(folder: Path = MODELS_DIR) -> dict[str, ModelCard]:
    """The cards of the models present in `folder`, by name, in RECIPES' order (digits first)."""
    cards = {}
    order = {name: i for i, name in enumerate(RECIPES)}
    for path in sorted(folder.glob("*.json"), key=lambda p: (order.get(p.stem, len(order)), p.stem)):
        fields = json.loads(path.read_text())
        fields["classes"] = tuple(fields["classes"])
        cards[fields["name"]] = ModelCard(**fields)
    return cards


def load_shipped(card: ModelCard, folder: Path = MODELS_DIR) -> TinyVGG:
    """The shipped model, loaded safely (safetensors into a checked copy, strict) and in eval mode."""
    config = TinyVGGConfig(**card.model)
    skeleton = build_tiny_vgg(config, card.in_channels, len(card.classes), seed=0, image_size=card.image_size)
    data = (folder / f"{card.name}.safetensors").read_bytes()
    model = load_into_copy(skeleton, data, f"{card.name}.safetensors").model
    model.use_channels_last()
    return model.eval()
