"""Training engine: one train step, evaluation, and a Trainer that yields one record per epoch.

The engine never prints: a page renders between epochs, and a CLI can wrap
the same generator in a progress bar.
"""

from __future__ import annotations

import copy
import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import torch
from torch import Tensor, nn

from core.metrics import accuracy

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
) -> Tensor:
    """One gradient-descent step on one batch; returns the detached data loss (no .item(): no sync)."""
    y_logits = model(X)  # 1. forward pass
    loss = loss_fn(y_logits, y)  # 2. loss
    extra = penalty(model) if penalty is not None else None
    total = loss + extra if extra is not None else loss
    optimizer.zero_grad()  # 3. zero gradients
    total.backward()  # 4. backpropagation
    optimizer.step()  # 5. gradient descent
    return loss.detach()


@torch.inference_mode()
def evaluate(model: nn.Module, loss_fn: nn.Module, X: Tensor, y: Tensor) -> tuple[float, float]:
    """Data loss and accuracy of the model on (X, y), in eval mode."""
    was_training = model.training
    model.eval()
    logits = model(X)
    loss = loss_fn(logits, y).item()
    acc = accuracy(logits, y)
    model.train(was_training)
    return loss, acc


def _finite_model(model: nn.Module) -> bool:
    return all(torch.isfinite(p).all().item() for p in model.parameters())


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
    ) -> None:
        self.device = torch.device(device)
        self.model = model.to(self.device)
        self.loss_fn = loss_fn
        self.optimizer = optimizer
        self.X_train, self.y_train = (t.to(self.device) for t in train)
        self.test = None if test is None or len(test[0]) == 0 else tuple(t.to(self.device) for t in test)
        self.batch_size = batch_size  # None or 0: full batch
        self.penalty = penalty
        self.shuffle = torch.Generator().manual_seed(int(seed))  # batch order, local to this run
        self.epoch = 0
        self.diverged = False

    @property
    def learning_rate(self) -> float:
        """The learning rate of the optimizer's first parameter group."""
        return float(self.optimizer.param_groups[0]["lr"])

    def batches(self) -> Iterator[tuple[Tensor, Tensor]]:
        """The epoch's mini-batches: a fresh permutation per epoch, full batch unshuffled."""
        n = len(self.X_train)
        size = self.batch_size if self.batch_size else n
        if size >= n:
            yield self.X_train, self.y_train
            return
        order = torch.randperm(n, generator=self.shuffle).to(self.device)
        for start in range(0, n, size):
            idx = order[start : start + size]
            yield self.X_train[idx], self.y_train[idx]

    def run_epoch(self) -> EpochRecord:
        """Train one epoch, evaluate, and return its record (raises TrainingDiverged)."""
        if self.diverged:
            raise RuntimeError("This run diverged; reset it before training again.")
        started = time.perf_counter()
        saved_model = copy.deepcopy(self.model.state_dict())
        saved_optimizer = copy.deepcopy(self.optimizer.state_dict())
        self.model.train()
        for X, y in self.batches():
            train_step(self.model, self.loss_fn, self.optimizer, X, y, self.penalty)
        train_loss, train_acc = evaluate(self.model, self.loss_fn, self.X_train, self.y_train)
        if not math.isfinite(train_loss) or not _finite_model(self.model):
            self.model.load_state_dict(saved_model)
            self.optimizer.load_state_dict(saved_optimizer)
            self.diverged = True
            raise TrainingDiverged(self.epoch + 1, self.learning_rate)
        test_loss = test_acc = None
        if self.test is not None:
            test_loss, test_acc = evaluate(self.model, self.loss_fn, *self.test)
        self.epoch += 1
        return EpochRecord(self.epoch, train_loss, train_acc, test_loss, test_acc, time.perf_counter() - started)

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
