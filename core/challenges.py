"""Challenges a page sets, checked on the learner's own run as the page measured it.

A challenge is a sentence, hints to show one at a time, and a check: a pure function of an Attempt (the
run's settings, its epoch records, where it stopped by itself, and what else the page draws from it, such
as the workflow's (weight, bias) path). The page builds the Attempt from the same run it draws, so a
challenge is met by what the learner sees, never by a second computation.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from core.engine import EpochRecord
from core.runs import differing_settings


@dataclass(frozen=True)
class Attempt:
    """What a learner's run did, as its page measured it."""

    config: Any  # the page's frozen config as the run trains now
    records: Sequence[EpochRecord]  # the run's epochs so far (a long run's may be thinned, the last one kept)
    stops: Sequence[tuple[int, float]] = ()  # (epoch, learning rate) where it stopped by itself (blew up)
    path: Sequence[tuple[float, float]] = ()  # the workflow's (weight, bias) at the start and after each epoch
    extra: dict[str, Any] = field(default_factory=dict)  # anything else a page measures for its checks

    @property
    def epochs(self) -> int:
        """Epochs trained so far."""
        return self.records[-1].epoch if self.records else 0


@dataclass(frozen=True)
class Verdict:
    """Whether an attempt meets a challenge, and one line on how close it is."""

    met: bool
    progress: str  # e.g. "best test accuracy 84.0 % (needs 90 %)"


@dataclass(frozen=True)
class Challenge:
    """One task on one page."""

    key: str  # stable: the browser keeps the keys of met challenges
    page: str  # the page that sets it
    title: str  # the task, one sentence
    hints: tuple[str, ...]  # shown one at a time, on request
    check: Callable[[Attempt], Verdict]  # a module-level function: pure, testable


def _best(records: Sequence[EpochRecord], name: str) -> float | None:
    values = [getattr(r, name) for r in records if getattr(r, name) is not None and math.isfinite(getattr(r, name))]
    if not values:
        return None
    return max(values) if name.endswith("acc") else min(values)


def _percent(value: float | None) -> str:
    return "none yet" if value is None else f"{100 * value:.1f} %"


def _accuracy_goal(attempt: Attempt, goal: float, what: str, wrong: str | None) -> Verdict:
    """Met when the settings are right (`wrong` is None) and some epoch reached `goal` test accuracy."""
    best = _best(attempt.records, "test_acc")
    if wrong is not None:
        return Verdict(False, wrong)
    progress = f"best test accuracy {_percent(best)} on {what} (needs {100 * goal:.0f} %)"
    return Verdict(best is not None and best >= goal - 1e-9, progress)


# ---- the classification playground ------------------------------------------------------------------------


def spiral_two_layers(attempt: Attempt) -> Verdict:
    """The spiral at 90 % test accuracy with at most two hidden layers."""
    config = attempt.config
    wrong = None
    if config.data.dataset != "spiral":
        wrong = "Pick the Spiral (TF Playground) data set."
    elif len(config.model.hidden) > 2:
        wrong = f"{len(config.model.hidden)} hidden layers: at most two."
    return _accuracy_goal(attempt, 0.9, "the spiral", wrong)


def xor_without_hidden_layers(attempt: Attempt) -> Verdict:
    """Exclusive or at 95 % test accuracy with no hidden layer at all."""
    config = attempt.config
    wrong = None
    if config.data.dataset != "xor":
        wrong = "Pick the Exclusive or (TF Playground) data set."
    elif config.model.hidden:
        wrong = f"{len(config.model.hidden)} hidden layer(s): set Hidden layers to 0."
    return _accuracy_goal(attempt, 0.95, "exclusive or", wrong)


def small_circle(attempt: Attempt) -> Verdict:
    """The circle at 95 % test accuracy with x1 and x2 alone and one hidden layer of at most 3 neurons."""
    config = attempt.config
    wrong = None
    if config.data.dataset != "circle":
        wrong = "Pick the Circle (TF Playground) data set."
    elif config.features != ("x1", "x2"):
        wrong = "Use the inputs x1 and x2 alone."
    elif len(config.model.hidden) != 1 or config.model.hidden[0] > 3:
        wrong = "Use one hidden layer of at most 3 neurons."
    return _accuracy_goal(attempt, 0.95, "the circle", wrong)


RESCUE_ACCURACY = 0.8


def diverge_then_rescue(attempt: Attempt) -> Verdict:
    """A run that blew up (stopped by itself) and then, at a lower learning rate, reached 80 % test accuracy."""
    if not attempt.stops:
        return Verdict(False, "This run has not blown up yet: raise the learning rate to 3 or 10 and press Play.")
    epoch, rate = attempt.stops[-1]
    later = [r for r in attempt.records if r.epoch > epoch]
    best = _best(later, "test_acc")
    now = attempt.config.train.learning_rate
    if now >= rate:
        return Verdict(False, f"It blew up at learning rate {rate:g} in epoch {epoch}: lower it, then press Play.")
    goal = RESCUE_ACCURACY
    progress = f"after the blow-up: best test accuracy {_percent(best)} (needs {100 * goal:.0f} %)"
    return Verdict(best is not None and best >= goal, progress)


FIT_LOSS = 0.02


def fit_multi_gaussian(attempt: Attempt) -> Verdict:
    """TF Playground's multi gaussian (regression) to a test loss of at most 0.02."""
    if attempt.config.data.dataset != "multi_gauss":
        return Verdict(False, "Choose Regression as the problem type, then the Multi gaussian data set.")
    best = _best(attempt.records, "test_loss")
    shown = "none yet" if best is None else f"{best:.4f}"
    return Verdict(best is not None and best <= FIT_LOSS, f"best test loss {shown} (needs at most {FIT_LOSS})")


# ---- the workflow page -------------------------------------------------------------------------------------


TRUTH_TOLERANCE = 0.01
TRUTH_EPOCHS = 100  # the course's settings need 166


def first_epoch_within(path: Sequence[tuple[float, float]], weight: float, bias: float, tol: float) -> int | None:
    """The first epoch after which (w, b) is within `tol` of (weight, bias) in both; 0 is the start."""
    for epoch, (w, b) in enumerate(path):
        if abs(w - weight) <= tol and abs(b - bias) <= tol:
            return epoch
    return None


def truth_with_sgd(attempt: Attempt) -> Verdict:
    """Within 0.01 of the true weight and bias with SGD, in under 100 epochs."""
    config = attempt.config
    if config.data.target != "line" or config.model.kind == "mlp":
        return Verdict(False, "Use the straight line and a linear model (the course's, or nn.Linear).")
    if config.train.optimizer != "SGD":
        return Verdict(False, "Use SGD (momentum allowed).")
    path = attempt.path
    if len(path) != attempt.epochs + 1:  # a thinned path (a long or fast run): epochs no longer line up
        return Verdict(False, "Pause to check this run (it is too long or too fast to follow while it trains).")
    epoch = first_epoch_within(path, config.data.weight, config.data.bias, TRUTH_TOLERANCE)
    if epoch is None:
        w, b = path[-1] if path else (float("nan"), float("nan"))
        return Verdict(
            False,
            f"now weight {w:.4f}, bias {b:.4f} after {attempt.epochs} epochs "
            f"(needs {config.data.weight:g} ± {TRUTH_TOLERANCE}, {config.data.bias:g} ± {TRUTH_TOLERANCE})",
        )
    return Verdict(epoch < TRUTH_EPOCHS, f"within {TRUTH_TOLERANCE} after {epoch} epochs (needs under {TRUTH_EPOCHS})")


FAST_LOSS, FAST_EPOCHS = 0.005, 100


def fast_line(attempt: Attempt) -> Verdict:
    """The straight line to a train loss of at most 0.005 within 100 epochs, with plain SGD (no momentum)."""
    config = attempt.config
    if config.data.target != "line" or config.train.optimizer != "SGD" or config.train.momentum:
        return Verdict(False, "Use the straight line and SGD with momentum 0.")
    early = [r for r in attempt.records if r.epoch <= FAST_EPOCHS]
    best = _best(early, "train_loss")
    shown = "none yet" if best is None else f"{best:.4f}"
    return Verdict(
        best is not None and best <= FAST_LOSS,
        f"best train loss in the first {FAST_EPOCHS} epochs {shown} (needs at most {FAST_LOSS})",
    )


CURVE_LOSS = 0.02


def fit_the_sine(attempt: Attempt) -> Verdict:
    """The sine curve to a train loss of at most 0.02: a straight line cannot."""
    if attempt.config.data.target != "sine":
        return Verdict(False, "Pick the sine curve as the data.")
    best = _best(attempt.records, "train_loss")
    shown = "none yet" if best is None else f"{best:.4f}"
    return Verdict(best is not None and best <= CURVE_LOSS, f"best train loss {shown} (needs at most {CURVE_LOSS})")


# ---- the computer vision page ------------------------------------------------------------------------------


def _digits_goal(attempt: Attempt, goal: float, wrong: str | None) -> Verdict:
    if attempt.config.dataset != "digits":
        wrong = "Pick the digits (scikit-learn's 8 x 8) in 1. Data."
    return _accuracy_goal(attempt, goal, "the digits", wrong)


def digits_with_four_channels(attempt: Attempt) -> Verdict:
    """The digits at 95 % test accuracy with at most 4 channels per conv layer."""
    hidden = attempt.config.model.hidden
    return _digits_goal(attempt, 0.95, None if hidden <= 4 else f"{hidden} channels: at most 4.")


def digits_with_one_block(attempt: Attempt) -> Verdict:
    """The digits at 95 % test accuracy with a single conv block."""
    blocks = attempt.config.model.blocks
    return _digits_goal(attempt, 0.95, None if blocks == 1 else f"{blocks} conv blocks: use one.")


def digits_with_sgd(attempt: Attempt) -> Verdict:
    """The digits at 90 % test accuracy with SGD instead of Adam."""
    optimizer = attempt.config.train.optimizer
    return _digits_goal(attempt, 0.9, None if optimizer == "SGD" else "Pick SGD as the optimizer.")


# ---- the tensors page: the three common errors, fixed by the learner's own line -----------------------------


def _fixed(attempt: Attempt, exercise: str) -> Verdict:
    """Met when the learner's line for `exercise` (a FixOutcome in extra["fixes"]) ran and fixed the mistake."""
    outcome = attempt.extra.get("fixes", {}).get(exercise)
    if outcome is None:
        return Verdict(False, "still the failing one: rewrite it and press Run")
    return Verdict(bool(outcome.met), f"{outcome.line.strip()!r}: {outcome.message.rstrip('.')}")


def fixed_shape(attempt: Attempt) -> Verdict:
    """The shape mismatch: a @ b with two 2 x 3 matrices, rewritten to a matrix product that runs."""
    return _fixed(attempt, "shape")


def fixed_labels(attempt: Attempt) -> Verdict:
    """The float class labels given to CrossEntropyLoss, rewritten so the loss is computed."""
    return _fixed(attempt, "labels")


def fixed_layer(attempt: Attempt) -> Verdict:
    """The int64 tensor fed to a float32 layer, rewritten so the layer gives its output."""
    return _fixed(attempt, "layer")


def fixed_device(attempt: Attempt) -> Verdict:
    """The model on one device fed data on another, rewritten so the model gives its output."""
    return _fixed(attempt, "device")


# ---- the backprop page: the training loop's five lines on the playground's model --------------------------


HALF = 0.5
OVERSHOOT = 1.5


def halve_the_loss(attempt: Attempt) -> Verdict:
    """Optimizer steps that bring the training-set loss to half its value at the start (extra["losses"])."""
    losses = attempt.extra.get("losses") or []
    if not losses or not math.isfinite(losses[0]):
        return Verdict(False, "no loss yet")
    start, best = losses[0], min((x for x in losses if math.isfinite(x)), default=losses[0])
    steps = len(losses) - 1
    progress = (
        f"training-set loss {losses[-1]:.4f} after {steps} optimizer step{'' if steps == 1 else 's'}, "
        f"{start:.4f} at the start (needs at most {HALF * start:.4f})"
    )
    return Verdict(best <= HALF * start, progress)


def set_against_the_gradient(attempt: Attempt) -> Verdict:
    """A weight set by hand against its gradient (after a backward pass), lowering the training-set loss."""
    edits = attempt.extra.get("edits") or []
    if not edits:
        return Verdict(False, "no weight set by hand yet")
    for edit in edits:
        against = edit.grad is not None and edit.grad != 0 and (edit.new - edit.old) * edit.grad < 0
        if against and edit.loss_after < edit.loss_before:
            return Verdict(True, f"{edit.name}{list(edit.index)} moved against its gradient: the loss fell")
    last = edits[-1]
    if last.grad is None or last.grad == 0:
        why = "it has no gradient yet: run loss.backward() first"
    elif (last.new - last.old) * last.grad > 0:
        why = "that moved it with its gradient, uphill"
    else:
        why = (
            f"the training-set loss went {last.loss_before:.4f} → {last.loss_after:.4f}: try a smaller move, or "
            "another weight (.grad is this batch's gradient, not the whole set's)"
        )
    return Verdict(False, f"last edit, {last.name}{list(last.index)}: {why}")


PREDICTION_SHARE = 0.05  # of the step's change: a prediction this close reads the same digits
SMALLEST_MOVE = 1e-5  # a step that moves the weight less than this is too small to predict on


def prediction_verdict(prediction: Any) -> Verdict:
    """Whether one backprop Prediction (old, predicted, actual) got the step's result right."""
    move = abs(prediction.actual - prediction.old)
    miss = abs(prediction.predicted - prediction.actual)
    if move < SMALLEST_MOVE:
        return Verdict(False, "that step hardly moved it (its .grad is tiny): pick a weight with a larger .grad")
    if miss <= max(PREDICTION_SHARE * move, 1e-6):
        return Verdict(True, f"right, optimizer.step() made it {prediction.actual:.8g}")
    guessed, moved = prediction.predicted - prediction.old, prediction.actual - prediction.old
    if abs(guessed) < miss / 4:
        return Verdict(False, f"the step made it {prediction.actual:.8g}; that is nearer the old value: lr × grad")
    if guessed * moved < 0:
        return Verdict(False, f"the step made it {prediction.actual:.8g}: it moves against the gradient, w − lr · grad")
    return Verdict(False, f"the step made it {prediction.actual:.8g} (off by {miss:.3g})")


def predict_the_update(attempt: Attempt) -> Verdict:
    """A parameter's value after optimizer.step(), predicted before it ran (extra["predictions"])."""
    predictions = attempt.extra.get("predictions") or []
    if not predictions:
        return Verdict(False, "no prediction checked yet")
    verdicts = [prediction_verdict(p) for p in predictions]
    met = next((v for v in verdicts if v.met), None)
    return met or verdicts[-1]


def overshoot(attempt: Attempt) -> Verdict:
    """One optimizer step that raised the training-set loss by half or more (extra["losses"])."""
    losses = attempt.extra.get("losses") or []
    worst = 0.0
    for before, after in zip(losses, losses[1:], strict=False):
        if math.isfinite(before) and before > 0:
            ratio = after / before if math.isfinite(after) else math.inf
            worst = max(worst, ratio)
    if len(losses) < 2:
        return Verdict(False, "no optimizer step yet")
    shown = "blew up" if math.isinf(worst) else f"× {worst:.2f}"
    return Verdict(worst >= OVERSHOOT, f"the worst step changed the loss {shown} (needs × {OVERSHOOT} or more)")


# ---- the evaluation page: read a model's mistakes off the page's own numbers ---------------------------------


def most_confused_pair(matrix: Sequence[Sequence[float]]) -> tuple[int, int] | None:
    """The (true, predicted) cell off the diagonal with the most examples; None when there are no mistakes."""
    best, cell = 0.0, None
    for true, row in enumerate(matrix):
        for predicted, count in enumerate(row):
            if true != predicted and float(count) > best:
                best, cell = float(count), (true, predicted)
    return cell


def find_the_mix_up(attempt: Attempt) -> Verdict:
    """The selected cell (extra["cell"]) is the most confused pair of a model with three or more classes."""
    matrix, cell = attempt.extra.get("matrix"), attempt.extra.get("cell")
    if matrix is None or cell is None:
        return Verdict(False, "no model evaluated yet")
    if len(matrix) < 3:
        return Verdict(False, "two classes: evaluate a model with three or more (the quick model, or vision's)")
    true, predicted = cell
    count = int(matrix[true][predicted])
    target = most_confused_pair(matrix)
    if target is None:
        return Verdict(False, "this model makes no mistakes on its test set: nothing to find")
    if true == predicted:
        return Verdict(False, f"the selected cell holds {count:,} right answers: the mistakes are off the diagonal")
    if (true, predicted) == target:
        return Verdict(True, f"{count:,} mistakes: no other cell has more")
    return Verdict(False, f"the selected cell holds {count:,} mistakes; another cell holds more")


RECALL_GOAL = 0.99


def recall_by_threshold(attempt: Attempt) -> Verdict:
    """A two-class model's threshold lowered until class 1's recall is at least 99 %."""
    threshold, recall = attempt.extra.get("threshold"), attempt.extra.get("recall")
    if threshold is None or recall is None:
        return Verdict(False, "evaluate a two-class model (from the classification playground) to get a threshold")
    now = float(recall[1])
    progress = f"threshold {threshold:.2f}, recall of class 1 {100 * now:.1f} % (needs {100 * RECALL_GOAL:.0f} %"
    if threshold >= 0.5:
        return Verdict(False, progress + ", with the threshold below 0.5)")
    return Verdict(now >= RECALL_GOAL, progress + ")")


F1_GOAL = 0.9


def every_class_f1(attempt: Attempt) -> Verdict:
    """A model with three or more classes whose weakest class still has an F1 of at least 0.9."""
    f1 = attempt.extra.get("f1")
    if f1 is None:
        return Verdict(False, "no model evaluated yet")
    if len(f1) < 3:
        return Verdict(False, "two classes: evaluate a model with three or more")
    weakest = min(range(len(f1)), key=lambda i: float(f1[i]))
    names = attempt.extra.get("classes") or [str(i) for i in range(len(f1))]
    progress = f"the weakest class, {names[weakest]}, has F1 {float(f1[weakest]):.3f} (needs {F1_GOAL})"
    return Verdict(float(f1[weakest]) >= F1_GOAL, progress)


def beat_the_kept_model(attempt: Attempt) -> Verdict:
    """Higher test accuracy than an evaluation kept earlier on the same examples (extra["kept"])."""
    accuracy, kept = attempt.extra.get("accuracy"), attempt.extra.get("kept")
    if accuracy is None:
        return Verdict(False, "no model evaluated yet")
    if not kept:
        return Verdict(False, "nothing kept to beat yet: press Keep this evaluation to compare, then train on")
    best = max(kept)
    progress = f"accuracy {100 * accuracy:.1f} % against the kept {100 * best:.1f} %"
    return Verdict(accuracy > best, progress)


# ---- the transfer learning page: the pretrained run on a few images ---------------------------------------


def _pretrained_goal(attempt: Attempt, goal: float, wrong: str | None) -> Verdict:
    if not attempt.config.pretrained:
        wrong = "This is the from-scratch run: the challenge is the pretrained one's."
    return _accuracy_goal(attempt, goal, "the pretrained run", wrong)


def two_shot(attempt: Attempt) -> Verdict:
    """The pretrained network at 75 % test accuracy from at most 2 training images per class."""
    per_class = attempt.extra.get("per_class", 0)
    wrong = None if per_class <= 2 else f"{per_class} training images per class: use 2."
    return _pretrained_goal(attempt, 0.75, wrong)


def fine_tune(attempt: Attempt) -> Verdict:
    """The pretrained network with its last stage trained too (fine-tuning) at 85 % test accuracy."""
    wrong = None if "stage7" in attempt.config.trainable else "Stage 7 is frozen: let it train (with the head)."
    return _pretrained_goal(attempt, 0.85, wrong)


def every_class_few_images(attempt: Attempt) -> Verdict:
    """The pretrained network at 70 % test accuracy on ten or more classes, from at most 20 images of each."""
    classes, per_class = attempt.extra.get("classes", 0), attempt.extra.get("per_class", 0)
    wrong = None
    if classes < 10:
        wrong = f"{classes} classes: pick all ten of the built-in set."
    elif per_class > 20:
        wrong = f"{per_class} training images per class: at most 20."
    return _pretrained_goal(attempt, 0.7, wrong)


# ---- the augmentation experiment: the plain and the augmented run on the same few images ------------------

MEMORISING_GAP = 0.15
CLOSED_GAP, CLOSED_ACCURACY = 0.05, 0.6


def _gap(record: EpochRecord) -> float | None:
    if record.train_acc is None or record.test_acc is None:
        return None
    return record.train_acc - record.test_acc


def memorising(attempt: Attempt) -> Verdict:
    """The plain run's train accuracy at least 15 points above its test accuracy (extra["plain"])."""
    plain = [r for r in attempt.extra.get("plain", ()) if _gap(r) is not None]
    if not plain:
        return Verdict(False, "the plain run has not trained yet")
    widest = max(plain, key=lambda r: _gap(r) or 0.0)
    progress = (
        f"the plain run's widest gap: {100 * (_gap(widest) or 0.0):.1f} points in epoch {widest.epoch} "
        f"(train {_percent(widest.train_acc)}, test {_percent(widest.test_acc)}; needs {100 * MEMORISING_GAP:.0f})"
    )
    return Verdict((_gap(widest) or 0.0) >= MEMORISING_GAP, progress)


def augmentation_closes_the_gap(attempt: Attempt) -> Verdict:
    """An epoch of the augmented run at 60 % test accuracy or more, its train accuracy at most 5 points above."""
    closed = [r for r in attempt.records if _gap(r) is not None and r.test_acc >= CLOSED_ACCURACY]
    best = _best(attempt.records, "test_acc")
    if not closed:
        return Verdict(False, f"the augmented run's best test accuracy {_percent(best)} (needs 60 % first)")
    narrowest = min(closed, key=lambda r: _gap(r) or 0.0)
    gap = _gap(narrowest) or 0.0
    progress = f"in epoch {narrowest.epoch}: test {_percent(narrowest.test_acc)}, train {100 * gap:+.1f} points above"
    return Verdict(gap <= CLOSED_GAP, progress + f" (needs at most {100 * CLOSED_GAP:.0f})")


def own_pipeline(attempt: Attempt) -> Verdict:
    """The augmented run trained with the learner's Preview pipeline of three or more transforms, at 60 %."""
    wrong = None
    if not attempt.extra.get("own"):
        wrong = "The augmented run uses the gentle default: pick the pipeline built in Preview."
    elif attempt.extra.get("steps", 0) < 3:
        wrong = f"The pipeline has {attempt.extra.get('steps', 0)} transforms: build one of three or more in Preview."
    return _accuracy_goal(attempt, CLOSED_ACCURACY, "the augmented run", wrong)


# ---- the classify page: the learner's own drawing or photo --------------------------------------------------

SURE, UNSURE, PHOTO_SURE = 0.9, 0.5, 0.5


def _prediction(attempt: Attempt) -> tuple[str | None, float]:
    return attempt.extra.get("top"), float(attempt.extra.get("probability", 0.0))


def _not_a_digits_drawing(attempt: Attempt) -> Verdict | None:
    """Why the page does not show a digits model reading a drawing (None: it does)."""
    extra = attempt.extra
    if extra.get("dataset") != "digits" or extra.get("source") != "drawing":
        return Verdict(False, "pick a digits model and draw on the canvas")
    if extra.get("top") is None:
        return Verdict(False, "nothing drawn yet")
    return None


def draw_a_seven(attempt: Attempt) -> Verdict:
    """A drawing that a digits model reads as 7 with at least 90 % probability."""
    top, probability = _prediction(attempt)
    progress = f"it reads {top} at {100 * probability:.1f} % (needs 7 at 90 %)"
    return _not_a_digits_drawing(attempt) or Verdict(top == "7" and probability >= SURE, progress)


def make_it_hesitate(attempt: Attempt) -> Verdict:
    """A drawing a digits model gives less than 50 % to its best guess."""
    top, probability = _prediction(attempt)
    progress = f"its best guess, {top}, at {100 * probability:.1f} % (needs under {100 * UNSURE:.0f} %)"
    return _not_a_digits_drawing(attempt) or Verdict(probability < UNSURE, progress)


def name_a_photo(attempt: Attempt) -> Verdict:
    """An uploaded photo or a camera shot that ImageNet's network names with at least 50 % probability."""
    extra = attempt.extra
    if extra.get("model") != "imagenet" or extra.get("source") not in ("upload", "camera"):
        return Verdict(False, "pick the ImageNet network and upload a photo or take one")
    top, probability = _prediction(attempt)
    if top is None:
        return Verdict(False, "no photo yet")
    progress = f"it says {top} at {100 * probability:.1f} % (needs {100 * PHOTO_SURE:.0f} %)"
    return Verdict(probability >= PHOTO_SURE, progress)


def your_own_model_reads_it(attempt: Attempt) -> Verdict:
    """A drawing read at 80 % or more by a digits model the learner trained in this session."""
    if attempt.extra.get("model") != "own":
        return Verdict(False, "train the digits on the Computer vision page, then pick that model here")
    top, probability = _prediction(attempt)
    progress = f"it reads {top} at {100 * probability:.1f} % (needs 80 %)"
    return _not_a_digits_drawing(attempt) or Verdict(probability >= 0.8, progress)


# ---- the custom datasets page: the learner's own images ----------------------------------------------------

OWN_CLASSES, OWN_IMAGES, OWN_ACCURACY = 3, 10, 0.8


def bring_your_own(attempt: Attempt) -> Verdict:
    """The learner's own zip loaded: three classes or more, at least 10 training images in each."""
    extra = attempt.extra
    if not extra:
        return Verdict(False, "no data set loaded yet")
    if not extra.get("own"):
        return Verdict(False, "this is the example: pick 'your zip' and upload your own")
    progress = f"{extra['classes']} classes, the smallest with {extra['fewest']} training images (needs 3 and 10)"
    return Verdict(extra["classes"] >= OWN_CLASSES and extra["fewest"] >= OWN_IMAGES, progress)


def split_like_the_course(attempt: Attempt) -> Verdict:
    """The learner's own zip with its own train/ and test/ folders, as the course lays out pizza_steak_sushi."""
    extra = attempt.extra
    if not extra.get("own"):
        return Verdict(False, "upload your own zip first")
    if not extra.get("split_given"):
        return Verdict(False, "split 80/20 here: put train/ and test/ folders at the top of the zip")
    return Verdict(True, "the zip's own train/ and test/ folders are used")


def train_on_your_own(attempt: Attempt) -> Verdict:
    """TinyVGG trained on the learner's own data set (Computer vision page) to 80 % test accuracy."""
    extra = attempt.extra
    if not extra.get("own"):
        return Verdict(False, "upload your own zip first")
    if not extra.get("trained"):
        return Verdict(False, "pick 'Your data set' on the Computer vision page and train it there")
    return _accuracy_goal(attempt, OWN_ACCURACY, "your data set", None)


# ---- the experiments page: runs tracked, compared, and the going-modular CLI -------------------------------


def run_the_cli(attempt: Attempt) -> Verdict:
    """A run of the course's command-line script (python -m core.train) in the runs folder."""
    cli = [run for run in attempt.extra.get("runs", ()) if run.source == "cli"]
    if not cli:
        return Verdict(False, "no CLI run in the runs folder yet")
    return Verdict(True, f"{len(cli)} CLI run{'' if len(cli) == 1 else 's'}, the latest {cli[-1].name}")


def keep_a_run(attempt: Attempt) -> Verdict:
    """One of this session's runs saved to the runs folder (it outlives the session)."""
    saved = attempt.extra.get("saved", 0)
    if not saved:
        return Verdict(False, "none of this session's runs saved yet")
    return Verdict(True, f"{saved} run{'' if saved == 1 else 's'} of this session saved")


def one_change_at_a_time(attempt: Attempt) -> Verdict:
    """Two picked runs that differ in exactly one setting and trained for as many epochs."""
    picked = list(attempt.extra.get("picked", ()))
    if len(picked) < 2:
        return Verdict(False, "pick two runs or more")
    closest = None
    for i, first in enumerate(picked):
        for second in picked[i + 1 :]:
            keys = differing_settings([first, second])
            if len(keys) == 1 and first.final.get("epoch") == second.final.get("epoch"):
                return Verdict(True, f"{first.name} and {second.name} differ only in {keys[0]}")
            closest = len(keys) if closest is None else min(closest, len(keys))
    return Verdict(False, f"the closest picked pair differs in {closest} settings, or trained for different epochs")


CHALLENGES: tuple[Challenge, ...] = (
    Challenge(
        "classification/spiral",
        "classification",
        "Separate TF Playground's spiral at 90 % test accuracy with at most two hidden layers.",
        (
            "With x1 and x2 alone a small network struggles: add the inputs sin x1 and sin x2.",
            "Give both layers 6 to 8 neurons; tanh or ReLU both work.",
            "If the loss jumps about, lower the learning rate to 0.01 and let it train longer.",
        ),
        spiral_two_layers,
    ),
    Challenge(
        "classification/xor",
        "classification",
        "Classify exclusive or at 95 % test accuracy without a single hidden layer.",
        (
            "Without hidden layers the boundary is a straight line in the inputs you give it.",
            "One input makes the four quadrants separable by a line: which feature is positive in two of them?",
            "Tick x1*x2 (it is positive where x1 and x2 share a sign).",
        ),
        xor_without_hidden_layers,
    ),
    Challenge(
        "classification/circle",
        "classification",
        "Separate the circle at 95 % test accuracy using only x1 and x2 and one hidden layer of at most 3 neurons.",
        (
            "Each neuron draws one straight line; how many lines make a shape that encloses the centre?",
            "Three neurons can draw a triangle around the blue points.",
            "Try 3 neurons with tanh or ReLU and a learning rate of 0.03 to 0.1.",
        ),
        small_circle,
    ),
    Challenge(
        "classification/rescue",
        "classification",
        "Make a run blow up with a learning rate that is too large, then rescue the same run: lower the rate and "
        "train it back above 80 % test accuracy.",
        (
            "A learning rate of 10 makes most networks blow up within a few epochs.",
            "When it stops, the app puts back the last good weights: nothing is lost.",
            "Lower the learning rate (0.03 is TF Playground's default) and press Play, without Reset.",
        ),
        diverge_then_rescue,
    ),
    Challenge(
        "classification/multi-gauss",
        "classification",
        "Regression: fit TF Playground's multi gaussian to a test loss of at most 0.02.",
        (
            "Choose Regression as the problem type, then the Multi gaussian data set.",
            "Six bumps need more than a few straight lines: try two hidden layers of 8.",
            "Be patient, or try Adam with a learning rate of 0.01.",
        ),
        fit_multi_gaussian,
    ),
    Challenge(
        "workflow/truth",
        "workflow",
        "Get within 0.01 of the true weight and bias with SGD in under 100 epochs (the course's settings need 166).",
        (
            "Watch the path on the loss landscape: it creeps along a long, flat valley.",
            "Momentum keeps the speed the gradient built up, along the valley.",
            "Try momentum 0.9 with the course's learning rate of 0.01.",
        ),
        truth_with_sgd,
    ),
    Challenge(
        "workflow/fast",
        "workflow",
        "Bring the straight line's train loss to at most 0.005 within 100 epochs with plain SGD (momentum 0).",
        (
            "The learning rate alone is not enough: at 0.1, L1 loss stalls around 0.075.",
            "L1's gradient has the same size however close you are; MSE's shrinks as you get closer.",
            "Try MSE with a learning rate of 0.1.",
        ),
        fast_line,
    ),
    Challenge(
        "workflow/sine",
        "workflow",
        "Fit the sine curve to a train loss of at most 0.02. (A straight line cannot: see why.)",
        (
            "Pick the sine curve and watch a straight line give up.",
            "Pick the small MLP as the model: its hidden layers can bend.",
            "Adam with a learning rate of 0.01 gets there in a few hundred epochs (MSE a little sooner).",
        ),
        fit_the_sine,
    ),
    Challenge(
        "vision/four-channels",
        "vision",
        "Reach 95 % test accuracy on the digits with at most 4 channels per conv layer.",
        (
            "Set hidden units to 4 in 2. Model: the shape tracer shows how few numbers are left.",
            "A small network needs more epochs: let it train for ten or so.",
            "Adam with the course's learning rate of 0.001 gets there.",
        ),
        digits_with_four_channels,
    ),
    Challenge(
        "vision/one-block",
        "vision",
        "Reach 95 % test accuracy on the digits with a single conv block.",
        (
            "Set conv blocks to 1 in 2. Model: one conv block, one pooling, then the classifier.",
            "8 x 8 digits are small: one block already sees most of an image.",
        ),
        digits_with_one_block,
    ),
    Challenge(
        "vision/sgd",
        "vision",
        "Reach 90 % test accuracy on the digits with SGD instead of Adam.",
        (
            "With SGD at the course's learning rate of 0.01 the network hardly moves.",
            "Raise the learning rate, and add momentum.",
            "Try a learning rate of 0.05 with momentum 0.9.",
        ),
        digits_with_sgd,
    ),
    Challenge(
        "tensors/shape",
        "tensors",
        "Fix the shape mismatch: rewrite c = a @ b so it multiplies the two 2 x 3 matrices.",
        (
            "For a @ b, the columns of a must equal the rows of b: [2, 3] @ [?, ?].",
            "Turn one of them over: .T swaps a matrix's rows and columns.",
            "c = a @ b.T gives a 2 x 2 result; a.T @ b a 3 x 3 one.",
        ),
        fixed_shape,
    ),
    Challenge(
        "tensors/labels",
        "tensors",
        "Fix the float class labels: rewrite the loss line so CrossEntropyLoss accepts the targets.",
        (
            "The message names the dtype it expected.",
            "Class indices are whole numbers stored as int64, which PyTorch calls Long.",
            "targets.long() converts them.",
        ),
        fixed_labels,
    ),
    Challenge(
        "tensors/layer",
        "tensors",
        "Fix the integer input: rewrite out = layer(x) so the float32 layer takes x.",
        (
            "torch.tensor([[1, 2, 3]]) is int64 because the numbers were typed without a decimal point.",
            "Both sides of the layer's matrix multiply need the same dtype.",
            "x.float() converts x to float32.",
        ),
        fixed_layer,
    ),
    Challenge(
        "tensors/device",
        "tensors",
        "Fix the device mismatch: rewrite out = model(x) so the model and the data are on the same device.",
        (
            "The model lives on one device and x on another; one of them has to move.",
            "The model's weights know where they live: model.weight.device.",
            "x.to(model.weight.device) moves the data to the model (the device-agnostic way).",
        ),
        fixed_device,
    ),
    Challenge(
        "backprop/halve",
        "backprop",
        "Train it step by step until the training-set loss is half what it was at the start.",
        (
            "Ten batches runs the five lines ten times over.",
            "At the playground's learning rate of 0.03 this takes hundreds of steps: try 0.3 on the classification "
            "page (it opens a fresh copy here).",
            "Starting from the playground's trained weights? New start draws fresh ones.",
        ),
        halve_the_loss,
    ),
    Challenge(
        "backprop/by-hand",
        "backprop",
        "Be the optimizer: after loss.backward(), set one weight by hand, against its gradient, so the "
        "training-set loss falls.",
        (
            "Run the loop up to loss.backward(): every weight now has a .grad.",
            "A positive .grad means the loss rises as the weight rises: make the weight a little smaller.",
            "optimizer.step() would move it by lr × grad; try about ten times that.",
        ),
        set_against_the_gradient,
    ),
    Challenge(
        "backprop/predict",
        "backprop",
        "Predict the update: after loss.backward(), work out what optimizer.step() will make one weight, before "
        "it runs.",
        (
            "Plain SGD moves every weight by the learning rate times its gradient.",
            "The new value is w − lr · grad: the value now, minus the learning rate times .grad.",
            "Type it in the prediction box under the chosen parameter, then press Optimizer step.",
        ),
        predict_the_update,
    ),
    Challenge(
        "backprop/overshoot",
        "backprop",
        "Overshoot: make a single optimizer.step() raise the training-set loss by half or more.",
        (
            "A step moves every weight by lr × grad: a big enough learning rate jumps past the valley.",
            "Set the learning rate to 10 on the classification page, then come back.",
            "Run All five, and watch the training-set loss beside the chosen parameter.",
        ),
        overshoot,
    ),
    Challenge(
        "evaluation/mix-up",
        "evaluation",
        "Find the mix-up: select the cell where a model of three or more classes makes the most mistakes.",
        (
            "Rows are the true classes, columns what the model predicted: the diagonal holds the right answers.",
            "Cells show counts by default; the darkest cell off the diagonal is the one.",
            "Click it, or pick its true and predicted classes above the matrix.",
        ),
        find_the_mix_up,
    ),
    Challenge(
        "evaluation/recall",
        "evaluation",
        "Miss nothing: with a two-class model, lower the threshold until class 1's recall is at least 99 %, and "
        "see what precision pays.",
        (
            "Train the classification playground's circle (two classes), then pick it here.",
            "A lower threshold calls more examples class 1: fewer are missed, more are wrongly flagged.",
            "Watch recall and precision in Metrics explained as you move the slider.",
        ),
        recall_by_threshold,
    ),
    Challenge(
        "evaluation/f1",
        "evaluation",
        "No weak class: evaluate a model of three or more classes whose every class has an F1 of at least 0.9.",
        (
            "Metrics explained shows each class's F1: the weakest one is the challenge.",
            "FashionMNIST's shirts are hard; the digits on the Computer vision page are easier.",
            "Train the digits for ten epochs or so, then pick that model here.",
        ),
        every_class_f1,
    ),
    Challenge(
        "evaluation/beat",
        "evaluation",
        "Beat yourself: keep an evaluation, train the same model further, and get a higher test accuracy on the "
        "same examples.",
        (
            "Compare has the button: Keep this evaluation to compare.",
            "Train on (the quick model's button, or Play on its page), then come back here.",
            "The kept numbers stay put; the model picked above is evaluated again with its new weights.",
        ),
        beat_the_kept_model,
    ),
    Challenge(
        "transfer/two-shot",
        "transfer",
        "Learn from two examples: reach 75 % test accuracy with the pretrained network and 2 training images per "
        "class (from scratch it stays near chance).",
        (
            "Set Training images per class to 2 and press Play.",
            "ImageNet's features already tell trousers from bags; the new classifier only has to find the split.",
            "Give it ten or twenty epochs: two images are little to go on, so it takes a while.",
        ),
        two_shot,
    ),
    Challenge(
        "transfer/fine-tune",
        "transfer",
        "Fine-tune: let stage 7 and the head train too, and still reach 85 % test accuracy.",
        (
            "In 3. Freeze or train each part, tick stage 7 and head.",
            "More trains, so each epoch takes longer: the cache now stops at stage 6.",
            "With 10 images per class and Adam at 0.001 it gets there in about ten epochs.",
        ),
        fine_tune,
    ),
    Challenge(
        "transfer/ten-classes",
        "transfer",
        "All ten classes: reach 70 % test accuracy on all the classes of the built-in set, from at most 20 images "
        "of each.",
        (
            "Pick all ten classes in 2. Your classes: the chance level drops to 10 %.",
            "Shirts, T-shirts, pullovers and coats look alike: that is where the mistakes go.",
            "20 images per class gets there in about ten epochs; the Evaluation page shows the confusions.",
        ),
        every_class_few_images,
    ),
    Challenge(
        "classify/seven",
        "classify",
        "Draw a 7 that the digits model reads as 7 with at least 90 % probability.",
        (
            "Watch 'What the model sees': the drawing is cropped to the ink and shrunk to 8 x 8, like its scans.",
            "A plain 7 often reads as a 2 here: the people who wrote these digits drew their 7s differently.",
            "Try the European 7, with a short bar across its middle.",
        ),
        draw_a_seven,
    ),
    Challenge(
        "classify/hesitate",
        "classify",
        "Make it hesitate: draw something the digits model gives less than 50 % to its best guess.",
        (
            "A model trained on digits must pick a digit, even for a scribble.",
            "Something halfway between two digits splits the probability between them.",
            "Try an L: is it a 1 with a foot, or a 6 left open?",
        ),
        make_it_hesitate,
    ),
    Challenge(
        "classify/photo",
        "classify",
        "Name a photo: upload one (or take one) that the ImageNet network names with at least 50 % probability.",
        (
            "Pick 'EfficientNet-Lite0 pretrained on ImageNet' as the model.",
            "ImageNet's 1,000 classes are photos of one thing: an animal, a mug, a keyboard.",
            "One object, well lit, filling most of the picture.",
        ),
        name_a_photo,
    ),
    Challenge(
        "classify/own-model",
        "classify",
        "Your own model: train the digits on the Computer vision page, pick it here, and have it read your drawing "
        "at 80 % or more.",
        (
            "Train on the Computer vision page for a few epochs (95 % test accuracy is plenty).",
            "It appears in this page's model list as the computer vision page's model.",
            "Draw as the digits look: thick strokes, centred.",
        ),
        your_own_model_reads_it,
    ),
    Challenge(
        "custom/own",
        "custom",
        "Bring your own images: load a zip of your own class folders, three classes or more with at least 10 "
        "training images each.",
        (
            "One folder per class, named after it: shapes/circle/1.png, shapes/square/2.png, …",
            "Photos from your phone work: they are shrunk as they load. Up to 10 MB in all.",
            "Zip the folder that holds the class folders, then pick 'your zip' here.",
        ),
        bring_your_own,
    ),
    Challenge(
        "custom/split",
        "custom",
        "Split it like the course: a zip of your own with train/ and test/ folders, the same classes in each.",
        (
            "The course's pizza_steak_sushi has train/pizza, train/steak, …, test/pizza, test/steak, …",
            "Without them, this page splits each class 80/20 by itself.",
            "Keep a fifth of each class's images for test/.",
        ),
        split_like_the_course,
    ),
    Challenge(
        "custom/train",
        "custom",
        "Train TinyVGG on your own data set to 80 % test accuracy (on the Computer vision page).",
        (
            "On the Computer vision page, pick 'Your data set' in 1. Data, then press Play in 3. Train.",
            "Few images? Fewer hidden units overfit less; augmentation helps too.",
            "Classes that look alike are hard: the Evaluation page shows which ones it mixes up.",
        ),
        train_on_your_own,
    ),
    Challenge(
        "experiments/fair",
        "experiments",
        "A fair comparison: pick two runs that differ in exactly one setting and trained for as many epochs, and "
        "read which value helped.",
        (
            "Train on a page, change one setting (the learning rate, say), train again for as many epochs.",
            "The table shows only the settings that differ: you want exactly one.",
            "Which change helped? says which run won and by how much.",
        ),
        one_change_at_a_time,
    ),
    Challenge(
        "experiments/keep",
        "experiments",
        "Keep a run: save one of this session's runs to the runs folder, so it outlives the session.",
        (
            "This session's runs are listed at the top, each with Save to the runs folder.",
            "A teacher can point PLAYGROUND_RUNS at one folder for the whole class.",
        ),
        keep_a_run,
    ),
    Challenge(
        "experiments/cli",
        "experiments",
        "Going modular: train with the course's command-line script, and find its run here.",
        (
            "Every code view offers the project as a zip; the app's own is python -m core.train.",
            "python -m core.train --data digits --epochs 5 writes its run to the runs folder.",
            "Reload this page: the run is listed, ready to compare with the app's.",
        ),
        run_the_cli,
    ),
    Challenge(
        "augmentation/memorising",
        "augmentation",
        "Watch it memorise: train until the run without augmentation is 15 points more accurate on its training "
        "images than on the test images.",
        (
            "The gap grows with training: give it 30 to 40 epochs.",
            "Fewer training images are memorised sooner: try 100.",
            "The charts draw train and test accuracy: the space between the two lines is the gap.",
        ),
        memorising,
    ),
    Challenge(
        "augmentation/close-gap",
        "augmentation",
        "Close the gap: get the augmented run to 60 % test accuracy with its train accuracy at most 5 points above.",
        (
            "The gentle default already does it; 300 training images or more.",
            "Augmented training images are harder than the test images, so train accuracy lags behind.",
            "Give it 15 to 20 epochs.",
        ),
        augmentation_closes_the_gap,
    ),
    Challenge(
        "augmentation/own-pipeline",
        "augmentation",
        "Your own pipeline: train the experiment with a pipeline of three or more transforms built in Preview, to "
        "60 % test accuracy.",
        (
            "In Preview, add transforms that keep the image's size: flips, RandomAffine, ColorJitter, RandomErasing.",
            "Then pick 'the pipeline built in Preview' here.",
            "A pipeline that distorts too much (turns of 180°) learns slowly: keep it gentle.",
        ),
        own_pipeline,
    ),
)


def challenges_for(page: str) -> tuple[Challenge, ...]:
    """The challenges one page sets, in the order a learner meets them."""
    return tuple(challenge for challenge in CHALLENGES if challenge.page == page)
