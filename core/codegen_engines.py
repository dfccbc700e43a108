"""The training loops of the generated code, once: each project's engine.py, and the same functions inlined
in each single-file script ("Show the PyTorch code"), so both print the page's numbers the same way.
"""

from __future__ import annotations

from core.classification import ClassificationConfig
from core.codegen_classification import loss_source, penalty_source

_ENGINE = '''"""Engine: one epoch of training, one pass over the test set, and the loop that runs them.

The same batch order (a seeded generator), the same running train metrics and the same evaluation as
the playground's engine, so the losses match the page's.
"""
from collections.abc import Callable

import torch
from torch import nn


def train_step(
    model: nn.Module,
    X_train: torch.Tensor,
    y_train: torch.Tensor,
    loss_fn: nn.Module,
    optimizer: torch.optim.Optimizer,
    batch_size: int,
    shuffle: torch.Generator,
    augment: Callable[[torch.Tensor], torch.Tensor] | None = None,
) -> tuple[float, float]:
    """One epoch of mini-batch gradient descent (each batch augmented first, if asked); running loss and accuracy."""
    model.train()
    if batch_size < len(X_train):
        order = torch.randperm(len(X_train), generator=shuffle)
    else:
        order = torch.arange(len(X_train))  # one batch: nothing to shuffle
    train_loss, train_correct = 0.0, 0
    for start in range(0, len(X_train), batch_size):
        idx = order[start : start + batch_size]
        X_batch, y_batch = X_train[idx], y_train[idx]
        if augment is not None:
            X_batch = augment(X_batch)  # data augmentation: a new random version of each image, every epoch
        y_logits = model(X_batch)  # 1. forward pass
        loss = loss_fn(y_logits, y_batch)  # 2. loss
        optimizer.zero_grad()  # 3. zero gradients
        loss.backward()  # 4. backpropagation
        optimizer.step()  # 5. gradient descent
        train_loss += loss.item() * len(X_batch)
        train_correct += (y_logits.argmax(dim=1) == y_batch).sum().item()
    return train_loss / len(X_train), train_correct / len(X_train)


def test_step(model: nn.Module, X_test: torch.Tensor, y_test: torch.Tensor, loss_fn: nn.Module) -> tuple[float, float]:
    """Loss and accuracy on the test set, in eval mode, without gradients."""
    model.eval()
    with torch.inference_mode():
        test_logits = model(X_test)
        test_loss = loss_fn(test_logits, y_test).item()
        test_acc = (test_logits.argmax(dim=1) == y_test).float().mean().item()
    return test_loss, test_acc


def train(
    model: nn.Module,
    data: tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor],
    loss_fn: nn.Module,
    optimizer: torch.optim.Optimizer,
    epochs: int,
    batch_size: int,
    seed: int,
    augment: Callable[[torch.Tensor], torch.Tensor] | None = None,
) -> dict[str, list[float]]:
    """Train for `epochs`, printing one line per epoch; returns the course's results dictionary."""
    X_train, y_train, X_test, y_test = data
    shuffle = torch.Generator().manual_seed(seed)  # batch order
    results: dict[str, list[float]] = {"train_loss": [], "train_acc": [], "test_loss": [], "test_acc": []}
    for epoch in range(epochs):
        train_loss, train_acc = train_step(model, X_train, y_train, loss_fn, optimizer, batch_size, shuffle, augment)
        test_loss, test_acc = test_step(model, X_test, y_test, loss_fn)
        print(f"Epoch {epoch + 1} | train loss {train_loss:.6f} acc {train_acc:.4f} | "
              f"test loss {test_loss:.6f} acc {test_acc:.4f}")
        for key, value in zip(results, (train_loss, train_acc, test_loss, test_acc), strict=True):
            results[key].append(value)
    return results
'''


_REGRESSION_ENGINE = '''"""Engine: a full-batch step per epoch, then the train and test losses (the course's loop)."""
import math

import torch
from torch import nn


def train_step(model: nn.Module, X_train: torch.Tensor, y_train: torch.Tensor, loss_fn, optimizer) -> None:
    """One epoch: the five steps on all training points at once."""
    model.train()
    y_pred = model(X_train)  # 1. forward pass
    loss = loss_fn(y_pred, y_train)  # 2. loss
    optimizer.zero_grad()  # 3. zero gradients
    loss.backward()  # 4. backpropagation
    optimizer.step()  # 5. gradient descent


def test_step(model: nn.Module, X: torch.Tensor, y: torch.Tensor, loss_fn) -> float:
    """The loss on (X, y), in eval mode, without gradients."""
    model.eval()
    with torch.inference_mode():
        return loss_fn(model(X), y).item()


def train(model, data, loss_fn, optimizer, epochs: int) -> dict[str, list[float]]:
    """Train for `epochs`, printing one line per epoch; returns the losses per epoch."""
    X_train, y_train, X_test, y_test = data
    results: dict[str, list[float]] = {"train_loss": [], "test_loss": []}
    for epoch in range(epochs):
        train_step(model, X_train, y_train, loss_fn, optimizer)
        train_loss, test_loss = test_step(model, X_train, y_train, loss_fn), test_step(model, X_test, y_test, loss_fn)
        if not math.isfinite(train_loss):
            print(f"Epoch {epoch + 1}: the loss is not finite; lower the learning rate.")
            break
        print(f"Epoch {epoch + 1} | train loss {train_loss:.6f} | test loss {test_loss:.6f}")
        results["train_loss"].append(train_loss)
        results["test_loss"].append(test_loss)
    return results
'''


def image_engine() -> str:
    """engine.py for image models: mini-batches in a seeded order (optionally augmented), running train metrics."""
    return _ENGINE


def regression_engine() -> str:
    """engine.py for the workflow page: one full-batch step per epoch, then the train and test losses."""
    return _REGRESSION_ENGINE


def classification_engine(config: ClassificationConfig) -> str:
    """engine.py for the classification playground: its loss, its penalty, evaluation on every point.

    Regression (a value per point) evaluates the loss alone: there is no accuracy to print.
    """
    _, loss_expr = loss_source(config)
    if config.data.regression:
        outputs, measures = "y_pred", "the loss"
        evaluate = f'''def evaluate(model: nn.Module, loss_fn: nn.Module, X: Tensor, y: Tensor) -> float:
    """The loss on (X, y), in eval mode, without gradients."""
    model.eval()
    with torch.inference_mode():
        y_pred = model(X)
        return {loss_expr}.item()'''
        record = """train_loss = evaluate(model, loss_fn, X_train, y_train)
        test_loss = evaluate(model, loss_fn, X_test, y_test)
        if not math.isfinite(train_loss):
            print(f"Epoch {epoch + 1}: the loss is not finite; lower the learning rate.")
            break
        print(f"Epoch {epoch + 1} | train loss {train_loss:.6f} | test loss {test_loss:.6f}")
        results["train_loss"].append(train_loss)
        results["test_loss"].append(test_loss)"""
        results = '{"train_loss": [], "test_loss": []}'
    else:
        outputs, measures = "y_logits", "loss and accuracy"
        evaluate = f'''def predict(y_logits: Tensor) -> Tensor:
    """Class indices from logits (one logit: above 0 is class 1)."""
    return (y_logits.squeeze(1) > 0).long() if y_logits.shape[1] == 1 else y_logits.argmax(dim=1)


def evaluate(model: nn.Module, loss_fn: nn.Module, X: Tensor, y: Tensor) -> tuple[float, float]:
    """Loss and accuracy on (X, y), in eval mode, without gradients."""
    model.eval()
    with torch.inference_mode():
        y_logits = model(X)
        loss = {loss_expr}
        acc = (predict(y_logits) == y).float().mean()
    return loss.item(), acc.item()'''
        record = """train_loss, train_acc = evaluate(model, loss_fn, X_train, y_train)
        test_loss, test_acc = evaluate(model, loss_fn, X_test, y_test)
        if not math.isfinite(train_loss):
            print(f"Epoch {epoch + 1}: the loss is not finite; lower the learning rate.")
            break
        print(f"Epoch {epoch + 1} | train loss {train_loss:.6f} acc {train_acc:.4f} | "
              f"test loss {test_loss:.6f} acc {test_acc:.4f}")
        for key, value in zip(results, (train_loss, train_acc, test_loss, test_acc), strict=True):
            results[key].append(value)"""
        results = '{"train_loss": [], "train_acc": [], "test_loss": [], "test_acc": []}'
    return f'''"""Engine: mini-batches in the playground's order, then {measures} on all points."""
import math

import torch
from torch import Tensor, nn


{evaluate}


def train_step(
    model: nn.Module,
    X_train: Tensor,
    y_train: Tensor,
    loss_fn: nn.Module,
    optimizer: torch.optim.Optimizer,
    batch_size: int,
    shuffle: torch.Generator,
) -> None:
    """One epoch: shuffle once, then a gradient step per batch (batch_size 0: one full batch)."""
    model.train()
    if 0 < batch_size < len(X_train):
        order = torch.randperm(len(X_train), generator=shuffle)
        batches = zip(X_train[order].split(batch_size), y_train[order].split(batch_size))
    else:
        batches = [(X_train, y_train)]
    for X, y in batches:
        {outputs} = model(X)  # 1. forward pass
        loss = {loss_expr}  # 2. loss
{penalty_source(config)}        optimizer.zero_grad()  # 3. zero gradients
        loss.backward()  # 4. backpropagation
        optimizer.step()  # 5. gradient descent


def train(model, data, loss_fn, optimizer, epochs: int, batch_size: int, seed: int) -> dict[str, list[float]]:
    """Train for `epochs`, printing one line per epoch; returns the course's results dictionary."""
    X_train, y_train, X_test, y_test = data
    shuffle = torch.Generator().manual_seed(seed)  # batch order
    results: dict[str, list[float]] = {results}
    for epoch in range(epochs):
        train_step(model, X_train, y_train, loss_fn, optimizer, batch_size, shuffle)
        {record}
    return results
'''


def engine_section(engine: str, step: int, call: str) -> str:
    """An engine.py inlined as a script's training section: its functions, then the call that trains."""
    body = engine.split('"""', 2)[2].lstrip("\n")  # without the module docstring
    header = f"# ---- {step}. Training loop: train_step, test_step and train, as in engine.py "
    return header + "-" * max(3, 88 - len(header)) + "\n" + body + "\n\n" + call + "\n"
