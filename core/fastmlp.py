"""A hand-written backward pass for the playground's MLPs: the same gradients as autograd, fewer ops.

Eager autograd costs most of a tiny MLP's training step (building the graph,
bookkeeping for a few dozen small tensors). For nn.Sequential stacks of
nn.Linear and an element-wise activation, with the playground's losses, the
gradients have short closed forms; this module computes them with the same
ATen backward kernels autograd calls (tanh_backward, threshold_backward, ...)
and hands them to the optimizer. SGD's update is PyTorch's own multi-tensor
formula (momentum buffers kept in the optimizer's state); Adam runs its real
step(). Tests check every gradient against autograd and whole runs against
the plain loop.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import torch
from torch import Tensor, nn

from core.objectives import BinaryCrossEntropy, Penalty, ProbabilityMSE, SquaredError

aten = torch.ops.aten
Backward = Callable[[Tensor, Tensor, Tensor], Tensor]  # (grad of output, input z, output h) -> grad of input


def _tanh_backward(d: Tensor, z: Tensor, h: Tensor) -> Tensor:
    return aten.tanh_backward(d, h)


def _sigmoid_backward(d: Tensor, z: Tensor, h: Tensor) -> Tensor:
    return aten.sigmoid_backward(d, h)


def _relu_backward(d: Tensor, z: Tensor, h: Tensor) -> Tensor:
    return aten.threshold_backward(d, h, 0.0)


def _leaky_relu_backward(d: Tensor, z: Tensor, h: Tensor, slope: float) -> Tensor:
    return aten.leaky_relu_backward(d, z, slope, False)


def _gelu_backward(d: Tensor, z: Tensor, h: Tensor, approximate: str) -> Tensor:
    return aten.gelu_backward(d, z, approximate=approximate)


def _backward_of(act: nn.Module) -> Backward | None:
    """The ATen kernel autograd uses for this activation; None for the identity.

    Module-level functions (not lambdas), so a trainer pickles to a worker process.
    """
    if isinstance(act, nn.Identity):
        return None
    if isinstance(act, nn.Tanh):
        return _tanh_backward
    if isinstance(act, nn.Sigmoid):
        return _sigmoid_backward
    if isinstance(act, nn.ReLU):
        return _relu_backward
    if isinstance(act, nn.LeakyReLU):
        return functools.partial(_leaky_relu_backward, slope=act.negative_slope)
    if isinstance(act, nn.GELU):
        return functools.partial(_gelu_backward, approximate=act.approximate)
    raise ValueError(f"No hand-written backward for {type(act).__name__}.")


SUPPORTED_ACTIVATIONS: tuple[type[nn.Module], ...] = (nn.Identity, nn.Tanh, nn.Sigmoid, nn.ReLU, nn.LeakyReLU, nn.GELU)


def loss_kind(loss_fn: nn.Module, n_outputs: int) -> str | None:
    """'bce', 'ce', 'mse1' (sigmoid), 'mse' (softmax) or 'sq' (regression) when the loss has a closed-form gradient."""
    if isinstance(loss_fn, BinaryCrossEntropy) and n_outputs == 1:
        return "bce"
    if (
        type(loss_fn) is nn.CrossEntropyLoss
        and loss_fn.reduction == "mean"
        and loss_fn.label_smoothing == 0
        and loss_fn.weight is None
        and n_outputs > 1
    ):
        return "ce"
    if isinstance(loss_fn, ProbabilityMSE):
        return "mse1" if n_outputs == 1 else "mse"
    if isinstance(loss_fn, SquaredError) and loss_fn.reduction == "mean" and n_outputs == 1:
        return "sq"
    return None


def supports(model: nn.Module, loss_fn: nn.Module, penalty: object | None = None) -> bool:
    """True when `model`, `loss_fn` and `penalty` have a hand-written backward here."""
    if not isinstance(model, nn.Sequential) or len(model) % 2 != 1:
        return False
    if penalty is not None and not isinstance(penalty, Penalty):
        return False
    for index, module in enumerate(model):
        if index % 2 == 0 and not (isinstance(module, nn.Linear) and module.bias is not None):
            return False
        if index % 2 == 1 and type(module) not in SUPPORTED_ACTIVATIONS:
            return False
    return loss_kind(loss_fn, model[-1].out_features) is not None


def _plain_sgd(optimizer: torch.optim.Optimizer) -> bool:
    """SGD without weight decay, dampening, Nesterov or maximize: the update written below applies."""
    if type(optimizer) is not torch.optim.SGD:
        return False
    return all(
        g["weight_decay"] == 0 and g["dampening"] == 0 and not g["nesterov"] and not g["maximize"]
        for g in optimizer.param_groups
    )


class FusedStep:
    """One training step with hand-written gradients, then the optimizer's update."""

    def __init__(self, model: nn.Sequential, loss_fn: nn.Module, penalty: Penalty | None = None) -> None:
        if not supports(model, loss_fn, penalty):
            raise ValueError("This model or loss has no hand-written backward; use autograd.")
        self.model = model
        self.linears: list[nn.Linear] = [m for m in model if isinstance(m, nn.Linear)]
        self.backwards: list[Backward | None] = [_backward_of(m) for i, m in enumerate(model) if i % 2 == 1]
        self.activations: list[nn.Module] = [m for i, m in enumerate(model) if i % 2 == 1]
        self.n_outputs = self.linears[-1].out_features
        self.kind = loss_kind(loss_fn, self.n_outputs)
        self.penalty = penalty
        self.parameters: list[nn.Parameter] = [p for lin in self.linears for p in (lin.weight, lin.bias)]

    def targets(self, y: Tensor) -> Tensor:
        """Labels in the form the loss gradient needs: a float column (one logit) or one-hot rows."""
        if self.n_outputs == 1:
            return y.to(torch.float32).unsqueeze(1)
        return nn.functional.one_hot(y, self.n_outputs).to(torch.float32)

    def gradients(self, X: Tensor, target: Tensor) -> list[Tensor]:
        """d(loss + penalty)/d(parameter) for every parameter, in self.parameters order (weight, bias, ...)."""
        with torch.no_grad():
            inputs, pre, post = [], [], []
            a = X
            for lin, act in zip(self.linears, self.activations, strict=False):
                inputs.append(a)
                z = torch.addmm(lin.bias, a, lin.weight.t())
                a = act(z)
                pre.append(z)
                post.append(a)
            last = self.linears[-1]
            inputs.append(a)
            d = self._loss_gradient(torch.addmm(last.bias, a, last.weight.t()), target)
            grads: list[Tensor] = [None] * len(self.parameters)  # type: ignore[list-item]
            for layer in range(len(self.linears) - 1, -1, -1):
                weight = self.linears[layer].weight
                grads[2 * layer] = self._with_penalty(d.t().mm(inputs[layer]), weight)
                grads[2 * layer + 1] = d.sum(0)
                if layer > 0:
                    d = d.mm(weight)
                    backward = self.backwards[layer - 1]
                    if backward is not None:
                        d = backward(d, pre[layer - 1], post[layer - 1])
            return grads

    def _loss_gradient(self, logits: Tensor, target: Tensor) -> Tensor:
        """d(mean loss)/d(logits), rounded exactly as autograd's backward kernels round it."""
        count = logits.shape[0]
        if self.kind == "bce":  # binary_cross_entropy_with_logits_backward divides by N (not a multiply by 1/N)
            return (torch.sigmoid(logits) - target).div_(count)
        if self.kind == "ce":  # nll_loss's backward (-1/N at the label), then log_softmax's backward
            return aten._log_softmax_backward_data(
                target.neg().div_(count), torch.log_softmax(logits, dim=1), 1, logits.dtype
            )
        if self.kind == "sq":  # mse_loss's backward: 2/N times the error, on the output itself
            return (logits - target).mul_(2.0 / count)
        if self.kind == "mse1":  # mse_loss's backward scales by 2/N, then sigmoid's backward
            p = torch.sigmoid(logits)
            return aten.sigmoid_backward((p - target).mul_(2.0 / count), p)
        p = torch.softmax(logits, dim=1)
        g = (p - target).mul_(2.0 / p.numel())
        return aten._softmax_backward_data(g, p, 1, p.dtype)

    def _with_penalty(self, grad_w: Tensor, weight: Tensor) -> Tensor:
        penalty = self.penalty
        if penalty is None or penalty.kind == "none" or penalty.rate == 0.0:
            return grad_w
        if penalty.kind == "L1":  # rate * sign(w) is exact, so one fused add rounds as autograd's sum does
            return grad_w.add_(torch.sign(weight), alpha=penalty.rate)
        # d(rate * (w*w).sum()) reaches autograd as rate*w twice (w*w has w on both sides), summed, then added
        return grad_w.add_(weight.mul(penalty.rate).mul_(2))

    def __call__(self, X: Tensor, target: Tensor, optimizer: torch.optim.Optimizer) -> None:
        """One step on a batch: hand-written gradients, then SGD's multi-tensor update or the optimizer's step()."""
        grads = self.gradients(X, target)
        if _plain_sgd(optimizer):
            _sgd_update(optimizer, self.parameters, grads)
            return
        for param, grad in zip(self.parameters, grads, strict=True):
            param.grad = grad
        optimizer.step()


def _sgd_update(optimizer: torch.optim.Optimizer, params: list[nn.Parameter], grads: list[Tensor]) -> None:
    """torch.optim.SGD's update (momentum buffers in optimizer.state), as its multi-tensor path computes it."""
    group = optimizer.param_groups[0]
    lr, momentum = group["lr"], group["momentum"]
    with torch.no_grad():
        if momentum != 0:
            state = optimizer.state
            buffers = [state[p].get("momentum_buffer") for p in params]
            if any(b is None for b in buffers):
                for p, g in zip(params, grads, strict=True):
                    state[p]["momentum_buffer"] = torch.clone(g).detach()
                grads = [state[p]["momentum_buffer"] for p in params]
            else:
                torch._foreach_mul_(buffers, momentum)
                torch._foreach_add_(buffers, grads)
                grads = buffers
        torch._foreach_add_(params, grads, alpha=-lr)
