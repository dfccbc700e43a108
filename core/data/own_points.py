"""A learner's own 2-D points: read from a CSV (x1,x2,label, or x1,x2,y for regression), edited by clicks,
written back to CSV.

Every refusal is one line (`PointsError`) that says what to fix; points far outside the playground's plane
are scaled into it, with a note.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, replace

import torch
from torch import Tensor

from core.data.toy2d import PLANE_LIMIT

MAX_ROWS = 10_000
MAX_CLASSES = 8
HEADER = ("x1", "x2", "label")
VALUES_HEADER = ("x1", "x2", "y")
VALUE_LIMIT = 1.0  # values are fitted on TF Playground's scale, -1..1: larger ones are scaled into it


class PointsError(ValueError):
    """A CSV of points that cannot be used, with a one-line reason."""


@dataclass(frozen=True)
class OwnPoints:
    """Points on the plane with their class (0..classes-1) and each class's name as the CSV spelled it."""

    xy: tuple[tuple[float, float], ...] = ()
    labels: tuple[int, ...] = ()
    names: tuple[str, ...] = ("0", "1")

    @property
    def classes(self) -> int:
        """How many classes (at least two: the names the learner can click with)."""
        return max(len(self.names), 2)

    def tensors(self) -> tuple[Tensor, Tensor]:
        """X [N, 2] float32 and y [N] int64, as the generated data sets give them."""
        if not self.xy:
            return torch.zeros(0, 2), torch.zeros(0, dtype=torch.long)
        return torch.tensor(self.xy, dtype=torch.float32), torch.tensor(self.labels, dtype=torch.long)

    def with_point(self, x: float, y: float, label: int) -> OwnPoints:
        """These points and one more (refused past MAX_ROWS)."""
        if len(self.xy) >= MAX_ROWS:
            raise PointsError(f"At most {MAX_ROWS:,} points.")
        if not 0 <= label < self.classes:
            raise PointsError(f"Class {label} does not exist here; the classes are 0 to {self.classes - 1}.")
        return replace(self, xy=(*self.xy, (float(x), float(y))), labels=(*self.labels, int(label)))

    def without_point(self, index: int) -> OwnPoints:
        """These points less the one at `index`."""
        if not 0 <= index < len(self.xy):
            return self
        return replace(
            self, xy=self.xy[:index] + self.xy[index + 1 :], labels=self.labels[:index] + self.labels[index + 1 :]
        )

    def nearest(self, x: float, y: float, within: float) -> int | None:
        """The index of the point nearest (x, y) if it lies within `within`, else None."""
        return _nearest(self.xy, x, y, within)

    def to_csv(self) -> str:
        """The points as CSV with a header, labels as the learner named them."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(HEADER)
        for (x, y), label in zip(self.xy, self.labels, strict=True):
            writer.writerow((f"{x:.6g}", f"{y:.6g}", self.names[label]))
        return out.getvalue()


@dataclass(frozen=True)
class OwnValues:
    """Points on the plane with a value each to fit (regression), on TF Playground's scale -1..1."""

    xy: tuple[tuple[float, float], ...] = ()
    values: tuple[float, ...] = ()

    def tensors(self) -> tuple[Tensor, Tensor]:
        """X [N, 2] and y [N], both float32, as the generated regression sets give them."""
        if not self.xy:
            return torch.zeros(0, 2), torch.zeros(0)
        return torch.tensor(self.xy, dtype=torch.float32), torch.tensor(self.values, dtype=torch.float32)

    def with_point(self, x: float, y: float, value: float) -> OwnValues:
        """These points and one more of `value` (refused past MAX_ROWS or outside -1..1)."""
        if len(self.xy) >= MAX_ROWS:
            raise PointsError(f"At most {MAX_ROWS:,} points.")
        if not (math.isfinite(value) and abs(value) <= VALUE_LIMIT):
            raise PointsError(f"A value of {value:g} is outside -1..1, the scale the plane's colours show.")
        return replace(self, xy=(*self.xy, (float(x), float(y))), values=(*self.values, float(value)))

    def without_point(self, index: int) -> OwnValues:
        """These points less the one at `index`."""
        if not 0 <= index < len(self.xy):
            return self
        return replace(
            self, xy=self.xy[:index] + self.xy[index + 1 :], values=self.values[:index] + self.values[index + 1 :]
        )

    def nearest(self, x: float, y: float, within: float) -> int | None:
        """The index of the point nearest (x, y) if it lies within `within`, else None."""
        return _nearest(self.xy, x, y, within)

    def to_csv(self) -> str:
        """The points as CSV with a header x1,x2,y."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(VALUES_HEADER)
        for (x, y), value in zip(self.xy, self.values, strict=True):
            writer.writerow((f"{x:.6g}", f"{y:.6g}", f"{value:.6g}"))
        return out.getvalue()


def _nearest(xy: tuple[tuple[float, float], ...], x: float, y: float, within: float) -> int | None:
    best, best_d = None, within
    for index, (px, py) in enumerate(xy):
        distance = math.hypot(px - x, py - y)
        if distance <= best_d:
            best, best_d = index, distance
    return best


def check_trainable(points: OwnPoints | OwnValues) -> str | None:
    """Why these points cannot train yet (None when they can): too few, or (classes) one class only."""
    if len(points.xy) < 4:
        return "Add at least 4 points (click on the plane, or upload a CSV)."
    if isinstance(points, OwnPoints) and len(set(points.labels)) < 2:
        return "All points are one class: add points of another class."
    return None


def _number(text: str, row: int, column: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise PointsError(f"Row {row}: {column} is {text.strip()[:20]!r}, not a number.") from None
    if not math.isfinite(value):
        raise PointsError(f"Row {row}: {column} is {text.strip()}; only finite numbers can be points.")
    return value


def _read_rows(data: bytes, third: str) -> tuple[list[tuple[float, float]], list[str], list[str]]:
    """The rows' (x1, x2), scaled into the plane, their third column as text, and notes on the scaling."""
    shape = f"x1,x2,{third}"
    if not data.strip():
        raise PointsError(f"The file is empty: a CSV of {shape} rows is needed.")
    if b"\x00" in data[:4096]:
        raise PointsError(f"This is not a text file: upload a CSV of {shape} rows.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PointsError(f"This is not a UTF-8 text file: upload a CSV of {shape} rows.") from None
    rows = [row for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row)]
    if rows and [cell.strip().lower() for cell in rows[0]][:2] == ["x1", "x2"]:
        rows = rows[1:]
    if not rows:
        raise PointsError("The file has a header but no points.")
    if len(rows) > MAX_ROWS:
        raise PointsError(f"{len(rows):,} rows: at most {MAX_ROWS:,} points.")
    xy, thirds = [], []
    for number, row in enumerate(rows, start=1):
        if len(row) != 3:
            kind = "missing" if len(row) < 3 else "extra"
            raise PointsError(f"Row {number} has {len(row)} columns ({kind} columns): each row is {shape}.")
        xy.append((_number(row[0], number, "x1"), _number(row[1], number, "x2")))
        thirds.append(row[2])
    notes = []
    largest = max(max(abs(x), abs(y)) for x, y in xy)
    if largest > PLANE_LIMIT:
        scale = PLANE_LIMIT / largest
        xy = [(x * scale, y * scale) for x, y in xy]
        notes.append(
            f"The points reach {largest:.4g}; they were scaled by {scale:.3g} to fit the plane (±{PLANE_LIMIT:g})."
        )
    return xy, thirds, notes


def parse_points_csv(data: bytes) -> tuple[OwnPoints, list[str]]:
    """Read `x1,x2,label` rows (a header line is optional); returns the points and notes (e.g. scaled).

    Raises:
        PointsError: empty, not text, wrong column count, text or NaN/inf where numbers belong, one class,
            more than MAX_CLASSES classes or MAX_ROWS rows.
    """
    xy, thirds, notes = _read_rows(data, "label")
    raw_labels = [label.strip() for label in thirds]
    names = sorted(set(raw_labels), key=lambda name: (not _is_int(name), int(name) if _is_int(name) else 0, name))
    if len(names) < 2:
        raise PointsError(f"Every point is class {names[0]!r}: a classifier needs at least two classes.")
    if len(names) > MAX_CLASSES:
        raise PointsError(
            f"{len(names)} classes: at most {MAX_CLASSES}. Values to fit? Choose Regression as the problem type."
        )
    index = {name: i for i, name in enumerate(names)}
    points = OwnPoints(tuple(xy), tuple(index[name] for name in raw_labels), tuple(names))
    return points, notes


def parse_values_csv(data: bytes) -> tuple[OwnValues, list[str]]:
    """Read `x1,x2,y` rows for regression (a header line is optional); returns the points and notes.

    Values beyond -1..1 are scaled into it (the plane's colour scale), with a note.

    Raises:
        PointsError: empty, not text, wrong column count, text or NaN/inf where numbers belong, more than
            MAX_ROWS rows.
    """
    xy, thirds, notes = _read_rows(data, "y")
    values = [_number(text, number, "y") for number, text in enumerate(thirds, start=1)]
    largest = max(abs(value) for value in values)
    if largest > VALUE_LIMIT:
        scale = VALUE_LIMIT / largest
        values = [value * scale for value in values]
        notes.append(f"The values reach {largest:.4g}; they were scaled by {scale:.3g} to fit -1..1.")
    return OwnValues(tuple(xy), tuple(values)), notes


def _is_int(text: str) -> bool:
    try:
        int(text)
    except ValueError:
        return False
    return True


EXAMPLE = OwnPoints(
    xy=((-3.0, -3.0), (-2.0, -3.5), (-3.5, -2.0), (3.0, 3.0), (2.0, 3.5), (3.5, 2.0), (-3.0, 3.0), (3.0, -3.0)),
    labels=(0, 0, 0, 0, 0, 0, 1, 1),
    names=("0", "1"),
)

VALUES_EXAMPLE = OwnValues(
    xy=((-4.0, -4.0), (-2.0, -1.0), (0.0, 0.0), (1.0, 3.0), (3.0, 1.0), (4.0, 4.0), (-4.0, 4.0), (4.0, -4.0)),
    values=(-0.8, -0.3, 0.0, 0.4, 0.4, 0.8, 0.0, 0.0),
)
