"""Evaluate a trained classifier: predictions once, then every metric and view from them (torchmetrics).

Every torchmetrics call names its `average=`: the wrapper classes and the Multiclass classes default
differently (micro vs macro), so an implicit average reads as one number and computes another.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import torch
from torch import Tensor, nn
from torchmetrics.classification import (
    BinaryAUROC,
    BinaryAveragePrecision,
    BinaryPrecisionRecallCurve,
    BinaryROC,
    MulticlassAccuracy,
    MulticlassConfusionMatrix,
    MulticlassF1Score,
    MulticlassPrecision,
    MulticlassRecall,
)

from core.models import eval_mode, forward_in_batches

EVAL_BATCH = 256  # images per forward pass: fastest for TinyVGG on a CPU core, and what the script uses
AVERAGES: tuple[str, ...] = ("macro", "micro", "weighted")
NORMALISATIONS: dict[str, str] = {  # shown name -> how each cell is divided
    "counts": "none",
    "share of each true class": "true",
    "share of each prediction": "pred",
    "share of all examples": "all",
}
NORMALISATION_MEANING: dict[str, str] = {  # how -> what the learner reads off the matrix
    "none": "Each cell counts test examples: the diagonal is right, everything else a mistake.",
    "true": "Each row sums to 1 (normalize='true'): the diagonal is each class's recall.",
    "pred": "Each column sums to 1 (normalize='pred'): the diagonal is each class's precision.",
    "all": "All cells sum to 1 (normalize='all'): the diagonal adds up to the accuracy.",
}


class EvaluationError(ValueError):
    """A model or test set that cannot be evaluated; the message says why and what to do."""


@dataclass(frozen=True)
class Predictions:
    """What a model said about every test example: the true labels and its class probabilities."""

    classes: tuple[str, ...]
    labels: Tensor  # [N] int64, the true classes
    probs: Tensor  # [N, C] float32; a one-logit (sigmoid) model gives [1 - p, p]

    @property
    def binary(self) -> bool:
        """Two classes: a threshold on p(class 1) decides."""
        return len(self.classes) == 2

    def predicted(self, threshold: float | None = None) -> Tensor:
        """Predicted classes: argmax, or for two classes p(class 1) > threshold (as torchmetrics counts)."""
        if threshold is not None and self.binary:
            return (self.probs[:, 1] > threshold).long()
        return self.probs.argmax(dim=1)


def predict(model: nn.Module, X: Tensor, labels: Tensor, classes: tuple[str, ...]) -> Predictions:
    """Run `model` (in eval mode, on its own device) over the test inputs once.

    Args:
        model: a classifier giving one logit (two classes, sigmoid) or one logit per class.
        X: test inputs; labels: their classes [N]; classes: the class names.

    Raises:
        EvaluationError: no test examples, fewer than two classes, or outputs that do not fit the classes.
    """
    if len(classes) < 2:
        raise EvaluationError(
            f"This model knows one class only ({classes[0] if classes else 'none'}): every answer is right, so there "
            "is nothing to confuse. Evaluate a model trained on two classes or more."
        )
    if len(labels) == 0:
        raise EvaluationError("This model has no test examples yet. Give its data a test split, then train it.")
    device = next(model.parameters()).device
    with eval_mode(model):
        logits = forward_in_batches(model, X, device, EVAL_BATCH)
    if logits.shape[1] == 1 and len(classes) == 2:
        p = torch.sigmoid(logits)
        probs = torch.cat([1 - p, p], dim=1)
    elif logits.shape[1] == len(classes):
        probs = torch.softmax(logits, dim=1)
    else:
        raise EvaluationError(f"The model gives {logits.shape[1]} outputs for {len(classes)} classes.")
    return Predictions(tuple(classes), labels.long().cpu(), probs)


@dataclass(frozen=True)
class Scores:
    """Every metric of one set of predictions, as torchmetrics computes them."""

    matrix: Tensor  # [C, C] counts: rows are true classes, columns predicted
    accuracy: float  # share of examples predicted right (micro accuracy)
    averaged: dict[str, dict[str, float]]  # metric ("precision", "recall", "f1") -> average -> value
    per_class: dict[str, Tensor]  # metric -> [C] values (0/0 counted as 0, torchmetrics' zero_division)


def scores(labels: Tensor, predicted: Tensor, n_classes: int) -> Scores:
    """Accuracy, precision, recall and F1 (macro, micro, weighted, per class) and the confusion matrix.

    torchmetrics counts 0/0 as 0 and leaves out of the macro average a class that is neither present
    nor predicted.
    """
    makers = {"precision": MulticlassPrecision, "recall": MulticlassRecall, "f1": MulticlassF1Score}
    averaged = {
        name: {avg: float(make(num_classes=n_classes, average=avg)(predicted, labels)) for avg in AVERAGES}
        for name, make in makers.items()
    }
    per_class = {name: make(num_classes=n_classes, average="none")(predicted, labels) for name, make in makers.items()}
    accuracy = float(MulticlassAccuracy(num_classes=n_classes, average="micro")(predicted, labels))
    matrix = MulticlassConfusionMatrix(num_classes=n_classes)(predicted, labels)
    return Scores(matrix, accuracy, averaged, per_class)


class ClassCounts(NamedTuple):
    """One class seen as 'this class' against 'every other class'."""

    tp: int  # of this class, predicted as this class
    fp: int  # of another class, predicted as this class
    fn: int  # of this class, predicted as another
    tn: int  # neither of this class nor predicted as it


def class_counts(matrix: Tensor, c: int) -> ClassCounts:
    """The true/false positive/negative counts of class `c` read from a confusion matrix."""
    tp = int(matrix[c, c])
    fp = int(matrix[:, c].sum()) - tp
    fn = int(matrix[c, :].sum()) - tp
    return ClassCounts(tp, fp, fn, int(matrix.sum()) - tp - fp - fn)


def normalised(matrix: Tensor, how: str) -> Tensor:
    """The matrix divided by row sums ('true'), column sums ('pred') or the total ('all'); 'none': counts.

    A cell whose divisor is 0 (a class never present, or never predicted) is NaN: 0/0, not a number.
    """
    counts = matrix.double()
    if how == "none":
        return counts
    if how == "true":
        divisor = counts.sum(dim=1, keepdim=True).expand_as(counts)
    elif how == "pred":
        divisor = counts.sum(dim=0, keepdim=True).expand_as(counts)
    elif how == "all":
        divisor = counts.sum().expand_as(counts)
    else:
        raise ValueError(f"Unknown normalisation {how!r}; use none, true, pred or all.")
    return torch.where(divisor > 0, counts / divisor.clamp(min=1), torch.full_like(counts, float("nan")))


def cell_examples(predictions: Predictions, predicted: Tensor, true_class: int, predicted_class: int) -> Tensor:
    """Indices of the examples of `true_class` predicted as `predicted_class`, most confident first."""
    hits = torch.nonzero((predictions.labels == true_class) & (predicted == predicted_class)).flatten()
    confidence = predictions.probs[hits, predicted_class]
    return hits[torch.argsort(confidence, descending=True, stable=True)]


def confident_mistakes(predictions: Predictions, predicted: Tensor, count: int = 12) -> Tensor:
    """Indices of the wrong predictions the model was surest of, most confident first."""
    wrong = torch.nonzero(predicted != predictions.labels).flatten()
    confidence = predictions.probs[wrong, predicted[wrong]]
    return wrong[torch.argsort(confidence, descending=True, stable=True)][:count]


@dataclass(frozen=True)
class BinaryCurves:
    """ROC and precision-recall curves of p(class 1), with their areas."""

    fpr: Tensor
    tpr: Tensor
    roc_thresholds: Tensor
    precision: Tensor
    recall: Tensor
    pr_thresholds: Tensor
    auroc: float
    average_precision: float


def binary_curves(predictions: Predictions) -> BinaryCurves:
    """torchmetrics' exact ROC and precision-recall curves (every distinct probability is a threshold)."""
    p, y = predictions.probs[:, 1], predictions.labels
    fpr, tpr, roc_thresholds = BinaryROC(thresholds=None)(p, y)
    precision, recall, pr_thresholds = BinaryPrecisionRecallCurve(thresholds=None)(p, y)
    auroc = float(BinaryAUROC(thresholds=None)(p, y))
    average_precision = float(BinaryAveragePrecision(thresholds=None)(p, y))
    return BinaryCurves(fpr, tpr, roc_thresholds, precision, recall, pr_thresholds, auroc, average_precision)


def threshold_sweep(predictions: Predictions, thresholds: list[float]) -> list[tuple[float, ClassCounts]]:
    """Class 1's counts at each threshold (p(class 1) > threshold predicts class 1)."""
    sweep = []
    for threshold in thresholds:
        matrix = MulticlassConfusionMatrix(num_classes=2)(predictions.predicted(threshold), predictions.labels)
        sweep.append((threshold, class_counts(matrix, 1)))
    return sweep


@dataclass(frozen=True)
class Comparison:
    """Two models on the same test set: where they agree and where one is right and the other is not."""

    both_right: int
    only_a: int  # A right, B wrong
    only_b: int
    both_wrong: int
    only_a_per_class: Tensor  # [C] examples of each true class that only A gets right
    only_b_per_class: Tensor


def compare(a: Predictions, predicted_a: Tensor, b: Predictions, predicted_b: Tensor) -> Comparison:
    """Count, overall and per true class, the examples each model gets right and the other does not.

    Raises:
        EvaluationError: the two were not evaluated on the same examples.
    """
    if a.classes != b.classes or not torch.equal(a.labels, b.labels):
        raise EvaluationError("These two models were tested on different data; compare models of one data set.")
    right_a, right_b = predicted_a == a.labels, predicted_b == b.labels
    n = len(a.classes)
    only_a, only_b = right_a & ~right_b, right_b & ~right_a
    return Comparison(
        int((right_a & right_b).sum()),
        int(only_a.sum()),
        int(only_b.sum()),
        int((~right_a & ~right_b).sum()),
        torch.bincount(a.labels[only_a], minlength=n),
        torch.bincount(a.labels[only_b], minlength=n),
    )
