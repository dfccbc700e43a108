"""Which models of this session can be evaluated, and a frozen snapshot of one, evaluated once per version.

A model on another page keeps training; the Evaluation page works on a copy of its weights taken when
the learner asks, so selecting cells never re-evaluates and the numbers hold still.
"""

from __future__ import annotations

import contextlib
import copy
import time
from collections.abc import Callable, Hashable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
from safetensors.torch import save as safetensors_bytes
from torch import Tensor, nn

from core.augment_experiment import TEST_IMAGES
from core.classification import Experiment
from core.codegen_cnn import ImageTestSet
from core.codegen_evaluation import ImageModelSource, PointsModelSource, points_class_names
from core.evaluation import BinaryCurves, EvaluationError, Predictions, Scores, binary_curves, predict, scores
from core.introspect import decision_grid
from core.quick_model import QuickModel
from core.vision import VisionExperiment
from playground.figures import probability_image
from playground.live.run import LiveRun

K = "evaluation/"
QUICK = K + "quick"  # the quick model trained on this page
KEPT = K + "kept"  # evaluations kept for comparing, newest last
RESULTS = K + "results"  # candidate name -> its latest Evaluated
MAX_KEPT = 4
BOUNDARY_PIXELS = 100  # cells per side of the boundary drawn behind the test points


@dataclass(frozen=True)
class Candidate:
    """A model of this session that can be evaluated, with what identifies its weights and its test data."""

    name: str  # unique in the picker, e.g. "classification"
    title: str  # what the learner reads
    version: tuple  # (the model object's id, images trained on, epochs): changes whenever its weights change
    data_id: Hashable  # equal for two models tested on the same examples
    snapshot: Callable[[], Subject]  # copies the weights and the test data, under the run's lock


@dataclass(frozen=True)
class Subject:
    """A frozen copy of a model and everything needed to evaluate and show it."""

    model: nn.Module
    inputs: Tensor  # what the model reads (features, images)
    labels: Tensor
    classes: tuple[str, ...]
    images: Tensor | None  # [N, C, H, W] test images, for image tasks
    points: Tensor | None  # [N, 2] raw test points, for the 2-D playground
    code: ImageModelSource | PointsModelSource  # what "Show the PyTorch code" rebuilds
    epoch: int


@dataclass
class Evaluated:
    """One evaluation: its predictions, and scores cached per threshold so a click costs no forward pass."""

    candidate_name: str
    title: str
    version: tuple
    data_id: Hashable
    subject: Subject
    predictions: Predictions
    seconds: float  # how long the forward pass over the test set took
    kept: bool = False
    _scores: dict[float | None, Scores] = field(default_factory=dict)
    _weights: bytes | None = None
    _curves: BinaryCurves | None = None
    _boundary: np.ndarray | None = None

    def curves(self) -> BinaryCurves:
        """ROC and precision-recall curves (two classes), computed once."""
        if self._curves is None:
            self._curves = binary_curves(self.predictions)
        return self._curves

    def scores(self, threshold: float | None) -> Scores:
        """Scores at this threshold (None: argmax), computed once."""
        if threshold not in self._scores:
            predicted = self.predictions.predicted(threshold)
            self._scores[threshold] = scores(self.predictions.labels, predicted, len(self.predictions.classes))
        return self._scores[threshold]

    def boundary(self) -> np.ndarray | None:
        """The evaluated playground model's decision boundary as pixels (None for images), computed once."""
        code = self.subject.code
        if self._boundary is None and isinstance(code, PointsModelSource):
            probs = decision_grid(self.subject.model, code.config.features, BOUNDARY_PIXELS).numpy()
            self._boundary = probability_image(probs)
        return self._boundary

    def weights(self) -> bytes:
        """The evaluated state_dict as safetensors bytes (contiguous CPU tensors), made once."""
        if self._weights is None:
            state = {k: v.detach().cpu().contiguous() for k, v in self.subject.model.state_dict().items()}
            self._weights = safetensors_bytes(state)
        return self._weights


def evaluate(candidate: Candidate) -> Evaluated:
    """Snapshot the candidate and run its test set through it once."""
    subject = candidate.snapshot()
    started = time.perf_counter()
    predictions = predict(subject.model, subject.inputs, subject.labels, subject.classes)
    seconds = time.perf_counter() - started
    return Evaluated(
        candidate.name, candidate.title, candidate.version, candidate.data_id, subject, predictions, seconds
    )


def _frozen(model: nn.Module) -> nn.Module:
    return copy.deepcopy(model).requires_grad_(False)


def _points_candidate(run: LiveRun) -> Candidate:
    experiment: Experiment = run.experiment
    config = experiment.config
    hidden = ", ".join(str(n) for n in config.model.hidden) or "no hidden layers"
    title = (
        f"Classification playground: {config.data.dataset}, {config.data.classes} classes, "
        f"[{hidden}] {config.model.activation}, epoch {run.epoch}"
    )

    def snapshot() -> Subject:
        with run.lock:
            trainer = experiment.trainer
            model = _frozen(trainer.model)
            X, y = trainer.test if trainer.test is not None else (trainer.X_train[:0], trainer.y_train[:0])
            epoch = run.epoch  # (a worker trains it: the trainer here counts epochs only when it comes home)
        return Subject(
            model,
            X,
            y.cpu(),
            points_class_names(config.data.classes),
            None,
            experiment.raw_test[0],
            PointsModelSource(config),
            epoch,
        )

    version = (id(run), run.samples_seen, run.epoch)
    return Candidate("classification", title, version, ("points", config.data, config.seed), snapshot)


def _image_candidate(name: str, page_title: str, run: LiveRun | QuickModel, test_set: ImageTestSet) -> Candidate:
    experiment: VisionExperiment = run.experiment
    config = experiment.config
    trainer = experiment.trainer
    is_quick = isinstance(run, QuickModel)
    progress = f"{run.images_seen:,} images seen" if is_quick else f"epoch {run.epoch}"
    title = f"{page_title}: TinyVGG ({config.model.hidden} channels) on {config.dataset}, {progress}"
    extra = run.key[1] if isinstance(run, LiveRun) and config.dataset == "custom" else None  # the upload's version

    def snapshot() -> Subject:
        lock = run.lock if isinstance(run, LiveRun) else contextlib.nullcontext()  # the quick model trains here
        with lock:
            model = _frozen(trainer.model)
            epoch = trainer.epoch if is_quick else run.epoch
        test = run.test if is_quick else experiment.test
        return Subject(
            model,
            test.images,
            test.labels,
            tuple(test.classes),
            test.images,
            None,
            ImageModelSource(test_set, config.model, config.seed),
            epoch,
        )

    version = (id(run), trainer.samples_seen, trainer.epoch) if is_quick else (id(run), run.samples_seen, run.epoch)
    return Candidate(name, title, version, ("images", test_set, config.seed, extra), snapshot)


def _vision_test_set(experiment: VisionExperiment) -> ImageTestSet:
    name = experiment.config.dataset
    return ImageTestSet("custom", None) if name == "custom" else ImageTestSet(name, 0.8)


def _augmentation_test_set(experiment: VisionExperiment) -> ImageTestSet:
    if experiment.config.dataset == "FashionMNIST":
        return ImageTestSet("FashionMNIST", None, TEST_IMAGES)
    return ImageTestSet("digits", 0.5, TEST_IMAGES)


def _live_run(state: MutableMapping[str, Any], page: str, kind: type) -> LiveRun | None:
    run = state.get(f"{page}/run")
    return run if isinstance(run, LiveRun) and isinstance(run.experiment, kind) else None


def candidates(state: MutableMapping[str, Any]) -> list[Candidate]:
    """Every model of this session that can be evaluated now, in the order of the app's pages."""
    found = []
    run = _live_run(state, "classification", Experiment)
    if run is not None and not run.experiment.regression:  # values, not classes: nothing for a confusion matrix
        found.append(_points_candidate(run))
    if run := _live_run(state, "vision", VisionExperiment):
        found.append(_image_candidate("vision", "Computer vision", run, _vision_test_set(run.experiment)))
    for page, label in (("augexp-plain", "without"), ("augexp-augmented", "with")):
        if run := _live_run(state, page, VisionExperiment):
            title = f"Augmentation experiment, {label} augmentation"
            found.append(_image_candidate(page, title, run, _augmentation_test_set(run.experiment)))
    quick = state.get(QUICK)
    if isinstance(quick, QuickModel) and quick.images_seen > 0:
        found.append(_image_candidate("quick", "Quick model", quick, quick.test_set))
    return found


def latest(state: MutableMapping[str, Any], candidate: Candidate, refresh: bool = False) -> Evaluated:
    """The candidate's evaluation: the one already made (even if it trained on since), unless `refresh` or none."""
    results: dict[str, Evaluated] = state.setdefault(RESULTS, {})
    found = results.get(candidate.name)
    another_model = found is not None and found.version[0] != candidate.version[0]  # rebuilt: new weights
    if found is None or refresh or another_model or found.data_id != candidate.data_id:
        found = evaluate(candidate)
        results[candidate.name] = found
    return found


def keep(state: MutableMapping[str, Any], evaluated: Evaluated) -> None:
    """Keep a copy of this evaluation to compare later models with (the oldest goes beyond MAX_KEPT)."""
    kept: list[Evaluated] = state.setdefault(KEPT, [])
    if any(item.candidate_name == evaluated.candidate_name and item.version == evaluated.version for item in kept):
        return
    frozen = copy.copy(evaluated)
    frozen.kept = True
    frozen.title = f"kept: {evaluated.title}"
    kept.append(frozen)
    del kept[:-MAX_KEPT]


def kept(state: MutableMapping[str, Any]) -> list[Evaluated]:
    """The evaluations kept for comparing."""
    return list(state.get(KEPT, []))


def comparable(state: MutableMapping[str, Any], evaluated: Evaluated) -> list[Evaluated]:
    """Other evaluations on exactly the same test examples: other models of the session (evaluated now if
    needed), the latest weights of this one, and the kept evaluations."""
    pool = []
    for candidate in candidates(state):
        if candidate.data_id == evaluated.data_id:
            try:
                pool.append(latest(state, candidate))
            except EvaluationError:
                continue
    pool += kept(state)
    return [
        other
        for other in pool
        if not (other.candidate_name == evaluated.candidate_name and other.version == evaluated.version)
        and other.data_id == evaluated.data_id
        and torch.equal(other.predictions.labels, evaluated.predictions.labels)
    ]
