"""Tensors, explained: build one from a spec, describe it, and say clearly why bad input fails.

Every function returns the tensor together with the one line of PyTorch that
made it, so a page can show the code next to the result. Errors raise
TensorInputError with a message that names the rule that was broken.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Sequence
from dataclasses import dataclass

import torch
from torch import Tensor

MAX_NUMEL = 1_000_000  # elements a learner may create: 4 MB of float32, drawn in well under a second
MAX_LITERAL_CHARS = 20_000  # longest nested-list text accepted
MAX_DIMS = 6

DTYPES: dict[str, torch.dtype] = {
    "float32": torch.float32,
    "float16": torch.float16,
    "bfloat16": torch.bfloat16,
    "float64": torch.float64,
    "int64": torch.int64,
    "int32": torch.int32,
    "uint8": torch.uint8,
    "bool": torch.bool,
}

METHODS: tuple[str, ...] = ("tensor", "zeros", "ones", "rand", "randn", "arange", "linspace", "full", "eye")
FLOAT_ONLY = {"rand", "randn", "linspace"}  # PyTorch draws these only as floating point


class TensorInputError(ValueError):
    """Input a learner typed that cannot become a tensor; the message says which rule it broke."""


@dataclass(frozen=True)
class TensorSpec:
    """How to build a tensor; every field has a default a learner can start from."""

    method: str = "tensor"  # one of METHODS
    values: str = "[[1, 2, 3], [4, 5, 6]]"  # nested list text, for torch.tensor
    shape: str = "2, 3"  # comma-separated sizes, for zeros/ones/rand/randn/full
    dtype: str = "float32"  # key into DTYPES
    device: str = "cpu"  # "cpu", "cuda", "mps" or "meta"
    start: float = 0.0  # arange / linspace start
    end: float = 10.0  # arange / linspace end
    step: float = 1.0  # arange step
    steps: int = 5  # linspace number of points
    fill: float = 7.0  # torch.full value
    rows: int = 3  # eye size
    seed: int | None = None  # rand / randn: seeds a local generator, None draws fresh numbers


@dataclass(frozen=True)
class TensorFacts:
    """What a learner inspects about a tensor."""

    shape: tuple[int, ...]
    ndim: int
    dtype: str
    device: str
    numel: int
    element_bytes: int
    nbytes: int
    stride: tuple[int, ...]
    contiguous: bool


def parse_shape(text: str) -> tuple[int, ...]:
    """'2, 3' or '(2, 3)' -> (2, 3); sizes must be whole numbers >= 0 and the total within MAX_NUMEL."""
    cleaned = text.strip().strip("()[]").strip()
    if not cleaned:
        return ()
    parts = [part.strip() for part in cleaned.split(",") if part.strip()]
    try:
        shape = tuple(int(part) for part in parts)
    except ValueError as error:
        raise TensorInputError(f"A shape is whole numbers separated by commas, like 2, 3 — not {text!r}.") from error
    if any(size < 0 for size in shape):
        raise TensorInputError("Sizes in a shape cannot be negative.")
    if len(shape) > MAX_DIMS:
        raise TensorInputError(f"Use at most {MAX_DIMS} dimensions here.")
    check_numel(math.prod(shape))
    return shape


def check_numel(numel: int) -> None:
    """Refuse tensors bigger than MAX_NUMEL elements, saying why."""
    if numel > MAX_NUMEL:
        raise TensorInputError(
            f"That tensor would have {numel:,} elements; this page caps tensors at {MAX_NUMEL:,} "
            "so every learner's session stays fast. Use smaller sizes."
        )


def _items(shape: tuple[int, ...]) -> str:
    if not shape:
        return "a single number"
    return f"{shape[0]} item" + ("" if shape[0] == 1 else "s")


def _check_rectangular(value: object, depth: int = 0) -> tuple[int, ...]:
    """The shape of a nested list, or a TensorInputError naming the first ragged row."""
    if isinstance(value, bool | int | float):
        return ()
    if not isinstance(value, list | tuple):
        raise TensorInputError(f"Only numbers, True/False and [ ] lists can go in a tensor, not {value!r}.")
    if depth >= MAX_DIMS:
        raise TensorInputError(f"Use at most {MAX_DIMS} levels of nesting here.")
    if not value:
        return (0,)
    shapes = [_check_rectangular(item, depth + 1) for item in value]
    for index, shape in enumerate(shapes[1:], start=1):
        if shape != shapes[0]:
            first = _items(shapes[0])
            this = _items(shape)
            raise TensorInputError(
                f"Ragged list: item {index + 1} at depth {depth + 1} has {this}, but item 1 has {first}. "
                "Every row of a tensor must have the same length."
            )
    return (len(value), *shapes[0])


def parse_literal(text: str) -> list | float | int | bool:
    """Nested-list text -> Python values, safely (no code runs); the result is rectangular."""
    if len(text) > MAX_LITERAL_CHARS:
        raise TensorInputError(
            f"That list is longer than {MAX_LITERAL_CHARS:,} characters; build big tensors "
            "with zeros, rand or arange instead."
        )
    try:
        value = ast.literal_eval(text.strip())
    except (ValueError, SyntaxError, MemoryError, RecursionError) as error:
        raise TensorInputError(
            "That is not a list of numbers PyTorch can read. Write it like [[1, 2], [3, 4]]: "
            "square brackets, commas between items."
        ) from error
    shape = _check_rectangular(value)
    check_numel(math.prod(shape) if shape else 1)
    return value


def _float_dtype(dtype: torch.dtype) -> bool:
    return dtype.is_floating_point


def _dtype_arg(name: str) -> str:
    return f"dtype=torch.{name}"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def build(spec: TensorSpec, name: str = "x") -> tuple[Tensor, str]:
    """Make the tensor a spec describes, and the one line of PyTorch that makes it (assigning to `name`).

    Raises:
        TensorInputError: for anything a learner typed that breaks a rule (the message names it).
    """
    if spec.method not in METHODS:
        raise TensorInputError(f"Unknown way to build a tensor: {spec.method!r}.")
    if spec.dtype not in DTYPES:
        raise TensorInputError(f"Unknown dtype {spec.dtype!r}; choose one of {', '.join(DTYPES)}.")
    dtype = DTYPES[spec.dtype]
    if spec.method in FLOAT_ONLY and not _float_dtype(dtype):
        raise TensorInputError(
            f"torch.{spec.method} makes floating-point numbers, so its dtype must be a float type "
            f"(float32, float16, bfloat16 or float64), not {spec.dtype}."
        )
    device = torch.device(spec.device)
    extra = f", {_dtype_arg(spec.dtype)}" + (f', device="{spec.device}"' if spec.device != "cpu" else "")
    generator = torch.Generator().manual_seed(spec.seed) if spec.seed is not None else None
    seeded = f"torch.manual_seed({spec.seed}); " if spec.seed is not None else ""
    try:
        if spec.method == "tensor":
            values = parse_literal(spec.values)
            code = f"{name} = torch.tensor({spec.values.strip()}{extra})"
            return torch.tensor(values, dtype=dtype, device=device), code
        if spec.method in ("zeros", "ones", "rand", "randn", "full"):
            shape = parse_shape(spec.shape)
            sizes = ", ".join(str(s) for s in shape)
            if spec.method == "full":
                code = f"{name} = torch.full(({sizes}{',' if len(shape) == 1 else ''}), {_number(spec.fill)}{extra})"
                return torch.full(shape, spec.fill, dtype=dtype, device=device), code
            code = f"{seeded}{name} = torch.{spec.method}({sizes}{extra})"
            if spec.method in ("rand", "randn"):
                draw = torch.rand if spec.method == "rand" else torch.randn
                return draw(shape, dtype=dtype, generator=generator).to(device), code
            maker = torch.zeros if spec.method == "zeros" else torch.ones
            return maker(shape, dtype=dtype, device=device), code
        if spec.method == "arange":
            if spec.step == 0:
                raise TensorInputError("arange needs a step that is not 0.")
            count = math.ceil((spec.end - spec.start) / spec.step)
            if count <= 0:
                raise TensorInputError(
                    f"arange counts from start towards end by step: from {_number(spec.start)} to "
                    f"{_number(spec.end)} the step must be {'positive' if spec.end > spec.start else 'negative'}."
                )
            check_numel(count)
            code = f"{name} = torch.arange({_number(spec.start)}, {_number(spec.end)}, {_number(spec.step)}{extra})"
            return torch.arange(spec.start, spec.end, spec.step, dtype=dtype, device=device), code
        if spec.method == "linspace":
            if spec.steps < 1:
                raise TensorInputError("linspace needs at least 1 step.")
            check_numel(spec.steps)
            code = f"{name} = torch.linspace({_number(spec.start)}, {_number(spec.end)}, steps={spec.steps}{extra})"
            return torch.linspace(spec.start, spec.end, spec.steps, dtype=dtype, device=device), code
        if spec.rows < 0:
            raise TensorInputError("eye needs a size of 0 or more.")
        check_numel(spec.rows * spec.rows)
        code = f"{name} = torch.eye({spec.rows}{extra})"
        return torch.eye(spec.rows, dtype=dtype, device=device), code
    except TensorInputError:
        raise
    except (RuntimeError, TypeError, OverflowError, ValueError) as error:
        raise TensorInputError(f"PyTorch refused: {first_line(error)}") from error


def first_line(error: BaseException) -> str:
    """The first line of an exception's message (PyTorch's messages can run on)."""
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def facts(tensor: Tensor) -> TensorFacts:
    """Shape, ndim, dtype, device, numel, bytes, stride and contiguity of a tensor."""
    return TensorFacts(
        shape=tuple(tensor.shape),
        ndim=tensor.ndim,
        dtype=str(tensor.dtype).removeprefix("torch."),
        device=str(tensor.device),
        numel=tensor.numel(),
        element_bytes=tensor.element_size(),
        nbytes=tensor.numel() * tensor.element_size(),
        stride=tuple(tensor.stride()),
        contiguous=tensor.is_contiguous(),
    )


def as_display_array(tensor: Tensor) -> Tensor:
    """A CPU float64 copy for drawing (bool -> 0/1; meta tensors have no values and raise)."""
    if tensor.device.type == "meta":
        raise TensorInputError("A tensor on the meta device has a shape and dtype but no values to show.")
    return tensor.detach().to("cpu").to(torch.float64)


def shape_text(shape: Sequence[int]) -> str:
    """(2, 3) -> '[2, 3]', as PyTorch prints sizes."""
    return "[" + ", ".join(str(s) for s in shape) + "]"
