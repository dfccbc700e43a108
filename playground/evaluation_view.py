"""The Evaluation page: pick a model, the clickable confusion matrix, metrics explained, threshold, compare."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st
import torch

from core.challenges import Attempt
from core.codegen_cnn import ImageTestSet
from core.data.images import ImageDataset
from core.evaluation import (
    AVERAGES,
    NORMALISATION_MEANING,
    NORMALISATIONS,
    EvaluationError,
    Scores,
    cell_examples,
    class_counts,
    compare,
    confident_mistakes,
    normalised,
)
from core.quick_model import QUICK_IMAGES, QuickModel, build_quick_model, quick_data, train_quick
from playground import evaluation_sources as sources
from playground.evaluation_figures import compare_figure, curves_figure, matrix_figure, plane_figure
from playground.figures import png_data_uri
from playground.literal import literal
from playground.vision_view import BAD, GOOD, grey_pixels, labelled_sheet

K = sources.K
TRUE, PREDICTED = K + "true_class", K + "predicted_class"  # the selected cell
EXPLAIN = K + "explain"  # the class whose metrics are worked out
CHART = {"displayModeBar": False}
CELL_EXAMPLES = 24
MISTAKES = 12


@st.cache_resource(max_entries=2, show_spinner="Loading the images...")
def _quick_data(seed: int) -> tuple[str, ImageDataset, ImageDataset, ImageTestSet]:
    """Read-only, shared: the quick model's images (each learner's model is their own)."""
    return quick_data(seed)


def quick_model_ui(seed: int, device: torch.device) -> None:
    """Train the quick TinyVGG (or train it further), then select it."""
    quick = st.session_state.get(sources.QUICK)
    fresh = not isinstance(quick, QuickModel) or quick.experiment.config.seed != seed
    label = "Train a quick model here" if fresh else f"Train on {QUICK_IMAGES:,} more images"
    if not st.button(label, key=K + "train_quick", help="TinyVGG, the course's settings; about 5 s"):
        return
    data = _quick_data(seed)
    if fresh:
        quick = build_quick_model(data, seed, device)
    bar = st.progress(0.0, text=f"Training TinyVGG on {data[0]}...")
    train_quick(quick, progress=lambda done: bar.progress(done, text=f"Training TinyVGG on {data[0]}: {done:.0%}"))
    bar.empty()
    st.session_state[sources.QUICK] = quick
    st.session_state[K + "model"] = "quick"
    st.session_state[K + "refresh"] = True  # the learner trained it: evaluate the new weights


def pick_model() -> sources.Evaluated | None:
    """The model picker; returns its evaluation (made once per version), or None with what to do."""
    found = sources.candidates(st.session_state)
    kept = sources.kept(st.session_state)
    options = [c.name for c in found] + [f"kept {i}" for i in range(len(kept))]
    if not options:
        st.info(
            "No model has been trained in this session yet. Train one on the Classification playground, Computer "
            "vision or Data augmentation page, or press **Train a quick model here**: it learns FashionMNIST (or "
            "the digits) in a few seconds."
        )
        return None
    titles = {c.name: c.title for c in found} | {f"kept {i}": item.title for i, item in enumerate(kept)}
    if st.session_state.get(K + "model") not in options:
        st.session_state[K + "model"] = options[0]
    name = st.selectbox("Model to evaluate", options, format_func=titles.get, key=K + "model")
    if name.startswith("kept "):
        return kept[int(name.split()[1])]
    candidate = next(c for c in found if c.name == name)
    try:
        refresh = st.session_state.pop(K + "refresh", False)
        evaluated = sources.latest(st.session_state, candidate, refresh=refresh)
    except EvaluationError as error:
        st.warning(literal(str(error)))
        return None
    if evaluated.version != candidate.version:
        st.caption(
            f"Evaluated at epoch {evaluated.subject.epoch}; the model has trained since. The numbers below hold "
            "still until you evaluate it again."
        )
        st.button(
            "Evaluate the latest weights",
            key=K + "evaluate_again",
            on_click=st.session_state.update,
            args=({K + "refresh": True},),
        )
    untrained = " It has not trained yet: these are its starting weights." if evaluated.subject.epoch == 0 else ""
    st.caption(
        f"{len(evaluated.predictions.labels):,} test examples in {len(evaluated.predictions.classes)} classes, "
        f"evaluated in {evaluated.seconds * 1000:.0f} ms.{untrained}"
    )
    return evaluated


def threshold_ui(evaluated: sources.Evaluated) -> float | None:
    """Two classes: the threshold on p(class 1); more classes: None (the most probable class wins)."""
    if not evaluated.predictions.binary:
        return None
    classes = evaluated.predictions.classes
    return st.slider(
        f"Threshold: predict {classes[1]} when p({classes[1]}) is above",
        0.0,
        1.0,
        0.5,
        0.01,
        key=K + "threshold",
        help="Move it and watch the matrix, precision and recall change together; 0.5 is argmax.",
    )


def _on_cell_click() -> None:
    points = st.session_state[K + "matrix"]["selection"]["points"]
    if points:
        row, col = points[0]["y"], points[0]["x"]  # the cell's centre: y is the true class, x the predicted
        st.session_state[TRUE], st.session_state[PREDICTED] = int(row), int(col)
        st.session_state[EXPLAIN] = int(row)


def confusion_section(evaluated: sources.Evaluated, threshold: float | None) -> tuple[int, int]:
    """The matrix with its normalisation and the selected cell; returns (true class, predicted class)."""
    result = evaluated.scores(threshold)
    classes = evaluated.predictions.classes
    n = len(classes)
    for key in (TRUE, PREDICTED):
        if not isinstance(st.session_state.get(key), int) or not 0 <= st.session_state[key] < n:
            st.session_state[TRUE], st.session_state[PREDICTED] = 0, 0  # the first class's right answers: the
            st.session_state[EXPLAIN] = 0  # mix-ups are the learner's to find (a challenge)
    pick = st.columns([1.3, 1, 1])
    how_label = pick[0].selectbox("Cells show", list(NORMALISATIONS), key=K + "normalise")
    how = NORMALISATIONS[how_label]
    name = classes.__getitem__
    true_class = pick[1].selectbox("True class", range(n), format_func=name, key=TRUE)
    predicted_class = pick[2].selectbox("Predicted as", range(n), format_func=name, key=PREDICTED)
    figure = matrix_figure(result.matrix, normalised(result.matrix, how), classes, how, (true_class, predicted_class))
    st.plotly_chart(
        figure,
        key=K + "matrix",
        on_select=_on_cell_click,
        selection_mode="points",
        config=CHART,
    )
    st.caption(
        f"{NORMALISATION_MEANING[how]} Click a cell (or pick the classes above) to see its examples. "
        "Grey cells are 0/0: nothing to divide."
    )
    return true_class, predicted_class


def _image_captions(probs: torch.Tensor, idx: torch.Tensor, column: int) -> list[str]:
    return [f"{float(probs[i, column]):.0%}" for i in idx]


def cell_section(evaluated: sources.Evaluated, threshold: float | None, cell: tuple[int, int]) -> None:
    """The examples behind the selected cell, most confident first."""
    predictions = evaluated.predictions
    predicted = predictions.predicted(threshold)
    true_class, predicted_class = cell
    idx = cell_examples(predictions, predicted, true_class, predicted_class)
    classes = predictions.classes
    right = "right" if true_class == predicted_class else "wrong"
    st.markdown(
        f"**{len(idx):,}** test examples of **{literal(classes[true_class])}** predicted as "
        f"**{literal(classes[predicted_class])}** ({right}); the model's confidence in its answer under each."
    )
    if len(idx) == 0:
        st.caption("None: this cell is empty.")
    shown = idx[:CELL_EXAMPLES]
    if evaluated.subject.images is not None and len(shown):
        colour = GOOD if right == "right" else BAD
        st.image(
            labelled_sheet(
                evaluated.subject.images[shown],
                _image_captions(predictions.probs, shown, predicted_class),
                [colour] * len(shown),
                per_row=6,
                scale=2,
            ),
            caption=f"The {len(shown)} most confident of {len(idx):,}" if len(idx) > len(shown) else None,
        )
    elif evaluated.subject.points is not None:
        captions = [f"p({classes[predicted_class]}) = {float(predictions.probs[i, predicted_class]):.3f}" for i in idx]
        st.plotly_chart(
            plane_figure(evaluated.subject.points, predictions.labels, idx, captions, classes, evaluated.boundary()),
            key=K + "plane",
            config=CHART,
        )
        st.caption("Behind the points: the evaluated model's decision boundary (pale where it is unsure).")


def mistakes_section(evaluated: sources.Evaluated, threshold: float | None) -> None:
    """The wrong answers the model was surest of, across the whole test set."""
    predictions = evaluated.predictions
    predicted = predictions.predicted(threshold)
    idx = confident_mistakes(predictions, predicted, MISTAKES)
    if len(idx) == 0:
        st.success("No mistakes on the test set.")
        return
    classes = predictions.classes
    rows = {
        "true": [classes[int(predictions.labels[i])] for i in idx],
        "predicted": [classes[int(predicted[i])] for i in idx],
        "p(predicted)": [float(predictions.probs[i, predicted[i]]) for i in idx],
        "p(true)": [float(predictions.probs[i, predictions.labels[i]]) for i in idx],
    }
    config = {
        "p(predicted)": st.column_config.ProgressColumn(format="%.3f", min_value=0.0, max_value=1.0),
        "p(true)": st.column_config.ProgressColumn(format="%.3f", min_value=0.0, max_value=1.0),
    }
    if evaluated.subject.images is not None:
        rows = {"image": [png_data_uri(_enlarged(evaluated.subject.images[i])) for i in idx]} | rows
        config["image"] = st.column_config.ImageColumn(width="small")
    else:
        points = evaluated.subject.points
        rows = {"x1": [float(points[i, 0]) for i in idx], "x2": [float(points[i, 1]) for i in idx]} | rows
    st.dataframe(pd.DataFrame(rows), column_config=config, hide_index=True, row_height=60 if "image" in rows else None)


def _enlarged(image: torch.Tensor) -> np.ndarray:
    pixels = grey_pixels(image)
    return pixels.repeat(2, axis=0).repeat(2, axis=1)


def _ratio(numerator: int, denominator: int) -> str:
    if denominator == 0:
        return f"{numerator}/0 = undefined (torchmetrics counts it as 0)"
    return f"{numerator:,} / {denominator:,} = **{numerator / denominator:.4f}**"


def _f1_worked(tp: int, fp: int, fn: int) -> str:
    """F1 with the numbers filled in; 0/0 when the class is neither present nor predicted."""
    if tp == 0:
        return "**0**" if fp + fn else "0/0, counted as 0"
    p, r = tp / (tp + fp), tp / (tp + fn)
    return f"2 · {p:.4f} · {r:.4f} / ({p:.4f} + {r:.4f}) = **{2 * p * r / (p + r):.4f}**"


def _value(value: float, denominator: int) -> str:
    return "0/0" if denominator == 0 else f"{value:.4f}"


def metrics_section(evaluated: sources.Evaluated, threshold: float | None) -> None:
    """Accuracy and the averages, a per-class table, and one class's numbers worked out from its counts."""
    result: Scores = evaluated.scores(threshold)
    classes = evaluated.predictions.classes
    cols = st.columns(4)
    cols[0].metric("Accuracy", f"{result.accuracy:.2%}")
    for col, avg in zip(cols[1:], AVERAGES, strict=True):
        col.metric(f"F1, {avg}", f"{result.averaged['f1'][avg]:.4f}")
    counts = [class_counts(result.matrix, c) for c in range(len(classes))]
    if not 0 <= st.session_state.get(EXPLAIN, -1) < len(classes):
        st.session_state[EXPLAIN] = 0
    table = pd.DataFrame(
        {
            "class": list(classes),
            "support (true)": [tp + fn for tp, _, fn, _ in counts],
            "predicted": [tp + fp for tp, fp, _, _ in counts],
            "precision": [
                _value(float(v), tp + fp)
                for v, (tp, fp, _, _) in zip(result.per_class["precision"], counts, strict=True)
            ],
            "recall": [
                _value(float(v), tp + fn) for v, (tp, _, fn, _) in zip(result.per_class["recall"], counts, strict=True)
            ],
            "F1": [
                _value(float(v), 2 * tp + fp + fn)
                for v, (tp, fp, fn, _) in zip(result.per_class["f1"], counts, strict=True)
            ],
        }
    )
    averages = pd.DataFrame(
        {
            "average": list(AVERAGES),
            **{
                title: [f"{result.averaged[metric][avg]:.4f}" for avg in AVERAGES]
                for metric, title in (("precision", "precision"), ("recall", "recall"), ("f1", "F1"))
            },
        }
    )
    left, right = st.columns([3, 2], gap="large")
    with left:
        st.dataframe(table, hide_index=True, height=min(38 + 35 * len(classes), 400))
        st.dataframe(averages, hide_index=True)
    with right:
        c = st.selectbox(
            "Work out the numbers of class",
            range(len(classes)),
            format_func=classes.__getitem__,
            key=EXPLAIN,
        )
        tp, fp, fn, tn = counts[c]
        name = literal(classes[c])
        st.markdown(
            f"**{name}** against every other class:\n"
            f"- TP = **{tp:,}** {name} called {name}; FP = **{fp:,}** others called {name}\n"
            f"- FN = **{fn:,}** {name} called something else; TN = **{tn:,}** the rest\n\n"
            f"**precision** = TP / (TP + FP) = {_ratio(tp, tp + fp)}: of what it calls {name}, the share that is.\n\n"
            f"**recall** = TP / (TP + FN) = {_ratio(tp, tp + fn)}: of the real {name}, the share it finds.\n\n"
            f"**F1** = 2 · precision · recall / (precision + recall) = {_f1_worked(tp, fp, fn)}: one number that is "
            "high only when both are."
        )
        st.caption(
            "**macro** averages the per-class numbers, each class counting once (torchmetrics leaves out a class "
            "that is neither present nor predicted); **micro** adds up TP, FP and FN over all classes first (with "
            "one label per example it equals the accuracy); **weighted** weights each class by its support. Always "
            "pass `average=`: torchmetrics' defaults differ between classes."
        )


def curves_section(evaluated: sources.Evaluated, threshold: float) -> None:
    """ROC and precision-recall curves with the threshold's point, and the numbers at that threshold."""
    curves = evaluated.curves()
    result = evaluated.scores(threshold)
    counts = class_counts(result.matrix, 1)
    tp, fp, fn, tn = counts
    cols = st.columns(4)
    cols[0].metric("Precision", _value(tp / (tp + fp) if tp + fp else 0.0, tp + fp))
    cols[1].metric("Recall (true positive rate)", _value(tp / (tp + fn) if tp + fn else 0.0, tp + fn))
    cols[2].metric("False positive rate", _value(fp / (fp + tn) if fp + tn else 0.0, fp + tn))
    cols[3].metric("ROC AUC", f"{curves.auroc:.4f}")
    st.plotly_chart(curves_figure(curves, counts, threshold), key=K + "curves", config=CHART)
    st.caption(
        "Raise the threshold: fewer examples are called positive, so precision tends to rise and recall falls. "
        "The areas under the curves do not depend on the threshold: they sum up every threshold at once."
    )


def _who_wins(classes: tuple[str, ...], margin: torch.Tensor, shown: int = 4) -> str:
    """Which classes A gets right more often than B, and the reverse, biggest margins first."""

    def listed(order: torch.Tensor, sign: int) -> str:
        picked = [i for i in order.tolist() if sign * int(margin[i]) > 0][:shown]
        return ", ".join(f"{literal(classes[i])} (+{sign * int(margin[i])})" for i in picked) or "none"

    return (
        f"Classes A gets right more often: {listed(torch.argsort(margin, descending=True), 1)}. "
        f"Classes B gets right more often: {listed(torch.argsort(margin), -1)}."
    )


def evaluation_attempt(evaluated: sources.Evaluated, threshold: float | None, cell: tuple[int, int]) -> Attempt:
    """What the page shows of this model, for its challenges: the matrix, the selected cell, the per-class
    recall and F1 at this threshold, and the accuracies of its kept evaluations on the same examples."""
    result = evaluated.scores(threshold)
    kept = [
        other.scores(threshold).accuracy
        for other in sources.kept(st.session_state)
        if other.candidate_name == evaluated.candidate_name
        and other.data_id == evaluated.data_id
        and other.version != evaluated.version
    ]
    extra = {
        "matrix": result.matrix.tolist(),
        "cell": cell,
        "threshold": threshold,
        "recall": result.per_class["recall"].tolist(),
        "f1": result.per_class["f1"].tolist(),
        "classes": list(evaluated.predictions.classes),
        "accuracy": result.accuracy,
        "kept": kept,
    }
    return Attempt(None, (), extra=extra)


def compare_section(evaluated: sources.Evaluated, threshold: float | None) -> None:
    """Keep this evaluation; compare it with another model evaluated on the same examples."""
    st.button(
        "Keep this evaluation to compare",
        key=K + "keep",
        on_click=sources.keep,
        args=(st.session_state, evaluated),
        disabled=evaluated.kept,
        help="Keep these numbers, train the model further (or change it), then compare the two here.",
    )
    others = sources.comparable(st.session_state, evaluated)
    if not others:
        st.caption(
            "No other model of this session was tested on the same examples yet. Keep this evaluation and train on, "
            "train the same data on another page, or run the Data augmentation experiment: its two runs share a "
            "test set."
        )
        return
    titles = {i: other.title for i, other in enumerate(others)}
    pick = st.selectbox("Compare with", list(titles), format_func=titles.get, key=K + "compare")
    other = others[pick]
    a_scores, b_scores = evaluated.scores(threshold), other.scores(threshold)
    a_pred, b_pred = evaluated.predictions.predicted(threshold), other.predictions.predicted(threshold)
    result = compare(evaluated.predictions, a_pred, other.predictions, b_pred)
    summary = pd.DataFrame(
        {
            "model": ["A: the model picked above", "B: the one picked here"],
            "accuracy": [f"{a_scores.accuracy:.4f}", f"{b_scores.accuracy:.4f}"],
            **{
                f"{title} (macro)": [f"{s.averaged[metric]['macro']:.4f}" for s in (a_scores, b_scores)]
                for metric, title in (("precision", "precision"), ("recall", "recall"), ("f1", "F1"))
            },
        }
    )
    st.dataframe(summary, hide_index=True)
    st.markdown(
        f"Both right: **{result.both_right:,}** · only A right: **{result.only_a:,}** · only B right: "
        f"**{result.only_b:,}** · both wrong: **{result.both_wrong:,}**"
    )
    classes = evaluated.predictions.classes
    st.markdown(_who_wins(classes, result.only_a_per_class - result.only_b_per_class))
    st.plotly_chart(
        compare_figure(classes, result.only_a_per_class, result.only_b_per_class, "A", "B"),
        key=K + "compare_bars",
        config=CHART,
    )
    left, right = st.columns(2)
    for col, item, label in ((left, a_scores, "A"), (right, b_scores, "B")):
        with col:
            st.markdown(f"**{label}** (counts)")
            st.plotly_chart(
                matrix_figure(item.matrix, normalised(item.matrix, "none"), classes, "none", None),
                key=K + "matrix_" + label,
                config={**CHART, "staticPlot": True},
            )
