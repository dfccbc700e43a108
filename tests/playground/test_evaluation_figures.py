"""The confusion-matrix figure stays readable from 2 to 100 classes and shows 0/0 as such."""

import torch

from core.evaluation import normalised
from playground.evaluation_figures import TEXT_LIMIT, matrix_figure, matrix_size


def _cells(fig):
    return next(trace for trace in fig.data if trace.type == "scatter")


def test_zero_over_zero_cells_read_0_0_and_are_grey():
    counts = torch.tensor([[3, 1, 0], [0, 0, 0], [2, 0, 4]])  # class 1 never occurs
    fig = matrix_figure(counts, normalised(counts, "true"), ("a", "b", "c"), "true", (0, 1))
    text = list(_cells(fig).text)
    assert text[3:6] == ["0/0", "0/0", "0/0"]  # row b
    assert text[0] == "0.75"
    assert "nan" not in " ".join(text).lower()
    greys = [trace for trace in fig.data if trace.type == "heatmap"][1]  # the layer under the 0/0 cells
    assert list(greys.z[1]) == [1.0, 1.0, 1.0] and list(greys.z[0]) == [None, None, None]
    assert len(fig.layout.shapes) == 1  # the selected cell's frame


def test_a_hundred_classes_stay_readable():
    n = 100
    counts = torch.randint(0, 5, (n, n), generator=torch.Generator().manual_seed(0))
    classes = tuple(f"class number {i}" for i in range(n))
    fig = matrix_figure(counts, normalised(counts, "none"), classes, "none", None)
    assert _cells(fig).mode == "markers"  # no numbers in 10,000 cells: hover tells
    assert len(fig.layout.xaxis.tickvals) <= 12 and len(fig.layout.yaxis.tickvals) <= 12
    assert fig.layout.height == matrix_size(n) <= 600
    assert len(_cells(fig).hovertext) == n * n


def test_few_classes_print_their_numbers_and_names_are_escaped():
    counts = torch.tensor([[5, 1], [2, 7]])
    fig = matrix_figure(counts, normalised(counts, "none"), ("<b>cats</b>", "dogs"), "none", None)
    assert _cells(fig).mode == "markers+text" and TEXT_LIMIT >= 2
    assert list(_cells(fig).text) == ["5", "1", "2", "7"]
    assert "&lt;b&gt;cats&lt;/b&gt;" in fig.layout.xaxis.ticktext[0]
