"""Training engine: one train step, evaluation, and a Trainer that yields one record per epoch.

The engine never prints: a page renders between epochs, and a CLI can wrap
the same generator in a progress bar.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import torch
from torch import Tensor, nn

from core import fastmlp
from core.metrics import accuracy, predict_classes
from core.models import eval_mode

PenaltyFn = Callable[[nn.Module], Tensor | None]


@dataclass(frozen=True)
class EpochRecord:
    """What one epoch of training measured."""

    epoch: int  # epochs completed, counting from 1
    train_loss: float  # data loss on the whole training set after the epoch
    train_acc: float | None  # accuracy on the training set, 0..1
    test_loss: float | None  # data loss on the test set, if there is one
    test_acc: float | None  # accuracy on the test set, 0..1
    seconds: float  # wall time of the epoch, evaluation included


class TrainingDiverged(RuntimeError):
    """The loss stopped being finite; the model holds its last finite weights again."""

    def __init__(self, epoch: int, learning_rate: float | None) -> None:
        self.epoch = epoch
        self.learning_rate = learning_rate
        hint = "Lower the learning rate"
        if learning_rate is not None:
            hint += f" (it is {learning_rate:g}; try {learning_rate / 10:g})"
        super().__init__(
            f"The loss became infinite or NaN in epoch {epoch}, so training stopped and the last "
            f"finite weights were restored. {hint} and press Play again."
        )


def train_step(
    model: nn.Module,
    loss_fn: nn.Module,
    optimizer: torch.optim.Optimizer,
    X: Tensor,
    y: Tensor,
    penalty: PenaltyFn | None = None,
) -> tuple[Tensor, Tensor]:
    """One gradient-descent step on one batch; returns the detached data loss and outputs (no .item(): no sync)."""
    y_logits = model(X)  # 1. forward pass
    loss = loss_fn(y_logits, y)  # 2. loss
    extra = penalty(model) if penalty is not None else None
    total = loss + extra if extra is not None else loss
    optimizer.zero_grad()  # 3. zero gradients
    total.backward()  # 4. backpropagation
    optimizer.step()  # 5. gradient descent
    return loss.detach(), y_logits.detach()


ScoreFn = Callable[[Tensor, Tensor], float]  # (model output, targets) -> a score such as accuracy


@torch.inference_mode()
def evaluate(
    model: nn.Module, loss_fn: nn.Module, X: Tensor, y: Tensor, score: ScoreFn | None = accuracy
) -> tuple[float, float | None]:
    """Data loss and score (accuracy by default; None for regression) of the model on (X, y), in eval mode."""
    with eval_mode(model):
        outputs = model(X)
        loss = loss_fn(outputs, y).item()
        value = score(outputs, y) if score is not None else None
    return loss, value


def _finite_model(model: nn.Module) -> bool:
    sums = [p.detach().sum() for p in model.parameters()]
    return bool(torch.isfinite(torch.stack(sums)).all()) if sums else True


class Snapshot:
    """The model's parameters and the optimizer's state tensors, copied so they can be put back.

    Taken every epoch, so it reuses its buffers and copies with one multi-tensor op.
    """

    def __init__(self, model: nn.Module, optimizer: torch.optim.Optimizer) -> None:
        self.model = model
        self.optimizer = optimizer
        self.copies: list[Tensor] = []
        self.layout: list[tuple[int, tuple[str, ...]]] = []
        self.saved_state: dict = {}

    def _tensors(self) -> tuple[list[Tensor], list[tuple[int, tuple[str, ...]]]]:
        params = list(self.model.parameters())
        tensors = [p.detach() for p in params]
        layout = []
        for i, p in enumerate(params):
            state = self.optimizer.state.get(p, {})
            keys = tuple(sorted(k for k, v in state.items() if isinstance(v, Tensor)))
            layout.append((i, keys))
            tensors += [state[k] for k in keys]
        return tensors, layout

    def take(self) -> None:
        """Remember the current weights and optimizer state."""
        tensors, layout = self._tensors()
        if layout != self.layout or len(tensors) != len(self.copies):
            self.copies = [t.clone() for t in tensors]
            self.layout = layout
        else:
            with torch.no_grad():
                torch._foreach_copy_(self.copies, tensors)
        params = list(self.model.parameters())
        self.saved_state = {
            i: {k: v for k, v in self.optimizer.state.get(params[i], {}).items() if not isinstance(v, Tensor)}
            for i, _ in layout
        }

    def restore(self) -> None:
        """Put the remembered weights and optimizer state back (state made since is dropped)."""
        params = list(self.model.parameters())
        with torch.no_grad():
            torch._foreach_copy_([p.detach() for p in params], self.copies[: len(params)])
        position = len(params)
        for i, keys in self.layout:
            saved = {key: self.copies[position + n].clone() for n, key in enumerate(keys)}
            position += len(keys)
            saved.update(self.saved_state.get(i, {}))
            if saved:
                self.optimizer.state[params[i]] = saved
            else:
                self.optimizer.state.pop(params[i], None)


class Trainer:
    """Holds one training run; `run_epoch()` advances it by one epoch.

    The learning rate, momentum, penalty and batch size can be changed between
    epochs without a reset. A non-finite loss restores the weights and optimizer
    state from before the failing epoch and raises TrainingDiverged.
    """

    def __init__(
        self,
        model: nn.Module,
        loss_fn: nn.Module,
        optimizer: torch.optim.Optimizer,
        train: tuple[Tensor, Tensor],
        test: tuple[Tensor, Tensor] | None,
        *,
        batch_size: int | None,
        device: torch.device | str = "cpu",
        seed: int = 0,
        penalty: PenaltyFn | None = None,
        fused: bool = True,
        score: ScoreFn | None = accuracy,
        on_epoch: Callable[[Trainer], None] | None = None,
        running_train_metrics: bool = False,
        augment: Callable[[Tensor], Tensor] | None = None,
    ) -> None:
        self.device = torch.device(device)
        self.model = model.to(self.device)
        self.loss_fn = loss_fn
        self.optimizer = optimizer
        self.X_train, self.y_train = (t.to(self.device) for t in train)
        self.test = None if test is None or len(test[0]) == 0 else tuple(t.to(self.device) for t in test)
        self.batch_size = batch_size  # None or 0: full batch
        self.penalty = penalty
        self.score = score  # accuracy for classifiers; None for regression
        self.on_epoch = on_epoch  # called after every finite epoch (e.g. to record a parameter path)
        # True: the epoch's train loss/accuracy are averages over its batches, as the course's loop computes
        # them (cheap for big data sets); False: measured on the whole training set after the epoch.
        self.running_train_metrics = running_train_metrics
        self.augment = augment  # applied to each training batch's inputs (data augmentation); None: as they are
        self.samples_seen = 0  # training examples processed, for images per second
        self._batches: list[tuple[Tensor, Tensor]] | None = None  # the epoch in progress
        self._next_batch = 0
        self._epoch_started = 0.0
        self._loss_sum: Tensor | float = 0.0
        self._correct: Tensor | float = 0.0
        self.shuffle = torch.Generator().manual_seed(int(seed))  # batch order, local to this run
        self.epoch = 0
        self.diverged = False
        # The hand-written backward (core.fastmlp) when the model allows it; autograd otherwise.
        self.fused = (
            fastmlp.FusedStep(model, loss_fn, penalty) if fused and fastmlp.supports(model, loss_fn, penalty) else None
        )
        self.targets_train = self.fused.targets(self.y_train) if self.fused is not None else None
        self._snapshot = Snapshot(self.model, self.optimizer)

    @property
    def learning_rate(self) -> float:
        """The learning rate of the optimizer's first parameter group."""
        return float(self.optimizer.param_groups[0]["lr"])

    def _split(self, X: Tensor, targets: Tensor) -> list[tuple[Tensor, Tensor]]:
        """An epoch's mini-batches: one fresh permutation (none for a full batch), then cheap views."""
        size = self.batch_size or len(X)
        if size < len(X):
            order = torch.randperm(len(X), generator=self.shuffle).to(self.device)
            X, targets = X[order], targets[order]
        return list(zip(X.split(size), targets.split(size), strict=True))

    def batches(self) -> list[tuple[Tensor, Tensor]]:
        """A new epoch's mini-batches (X, y), drawn as training draws them."""
        return self._split(self.X_train, self.y_train)

    def _start_epoch(self) -> None:
        if self.diverged:
            raise RuntimeError("This run diverged; reset it before training again.")
        self._epoch_started = time.perf_counter()
        self._snapshot.take()
        self._batches = self._split(self.X_train, self.targets_train if self.fused is not None else self.y_train)
        self._next_batch = 0
        self._loss_sum, self._correct = 0.0, 0.0

    def _train_batch(self) -> None:
        X, target = self._batches[self._next_batch]  # type: ignore[index]
        self._next_batch += 1
        if self.augment is not None:
            X = self.augment(X)
        if self.fused is not None:
            self.fused(X, target, self.optimizer)
        else:
            loss, outputs = train_step(self.model, self.loss_fn, self.optimizer, X, target, self.penalty)
            if self.running_train_metrics:  # tensors, summed without .item(): no sync per batch
                self._loss_sum = self._loss_sum + loss * len(X)
                if self.score is not None:
                    self._correct = self._correct + (predict_classes(outputs) == target).sum()
        self.samples_seen += len(X)

    def _finish_epoch(self) -> EpochRecord:
        self._batches = None
        if self.running_train_metrics:
            count = len(self.X_train)
            train_loss = float(self._loss_sum) / count
            train_acc = float(self._correct) / count if self.score is not None else None
        else:
            train_loss, train_acc = evaluate(self.model, self.loss_fn, self.X_train, self.y_train, self.score)
        if not math.isfinite(train_loss) or not _finite_model(self.model):
            self._snapshot.restore()
            self.diverged = True
            raise TrainingDiverged(self.epoch + 1, self.learning_rate)
        test_loss = test_acc = None
        if self.test is not None:
            test_loss, test_acc = evaluate(self.model, self.loss_fn, *self.test, self.score)
        self.epoch += 1
        if self.on_epoch is not None:
            self.on_epoch(self)
        seconds = time.perf_counter() - self._epoch_started
        return EpochRecord(self.epoch, train_loss, train_acc, test_loss, test_acc, seconds)

    @property
    def epoch_progress(self) -> float:
        """How much of the epoch in progress is done, 0..1."""
        return self._next_batch / len(self._batches) if self._batches else 0.0

    def run_epoch(self) -> EpochRecord:
        """Train (the rest of) one epoch, evaluate, and return its record (raises TrainingDiverged)."""
        if self._batches is None:
            self._start_epoch()
        self.model.train()
        while self._next_batch < len(self._batches):
            self._train_batch()
        return self._finish_epoch()

    def train_for(self, seconds: float, max_epochs: int | None = None) -> list[EpochRecord]:
        """Train batch by batch for about `seconds` (at least one batch); records of the epochs that ended.

        Epochs carry over between calls, so a big data set can train in short slices.
        """
        deadline = time.perf_counter() + seconds
        records: list[EpochRecord] = []
        self.model.train()  # evaluation between epochs switches to eval mode and back
        while True:
            if self._batches is None:
                self._start_epoch()
            self._train_batch()
            if self._next_batch >= len(self._batches):
                records.append(self._finish_epoch())
                if max_epochs is not None and len(records) >= max_epochs:
                    return records
            if time.perf_counter() >= deadline:
                return records

    def current_loss(self, at_most: int = 2_000) -> float:
        """The data loss on (up to `at_most` of) the training set now, before the next epoch."""
        return evaluate(self.model, self.loss_fn, self.X_train[:at_most], self.y_train[:at_most], None)[0]

    def restart_after_divergence(self) -> None:
        """Allow training again from the restored weights (after the learner lowered the rate)."""
        self.diverged = False


def fit(
    model: nn.Module,
    loss_fn: nn.Module,
    optimizer: torch.optim.Optimizer,
    train: tuple[Tensor, Tensor],
    test: tuple[Tensor, Tensor] | None,
    *,
    epochs: int,
    device: torch.device | str = "cpu",
    batch_size: int | None = None,
    seed: int = 0,
    penalty: PenaltyFn | None = None,
) -> Iterator[EpochRecord]:
    """Train for `epochs`, yielding one EpochRecord per epoch (raises TrainingDiverged)."""
    trainer = Trainer(
        model, loss_fn, optimizer, train, test, batch_size=batch_size, device=device, seed=seed, penalty=penalty
    )
    for _ in range(epochs):
        yield trainer.run_epoch()
