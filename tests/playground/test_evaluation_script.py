"""'Show the PyTorch code' on the Evaluation page: the script, fed the page's weights, prints the page's numbers."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from core.classification import ClassificationConfig, DataConfig, build_experiment, structure_key
from core.codegen_cnn import ImageTestSet
from core.codegen_evaluation import evaluation_script
from core.data import download as downloads
from core.data.images import digits, split_images
from core.models import MLPConfig
from core.quick_model import build_quick_model, quick_data, train_quick
from playground.evaluation_sources import QUICK, Evaluated, candidates, evaluate
from playground.live.run import LiveRun


def _expected(evaluated: Evaluated, threshold: float | None) -> list[str]:
    """The lines the script must print, from the numbers the page shows."""
    result = evaluated.scores(threshold)
    classes = evaluated.predictions.classes
    lines = [f"test examples {len(evaluated.predictions.labels)} | accuracy {result.accuracy:.4f}"]
    for avg in ("macro", "micro", "weighted"):
        values = [result.averaged[m][avg] for m in ("precision", "recall", "f1")]
        lines.append(f"{avg} | precision {values[0]:.4f} recall {values[1]:.4f} f1 {values[2]:.4f}")
    for c, name in enumerate(classes):
        p, r, f = (float(result.per_class[m][c]) for m in ("precision", "recall", "f1"))
        lines.append(f"class {c} {name} | precision {p:.4f} recall {r:.4f} f1 {f:.4f}")
    lines.append("confusion matrix (rows: true class, columns: predicted class)")
    lines += [" ".join(f"{count:5d}" for count in row) for row in result.matrix.tolist()]
    if len(classes) == 2:
        curves = evaluated.curves()
        lines.append(f"ROC AUC {curves.auroc:.4f} | average precision {curves.average_precision:.4f}")
    return lines


def _run_script(
    evaluated: Evaluated, threshold: float | None, folder: Path, data_root: Path | None = None
) -> list[str]:
    (folder / "model.safetensors").write_bytes(evaluated.weights())
    script = folder / "evaluate.py"
    script.write_text(evaluation_script(evaluated.subject.code, threshold))
    args = [sys.executable, str(script), "--weights", str(folder / "model.safetensors")]
    if data_root is not None:
        args += ["--data", str(data_root)]
    done = subprocess.run(args, cwd=folder, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return [line for line in done.stdout.splitlines() if line.strip()]


def _playground(config: ClassificationConfig, epochs: int) -> Evaluated:
    run = LiveRun(build_experiment(config), (structure_key(config), "cpu"))
    for _ in range(epochs):
        run.trainer.run_epoch()
    (candidate,) = candidates({"classification/run": run})
    return evaluate(candidate)


@pytest.mark.parametrize("threshold", [None, 0.3])
def test_binary_playground_script_prints_the_page_numbers(tmp_path, threshold):
    config = ClassificationConfig(data=DataConfig("spiral", noise=10), model=MLPConfig((6, 4), "tanh"))
    evaluated = _playground(config, epochs=8)
    assert _run_script(evaluated, threshold, tmp_path) == _expected(evaluated, threshold)


def test_multiclass_playground_script_prints_the_page_numbers(tmp_path):
    config = ClassificationConfig(data=DataConfig("blobs", n_classes=5, noise=30), model=MLPConfig((3,), "relu"))
    evaluated = _playground(config, epochs=2)
    assert _run_script(evaluated, None, tmp_path) == _expected(evaluated, None)


def test_tinyvgg_on_digits_script_prints_the_page_numbers(tmp_path):
    train, test = split_images(digits(), 0.8, seed=42)
    quick = build_quick_model(("digits", train, test, ImageTestSet("digits", 0.8)), seed=42)
    train_quick(quick, images=1_500)
    (candidate,) = candidates({QUICK: quick})
    evaluated = evaluate(candidate)
    assert _run_script(evaluated, None, tmp_path) == _expected(evaluated, None)


def test_quick_model_on_fashion_mnist_script_prints_the_page_numbers(tmp_path):
    if not downloads.use_local_copy("FashionMNIST", downloads.DEFAULT_ROOT):
        pytest.skip("FashionMNIST is not on this machine (Debian's dataset-fashion-mnist)")
    quick = build_quick_model(quick_data(seed=0), seed=0)
    train_quick(quick, images=1_000)
    (candidate,) = candidates({QUICK: quick})
    evaluated = evaluate(candidate)
    assert len(evaluated.predictions.labels) == 10_000  # the real test set
    assert _run_script(evaluated, None, tmp_path, downloads.DEFAULT_ROOT) == _expected(evaluated, None)
