"""Every metric against answers worked out by hand, each normalisation, the threshold sweep and comparisons."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

from core.evaluation import (
    EvaluationError,
    Predictions,
    binary_curves,
    cell_examples,
    class_counts,
    compare,
    confident_mistakes,
    normalised,
    predict,
    scores,
    threshold_sweep,
)

# Five classes: c is never predicted, d is predicted once but never occurs, e neither occurs nor is predicted.
LABELS = torch.tensor([0, 0, 0, 1, 1, 2, 2, 2])
PREDICTED = torch.tensor([0, 0, 1, 1, 3, 0, 1, 1])
# By hand: rows (true) a: [2, 1, 0, 0, 0], b: [0, 1, 0, 1, 0], c: [1, 2, 0, 0, 0], d and e: zeros.
MATRIX = [[2, 1, 0, 0, 0], [0, 1, 0, 1, 0], [1, 2, 0, 0, 0], [0, 0, 0, 0, 0], [0, 0, 0, 0, 0]]


def test_the_matrix_and_the_counts_of_each_class() -> None:
    result = scores(LABELS, PREDICTED, 5)
    assert result.matrix.tolist() == MATRIX
    assert class_counts(result.matrix, 0) == (2, 1, 1, 4)  # tp, fp, fn, tn
    assert class_counts(result.matrix, 1) == (1, 3, 1, 3)
    assert class_counts(result.matrix, 2) == (0, 0, 3, 5)  # never predicted: precision is 0/0
    assert class_counts(result.matrix, 3) == (0, 1, 0, 7)  # never present: recall is 0/0


def test_per_class_metrics_count_zero_over_zero_as_zero() -> None:
    per_class = scores(LABELS, PREDICTED, 5).per_class
    assert per_class["precision"].tolist() == pytest.approx([2 / 3, 1 / 4, 0, 0, 0])
    assert per_class["recall"].tolist() == pytest.approx([2 / 3, 1 / 2, 0, 0, 0])
    assert per_class["f1"].tolist() == pytest.approx([2 / 3, 1 / 3, 0, 0, 0])


def test_macro_micro_and_weighted_averages_by_hand() -> None:
    result = scores(LABELS, PREDICTED, 5)
    assert result.accuracy == pytest.approx(3 / 8)
    # macro: the mean over the four classes that occur or are predicted (e is left out)
    assert result.averaged["precision"]["macro"] == pytest.approx((2 / 3 + 1 / 4) / 4)
    assert result.averaged["recall"]["macro"] == pytest.approx((2 / 3 + 1 / 2) / 4)
    assert result.averaged["f1"]["macro"] == pytest.approx((2 / 3 + 1 / 3) / 4)
    # micro: pooled counts, which for single-label classes is the accuracy
    for metric in ("precision", "recall", "f1"):
        assert result.averaged[metric]["micro"] == pytest.approx(3 / 8)
    # weighted by support (3, 2, 3, 0, 0)
    assert result.averaged["precision"]["weighted"] == pytest.approx((3 * 2 / 3 + 2 * 1 / 4) / 8)
    assert result.averaged["recall"]["weighted"] == pytest.approx((3 * 2 / 3 + 2 * 1 / 2) / 8)
    assert result.averaged["f1"]["weighted"] == pytest.approx((3 * 2 / 3 + 2 * 1 / 3) / 8)


def test_each_normalisation_and_zero_over_zero_cells() -> None:
    matrix = scores(LABELS, PREDICTED, 5).matrix
    assert normalised(matrix, "none").tolist() == MATRIX
    rows = normalised(matrix, "true")
    assert rows[0].tolist() == pytest.approx([2 / 3, 1 / 3, 0, 0, 0])
    assert all(math.isnan(v) for v in rows[3].tolist())  # class d never occurs: its row is 0/0
    columns = normalised(matrix, "pred")
    assert columns[:, 1].tolist() == pytest.approx([1 / 4, 1 / 4, 2 / 4, 0, 0])
    assert all(math.isnan(v) for v in columns[:, 2].tolist())  # c never predicted: its column is 0/0
    overall = normalised(matrix, "all")
    assert overall.sum().item() == pytest.approx(1.0)
    assert overall[2, 1].item() == pytest.approx(2 / 8)
    with pytest.raises(ValueError):
        normalised(matrix, "sideways")


def _predictions(
    probs: list[list[float]], labels: list[int], classes: tuple[str, ...] = ("a", "b", "c")
) -> Predictions:
    return Predictions(classes, torch.tensor(labels), torch.tensor(probs))


def test_cell_examples_and_confident_mistakes_are_ordered_by_confidence() -> None:
    pred = _predictions(
        [[0.9, 0.05, 0.05], [0.2, 0.7, 0.1], [0.1, 0.85, 0.05], [0.6, 0.3, 0.1], [0.1, 0.1, 0.8]], [0, 0, 0, 1, 2]
    )
    predicted = pred.predicted()
    assert cell_examples(pred, predicted, 0, 1).tolist() == [2, 1]  # true a, predicted b: 0.85 before 0.7
    assert cell_examples(pred, predicted, 2, 0).tolist() == []
    assert confident_mistakes(pred, predicted).tolist() == [2, 1, 3]  # 0.85, 0.7, 0.6
    assert confident_mistakes(pred, predicted, count=1).tolist() == [2]


def test_threshold_sweep_moves_precision_and_recall_together() -> None:
    p1 = [0.1, 0.4, 0.35, 0.8, 0.65, 0.9]
    pred = _predictions([[1 - p, p] for p in p1], [0, 0, 1, 1, 0, 1], ("no", "yes"))
    sweep = dict(threshold_sweep(pred, [0.0, 0.3, 0.5, 0.7, 0.95]))
    assert sweep[0.0] == (3, 3, 0, 0)  # everything positive: recall 1, precision 3/6
    assert sweep[0.3] == (3, 2, 0, 1)  # 0.35, 0.4, 0.65, 0.8, 0.9 above 0.3
    assert sweep[0.5] == (2, 1, 1, 2)
    assert sweep[0.7] == (2, 0, 1, 3)  # precision 1, recall 2/3
    assert sweep[0.95] == (0, 0, 3, 3)  # nothing positive: precision 0/0
    assert pred.predicted(0.5).tolist() == [0, 0, 0, 1, 1, 1]
    assert pred.predicted(0.65).tolist() == [0, 0, 0, 1, 0, 1]  # p > threshold, as torchmetrics counts


def test_binary_curves_and_their_areas() -> None:
    p1 = [0.1, 0.4, 0.35, 0.8]
    pred = _predictions([[1 - p, p] for p in p1], [0, 0, 1, 1], ("no", "yes"))
    curves = binary_curves(pred)
    assert curves.auroc == pytest.approx(0.75)  # 3 of the 4 (positive, negative) pairs are ordered right
    assert curves.fpr[0] == 0 and curves.tpr[-1] == 1
    # Average precision: recall steps of 1/2 at precision 1 (0.8) and 2/3 (0.35, after 0.4)
    assert curves.average_precision == pytest.approx(0.5 * 1 + 0.5 * 2 / 3)


def test_compare_counts_what_only_one_model_gets_right() -> None:
    labels = [0, 1, 2, 2]
    a = _predictions([[0.9, 0.05, 0.05], [0.1, 0.8, 0.1], [0.7, 0.2, 0.1], [0.1, 0.1, 0.8]], labels)
    b = _predictions([[0.9, 0.05, 0.05], [0.7, 0.2, 0.1], [0.1, 0.2, 0.7], [0.1, 0.8, 0.1]], labels)
    result = compare(a, a.predicted(), b, b.predicted())
    assert (result.both_right, result.only_a, result.only_b, result.both_wrong) == (1, 2, 1, 0)
    assert result.only_a_per_class.tolist() == [0, 1, 1]
    assert result.only_b_per_class.tolist() == [0, 0, 1]
    other = _predictions([[1.0, 0, 0]] * 4, [0, 1, 2, 1])
    with pytest.raises(EvaluationError, match="different data"):
        compare(a, a.predicted(), other, other.predicted())


def test_predict_handles_one_logit_many_logits_and_refuses_what_it_cannot_evaluate() -> None:
    X = torch.tensor([[2.0], [-1.0], [0.5]])
    one_logit = nn.Linear(1, 1)
    with torch.no_grad():
        one_logit.weight.fill_(1.0)
        one_logit.bias.zero_()
    pred = predict(one_logit, X, torch.tensor([1, 0, 0]), ("no", "yes"))
    assert pred.probs[:, 1].tolist() == pytest.approx(torch.sigmoid(X).flatten().tolist())
    assert pred.predicted().tolist() == [1, 0, 1]
    assert one_logit.training  # the model's own mode is restored
    many = nn.Linear(1, 3)
    assert predict(many, X, torch.tensor([0, 1, 2]), ("a", "b", "c")).probs.sum(dim=1).tolist() == pytest.approx(
        [1.0] * 3
    )
    with pytest.raises(EvaluationError, match="one class only"):
        predict(many, X, torch.zeros(3, dtype=torch.long), ("only",))
    with pytest.raises(EvaluationError, match="no test examples"):
        predict(many, X[:0], torch.zeros(0, dtype=torch.long), ("a", "b", "c"))
    with pytest.raises(EvaluationError, match="4 classes"):
        predict(many, X, torch.tensor([0, 1, 2]), ("a", "b", "c", "d"))


def test_batched_threaded_prediction_equals_one_plain_pass() -> None:
    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 26 * 26, 10))
    X = torch.rand(700, 1, 28, 28)
    pred = predict(model, X, torch.zeros(700, dtype=torch.long), tuple("abcdefghij"))
    with torch.inference_mode():
        plain = torch.cat([model(X[i : i + 256]) for i in range(0, 700, 256)])
    assert torch.equal(pred.probs, torch.softmax(plain, dim=1))


def test_a_hundred_classes_evaluate() -> None:
    gen = torch.Generator().manual_seed(0)
    labels = torch.randint(0, 100, (2_000,), generator=gen)
    result = scores(labels, torch.randint(0, 100, (2_000,), generator=gen), 100)
    assert result.matrix.shape == (100, 100) and int(result.matrix.sum()) == 2_000
