"""Runnable source that evaluates a trained model with torchmetrics and prints the Evaluation page's numbers.

The script rebuilds the model's test set exactly as its page split it, loads the weights the page
offers for download (safetensors), predicts in the same batches and computes every metric with an
explicit `average=`.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.classification import ClassificationConfig
from core.cnn import TinyVGGConfig
from core.codegen_classification import classification_data_source, classification_model_source
from core.codegen_cnn import ImageTestSet, image_test_source, tiny_vgg_source
from core.data import toy2d
from core.evaluation import EVAL_BATCH
from core.vision import LIVE_IMAGE_LIMIT

WEIGHTS_FILE = "model.safetensors"


@dataclass(frozen=True)
class ImageModelSource:
    """A TinyVGG and the test images it was evaluated on."""

    test: ImageTestSet
    model: TinyVGGConfig
    seed: int


@dataclass(frozen=True)
class PointsModelSource:
    """A classification-playground MLP and its test points."""

    config: ClassificationConfig


def _image_sections(source: ImageModelSource) -> tuple[str, str, str]:
    constants = f"SEED = {source.seed}\nLIVE_IMAGE_LIMIT = {LIVE_IMAGE_LIMIT}"
    model = f"""{tiny_vgg_source(source.model)}

model = TinyVGG(
    in_channels=X_test.shape[1], hidden_units={source.model.hidden}, n_classes=len(class_names),
    image_size=X_test.shape[-1],
)
model = model.to(memory_format=torch.channels_last)"""
    return constants, image_test_source(source.test), model


def _points_sections(source: PointsModelSource) -> tuple[str, str, str]:
    config = source.config
    constants = f"SEED = {config.seed}\nPLANE_LIMIT = {toy2d.PLANE_LIMIT!r}"
    names = ", ".join(repr(name) for name in points_class_names(config.data.classes))
    data = classification_data_source(config) + f"class_names = [{names}]"
    return constants, data, classification_model_source(config)


def points_class_names(n_classes: int) -> tuple[str, ...]:
    """The playground's classes by their colour on the plane: TF Playground's orange and blue, then more."""
    return ("orange", "blue", "green", "red", "purple", "brown", "pink", "cyan")[:n_classes]


def evaluation_script(source: ImageModelSource | PointsModelSource, threshold: float | None = None) -> str:
    """The script that evaluates the downloaded weights of `source`'s model.

    Args:
        source: which model and test data.
        threshold: for two classes, p(class 1) above it predicts class 1; None: the most probable class.
    """
    if isinstance(source, ImageModelSource):
        constants, data, model = _image_sections(source)
    else:
        constants, data, model = _points_sections(source)
    if threshold is None:
        decide = "preds = probs.argmax(dim=1)  # the most probable class"
    else:
        decide = f"preds = (probs[:, 1] > {threshold!r}).long()  # the threshold decides: p(class 1) > {threshold:g}"
    return f'''"""PyTorch Playground: evaluate a trained model with torchmetrics.

Download the weights on the Evaluation page, put them beside this script, then run:
    python evaluate.py --weights {WEIGHTS_FILE}
"""
import argparse
import math

import numpy as np
import torch
from PIL import Image, ImageDraw
from safetensors.torch import load_file
from torch import Tensor, nn
from torchmetrics.classification import (
    BinaryAUROC,
    BinaryAveragePrecision,
    MulticlassAccuracy,
    MulticlassConfusionMatrix,
    MulticlassF1Score,
    MulticlassPrecision,
    MulticlassRecall,
)

torch.set_num_threads(1)  # as the playground evaluates each batch: the numbers match to the last digit

{constants}

parser = argparse.ArgumentParser()
parser.add_argument("--weights", default="{WEIGHTS_FILE}", help="the trained state_dict (safetensors)")
parser.add_argument("--data", default="data", help="where torchvision keeps its downloads")
args = parser.parse_args()
DATA_ROOT = args.data

# ---- 1. The test data, split exactly as the page split it -----------------------------
{data}

# ---- 2. The model, with the trained weights ----------------------------------------------
{model}
model.load_state_dict(load_file(args.weights))
model.eval()

# ---- 3. Predictions: one pass over the test set ------------------------------------------
with torch.inference_mode():
    logits = torch.cat([model(X_test[i : i + {EVAL_BATCH}]) for i in range(0, len(X_test), {EVAL_BATCH})])
if logits.shape[1] == 1:  # one logit (BCEWithLogitsLoss): sigmoid gives p(class 1)
    p = torch.sigmoid(logits)
    probs = torch.cat([1 - p, p], dim=1)
else:
    probs = torch.softmax(logits, dim=1)
{decide}

# ---- 4. Metrics: torchmetrics, always saying which average ------------------------------
N = len(class_names)
accuracy = MulticlassAccuracy(num_classes=N, average="micro")(preds, y_test)
print(f"test examples {{len(y_test)}} | accuracy {{accuracy:.4f}}")
for average in ("macro", "micro", "weighted"):
    precision = MulticlassPrecision(num_classes=N, average=average)(preds, y_test)
    recall = MulticlassRecall(num_classes=N, average=average)(preds, y_test)
    f1 = MulticlassF1Score(num_classes=N, average=average)(preds, y_test)
    print(f"{{average}} | precision {{precision:.4f}} recall {{recall:.4f}} f1 {{f1:.4f}}")

precision = MulticlassPrecision(num_classes=N, average="none")(preds, y_test)  # 0/0 counts as 0
recall = MulticlassRecall(num_classes=N, average="none")(preds, y_test)
f1 = MulticlassF1Score(num_classes=N, average="none")(preds, y_test)
for c, name in enumerate(class_names):
    print(f"class {{c}} {{name}} | precision {{precision[c]:.4f}} recall {{recall[c]:.4f}} f1 {{f1[c]:.4f}}")

confusion = MulticlassConfusionMatrix(num_classes=N)(preds, y_test)  # rows: true class, columns: predicted
print("confusion matrix (rows: true class, columns: predicted class)")
for row in confusion.tolist():
    print(" ".join(f"{{count:5d}}" for count in row))

if N == 2:  # areas under the curves use p(class 1) at every threshold
    auroc = BinaryAUROC(thresholds=None)(probs[:, 1], y_test)
    average_precision = BinaryAveragePrecision(thresholds=None)(probs[:, 1], y_test)
    print(f"ROC AUC {{auroc:.4f}} | average precision {{average_precision:.4f}}")
'''
