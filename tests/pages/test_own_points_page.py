"""Your own points on the classification page under AppTest: upload, bad files, download, clear, links, reruns."""

import pytest

from core.data.own_points import EXAMPLE
from playground.own_points_ui import POINTS, apply_click
from tests.helpers import plain
from tests.pages.conftest import ROOT, open_page

K = "classification/"


@pytest.fixture
def own():
    at = open_page("pages/classification.py")
    at.selectbox(key=K + "dataset").set_value("own").run()
    assert not at.exception
    return at


def _run(at):
    return at.session_state[K + "run"]


def _upload(at, name, data):
    at.file_uploader(key=K + "own_upload").upload(name, data).run()
    assert not at.exception, [e.message for e in at.exception]


def test_the_example_points_train_and_download_as_csv(own):
    at = own
    assert any(e.label.startswith("Your points") for e in at.expander)
    assert _run(at).experiment.config.data.own == EXAMPLE
    at.button(key=K + "step").click().run()
    assert _run(at).epoch == 1
    download = next(b for b in at.download_button if b.label == "Download as CSV")
    assert download.proto.url  # the CSV is served to the browser
    assert EXAMPLE.to_csv().splitlines()[0] == "x1,x2,label"


def test_an_uploaded_csv_becomes_the_data_and_survives_reruns_and_page_trips(own):
    at = own
    rows = "".join(f"{i * 0.4 - 3},{(-1) ** i * 2},{'ab'[i % 2]}\n" for i in range(12))
    _upload(at, "mine.csv", ("x1,x2,label\n" + rows).encode())
    assert any("Loaded 12 points." in plain(i.value) for i in at.info)
    data = _run(at).experiment.config.data
    assert len(data.own.xy) == 12 and data.own.names == ("a", "b") and data.classes == 2
    at.run()
    assert len(_run(at).experiment.config.data.own.xy) == 12
    at.switch_page(str(ROOT / "pages" / "home.py")).run()
    at.switch_page(str(ROOT / "pages" / "classification.py")).run()
    assert not at.exception and len(at.session_state[POINTS].xy) == 12
    assert at.selectbox(key=K + "dataset").value == "own"


def test_far_points_are_scaled_with_a_note(own):
    _upload(own, "far.csv", b"100,0,0\n-50,20,1\n0,-100,1\n20,20,0\n")
    assert any("scaled by" in plain(i.value) for i in own.info)
    assert max(abs(v) for xy in _run(own).experiment.config.data.own.xy for v in xy) <= 6.0 + 1e-9


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.csv", b"", "The file is empty"),
        ("columns.csv", b"1,2\n3,4\n", "missing columns"),
        ("extra.csv", b"1,2,0\n3,4,1,5\n", "extra columns"),
        ("text.csv", b"1,2,0\nx,4,1\n", "not a number"),
        ("nan.csv", b"1,2,0\nnan,4,1\n", "only finite numbers"),
        ("one.csv", b"1,2,0\n3,4,0\n", "at least two classes"),
        ("binary.csv", b"PK\x03\x04\x00\x00binary", "not a text file"),
        ("rows.csv", b"".join(f"{i % 5},{i % 3},{i % 2}\n".encode() for i in range(10_001)), "at most 10,000"),
    ],
)
def test_a_bad_file_gets_one_line_and_the_points_stay(own, name, data, message):
    at = own
    before = at.session_state[POINTS]
    _upload(at, name, data)
    errors = [plain(e.value) for e in at.error]
    assert len(errors) == 1 and message in errors[0] and "\n" not in errors[0]
    assert at.session_state[POINTS] == before
    at.button(key=K + "step").click().run()  # the session still trains
    assert not at.exception and _run(at).epoch >= 1


def test_clear_asks_for_points_and_example_brings_them_back(own):
    at = own
    at.button(key=K + "own_clear").click().run()
    assert any("Add at least 4 points" in w.value for w in at.warning) and not at.exception
    at.button(key=K + "own_example").click().run()
    assert _run(at).experiment.config.data.own == EXAMPLE


def test_a_click_adds_a_point_of_the_chosen_class_and_a_click_on_a_point_removes_it():
    added = apply_click(EXAMPLE, 1.0, -1.0, None, 1)
    assert added.xy[-1] == (1.0, -1.0) and added.labels[-1] == 1
    assert apply_click(added, 1.1, -0.9, None, 0) == EXAMPLE  # near a point: removes it
    assert apply_click(EXAMPLE, 0.0, 0.0, 2, 0).xy == EXAMPLE.xy[:2] + EXAMPLE.xy[3:]


def test_a_link_to_own_points_shows_the_example_with_a_notice():
    at = open_page("pages/classification.py", query={"dataset": "own"})
    assert not at.exception
    assert any("A link cannot carry your own points" in plain(i.value) for i in at.info)
    assert _run(at).experiment.config.data.own == EXAMPLE
