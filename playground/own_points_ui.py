"""Your own 2-D data on the classification page: click to add or remove points, upload or download a CSV.

The points live in session state (POINTS), survive reruns and page switches, and train like any built-in
set (the page puts them in DataConfig.own). A click on the plane lands on an invisible grid point (plotly
reports clicks on points only), which adds a point of the chosen class there; a click on a point removes it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from core.data.own_points import EXAMPLE, MAX_ROWS, OwnPoints, PointsError, check_trainable, parse_points_csv
from core.data.toy2d import PLANE_LIMIT
from playground.classification_settings import K
from playground.figures import CLASS_COLORS
from playground.literal import literal
from playground.upload_ui import file_upload

POINTS = K + "own_points"  # OwnPoints
CLASS = K + "own_class"  # the class a click adds
CHART = K + "own_chart"
NOTICE = K + "own_notice"  # (kind, text) of the last upload or click, shown once
UPLOAD = K + "own_upload"
EXTENSIONS = ["csv", "txt"]
GRID = 41  # invisible click targets per side
REMOVE_WITHIN = 0.45  # a click this close to a point removes it


def own_points() -> OwnPoints:
    """The session's own points (an example set before the first edit)."""
    points = st.session_state.get(POINTS)
    if not isinstance(points, OwnPoints):
        points = st.session_state[POINTS] = EXAMPLE
    return points


def _clicked(event: Any) -> tuple[float, float, int | None] | None:
    points = getattr(getattr(event, "selection", None), "points", None) or []
    for point in points:
        if isinstance(point, dict) and "x" in point and "y" in point:
            data = point.get("customdata")
            index = int(data[0]) if isinstance(data, list | tuple) and data and data[0] >= 0 else None
            return float(point["x"]), float(point["y"]), index
    return None


def apply_click(points: OwnPoints, x: float, y: float, index: int | None, label: int) -> OwnPoints:
    """A click: on a point (`index`, or one within REMOVE_WITHIN) removes it; elsewhere adds one of `label`."""
    if index is None:
        index = points.nearest(x, y, REMOVE_WITHIN)
    if index is not None:
        return points.without_point(index)
    return points.with_point(x, y, label)


def _on_click() -> None:
    hit = _clicked(st.session_state.get(CHART))
    if hit is None:
        return
    x, y, index = hit
    try:
        st.session_state[POINTS] = apply_click(own_points(), x, y, index, int(st.session_state.get(CLASS, 0)))
    except PointsError as error:
        st.session_state[NOTICE] = ("error", str(error))


def _on_upload() -> None:
    """Read a new upload once, before the page builds its data from the points."""
    upload = st.session_state.get(UPLOAD)
    if upload is None or not upload.name.lower().endswith(tuple("." + e for e in EXTENSIONS)):
        return  # removed, or a refused type (file_upload says so)
    try:
        points, notes = parse_points_csv(upload.getvalue())
    except PointsError as error:
        st.session_state[NOTICE] = ("error", f"{upload.name[:60]!r}: {error}")
        return
    st.session_state[POINTS] = points
    st.session_state[NOTICE] = ("info", " ".join([f"Loaded {len(points.xy)} points.", *notes]))


def _figure(points: OwnPoints) -> go.Figure:
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
    xy = np.array(points.xy, dtype=float).reshape(-1, 2)
    labels = np.array(points.labels, dtype=int)
    for label, name in enumerate(points.names):
        mine = np.flatnonzero(labels == label)
        fig.add_trace(
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
    fig.update_xaxes(range=[-PLANE_LIMIT - 0.3, PLANE_LIMIT + 0.3], zeroline=False, constrain="domain", title="x1")
    fig.update_yaxes(range=[-PLANE_LIMIT - 0.3, PLANE_LIMIT + 0.3], zeroline=False, scaleanchor="x", title="x2")
    fig.update_layout(
        height=360,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        clickmode="event+select",
        dragmode=False,
        legend={"orientation": "h", "y": -0.18},
        plot_bgcolor="#fafafa",
    )
    return fig


def own_points_editor() -> OwnPoints | None:
    """The editor: the plane to click, the class a click adds, CSV upload and download.

    Returns the points when they can train, else None (the reason is shown).
    """
    points = own_points()
    file_upload(
        "Upload a CSV (x1,x2,label per row)",
        UPLOAD,
        EXTENSIONS,
        on_change=_on_upload,
        help=f"At most {MAX_ROWS:,} rows; a header line x1,x2,label is optional",
    )
    notice = st.session_state.pop(NOTICE, None)
    if notice:
        (st.error if notice[0] == "error" else st.info)(literal(notice[1]))
    row = st.container(horizontal=True, vertical_alignment="center")
    row.segmented_control(
        "A click adds",
        list(range(points.classes)),
        format_func=lambda k: f"class {points.names[k]}" if k < len(points.names) else f"class {k}",
        key=CLASS,
        default=0,
        help="Click on the plane to add a point of this class; click a point to remove it",
    )
    row.download_button(
        "Download as CSV", points.to_csv().encode(), file_name="own_points.csv", mime="text/csv", key=K + "own_csv"
    )
    row.button("Example", key=K + "own_example", on_click=lambda: st.session_state.update({POINTS: EXAMPLE}))
    row.button("Clear", key=K + "own_clear", on_click=lambda: st.session_state.update({POINTS: OwnPoints()}))
    st.plotly_chart(
        _figure(points), key=CHART, on_select=_on_click, selection_mode="points", config={"displayModeBar": False}
    )
    st.caption(f"{len(points.xy)} points. Click on the plane to add one, click a point to remove it.")
    problem = check_trainable(points)
    if problem:
        st.warning(problem)
        return None
    return points
