"""Your own 2-D points: a CSV in, one line for every bad file, clicks that add and remove, a CSV back out."""

import pytest
import torch

from core.classification import ClassificationConfig, DataConfig, build_experiment
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


def test_a_csv_with_a_header_becomes_points_and_back():
    points, notes = parse_points_csv(b"x1,x2,label\n1,2,0\n-1.5,0.25,1\n3,-3,1\n")
    assert points.xy == ((1.0, 2.0), (-1.5, 0.25), (3.0, -3.0)) and points.labels == (0, 1, 1) and notes == []
    again, _ = parse_points_csv(points.to_csv().encode())
    assert again == points


def test_labels_may_be_names_and_keep_them():
    points, _ = parse_points_csv(b"0,0,cat\n1,1,dog\n2,2,cat\n")
    assert points.names == ("cat", "dog") and points.labels == (0, 1, 0)
    assert points.to_csv().splitlines()[1:] == ["0,0,cat", "1,1,dog", "2,2,cat"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty"),
        (b"   \n\n", "The file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a text file"),
        (b"\xff\xfe1,2,0\n", "not a UTF-8 text file"),
        (b"x1,x2,label\n", "a header but no points"),
        (b"1,2\n3,4\n", "Row 1 has 2 columns (missing columns)"),
        (b"1,2,0\n3,4,1,9\n", "Row 2 has 4 columns (extra columns)"),
        (b"1,2,0\nabc,4,1\n", "Row 2: x1 is 'abc', not a number."),
        (b"1,nan,0\n3,4,1\n", "Row 1: x2 is nan; only finite numbers"),
        (b"1,2,0\ninf,4,1\n", "Row 2: x1 is inf; only finite numbers"),
        (b"1,2,0\n3,4,0\n", "Every point is class '0'"),
        (b"".join(f"{i},{i},{i}\n".encode() for i in range(9)), "9 classes: at most 8. Values to fit? Choose Regr"),
    ],
)
def test_every_bad_file_gets_one_line(data, message):
    with pytest.raises(PointsError) as error:
        parse_points_csv(data)
    assert message in str(error.value) and "\n" not in str(error.value)


def test_more_than_ten_thousand_rows_are_refused():
    rows = b"".join(f"{i % 5},{i % 3},{i % 2}\n".encode() for i in range(MAX_ROWS + 1))
    with pytest.raises(PointsError, match="10,001 rows: at most 10,000 points"):
        parse_points_csv(rows)
    points, _ = parse_points_csv(rows.rsplit(b"\n", 2)[0] + b"\n")
    assert len(points.xy) == MAX_ROWS


def test_points_far_outside_the_plane_are_scaled_in_with_a_note():
    points, notes = parse_points_csv(b"100,0,0\n-50,20,1\n0,-100,1\n")
    assert max(abs(v) for xy in points.xy for v in xy) == pytest.approx(PLANE_LIMIT)
    assert points.xy[0] == pytest.approx((PLANE_LIMIT, 0.0))
    assert len(notes) == 1 and "scaled by 0.06" in notes[0]


def test_clicks_add_and_remove_points():
    points = OwnPoints()
    points = points.with_point(1.0, 2.0, 0).with_point(-1.0, -2.0, 1)
    assert points.xy == ((1.0, 2.0), (-1.0, -2.0)) and points.labels == (0, 1)
    assert points.nearest(1.1, 2.1, 0.5) == 0 and points.nearest(3, 3, 0.5) is None
    assert points.without_point(0).xy == ((-1.0, -2.0),)
    with pytest.raises(PointsError, match="Class 5 does not exist"):
        points.with_point(0, 0, 5)


def test_too_few_points_or_one_class_cannot_train():
    assert check_trainable(OwnPoints()) == "Add at least 4 points (click on the plane, or upload a CSV)."
    one_class = OwnPoints(((0, 0), (1, 1), (2, 2), (3, 3)), (1, 1, 1, 1))
    assert "one class" in check_trainable(one_class)
    assert check_trainable(EXAMPLE) is None


def test_own_points_train_like_a_built_in_set():
    config = ClassificationConfig(data=DataConfig(dataset="own", own=EXAMPLE, train_percent=50))
    experiment = build_experiment(config)
    trainer = experiment.trainer
    assert config.data.samples == 8 and config.data.classes == 2
    assert len(trainer.X_train) + len(trainer.test[0]) == 8
    points = torch.cat([experiment.raw_train[0], experiment.raw_test[0]])
    assert sorted(map(tuple, points.tolist())) == sorted(EXAMPLE.xy)
    first = trainer.run_epoch().train_loss
    for _ in range(30):
        last = trainer.run_epoch().train_loss
    assert last < first


# ---- regression: x1,x2,y ---------------------------------------------------------------------------------


def test_a_values_csv_becomes_points_and_back():
    points, notes = parse_values_csv(b"x1,x2,y\n1,2,0.5\n-1.5,0.25,-1\n3,-3,0\n")
    assert points.xy == ((1.0, 2.0), (-1.5, 0.25), (3.0, -3.0)) and points.values == (0.5, -1.0, 0.0)
    assert notes == [] and points.to_csv().splitlines()[0] == "x1,x2,y"
    again, _ = parse_values_csv(points.to_csv().encode())
    assert again == points
    X, y = points.tensors()
    assert X.dtype == y.dtype == torch.float32 and y.tolist() == [0.5, -1.0, 0.0]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty: a CSV of x1,x2,y rows is needed."),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "This is not a text file: upload a CSV of x1,x2,y rows."),
        (b"\xff\xfe1,2,0\n", "not a UTF-8 text file"),
        (b"x1,x2,y\n", "a header but no points"),
        (b"1,2\n3,4\n", "Row 1 has 2 columns (missing columns): each row is x1,x2,y."),
        (b"1,2,0\n3,4,1,9\n", "Row 2 has 4 columns (extra columns)"),
        (b"1,2,0.5\n3,4,cat\n", "Row 2: y is 'cat', not a number."),
        (b"1,2,nan\n3,4,1\n", "Row 1: y is nan; only finite numbers"),
        (b"1,2,0\n3,-inf,1\n", "Row 2: x2 is -inf; only finite numbers"),
    ],
)
def test_every_bad_values_file_gets_one_line(data, message):
    with pytest.raises(PointsError) as error:
        parse_values_csv(data)
    assert message in str(error.value) and "\n" not in str(error.value)


def test_too_many_value_rows_are_refused():
    rows = b"".join(f"{i % 5},{i % 3},0.{i % 9}\n".encode() for i in range(MAX_ROWS + 1))
    with pytest.raises(PointsError, match="10,001 rows: at most 10,000 points"):
        parse_values_csv(rows)


def test_values_and_points_beyond_the_scales_are_scaled_in_with_notes():
    points, notes = parse_values_csv(b"100,0,4\n-50,20,-2\n0,-10,1\n")
    assert max(abs(v) for xy in points.xy for v in xy) == pytest.approx(PLANE_LIMIT)
    assert points.values == pytest.approx((1.0, -0.5, 0.25))
    assert len(notes) == 2 and "scaled by 0.06" in notes[0] and "values reach 4; they were scaled by 0.25" in notes[1]


def test_clicks_add_and_remove_values():
    points = OwnValues().with_point(1.0, 2.0, 0.5).with_point(-1.0, -2.0, -1.0)
    assert points.xy == ((1.0, 2.0), (-1.0, -2.0)) and points.values == (0.5, -1.0)
    assert points.nearest(-1.1, -2.1, 0.5) == 1 and points.without_point(1).values == (0.5,)
    with pytest.raises(PointsError, match="outside -1..1"):
        points.with_point(0, 0, 1.5)
    assert check_trainable(OwnValues()) == "Add at least 4 points (click on the plane, or upload a CSV)."
    same = OwnValues(((0, 0), (1, 1), (2, 2), (3, 3)), (0.5, 0.5, 0.5, 0.5))
    assert check_trainable(same) is None  # one value everywhere still trains (to a flat surface)


def test_own_values_train_a_regression():
    config = ClassificationConfig(
        data=DataConfig(dataset="own", problem="regression", own=VALUES_EXAMPLE, train_percent=75)
    )
    experiment = build_experiment(config)
    assert config.data.regression and config.data.classes == 0 and config.data.samples == 8
    assert experiment.trainer.score is None and experiment.trainer.model[-1].out_features == 1
    records = [experiment.trainer.run_epoch() for _ in range(40)]
    assert records[-1].train_acc is None and records[-1].train_loss < records[0].train_loss


def test_points_of_the_other_problem_type_are_not_used():
    config = ClassificationConfig(data=DataConfig(dataset="own", problem="regression", own=EXAMPLE))
    assert config.data.own_data() == OwnValues() and config.data.samples == 0
