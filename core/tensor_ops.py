"""Tensor operations for the Tensors page: each returns its result and the one line of PyTorch behind it.

Shape rules (matmul, broadcasting) are spelled out as data a page can draw.
Anything that breaks a rule raises TensorInputError with PyTorch's own
message and the rule in words.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import torch
from torch import Tensor

from core.tensors import DTYPES, TensorInputError, check_numel, first_line, shape_text


@dataclass(frozen=True)
class OpParams:
    """The extra inputs some operations take, as the learner typed them."""

    dim: int | None = None  # aggregations, squeeze, stack, cat; None = all dims / every size-1 dim
    shape: str = "3, 2"  # reshape / view target
    dims: str = "1, 0"  # permute order
    dim0: int = 0  # transpose
    dim1: int = 1  # transpose
    index: str = "0, 1:3"  # indexing expression, as inside a[ ... ]
    dtype: str = "int64"  # dtype conversion target


@dataclass(frozen=True)
class OpResult:
    """An operation's result, its line of PyTorch, and notes that explain it."""

    value: Tensor
    code: str
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ShapeRow:
    """One aligned dimension of a shape rule, for drawing."""

    label: str  # e.g. "dim -1"
    a: str  # a's size there ("–" when a has no such dim)
    b: str
    result: str  # the result's size, or "✗"
    ok: bool
    why: str


def matmul_rule(a_shape: tuple[int, ...], b_shape: tuple[int, ...]) -> tuple[list[ShapeRow], tuple[int, ...] | None]:
    """Rows explaining `a @ b` for 1-D/2-D (and batched) shapes, and the result shape (None when it fails)."""
    if not a_shape or not b_shape:
        return [ShapeRow("–", shape_text(a_shape), shape_text(b_shape), "✗", False, "matmul needs at least 1-D")], None
    inner_a = a_shape[-1]
    inner_b = b_shape[-2] if len(b_shape) >= 2 else b_shape[0]
    ok = inner_a == inner_b
    rows = [
        ShapeRow(
            "inner",
            str(inner_a),
            str(inner_b),
            "(summed away)" if ok else "✗",
            ok,
            "the inner sizes must match: columns of a = rows of b"
            if ok
            else f"columns of a ({inner_a}) ≠ rows of b ({inner_b})",
        )
    ]
    if not ok:
        return rows, None
    try:
        result = tuple(torch.empty(a_shape, device="meta").matmul(torch.empty(b_shape, device="meta")).shape)
    except RuntimeError as error:
        rows.append(
            ShapeRow("batch", shape_text(a_shape[:-2]), shape_text(b_shape[:-2]), "✗", False, first_line(error))
        )
        return rows, None
    outer_a = str(a_shape[-2]) if len(a_shape) >= 2 else "–"
    outer_b = str(b_shape[-1]) if len(b_shape) >= 2 else "–"
    rows.append(
        ShapeRow(
            "outer",
            outer_a,
            outer_b,
            shape_text(result),
            True,
            "the result keeps the outer sizes: rows of a × columns of b",
        )
    )
    return rows, result


def broadcast_rule(a_shape: tuple[int, ...], b_shape: tuple[int, ...]) -> tuple[list[ShapeRow], tuple[int, ...] | None]:
    """Rows explaining broadcasting, right-aligned dim by dim, and the result shape (None when it fails)."""
    n = max(len(a_shape), len(b_shape))
    rows, result, fine = [], [], True
    for offset in range(n, 0, -1):
        a = a_shape[-offset] if offset <= len(a_shape) else None
        b = b_shape[-offset] if offset <= len(b_shape) else None
        label = f"dim -{offset}"
        if a is None or b is None:
            size = b if a is None else a
            rows.append(
                ShapeRow(
                    label,
                    "–" if a is None else str(a),
                    "–" if b is None else str(b),
                    str(size),
                    True,
                    "missing on one side: treated as 1 and stretched",
                )
            )
            result.append(size)
        elif a == b:
            rows.append(ShapeRow(label, str(a), str(b), str(a), True, "equal sizes"))
            result.append(a)
        elif a == 1 or b == 1:
            size = b if a == 1 else a
            rows.append(ShapeRow(label, str(a), str(b), str(size), True, "a size of 1 is stretched to match"))
            result.append(size)
        else:
            rows.append(ShapeRow(label, str(a), str(b), "✗", False, f"{a} and {b} differ and neither is 1"))
            fine = False
    return rows, (tuple(result) if fine else None)


def parse_index(text: str) -> tuple:
    """'0, 1:3, ...' -> (0, slice(1, 3), Ellipsis); only ints, slices, ... and None (no code runs)."""
    if not text.strip():
        raise TensorInputError("Type an index such as 0 or 1:3 or 0, ::2.")
    parts = []
    for raw in text.split(","):
        piece = raw.strip()
        if piece == "...":
            parts.append(Ellipsis)
        elif piece == "None":
            parts.append(None)
        elif ":" in piece:
            bounds = piece.split(":")
            if len(bounds) > 3:
                raise TensorInputError(f"A slice is start:stop or start:stop:step, not {piece!r}.")
            try:
                numbers = [int(b) if b.strip() else None for b in bounds]
            except ValueError as error:
                raise TensorInputError(f"Slice bounds must be whole numbers: {piece!r}.") from error
            if len(numbers) == 3 and numbers[2] is not None and numbers[2] <= 0:
                raise TensorInputError("PyTorch slices need a positive step (use torch.flip to reverse).")
            parts.append(slice(*numbers))
        else:
            try:
                parts.append(int(piece))
            except ValueError as error:
                raise TensorInputError(
                    f"Index with whole numbers, start:stop slices, ... or None — {piece!r} is none of those."
                ) from error
    return tuple(parts)


def index_text(index: tuple) -> str:
    """The index as it is written inside a[ ... ]."""

    def one(part: object) -> str:
        if part is Ellipsis:
            return "..."
        if isinstance(part, slice):
            text = f"{'' if part.start is None else part.start}:{'' if part.stop is None else part.stop}"
            return text + (f":{part.step}" if part.step is not None else "")
        return str(part)

    return ", ".join(one(p) for p in index)


def selection_mask(shape: tuple[int, ...], index: tuple) -> Tensor:
    """A bool tensor of `shape` that is True on the cells a[index] selects (for highlighting)."""
    mask = torch.zeros(shape, dtype=torch.bool)
    mask[index] = True
    return mask


def _dim_arg(dim: int | None) -> str:
    return "" if dim is None else f"dim={dim}"


def _checked(shape_of_result: Callable[[], tuple[int, ...]]) -> None:
    try:
        shape = shape_of_result()
    except RuntimeError:
        return  # PyTorch will explain when the real op runs
    numel = 1
    for size in shape:
        numel *= size
    check_numel(numel)


def _rule_for(name: str, a: Tensor, b: Tensor | None, params: OpParams, error: Exception) -> str:
    """The rule behind a failure, in words, to follow PyTorch's message."""
    if name == "matmul" and b is not None:
        return "a @ b needs the columns of a to equal the rows of b (the inner sizes)."
    if name in ("add", "subtract", "multiply", "divide"):
        return "Elementwise ops need broadcastable shapes: compared from the right, sizes must match or be 1."
    if name in ("reshape", "view"):
        return (
            f"{name} keeps every element: the new sizes must multiply to {a.numel()}. -1 lets PyTorch work "
            "one size out." + (" view also needs contiguous memory: use reshape." if name == "view" else "")
        )
    if name == "index":
        return (
            f"Along a dimension of size n, indices go from 0 to n-1 (or -n to -1); a has {a.ndim} dim(s) "
            f"with sizes {shape_text(a.shape)}."
        )
    if name == "permute":
        example = ", ".join(str(d) for d in reversed(range(a.ndim)))
        return f"permute needs each of the {a.ndim} dims exactly once, e.g. {example}."
    if name in ("stack", "cat"):
        return (
            "stack needs equal shapes; cat needs equal sizes in every dim but the one you join along."
            if name == "stack"
            else "cat needs equal sizes in every dim except the one you join along."
        )
    if name in ("mean",):
        return "mean needs floating point: convert first with a.float()."
    if name == "numpy":
        return "NumPy has no bfloat16 (and reads only CPU tensors): convert with a.float() or move with a.cpu()."
    return "Dims run from 0 to a.ndim - 1 (or -a.ndim to -1)."


def apply(name: str, a: Tensor, b: Tensor | None = None, params: OpParams | None = None) -> OpResult:
    """Run operation `name` on a (and b) and return the result with its line of PyTorch.

    Raises:
        TensorInputError: PyTorch's own message, then the rule that was broken.
    """
    params = params or OpParams()
    if name not in OPERATIONS:
        raise TensorInputError(f"Unknown operation {name!r}.")
    info = OPERATIONS[name]
    if info.needs_b and b is None:
        raise TensorInputError(f"{info.title} needs a second tensor b.")
    try:
        return info.run(a, b, params)
    except TensorInputError:
        raise
    except (RuntimeError, IndexError, TypeError, ValueError) as error:
        raise TensorInputError(f"{first_line(error)} — {_rule_for(name, a, b, params, error)}") from error


def _elementwise(
    symbol: str, fn: Callable[[Tensor, Tensor], Tensor]
) -> Callable[[Tensor, Tensor | None, OpParams], OpResult]:
    def run(a: Tensor, b: Tensor | None, params: OpParams) -> OpResult:
        assert b is not None
        rows, shape = broadcast_rule(tuple(a.shape), tuple(b.shape))
        notes = (
            [] if tuple(a.shape) == tuple(b.shape) else [f"Broadcast {shape_text(a.shape)} with {shape_text(b.shape)}"]
        )
        if shape is not None:
            _checked(lambda: shape)
        return OpResult(fn(a, b), f"c = a {symbol} b", notes)

    return run


def _matmul(a: Tensor, b: Tensor | None, params: OpParams) -> OpResult:
    assert b is not None
    _, shape = matmul_rule(tuple(a.shape), tuple(b.shape))
    if shape is not None:
        _checked(lambda: shape)
    return OpResult(a @ b, "c = a @ b  # torch.matmul(a, b)")


def _aggregate(kind: str) -> Callable[[Tensor, Tensor | None, OpParams], OpResult]:
    def run(a: Tensor, b: Tensor | None, params: OpParams) -> OpResult:
        method = getattr(a, kind)
        if params.dim is None:
            return OpResult(method(), f"c = a.{kind}()", ["over every element"])
        result = method(dim=params.dim)
        if kind in ("min", "max"):
            values, indices = result
            return OpResult(
                values,
                f"c = a.{kind}(dim={params.dim}).values  # .indices has the positions",
                [f"positions: {indices.tolist()}"],
            )
        return OpResult(
            result, f"c = a.{kind}(dim={params.dim})", [f"dim {params.dim} of {shape_text(a.shape)} is reduced away"]
        )

    return run


def _reshape(kind: str) -> Callable[[Tensor, Tensor | None, OpParams], OpResult]:
    def run(a: Tensor, b: Tensor | None, params: OpParams) -> OpResult:
        text = params.shape.strip().strip("()[]")
        try:
            shape = tuple(int(part) for part in text.split(",") if part.strip())
        except ValueError as error:
            raise TensorInputError(
                f"A shape is whole numbers separated by commas (-1 for 'work it out'), not {params.shape!r}."
            ) from error
        result = a.reshape(shape) if kind == "reshape" else a.view(shape)
        notes = [
            "view shares memory with a"
            if kind == "view"
            else (
                "shares memory with a (a view)"
                if result.data_ptr() == a.data_ptr()
                else "a copy (a was not contiguous)"
            )
        ]
        return OpResult(result, f"c = a.{kind}({', '.join(str(s) for s in shape)})", notes)

    return run


def _permute(a: Tensor, b: Tensor | None, params: OpParams) -> OpResult:
    try:
        dims = tuple(int(part) for part in params.dims.strip().strip("()[]").split(",") if part.strip())
    except ValueError as error:
        raise TensorInputError(
            f"permute takes dims as whole numbers separated by commas, not {params.dims!r}."
        ) from error
    result = a.permute(dims)
    return OpResult(
        result,
        f"c = a.permute({', '.join(str(d) for d in dims)})",
        [f"a view: no data moves, strides {tuple(result.stride())}, contiguous: {result.is_contiguous()}"],
    )


def _transpose(a: Tensor, b: Tensor | None, params: OpParams) -> OpResult:
    result = a.transpose(params.dim0, params.dim1)
    return OpResult(
        result, f"c = a.transpose({params.dim0}, {params.dim1})", [f"a view, contiguous: {result.is_contiguous()}"]
    )


def _squeeze(a: Tensor, b: Tensor | None, params: OpParams) -> OpResult:
    if params.dim is None:
        return OpResult(a.squeeze(), "c = a.squeeze()", ["every size-1 dim removed"])
    return OpResult(a.squeeze(params.dim), f"c = a.squeeze({params.dim})", ["removed only if that dim has size 1"])


def _unsqueeze(a: Tensor, b: Tensor | None, params: OpParams) -> OpResult:
    dim = 0 if params.dim is None else params.dim
    return OpResult(a.unsqueeze(dim), f"c = a.unsqueeze({dim})", [f"a new size-1 dim at position {dim}"])


def _join(kind: str) -> Callable[[Tensor, Tensor | None, OpParams], OpResult]:
    def run(a: Tensor, b: Tensor | None, params: OpParams) -> OpResult:
        assert b is not None
        dim = 0 if params.dim is None else params.dim
        fn = torch.stack if kind == "stack" else torch.cat
        note = "a new dim of size 2 holds a and b" if kind == "stack" else f"a and b joined end to end along dim {dim}"
        return OpResult(fn([a, b], dim=dim), f"c = torch.{kind}([a, b], dim={dim})", [note])

    return run


def _index(a: Tensor, b: Tensor | None, params: OpParams) -> OpResult:
    index = parse_index(params.index)
    return OpResult(a[index], f"c = a[{index_text(index)}]", ["basic indexing returns a view of a"])


def _convert(a: Tensor, b: Tensor | None, params: OpParams) -> OpResult:
    if params.dtype not in DTYPES:
        raise TensorInputError(f"Unknown dtype {params.dtype!r}.")
    result = a.to(DTYPES[params.dtype])
    notes = []
    if a.dtype.is_floating_point and not result.dtype.is_floating_point and result.dtype != torch.bool:
        notes.append("float → int truncates toward zero (2.7 → 2, -2.7 → -2)")
    if result.dtype == torch.bool:
        notes.append("every non-zero value becomes True")
    return OpResult(result, f"c = a.to(torch.{params.dtype})", notes)


def _numpy(a: Tensor, b: Tensor | None, params: OpParams) -> OpResult:
    array = a.numpy()
    back = torch.from_numpy(array)
    shared = back.data_ptr() == a.data_ptr()
    return OpResult(
        back,
        "n = a.numpy(); c = torch.from_numpy(n)",
        [
            f"NumPy array: dtype {array.dtype}, shape {array.shape}",
            f"c shares memory with a: {shared} (change one, the other changes)",
            "NumPy's default float is float64: torch.from_numpy keeps it",
        ],
    )


@dataclass(frozen=True)
class OperationInfo:
    """One operation a learner can pick."""

    title: str  # shown in the selectbox
    group: str  # for grouping in the UI
    needs_b: bool  # takes a second tensor
    params: tuple[str, ...]  # which OpParams fields it reads
    run: Callable[[Tensor, Tensor | None, OpParams], OpResult]


OPERATIONS: dict[str, OperationInfo] = {
    "add": OperationInfo("a + b", "Elementwise", True, (), _elementwise("+", torch.add)),
    "subtract": OperationInfo("a - b", "Elementwise", True, (), _elementwise("-", torch.sub)),
    "multiply": OperationInfo("a * b", "Elementwise", True, (), _elementwise("*", torch.mul)),
    "divide": OperationInfo("a / b", "Elementwise", True, (), _elementwise("/", torch.div)),
    "matmul": OperationInfo("a @ b", "Matrix multiply", True, (), _matmul),
    "min": OperationInfo("min", "Aggregate", False, ("dim",), _aggregate("min")),
    "max": OperationInfo("max", "Aggregate", False, ("dim",), _aggregate("max")),
    "mean": OperationInfo("mean", "Aggregate", False, ("dim",), _aggregate("mean")),
    "sum": OperationInfo("sum", "Aggregate", False, ("dim",), _aggregate("sum")),
    "argmin": OperationInfo("argmin", "Aggregate", False, ("dim",), _aggregate("argmin")),
    "argmax": OperationInfo("argmax", "Aggregate", False, ("dim",), _aggregate("argmax")),
    "reshape": OperationInfo("reshape", "Shape", False, ("shape",), _reshape("reshape")),
    "view": OperationInfo("view", "Shape", False, ("shape",), _reshape("view")),
    "permute": OperationInfo("permute", "Shape", False, ("dims",), _permute),
    "transpose": OperationInfo("transpose", "Shape", False, ("dim0", "dim1"), _transpose),
    "squeeze": OperationInfo("squeeze", "Shape", False, ("dim",), _squeeze),
    "unsqueeze": OperationInfo("unsqueeze", "Shape", False, ("dim",), _unsqueeze),
    "stack": OperationInfo("torch.stack([a, b])", "Shape", True, ("dim",), _join("stack")),
    "cat": OperationInfo("torch.cat([a, b])", "Shape", True, ("dim",), _join("cat")),
    "index": OperationInfo("indexing and slicing a[...]", "Index", False, ("index",), _index),
    "convert": OperationInfo("dtype conversion a.to(...)", "Convert", False, ("dtype",), _convert),
    "numpy": OperationInfo("NumPy round trip", "Convert", False, (), _numpy),
}
