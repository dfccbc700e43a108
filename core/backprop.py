"""Backpropagation one step at a time, on a real nn.Sequential MLP (the playground's model).

The course's training loop is five lines; `BackpropStepper` runs them one by one on one batch and keeps
what each changed: the activations after the forward pass, the loss, the gradients cleared, every
parameter's `.grad` after `loss.backward()` (read from PyTorch), and the values before and after
`optimizer.step()`. `chain_rule` writes one weight's gradient out by hand, layer by layer, with the numbers
filled in, so a learner can check that autograd computes exactly the chain rule.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field

import torch
from torch import Tensor, nn

from core.objectives import BinaryCrossEntropy, ProbabilityMSE
from core.parameters import linear_layers

STEPS: tuple[str, ...] = ("forward", "loss", "zero_grad", "backward", "step")
STEP_CODE: dict[str, str] = {
    "forward": "logits = model(X_batch)",
    "loss": "loss = loss_fn(logits, y_batch)",
    "zero_grad": "optimizer.zero_grad()",
    "backward": "loss.backward()",
    "step": "optimizer.step()",
}
STEP_TITLES: dict[str, str] = {
    "forward": "1. Forward pass",
    "loss": "2. Loss",
    "zero_grad": "3. Zero the gradients",
    "backward": "4. Backward pass",
    "step": "5. Step",
}


def loop_source(batch_size: int, lr: float) -> str:
    """The training loop the buttons step through, as the course writes it."""
    return "\n".join(
        [
            f"optimizer = torch.optim.SGD(model.parameters(), lr={lr!r})",
            f"for X_batch, y_batch in batches(X_train, y_train, batch_size={batch_size}):",
            *(f"    {STEP_CODE[step]}" for step in STEPS),
        ]
    )


def _activation_after(model: nn.Sequential, index: int) -> nn.Module | None:
    """The activation module that follows the Linear at position `index` in the Sequential (None: the output)."""
    modules = list(model)
    following = modules[index + 1] if index + 1 < len(modules) else None
    return None if following is None or isinstance(following, nn.Linear) else following


def activation_derivative(activation: nn.Module | None, z: Tensor) -> Tensor:
    """d a / d z of an activation at pre-activations z (None, nn.Identity: 1)."""
    if activation is None or isinstance(activation, nn.Identity):
        return torch.ones_like(z)
    if isinstance(activation, nn.Tanh):
        return 1 - torch.tanh(z) ** 2
    if isinstance(activation, nn.Sigmoid):
        s = torch.sigmoid(z)
        return s * (1 - s)
    if isinstance(activation, nn.ReLU):
        return (z > 0).to(z.dtype)
    if isinstance(activation, nn.LeakyReLU):
        return torch.where(z > 0, torch.ones_like(z), torch.full_like(z, activation.negative_slope))
    if isinstance(activation, nn.GELU):  # the exact GELU: z * Phi(z)
        phi = torch.exp(-0.5 * z**2) / math.sqrt(2 * math.pi)
        cdf = 0.5 * (1 + torch.erf(z / math.sqrt(2)))
        return cdf + z * phi
    raise ValueError(f"No derivative written out for {type(activation).__name__}.")


DERIVATIVE_TEXT: dict[str, str] = {
    "Tanh": "1 − tanh(z)²",
    "Sigmoid": "σ(z)·(1 − σ(z))",
    "ReLU": "1 if z > 0 else 0",
    "LeakyReLU": "1 if z > 0 else 0.01",
    "GELU": "Φ(z) + z·φ(z)",
    "Identity": "1",
}


def output_gradient(loss_fn: nn.Module, logits: Tensor, y: Tensor) -> tuple[Tensor, str]:
    """dL/d(logits) for a mean-reduced loss, worked out by hand; and the formula as text."""
    n = logits.shape[0]
    if isinstance(loss_fn, BinaryCrossEntropy):
        return (torch.sigmoid(logits) - y.float().unsqueeze(1)) / n, "dL/dz = (σ(z) − y) / N"
    if isinstance(loss_fn, nn.CrossEntropyLoss):
        one_hot = nn.functional.one_hot(y, logits.shape[1]).to(logits.dtype)
        return (torch.softmax(logits, dim=1) - one_hot) / n, "dL/dz_k = (softmax(z)_k − [y = k]) / N"
    if isinstance(loss_fn, ProbabilityMSE):
        if logits.shape[1] == 1:
            p = torch.sigmoid(logits)
            return 2 * (p - y.float().unsqueeze(1)) * p * (1 - p) / n, "dL/dz = 2(σ(z) − y)·σ(z)(1 − σ(z)) / N"
        p = torch.softmax(logits, dim=1)
        one_hot = nn.functional.one_hot(y, logits.shape[1]).to(logits.dtype)
        d_p = 2 * (p - one_hot) / (n * logits.shape[1])
        return p * (d_p - (p * d_p).sum(dim=1, keepdim=True)), "dL/dz = softmax Jacobianᵀ · 2(p − onehot) / (N·C)"
    if isinstance(loss_fn, nn.MSELoss):
        return 2 * (logits - y.reshape(logits.shape).to(logits.dtype)) / logits.numel(), "dL/dŷ = 2(ŷ − y) / N"
    raise ValueError(f"No gradient written out for {type(loss_fn).__name__}.")


def _numbers(values: Tensor, digits: int = 6) -> str:
    return ", ".join(f"{float(v):.{digits}g}" for v in values)


@dataclass
class ChainRule:
    """One parameter's gradient by the chain rule, with the numbers; and autograd's value to compare."""

    name: str  # e.g. "layer 2, w[1, 3] (unit 3 → unit 1)"
    formula: list[str]  # the symbolic chain, output side first
    point_lines: list[str]  # the chain for one point of the batch, numbers filled in
    per_point: list[float]  # each batch point's contribution; their sum is the gradient
    total: float  # the chain rule's value: sum over the batch
    autograd: float  # param.grad from loss.backward()


@dataclass
class Snapshot:
    """What the last steps left to show."""

    z: list[Tensor] = field(default_factory=list)  # pre-activations per Linear layer, [N, units]
    a: list[Tensor] = field(default_factory=list)  # the inputs then each layer's output after its activation
    weights: list[Tensor] = field(default_factory=list)  # each Linear's weight as the forward pass used it
    logits: Tensor | None = None
    loss: float | None = None
    grads: dict[str, Tensor | None] = field(default_factory=dict)  # name -> .grad as PyTorch holds it
    before: dict[str, Tensor] = field(default_factory=dict)  # parameter values before optimizer.step()
    after: dict[str, Tensor] = field(default_factory=dict)


@dataclass(frozen=True)
class HandEdit:
    """One weight or bias set by hand: its value and the training-set loss before and after, and its .grad then."""

    name: str
    index: tuple[int, ...]
    old: float
    new: float
    grad: float | None  # the gradient the last backward pass left for it (None before any)
    loss_before: float
    loss_after: float


@dataclass(frozen=True)
class Prediction:
    """A learner's guess of one parameter's value after the next optimizer.step(), and what the step gave."""

    name: str
    index: tuple[int, ...]
    step: int  # the optimizer step it was for (1 = the first since the start)
    old: float
    predicted: float
    actual: float


class BackpropStepper:
    """The five steps of the training loop, one call each, on `model` and batches of (X, y).

    It keeps the training-set loss at the start and after each optimizer step (`losses`), every weight set
    by hand since the start (`edits`) and every guess of a step's result (`predictions`): what the page's
    challenges are checked on.
    """

    def __init__(
        self, model: nn.Sequential, loss_fn: nn.Module, X: Tensor, y: Tensor, lr: float, batch_size: int, seed: int
    ) -> None:
        self.model = model
        self.loss_fn = loss_fn
        self.X, self.y = X, y
        self.lr = lr
        self.batch_size = max(1, min(batch_size or len(X), len(X)))
        self.optimizer = torch.optim.SGD(model.parameters(), lr=lr)  # plain SGD: the update is w − lr·grad
        self.generator = torch.Generator().manual_seed(seed)
        self.start = copy.deepcopy(model.state_dict())  # "same start" rewinds to this
        self.next = 0  # index into STEPS of the step the next call runs
        self.steps_done = 0  # optimizer steps taken
        self.batch = torch.arange(self.batch_size)
        self.shown = Snapshot()
        self._logits: Tensor | None = None
        self._loss: Tensor | None = None
        self.losses = [self.current_loss()]
        self.edits: list[HandEdit] = []
        self.predictions: list[Prediction] = []
        self._guess: tuple[str, tuple[int, ...], int, float] | None = None  # for the step that makes steps_done

    @property
    def next_step(self) -> str:
        """The step the next call to `advance` runs."""
        return STEPS[self.next]

    def named_parameters(self) -> list[tuple[str, nn.Parameter]]:
        """The model's parameters with their names."""
        return list(self.model.named_parameters())

    def advance(self) -> str:
        """Run the next of the five steps; returns its name."""
        step = self.next_step
        if step == "forward":
            self.batch = torch.randperm(len(self.X), generator=self.generator)[: self.batch_size]
            self._forward()
        elif step == "loss":
            assert self._logits is not None
            self._loss = self.loss_fn(self._logits, self.y[self.batch])
            self.shown.loss = float(self._loss.detach())
        elif step == "zero_grad":
            self.optimizer.zero_grad()
            self.shown.grads = {name: p.grad for name, p in self.named_parameters()}
        elif step == "backward":
            assert self._loss is not None
            self._loss.backward()
            self.shown.grads = {name: p.grad.detach().clone() for name, p in self.named_parameters()}
        else:
            self.shown.before = {name: p.detach().clone() for name, p in self.named_parameters()}
            self.optimizer.step()
            self.shown.after = {name: p.detach().clone() for name, p in self.named_parameters()}
            self.steps_done += 1
            self.losses.append(self.current_loss())
            self._settle_guess()
        self.next = (self.next + 1) % len(STEPS)
        return step

    def _forward(self) -> None:
        x = self.X[self.batch]
        z_list, a_list = [], [x.detach().clone()]
        for module in self.model:
            x = module(x)
            if isinstance(module, nn.Linear):
                z_list.append(x.detach().clone())
                a_list.append(x.detach().clone())  # replaced by the activation's output when one follows
            else:
                a_list[-1] = x.detach().clone()
        self._logits = x
        weights = [layer.weight.detach().clone() for layer in linear_layers(self.model)]
        self.shown = Snapshot(z=z_list, a=a_list, weights=weights, logits=x.detach().clone())

    def rewind(self, same_start: bool, seed: int | None = None) -> None:
        """Back to the first step: the run's starting weights (`same_start`), or fresh ones drawn from `seed`."""
        if same_start:
            self.model.load_state_dict(self.start)
        else:
            generator = torch.Generator().manual_seed(seed if seed is not None else int(torch.seed() % 2**31))
            with torch.no_grad():
                for layer in linear_layers(self.model):
                    bound = 1 / math.sqrt(layer.in_features)
                    layer.weight.uniform_(-bound, bound, generator=generator)
                    layer.bias.uniform_(-bound, bound, generator=generator)
            self.start = copy.deepcopy(self.model.state_dict())
        self.optimizer = torch.optim.SGD(self.model.parameters(), lr=self.lr)
        self.next, self.steps_done = 0, 0
        self.shown = Snapshot()
        self._logits = self._loss = None
        self.losses, self.edits, self.predictions, self._guess = [self.current_loss()], [], [], None

    def set_parameter(self, name: str, index: tuple[int, ...], value: float) -> HandEdit:
        """Edit one weight or bias by hand (the next forward pass sees it); returns the edit, also kept in `edits`."""
        parameter = dict(self.named_parameters())[name]
        grad = self.shown.grads.get(name)
        before = self.current_loss()
        with torch.no_grad():
            old = float(parameter[index])
            parameter[index] = value
        edit = HandEdit(
            name, index, old, value, None if grad is None else float(grad[index]), before, self.current_loss()
        )
        self.edits.append(edit)
        return edit

    def predict(self, name: str, index: tuple[int, ...], value: float) -> None:
        """Note the learner's guess of this parameter after the next optimizer.step() (settled when it runs)."""
        self._guess = (name, index, self.steps_done + 1, value)

    def _settle_guess(self) -> None:
        if self._guess is None:
            return
        name, index, step, value = self._guess
        self._guess = None
        if step == self.steps_done:
            old, new = self.shown.before[name][index], self.shown.after[name][index]
            self.predictions.append(Prediction(name, index, step, float(old), value, float(new)))

    def current_loss(self) -> float:
        """The loss on the whole training set with the weights as they are now."""
        with torch.no_grad():
            return float(self.loss_fn(self.model(self.X), self.y))

    def chain_rule(self, layer: int, unit: int, source: int | None, point: int = 0) -> ChainRule:
        """dL/dw for weight w[unit, source] of Linear layer `layer` (0 = first), or its bias (source None).

        Needs a forward pass, the loss and the backward pass of this batch (the grads autograd computed).
        """
        if not self.shown.z or self._logits is None or "backward" not in self._done():
            raise RuntimeError("Run the forward pass, the loss and the backward pass first.")
        layers = linear_layers(self.model)
        modules = list(self.model)
        positions = [i for i, module in enumerate(modules) if isinstance(module, nn.Linear)]
        y = self.y[self.batch]
        delta, output_text = output_gradient(self.loss_fn, self.shown.logits, y)
        deltas = [delta]  # dL/dz per layer, output first
        formula = [f"output layer: {output_text}"]
        for index in range(len(layers) - 1, layer, -1):
            activation = _activation_after(self.model, positions[index - 1])
            d_a = deltas[-1] @ self.shown.weights[index]
            deltas.append(d_a * activation_derivative(activation, self.shown.z[index - 1]))
            name = type(activation).__name__ if activation is not None else "Identity"
            formula.append(
                f"layer {index}: dL/da_j = Σ_k w_kj · dL/dz_k (layer {index + 1});  "
                f"dL/dz_j = dL/da_j · f′(z_j), f′ = {DERIVATIVE_TEXT.get(name, name)}"
            )
        d_z = deltas[-1][:, unit]
        source_values = self.shown.a[layer][:, source] if source is not None else torch.ones_like(d_z)
        contributions = d_z * source_values
        parameter = layers[layer].bias if source is None else layers[layer].weight
        grad = parameter.grad
        autograd = float(grad[unit] if source is None else grad[unit, source]) if grad is not None else float("nan")
        if source is None:
            name = f"layer {layer + 1}, bias b[{unit}]"
            formula.append(f"dL/db = Σ over the batch of dL/dz_{unit} · 1")
        else:
            name = f"layer {layer + 1}, w[{unit}, {source}] (input {source} → unit {unit})"
            formula.append(f"dL/dw = Σ over the batch of dL/dz_{unit} · a_{source}   (dz/dw = a, this weight's input)")
        lines = self._point_lines(deltas, layer, unit, source, point)
        return ChainRule(
            name=name,
            formula=formula,
            point_lines=lines,
            per_point=[float(v) for v in contributions],
            total=float(contributions.sum()),
            autograd=autograd,
        )

    def _done(self) -> tuple[str, ...]:
        return STEPS[: self.next] if self.next else STEPS

    def _point_lines(self, deltas: list[Tensor], layer: int, unit: int, source: int | None, n: int) -> list[str]:
        """The chain for batch point `n`, from the output back to this parameter."""
        layers = linear_layers(self.model)
        out = len(layers) - 1
        logits = ", ".join(f"{float(v):.4g}" for v in self.shown.logits[n])
        label = self.y[self.batch][n]
        outputs, target = ("output", "target value") if label.is_floating_point() else ("logits", "label")
        lines = [
            f"point {n}: output dL/dz = {_numbers(deltas[0][n])}  ({outputs} {logits}, {target} {float(label):g})",
        ]
        for depth, index in enumerate(range(out, layer, -1), start=1):
            d_z = deltas[depth][n]
            z = self.shown.z[index - 1][n]
            lines.append(f"layer {index}: z = {_numbers(z, 4)} → dL/dz = {_numbers(d_z)}")
        d_unit = float(deltas[out - layer][n, unit])
        if source is None:
            lines.append(f"dL/db for point {n} = dL/dz_{unit} · 1 = {d_unit:.6g}")
        else:
            a = float(self.shown.a[layer][n, source])
            lines.append(f"dL/dw for point {n} = dL/dz_{unit} · a_{source} = {d_unit:.6g} × {a:.6g} = {d_unit * a:.6g}")
        return lines
