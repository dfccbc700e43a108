"""Evaluation speed: 10,000 test images through TinyVGG plus the matrix, and a cell click on the page.

1. Evaluate and draw: the page's path (core.evaluation.predict: batches of 256 spread over the cores,
   each on one thread; torchmetrics scores; the plotly matrix serialised as Streamlit sends it) against
   the course's eval loop (a DataLoader of 32, loss and accuracy with .item() per batch, then
   torchmetrics' ConfusionMatrix), on the same model and images. Goal: under 2 s.
2. Select a cell: the Evaluation page's rerun under AppTest after a click (the evaluation is cached per
   model version) against the same rerun forced to evaluate again. Goal: under 300 ms.

FashionMNIST's 10,000 test images when the machine has them (Debian's dataset-fashion-mnist), else the
digits repeated to 10,000.

    python -m bench.bench_evaluation [--repeats 3]
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset
from torchmetrics.classification import MulticlassConfusionMatrix

from core.data.images import ImageDataset
from core.evaluation import normalised, predict, scores
from core.quick_model import build_quick_model, quick_data, train_quick
from playground.evaluation_figures import matrix_figure

TEST_IMAGES = 10_000


def _model_and_test() -> tuple[nn.Module, ImageDataset]:
    name, train, test, test_set = quick_data(seed=0)
    if len(test.labels) < TEST_IMAGES:  # digits: repeat the test images to 10,000
        repeats = -(-TEST_IMAGES // len(test.labels))
        test = ImageDataset(
            test.images.repeat(repeats, 1, 1, 1)[:TEST_IMAGES], test.labels.repeat(repeats)[:TEST_IMAGES], test.classes
        )
    quick = build_quick_model((name, train, test, test_set), seed=0)
    train_quick(quick, images=2_000)
    print(f"data: {name}, {len(test.labels):,} test images")
    return quick.experiment.trainer.model, test


def page_seconds(model: nn.Module, test: ImageDataset) -> float:
    started = time.perf_counter()
    predictions = predict(model, test.images, test.labels, test.classes)
    result = scores(predictions.labels, predictions.predicted(), len(test.classes))
    figure = matrix_figure(result.matrix, normalised(result.matrix, "none"), test.classes, "none", (0, 1))
    figure.to_json()  # what st.plotly_chart sends
    return time.perf_counter() - started


def course_seconds(model: nn.Module, test: ImageDataset) -> float:
    """The course's eval_model loop and confusion matrix (no drawing)."""
    started = time.perf_counter()
    loader = DataLoader(TensorDataset(test.images, test.labels), batch_size=32, shuffle=False)
    loss_fn = nn.CrossEntropyLoss()
    loss, acc, preds = 0.0, 0.0, []
    model.eval()
    with torch.inference_mode():
        for X, y in loader:
            y_pred = model(X)
            loss += loss_fn(y_pred, y).item()
            acc += (y_pred.argmax(dim=1) == y).sum().item() / len(y)
            preds.append(y_pred.argmax(dim=1))
    MulticlassConfusionMatrix(num_classes=len(test.classes))(torch.cat(preds), test.labels)
    return time.perf_counter() - started


def click_seconds(repeats: int) -> tuple[float, float]:
    """(cached rerun, rerun that evaluates again) after selecting a cell, medians, on the real page."""
    from streamlit.testing.v1 import AppTest

    from tests.pages.conftest import APP, ROOT

    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page(str(ROOT / "pages" / "evaluation.py")).run()
    at.button(key="evaluation/train_quick").click().run()
    cached, fresh = [], []
    for i in range(repeats * 2):
        started = time.perf_counter()
        at.selectbox(key="evaluation/true_class").set_value(i % 10).run()
        cached.append(time.perf_counter() - started)
        at.session_state["evaluation/refresh"] = True  # what happens without the cache: a forward pass per click
        started = time.perf_counter()
        at.selectbox(key="evaluation/predicted_class").set_value((i + 3) % 10).run()
        fresh.append(time.perf_counter() - started)
    assert not at.exception, [e.message for e in at.exception]
    return statistics.median(cached), statistics.median(fresh)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(1)  # as the app: configure_threads() sets one intra-op thread per process
    model, test = _model_and_test()
    page_seconds(model, test)  # warm-up
    page = statistics.median(page_seconds(model, test) for _ in range(args.repeats))
    course = statistics.median(course_seconds(model, test) for _ in range(args.repeats))
    print(f"evaluate {len(test.labels):,} images and draw the matrix: {page:.2f} s (goal < 2 s)")
    print(f"the course's eval loop (no drawing): {course:.2f} s; ratio course / page = {course / page:.2f}x")
    cached, fresh = click_seconds(args.repeats)
    print(f"select a cell (page rerun, cached evaluation): {cached * 1000:.0f} ms (goal < 300 ms)")
    print(f"the same rerun evaluating again: {fresh * 1000:.0f} ms; ratio = {fresh / cached:.1f}x")


if __name__ == "__main__":
    main()
