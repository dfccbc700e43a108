"""Fix-it exercises for the three common errors: the learner rewrites the failing line, and it really runs.

The line is parsed with `ast` and walked here, never passed to eval: only the exercise's own names, numbers,
strings, the operators @ + - * /, and a short list of tensor and module methods (T, float, long, to, reshape,
...) exist. So a learner's line can do what the fix needs and nothing else: no imports, no dunders, no files,
and nothing that could grow without bound. PyTorch's own message comes back when the line still fails.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import torch
from torch import Tensor, nn

from core.tensors import first_line

MAX_LINE = 200  # characters: a fix is one short line
MAX_DEPTH = 12  # nesting of the parsed line
MAX_ELEMENTS = 10_000  # a result may not grow past this (checked before the operation runs)

TENSOR_ATTRIBUTES = frozenset(
    {"T", "mT", "shape", "dtype", "device", "float", "double", "long", "int", "half", "to", "cpu"}
    | {"reshape", "view", "transpose", "t", "permute", "unsqueeze", "squeeze", "flatten", "contiguous", "clone"}
)
MODULE_ATTRIBUTES = frozenset({"weight", "bias", "parameters", "to", "float", "double", "cpu"})
TORCH_NAMES: dict[str, Any] = {
    "float32": torch.float32,
    "float64": torch.float64,
    "float": torch.float,
    "int64": torch.int64,
    "long": torch.long,
    "int32": torch.int32,
    "matmul": torch.matmul,
    "mm": torch.mm,
    "transpose": torch.transpose,
    "device": torch.device,
}
BUILTINS: dict[str, Any] = {"next": next}
_OPERATORS: dict[type, Callable[[Any, Any], Any]] = {
    ast.MatMult: lambda x, y: x @ y,
    ast.Add: lambda x, y: x + y,
    ast.Sub: lambda x, y: x - y,
    ast.Mult: lambda x, y: x * y,
    ast.Div: lambda x, y: x / y,
}


class FixRejected(ValueError):
    """The line uses something the exercise does not offer (said in one line)."""


@dataclass(frozen=True)
class FixOutcome:
    """What the learner's line did: PyTorch's error, or its result and whether it fixes the mistake."""

    line: str
    ran: bool  # it ran without an error
    met: bool  # and its result is what the fix should give
    message: str  # the error (PyTorch's own), or what the result is and why it does (not) fix it


@dataclass(frozen=True)
class Exercise:
    """One common error to fix: the failing line (the last of its demo's code) and what a fix must produce."""

    key: str
    broken_line: str  # `name = expression`: the line that fails, the learner's starting point
    scope: Callable[[], dict[str, Any]]  # fresh objects for one try (a try may change a module in place)
    judge: Callable[[dict[str, Any], Any], tuple[bool, str]]  # (the fresh scope, the result) -> (met, why)


class _Walker:
    """Evaluates one parsed line over `names`, allowing only what the module docstring lists."""

    def __init__(self, names: dict[str, Any]) -> None:
        self.names = names

    def value(self, node: ast.AST, depth: int = 0) -> Any:
        if depth > MAX_DEPTH:
            raise FixRejected("That line nests too deeply for a one-line fix.")
        if isinstance(node, ast.Constant) and (node.value is None or isinstance(node.value, (int, float, str))):
            if isinstance(node.value, str) and len(node.value) > 20:
                raise FixRejected("Strings here are short: a device or dtype name.")
            return node.value
        if isinstance(node, ast.Name):
            return self._name(node.id)
        if isinstance(node, ast.Attribute):
            return self._attribute(self.value(node.value, depth + 1), node.attr)
        if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
            left, right = self.value(node.left, depth + 1), self.value(node.right, depth + 1)
            if not isinstance(left, Tensor) and not isinstance(right, Tensor):
                raise FixRejected("Operators here work on tensors.")
            _check_growth(left, right, matmul=isinstance(node.op, ast.MatMult))
            return _OPERATORS[type(node.op)](left, right)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -self.value(node.operand, depth + 1)
        if isinstance(node, ast.Tuple):
            return tuple(self.value(item, depth + 1) for item in node.elts)
        if isinstance(node, ast.Call):
            function = self.value(node.func, depth + 1)
            allowed_class = function in NN_NAMES.values()
            if not callable(function) or (isinstance(function, type) and not allowed_class):
                raise FixRejected("Only tensor methods, the exercise's modules and a few torch functions are called.")
            if any(isinstance(arg, ast.Starred) for arg in node.args) or any(k.arg is None for k in node.keywords):
                raise FixRejected("Write the arguments out (no * or **).")
            args = [self.value(arg, depth + 1) for arg in node.args]
            kwargs = {k.arg: self.value(k.value, depth + 1) for k in node.keywords if k.arg is not None}
            if function in (torch.matmul, torch.mm) and len(args) == 2:
                _check_growth(*args, matmul=True)
            return function(*args, **kwargs)
        raise FixRejected(f"This exercise's line cannot use {_describe(node)}.")

    def _name(self, name: str) -> Any:
        if name in self.names:
            return self.names[name]
        if name == "torch":
            return _TORCH
        if name in BUILTINS:
            return BUILTINS[name]
        known = ", ".join(sorted(self.names))
        raise FixRejected(f"{name!r} is not defined here: the names are {known} (and torch).")

    @staticmethod
    def _attribute(owner: Any, name: str) -> Any:
        if name.startswith("_"):
            raise FixRejected("Names that start with _ are not offered.")
        if owner is _NN:
            if name not in NN_NAMES:
                raise FixRejected(f"nn.{name} is not offered here: this exercise needs only nn.CrossEntropyLoss.")
            return NN_NAMES[name]
        if owner is _TORCH:
            if name not in TORCH_NAMES:
                raise FixRejected(f"torch.{name} is not offered here: try a tensor method such as .T or .float().")
            return TORCH_NAMES[name]
        if isinstance(owner, Tensor) and name in TENSOR_ATTRIBUTES:
            return getattr(owner, name)
        if isinstance(owner, nn.Module) and name in MODULE_ATTRIBUTES:
            return getattr(owner, name)
        if isinstance(owner, torch.device) and name == "type":
            return owner.type
        raise FixRejected(f".{name} is not offered in this exercise.")


_TORCH = object()  # stands for the torch module inside a learner's line
NN_NAMES: dict[str, Any] = {"CrossEntropyLoss": nn.CrossEntropyLoss}  # a loss holds no sizes: nothing to blow up


class _Namespace:
    """`nn` inside a learner's line: only NN_NAMES."""

    def __repr__(self) -> str:
        return "nn"


_NN = _Namespace()


def _check_growth(left: Any, right: Any, matmul: bool) -> None:
    """FixRejected before an operation whose result would pass MAX_ELEMENTS (a shape error is PyTorch's to say)."""
    if not isinstance(left, Tensor) or not isinstance(right, Tensor):
        return
    if matmul:
        size = left.numel() * right.numel()  # a generous bound on any product's size
    else:
        try:
            size = math.prod(torch.broadcast_shapes(left.shape, right.shape))
        except RuntimeError:
            return  # the operation itself raises PyTorch's message
    if size > MAX_ELEMENTS:
        raise FixRejected(f"That would make a tensor of more than {MAX_ELEMENTS:,} numbers: a fix needs far fewer.")


def _describe(node: ast.AST) -> str:
    if isinstance(node, ast.BinOp):
        symbol = {ast.Pow: "**", ast.FloorDiv: "//", ast.Mod: "%", ast.LShift: "<<", ast.RShift: ">>"}
        return f"the {symbol.get(type(node.op), type(node.op).__name__)} operator"
    return {
        ast.Lambda: "lambda",
        ast.Subscript: "indexing",
        ast.Compare: "comparisons",
        ast.ListComp: "comprehensions",
        ast.List: "lists",
        ast.Dict: "dicts",
        ast.JoinedStr: "f-strings",
    }.get(type(node), type(node).__name__)


def parse_fix(line: str, target: str) -> ast.expr:
    """The expression of `line`, which is `target = expression` or just the expression (FixRejected if not)."""
    text = line.strip()
    if not text:
        raise FixRejected("Write the line that should run.")
    if len(text) > MAX_LINE or "\n" in text:
        raise FixRejected(f"One line of at most {MAX_LINE} characters.")
    try:
        tree = ast.parse(text, mode="exec")
    except SyntaxError as error:
        raise FixRejected(f"Python cannot read that line: {error.msg}.") from None
    if len(tree.body) != 1:
        raise FixRejected("One statement: the line that fails, fixed.")
    statement = tree.body[0]
    if isinstance(statement, ast.Expr):
        return statement.value
    if (
        isinstance(statement, ast.Assign)
        and len(statement.targets) == 1
        and isinstance(statement.targets[0], ast.Name)
        and statement.targets[0].id == target
    ):
        return statement.value
    raise FixRejected(f"Keep the line's shape: {target} = ...")


def try_fix(exercise: Exercise, line: str) -> FixOutcome:
    """Run the learner's line on fresh objects: PyTorch's error if it fails, else whether it fixes the mistake."""
    target = exercise.broken_line.split("=", 1)[0].strip()
    try:
        expression = parse_fix(line, target)
        names = exercise.scope()
        with torch.no_grad():
            result = _Walker(names).value(expression)
    except FixRejected as error:
        return FixOutcome(line, False, False, str(error))
    except (
        RuntimeError,
        TypeError,
        ValueError,
        IndexError,
        AttributeError,
        NotImplementedError,
        StopIteration,
    ) as error:
        return FixOutcome(line, False, False, f"{type(error).__name__}: {first_line(error)}")
    met, why = exercise.judge(names, result)
    return FixOutcome(line, True, met, why)


# ---- the four exercises (the Tensors page's three common errors; dtype has two) ------------------------------


def _shape_scope() -> dict[str, Any]:
    generator = torch.Generator().manual_seed(0)
    return {"a": torch.rand(2, 3, generator=generator), "b": torch.rand(2, 3, generator=generator)}


def _shape_judge(names: dict[str, Any], result: Any) -> tuple[bool, str]:
    a, b = _shape_scope().values()
    if not isinstance(result, Tensor):
        return False, "It ran, but c should be a tensor: the product of a and b."
    products = [a @ b.T, a.T @ b, b @ a.T, b.T @ a]
    if any(result.shape == p.shape and torch.allclose(result.float(), p, atol=1e-5) for p in products):
        return True, f"c.shape = {list(result.shape)}: a matrix product of a and b. Fixed."
    return False, f"It ran (c.shape = {list(result.shape)}), but c is not a matrix product of a and b."


def _labels_scope() -> dict[str, Any]:
    generator = torch.Generator().manual_seed(0)
    return {
        "logits": torch.randn(4, 3, generator=generator),
        "targets": torch.tensor([0.0, 2.0, 1.0, 2.0]),
        "nn": _NN,
    }


def _labels_judge(names: dict[str, Any], result: Any) -> tuple[bool, str]:
    fresh = _labels_scope()
    expected = nn.functional.cross_entropy(fresh["logits"], fresh["targets"].long())
    if not isinstance(result, Tensor) or result.numel() != 1 or not math.isfinite(float(result)):
        return False, "It ran, but loss should be one number: the cross-entropy of logits and targets."
    if abs(float(result) - float(expected)) > 1e-5:
        return False, f"It ran (loss = {float(result):.4f}), but that is not the loss of these logits and targets."
    return True, f"loss = {float(result):.4f}: the targets are class indices (int64) now. Fixed."


def _layer_scope() -> dict[str, Any]:
    generator = torch.Generator().manual_seed(0)
    layer = nn.Linear(3, 2, device="meta").to_empty(device="cpu")  # no draw from the shared random stream
    with torch.no_grad():
        layer.weight.copy_(torch.randn(2, 3, generator=generator))
        layer.bias.copy_(torch.randn(2, generator=generator))
    return {"layer": layer, "x": torch.tensor([[1, 2, 3]])}


def _layer_judge(names: dict[str, Any], result: Any) -> tuple[bool, str]:
    fresh = _layer_scope()
    with torch.no_grad():
        expected = fresh["layer"](fresh["x"].float())
    if not isinstance(result, Tensor) or result.shape != expected.shape or not result.is_floating_point():
        return False, "It ran, but out should be the layer's output for x: 1 row of 2 floats."
    if not torch.allclose(result.float(), expected, atol=1e-4):
        return False, "It ran, but out is not the layer's output for x."
    return True, f"out has shape {list(result.shape)}, dtype {str(result.dtype).removeprefix('torch.')}. Fixed."


def _device_scope() -> dict[str, Any]:
    return {"model": nn.Linear(3, 2, device="meta"), "x": torch.randn(1, 3, generator=torch.Generator().manual_seed(0))}


def _device_judge(names: dict[str, Any], result: Any) -> tuple[bool, str]:
    if not isinstance(result, Tensor) or list(result.shape) != [1, 2]:
        return False, "It ran, but out should be the model's output for x: shape [1, 2]."
    return True, f"out is on {result.device}, shape {list(result.shape)}: the data went to the model. Fixed."


EXERCISES: dict[str, Exercise] = {  # in the order of the Tensors page's demos, whose code each line ends
    "shape": Exercise("shape", "c = a @ b", _shape_scope, _shape_judge),
    "labels": Exercise("labels", "loss = nn.CrossEntropyLoss()(logits, targets)", _labels_scope, _labels_judge),
    "layer": Exercise("layer", "out = layer(x)", _layer_scope, _layer_judge),
    "device": Exercise("device", "out = model(x)", _device_scope, _device_judge),
}
