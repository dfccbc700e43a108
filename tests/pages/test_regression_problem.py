"""TF Playground's regression problem type on the classification page, under AppTest: data sets, MSE, the surface,
no accuracy, own values (upload, bad files, clicks), the code view and links."""

import numpy as np
import pytest

from core.backprop import STEPS
from core.data.own_points import EXAMPLE, VALUES_EXAMPLE, OwnValues
from playground.classification_view import classification_pictures
from playground.own_points_ui import POINTS, VALUES, apply_click
from tests.helpers import live_view_data, open_code, plain
from tests.pages.conftest import ROOT, open_page

K = "classification/"


def _run(at):
    return at.session_state[K + "run"]


def _problem(at, problem):
    at.selectbox(key=K + "problem").set_value(problem).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


@pytest.fixture
def regression():
    return _problem(open_page("pages/classification.py"), "regression")


def test_picking_regression_shows_its_data_sets_and_fits_values_with_mse(regression):
    at = regression
    assert at.selectbox(key=K + "dataset").options == [
        "Plane (TF Playground)",
        "Multi gaussian (TF Playground)",
        "Your own points (click or CSV)",
    ]
    assert at.selectbox(key=K + "dataset").value == "plane"
    assert not [s for s in at.selectbox if s.key == K + "loss"]  # one loss: named, not chosen
    assert any("nn.MSELoss()" in m.value for m in at.markdown)
    run = _run(at)
    assert run.experiment.regression and run.trainer.model[-1].out_features == 1
    at.button(key=K + "step").click().run()
    record = run.history[-1]
    assert record.epoch == 1 and record.train_acc is None and record.test_acc is None
    assert dict(at.query_params)["problem"] == "regression" and dict(at.query_params)["dataset"] == "plane"


def test_the_live_view_draws_a_surface_and_colours_points_by_value(regression):
    at = regression
    at.selectbox(key=K + "dataset").set_value("multi_gauss").run()
    data = live_view_data(at)
    assert data["surface"] is True and data["n_classes"] == 0
    values = [row[2] for row in data["points"]["train"]]
    assert any(isinstance(v, float) and 0 < abs(v) < 1 for v in values) and min(values) >= -1 and max(values) <= 1
    pictures = classification_pictures(_run(at))
    assert pictures["boundary"].startswith("data:image/png;base64,")


def test_the_surface_picture_encodes_the_models_value(regression):
    from core.introspect import output_grid
    from playground.figures import DIVERGING_PALETTE, diverging_image, value_index_image

    run = _run(regression)
    values = output_grid(run.trainer.model, run.experiment.config.features, 20).numpy()
    pixels = value_index_image(values)
    assert pixels.shape == (20, 20, 3) and not pixels[..., 1:].any()
    assert np.array_equal(DIVERGING_PALETTE[pixels[..., 0]], diverging_image(values, 1.0))  # as the browser colours


def test_switching_back_keeps_the_classification_settings_and_its_loss(regression):
    at = regression
    at.selectbox(key=K + "dataset").set_value("multi_gauss").run()
    _problem(at, "classification")
    assert at.selectbox(key=K + "dataset").value == "circle"
    assert at.selectbox(key=K + "loss").value == "auto"
    assert not _run(at).experiment.regression and _run(at).experiment.n_classes == 2


def test_the_code_view_writes_the_regression_script(regression):
    at = open_code(regression, "classification")
    code = at.code[0].value
    assert "loss_fn = nn.MSELoss()" in code and "def plane(" in code and "acc" not in code.split("# ---- 5.")[0]
    assert "Download as a going-modular project (.zip)" in [button.label for button in at.download_button]


def test_a_link_opens_regression_and_an_old_link_to_plane_too():
    at = open_page("pages/classification.py", query={"problem": "regression", "dataset": "multi_gauss"})
    assert _run(at).experiment.config.data.dataset == "multi_gauss"
    assert at.selectbox(key=K + "problem").value == "regression"
    at = open_page("pages/classification.py", query={"dataset": "plane"})
    assert _run(at).experiment.regression and at.selectbox(key=K + "problem").value == "regression"


# ---- your own values -------------------------------------------------------------------------------------


@pytest.fixture
def own_values(regression):
    at = regression
    at.selectbox(key=K + "dataset").set_value("own").run()
    assert not at.exception
    return at


def _upload(at, name, data):
    at.file_uploader(key=K + "own_upload").upload(name, data).run()
    assert not at.exception, [e.message for e in at.exception]


def test_own_values_start_from_the_example_and_train(own_values):
    at = own_values
    assert _run(at).experiment.config.data.own == VALUES_EXAMPLE
    assert at.slider(key=K + "own_value").value == 0.5
    at.button(key=K + "step").click().run()
    assert _run(at).epoch == 1 and _run(at).history[-1].train_acc is None
    assert at.file_uploader(key=K + "own_upload").proto.label == "Upload a CSV (x1,x2,y per row)"


def test_an_uploaded_values_csv_trains_and_the_class_points_stay(own_values):
    at = own_values
    rows = "".join(f"{i * 0.4 - 3},{(-1) ** i * 2},{i / 4 - 1.5}\n" for i in range(12))
    _upload(at, "mine.csv", ("x1,x2,y\n" + rows).encode())
    infos = [plain(i.value) for i in at.info]
    assert any("Loaded 12 points." in text and "values reach 1.5" in text for text in infos)
    data = _run(at).experiment.config.data
    assert isinstance(data.own, OwnValues) and len(data.own.xy) == 12 and min(data.own.values) == -1.0
    _problem(at, "classification")  # own points with classes are another set: kept apart
    assert at.selectbox(key=K + "dataset").value == "own"
    assert _run(at).experiment.config.data.own == at.session_state[POINTS] == EXAMPLE
    _problem(at, "regression")
    assert _run(at).experiment.config.data.own == at.session_state[VALUES] and len(at.session_state[VALUES].xy) == 12


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.csv", b"", "The file is empty: a CSV of x1,x2,y rows is needed."),
        ("columns.csv", b"1,2\n3,4\n", "missing columns"),
        ("extra.csv", b"1,2,0\n3,4,1,5\n", "extra columns"),
        ("classes.csv", b"1,2,0.5\n3,4,cat\n", "Row 2: y is 'cat', not a number."),
        ("inf.csv", b"1,2,0\n3,4,inf\n", "only finite numbers"),
        ("binary.csv", b"PK\x03\x04\x00\x00binary", "not a text file"),
    ],
)
def test_a_bad_values_file_gets_one_line_and_the_values_stay(own_values, name, data, message):
    at = own_values
    before = at.session_state[VALUES]
    _upload(at, name, data)
    errors = [plain(e.value) for e in at.error]
    assert len(errors) == 1 and message in errors[0] and "\n" not in errors[0]
    assert at.session_state[VALUES] == before
    at.button(key=K + "step").click().run()
    assert not at.exception and _run(at).epoch >= 1


def test_a_click_adds_a_point_of_the_chosen_value_and_a_click_on_a_point_removes_it():
    added = apply_click(VALUES_EXAMPLE, 1.0, -1.0, None, -0.7)
    assert added.xy[-1] == (1.0, -1.0) and added.values[-1] == -0.7
    assert apply_click(added, 1.1, -0.9, None, 0.3) == VALUES_EXAMPLE


def test_clear_asks_for_points_and_the_page_keeps_working(own_values):
    at = own_values
    at.button(key=K + "own_clear").click().run()
    assert any("Add at least 4 points" in w.value for w in at.warning) and not at.exception
    at.button(key=K + "own_example").click().run()
    assert _run(at).experiment.config.data.own == VALUES_EXAMPLE


def test_the_backprop_page_steps_a_regression_model(regression):
    at = regression
    at.switch_page(str(ROOT / "pages" / "backprop.py")).run()
    assert not at.exception
    for step in STEPS[:4]:
        at.button(key="backprop/do/" + step).click().run()
        assert not at.exception
    text = "\n".join(c.value for c in at.code)
    assert "dL/dŷ = 2(ŷ − y) / N" in text and "target value" in text


def test_the_evaluation_page_does_not_offer_a_regression_model(regression):
    from playground.evaluation_sources import candidates

    at = regression
    at.button(key=K + "step").click().run()
    assert "classification" not in [c.name for c in candidates(at.session_state)]
    at.switch_page(str(ROOT / "pages" / "evaluation.py")).run()
    assert not at.exception


@pytest.mark.parametrize("dataset", ["plane", "multi_gauss"])
def test_a_learning_rate_of_ten_stops_a_regression_with_one_message(dataset):
    from tests.helpers import wait_until

    at = open_page("pages/classification.py", query={"problem": "regression", "dataset": dataset, "lr": "10"})
    at.button(key=K + "play").click().run()
    run = _run(at)
    assert wait_until(lambda: not run.running, timeout_s=60), "a learning rate of 10 trained on silently"
    at.run()
    warnings = [w.value for w in at.warning]
    assert len(warnings) == 1 and "learning rate" in warnings[0] and "\n" not in warnings[0]
    assert not at.exception
