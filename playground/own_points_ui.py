"""Your own 2-D data on the classification page: click to add or remove points, upload or download a CSV.

Classes (OwnPoints) and, for regression, values (OwnValues) live in session state (POINTS, VALUES), each
kept while the other problem type is shown; they survive reruns and page switches and train like any
built-in set (the page puts them in DataConfig.own). A click on the plane lands on an invisible grid point
(plotly reports clicks on points only), which adds a point of the chosen class or value there; a click on
a point removes it.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import plotly.graph_objects as go
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from core.data.own_points import (
    EXAMPLE,
    MAX_ROWS,
    VALUES_EXAMPLE,
    OwnPoints,
    OwnValues,
    PointsError,
    check_trainable,
    parse_points_csv,
    parse_values_csv,
)
from core.data.toy2d import PLANE_LIMIT
from playground.classification_settings import K
from playground.figures import CLASS_COLORS, DIVERGING_SCALE
from playground.literal import literal
from playground.upload_ui import file_upload

POINTS = K + "own_points"  # OwnPoints
VALUES = K + "own_values"  # OwnValues (regression)
CLASS = K + "own_class"  # the class a click adds
VALUE = K + "own_value"  # the value a click adds (regression)
CHART = K + "own_chart"
NOTICE = K + "own_notice"  # (kind, text) of the last upload or click, shown once
UPLOAD = K + "own_upload"
EXTENSIONS = ["csv", "txt"]
GRID = 41  # invisible click targets per side
REMOVE_WITHIN = 0.45  # a click this close to a point removes it


def own_points() -> OwnPoints:
    """The session's own points with classes (an example set before the first edit)."""
    points = st.session_state.get(POINTS)
    if not isinstance(points, OwnPoints):
        points = st.session_state[POINTS] = EXAMPLE
    return points


def own_values() -> OwnValues:
    """The session's own points with values, for regression (an example set before the first edit)."""
    points = st.session_state.get(VALUES)
    if not isinstance(points, OwnValues):
        points = st.session_state[VALUES] = VALUES_EXAMPLE
    return points


def own_data(regression: bool) -> OwnPoints | OwnValues:
    """The session's own points of one problem type."""
    return own_values() if regression else own_points()


def _clicked(event: Any) -> tuple[float, float, int | None] | None:
    points = getattr(getattr(event, "selection", None), "points", None) or []
    for point in points:
        if isinstance(point, dict) and "x" in point and "y" in point:
            data = point.get("customdata")
            index = int(data[0]) if isinstance(data, list | tuple) and data and data[0] >= 0 else None
            return float(point["x"]), float(point["y"]), index
    return None


def apply_click(
    points: OwnPoints | OwnValues, x: float, y: float, index: int | None, target: float
) -> OwnPoints | OwnValues:
    """A click: on a point (`index`, or one within REMOVE_WITHIN) removes it; elsewhere adds one of `target`.

    `target` is the class of a new point, or (OwnValues) its value.
    """
    if index is None:
        index = points.nearest(x, y, REMOVE_WITHIN)
    if index is not None:
        return points.without_point(index)
    if isinstance(points, OwnValues):
        return points.with_point(x, y, float(target))
    return points.with_point(x, y, int(target))


def _on_click(regression: bool) -> None:
    hit = _clicked(st.session_state.get(CHART))
    if hit is None:
        return
    x, y, index = hit
    target = st.session_state.get(VALUE, 0.5) if regression else st.session_state.get(CLASS, 0)
    try:
        st.session_state[VALUES if regression else POINTS] = apply_click(own_data(regression), x, y, index, target or 0)
    except PointsError as error:
        st.session_state[NOTICE] = ("error", str(error))


def _on_upload(regression: bool) -> None:
    """Read a new upload once, before the page builds its data from the points."""
    upload = st.session_state.get(UPLOAD)
    if upload is None or not upload.name.lower().endswith(tuple("." + e for e in EXTENSIONS)):
        return  # removed, or a refused type (file_upload says so)
    try:
        points, notes = (parse_values_csv if regression else parse_points_csv)(upload.getvalue())
    except PointsError as error:
        st.session_state[NOTICE] = ("error", f"{upload.name[:60]!r}: {error}")
        return
    st.session_state[VALUES if regression else POINTS] = points
    st.session_state[NOTICE] = ("info", " ".join([f"Loaded {len(points.xy)} points.", *notes]))


def _value_trace(points: OwnValues) -> go.Scatter:
    xy = np.array(points.xy, dtype=float).reshape(-1, 2)
    return go.Scatter(
        x=xy[:, 0],
        y=xy[:, 1],
        mode="markers",
        marker={
            "size": 10,
            "color": list(points.values),
            "colorscale": DIVERGING_SCALE,
            "cmin": -1.0,
            "cmax": 1.0,
            "line": {"width": 1, "color": "#333"},
            "colorbar": {  # under the plane (a square plot leaves the right edge far away)
                "title": {"text": "value y", "side": "right"},
                "orientation": "h",
                "thickness": 10,
                "len": 0.5,
                "y": -0.3,
                "yanchor": "top",
                "tickvals": [-1, -0.5, 0, 0.5, 1],
            },
        },
        customdata=[[i] for i in range(len(xy))],
        name="points",
        showlegend=False,
        hovertemplate="(%{x:.2f}, %{y:.2f}), y = %{marker.color:.2f}: click to remove<extra></extra>",
    )


def _class_traces(points: OwnPoints) -> list[go.Scatter]:
    xy = np.array(points.xy, dtype=float).reshape(-1, 2)
    labels = np.array(points.labels, dtype=int)
    traces = []
    for label, name in enumerate(points.names):
        mine = np.flatnonzero(labels == label)
        traces.append(
            go.Scatter(
                x=xy[mine, 0],
                y=xy[mine, 1],
                mode="markers",
                marker={
                    "size": 9,
                    "color": CLASS_COLORS[label % len(CLASS_COLORS)],
                    "line": {"width": 1, "color": "#333"},
                },
                customdata=[[int(i)] for i in mine],
                name=f"class {name}",
                hovertemplate="(%{x:.2f}, %{y:.2f}): click to remove<extra></extra>",
            )
        )
    return traces


def _figure(points: OwnPoints | OwnValues) -> go.Figure:
    axis = np.linspace(-PLANE_LIMIT, PLANE_LIMIT, GRID)
    gx, gy = np.meshgrid(axis, axis)
    fig = go.Figure(
        go.Scatter(
            x=gx.ravel(),
            y=gy.ravel(),
            mode="markers",
            marker={"size": 14, "color": "rgba(0,0,0,0)"},
            customdata=[[-1]] * gx.size,
            hoverinfo="none",
            showlegend=False,
        )
    )
    fig.add_traces(_value_trace(points) if isinstance(points, OwnValues) else _class_traces(points))
    bottom = 70 if isinstance(points, OwnValues) else 10  # room for the colour bar under the plane
    fig.update_xaxes(range=[-PLANE_LIMIT - 0.3, PLANE_LIMIT + 0.3], zeroline=False, constrain="domain", title="x1")
    fig.update_yaxes(range=[-PLANE_LIMIT - 0.3, PLANE_LIMIT + 0.3], zeroline=False, scaleanchor="x", title="x2")
    fig.update_layout(
        height=350 + bottom,
        margin={"l": 10, "r": 10, "t": 10, "b": bottom},
        clickmode="event+select",
        dragmode=False,
        legend={"orientation": "h", "y": -0.18},
        plot_bgcolor="#fafafa",
    )
    return fig


def _what_a_click_adds(row: DeltaGenerator, points: OwnPoints | OwnValues) -> None:
    if isinstance(points, OwnValues):
        row.slider(
            "A click adds the value",
            -1.0,
            1.0,
            0.5,
            step=0.1,
            key=VALUE,
            help="Click on the plane to add a point with this value (orange −1 … blue +1); click a point to remove it",
        )
        return
    row.segmented_control(
        "A click adds",
        list(range(points.classes)),
        format_func=lambda k: f"class {points.names[k]}" if k < len(points.names) else f"class {k}",
        key=CLASS,
        default=0,
        help="Click on the plane to add a point of this class; click a point to remove it",
    )


def own_points_editor(regression: bool = False) -> OwnPoints | OwnValues | None:
    """The editor: the plane to click, the class (or value) a click adds, CSV upload and download.

    Returns the points when they can train, else None (the reason is shown).
    """
    points = own_data(regression)
    shape, state_key = ("x1,x2,y", VALUES) if regression else ("x1,x2,label", POINTS)
    file_upload(
        f"Upload a CSV ({shape} per row)",
        UPLOAD,
        EXTENSIONS,
        on_change=_on_upload,
        args=(regression,),
        help=f"At most {MAX_ROWS:,} rows; a header line {shape} is optional"
        + ("; values beyond -1..1 are scaled into it" if regression else ""),
    )
    notice = st.session_state.pop(NOTICE, None)
    if notice:
        (st.error if notice[0] == "error" else st.info)(literal(notice[1]))
    row = st.container(horizontal=True, vertical_alignment="center")
    _what_a_click_adds(row, points)
    name = "own_values.csv" if regression else "own_points.csv"
    row.download_button("Download as CSV", points.to_csv().encode(), file_name=name, mime="text/csv", key=K + "own_csv")
    example, empty = (VALUES_EXAMPLE, OwnValues()) if regression else (EXAMPLE, OwnPoints())
    row.button("Example", key=K + "own_example", on_click=lambda: st.session_state.update({state_key: example}))
    row.button("Clear", key=K + "own_clear", on_click=lambda: st.session_state.update({state_key: empty}))
    st.plotly_chart(
        _figure(points),
        key=CHART,
        on_select=functools.partial(_on_click, regression),
        selection_mode="points",
        config={"displayModeBar": False},
    )
    st.caption(f"{len(points.xy)} points. Click on the plane to add one, click a point to remove it.")
    problem = check_trainable(points)
    if problem:
        st.warning(problem)
        return None
    return points
