"""The Evaluation page under AppTest: no model yet, the quick model, cells, normalisations, threshold, compare."""

import math

import pytest
import torch
from safetensors.torch import load as load_safetensors

from core.evaluation import NORMALISATIONS
from playground.evaluation_sources import RESULTS
from tests.helpers import plain
from tests.pages.conftest import ROOT, open_page

K = "evaluation/"


def _metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def _cell_text(at) -> str:
    return next(plain(m.value).replace("**", "") for m in at.markdown if "test examples of" in m.value)


@pytest.fixture(scope="module")
def quick():
    """The page after training the quick model once (FashionMNIST when present, else digits)."""
    at = open_page("pages/evaluation.py")
    at.button(key=K + "train_quick").click().run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_with_no_model_the_page_says_what_to_do():
    at = open_page("pages/evaluation.py")
    assert "No model has been trained in this session yet" in at.info[0].value
    assert at.button(key=K + "train_quick").label == "Train a quick model here"


def test_the_quick_model_is_evaluated_with_every_average(quick):
    at = quick
    assert at.selectbox(key=K + "model").value == "quick"
    accuracy = float(_metric(at, "Accuracy").rstrip("%")) / 100
    assert 0.5 < accuracy < 1.0  # a real, partly trained model: right often, wrong sometimes
    results = at.session_state[RESULTS]["quick"]
    expected = results.scores(None)
    assert _metric(at, "F1, macro") == f"{expected.averaged['f1']['macro']:.4f}"
    assert float(_metric(at, "F1, micro")) == pytest.approx(accuracy, abs=1e-4)  # micro F1 is the accuracy


def test_the_default_cell_is_the_first_classs_right_answers_and_picking_a_cell_shows_its_examples(quick):
    at = quick
    matrix = at.session_state[RESULTS]["quick"].scores(None).matrix
    assert (at.selectbox(key=K + "true_class").value, at.selectbox(key=K + "predicted_class").value) == (0, 0)
    assert _cell_text(at).startswith(f"{int(matrix[0, 0]):,} test examples of") and "(right)" in _cell_text(at)
    at.selectbox(key=K + "true_class").set_value(2).run()
    at.selectbox(key=K + "predicted_class").set_value(2).run()
    assert "(right)" in _cell_text(at)
    assert _cell_text(at).startswith(f"{int(matrix[2, 2]):,} test examples")
    assert len(at.get("image")) >= 1  # the examples, as images


def test_finding_the_most_confused_cell_meets_its_challenge(quick):
    at = quick
    matrix = at.session_state[RESULTS]["quick"].scores(None).matrix
    off = matrix.clone().fill_diagonal_(-1)
    true, predicted = divmod(int(off.argmax()), matrix.shape[1])
    other = next(
        (t, p) for t in range(len(matrix)) for p in range(len(matrix)) if t != p and (t, p) != (true, predicted)
    )
    at.selectbox(key=K + "true_class").set_value(other[0]).run()
    at.selectbox(key=K + "predicted_class").set_value(other[1]).run()
    if matrix[other] < matrix[true, predicted]:
        assert any("another cell holds more" in c.value for c in at.caption)
    at.selectbox(key=K + "true_class").set_value(true).run()
    at.selectbox(key=K + "predicted_class").set_value(predicted).run()
    assert "evaluation/mix-up" in at.session_state["challenges/done"]
    assert any(c.value.startswith(f"Done. This model: {int(matrix[true, predicted]):,} mistakes") for c in at.caption)


def test_every_normalisation_renders(quick):
    at = quick
    for option in NORMALISATIONS:
        at.selectbox(key=K + "normalise").set_value(option).run()
        assert not at.exception


def test_metrics_are_worked_out_from_the_counts_of_the_chosen_class(quick):
    at = quick
    at.selectbox(key=K + "explain").set_value(0).run()
    text = next(m.value for m in at.markdown if "against every other class" in m.value)
    matrix = at.session_state[RESULTS]["quick"].scores(None).matrix
    tp = int(matrix[0, 0])
    assert f"TP = **{tp:,}**" in text
    assert f"{tp:,} / {int(matrix[:, 0].sum()):,}" in text  # precision's fraction
    f1 = float(at.session_state[RESULTS]["quick"].scores(None).per_class["f1"][0])
    assert f"= **{f1:.4f}**" in text  # F1 worked out from precision and recall equals torchmetrics' F1


def test_keep_then_train_more_then_compare_the_two(quick):
    at = quick
    at.button(key=K + "keep").click().run()
    at.button(key=K + "train_quick").click().run()  # 6,000 more images
    assert not at.exception, [e.message for e in at.exception]
    options = at.selectbox(key=K + "model").options
    assert any(option.startswith("kept: Quick model") for option in options)
    compare = at.selectbox(key=K + "compare")
    assert any("kept" in option for option in compare.options)
    text = next(m.value for m in at.markdown if m.value.startswith("Both right"))
    counts = [int(part.replace(",", "")) for part in text.replace("*", "").split() if part.replace(",", "").isdigit()]
    n = len(at.session_state[RESULTS]["quick"].predictions.labels)
    assert sum(counts) == n  # both right + only A + only B + both wrong = every test example
    assert any(m.value.startswith("Classes A gets right more often") for m in at.markdown)
    progress = next(c.value for c in at.caption if "against the kept" in c.value)  # the "beat yourself" challenge
    now, kept = (float(part.split(" %")[0]) for part in progress.split("accuracy ")[1].split(" against the kept "))
    assert ("evaluation/beat" in at.session_state["challenges/done"]) == (now > kept)


def test_the_weights_download_loads_back_into_the_model(quick):
    at = quick
    evaluated = at.session_state[RESULTS]["quick"]
    state = load_safetensors(evaluated.weights())
    model = evaluated.subject.model
    for name, tensor in model.state_dict().items():
        assert torch.equal(state[name], tensor)


def _classification_then_evaluation(query: dict[str, str], steps: int = 3):
    at = open_page("pages/classification.py", query)
    for _ in range(steps):
        at.button(key="classification/step").click().run()
    at.switch_page(str(ROOT / "pages/evaluation.py")).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_a_binary_playground_model_gets_a_threshold_and_curves():
    at = _classification_then_evaluation({"dataset": "gauss"}, steps=5)
    assert at.selectbox(key=K + "model").value == "classification"
    threshold = at.slider(key=K + "threshold")
    assert threshold.value == 0.5
    recall_at_half = _metric(at, "Recall (true positive rate)")
    assert "evaluation/recall" not in at.session_state.get("challenges/done", set())
    threshold.set_value(0.0).run()
    assert _metric(at, "Recall (true positive rate)") == "1.0000"  # every point called class 1
    assert "evaluation/recall" in at.session_state["challenges/done"]  # 100 % recall below 0.5: met
    threshold.set_value(1.0).run()
    assert _metric(at, "Precision") == "0/0"  # nothing called class 1: precision is 0/0, not NaN
    assert recall_at_half != "0/0"
    auc = float(_metric(at, "ROC AUC"))
    assert 0.0 <= auc <= 1.0 and not math.isnan(auc)


def test_the_playground_model_shows_its_cell_on_the_plane():
    at = _classification_then_evaluation({"dataset": "blobs", "classes": "4"}, steps=2)
    assert len(at.selectbox(key=K + "true_class").options) == 4
    assert any("test examples of" in m.value for m in at.markdown)
    assert not [s for s in at.get("slider") if s.key == K + "threshold"]  # no threshold for 4 classes


def test_the_vision_page_model_is_listed_and_evaluated_on_its_own_test_split():
    at = open_page("pages/vision.py")
    at.button(key="vision/step").click().run()
    at.switch_page(str(ROOT / "pages/evaluation.py")).run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.selectbox(key=K + "model").value == "vision"
    evaluated = at.session_state[RESULTS]["vision"]
    assert len(evaluated.predictions.labels) == 360  # digits: 20 % of 1,797 held out
    assert len(at.selectbox(key=K + "true_class").options) == 10


def test_a_table_shows_0_over_0_for_a_class_never_predicted():
    at = _classification_then_evaluation({"dataset": "blobs", "classes": "8", "noise": "50"}, steps=0)
    result = at.session_state[RESULTS]["classification"].scores(None)
    never_predicted = [c for c in range(8) if int(result.matrix[:, c].sum()) == 0]
    assert never_predicted, "an untrained 8-class model leaves some class unpredicted"
    table = next(df.value for df in at.dataframe if "support (true)" in df.value.columns)
    assert table["precision"][never_predicted[0]] == "0/0"
    assert "nan" not in table.to_string().lower()
    assert any("It has not trained yet" in c.value for c in at.caption)


def test_the_augmentation_experiments_two_runs_compare_on_their_shared_test_set():
    at = open_page("pages/augmentation.py")
    at.switch_page(str(ROOT / "pages/evaluation.py")).run()
    options = at.selectbox(key=K + "model").options
    assert any("without augmentation" in o for o in options) and any("with augmentation" in o for o in options)
    at.selectbox(key=K + "model").set_value("augexp-plain").run()
    assert not at.exception, [e.message for e in at.exception]
    compare = at.selectbox(key=K + "compare")
    assert any("with augmentation" in option for option in compare.options)
    assert len(at.session_state[RESULTS]["augexp-plain"].predictions.labels) == len(
        at.session_state[RESULTS]["augexp-augmented"].predictions.labels
    )


def test_a_model_that_trained_on_waits_for_the_learner_and_a_rebuilt_one_is_evaluated_afresh():
    at = _classification_then_evaluation({"dataset": "xor"}, steps=2)
    first = at.session_state[RESULTS]["classification"]
    at.switch_page(str(ROOT / "pages/classification.py")).run()
    at.button(key="classification/step").click().run()
    at.switch_page(str(ROOT / "pages/evaluation.py")).run()
    assert at.session_state[RESULTS]["classification"] is first  # the numbers hold still...
    assert any("has trained since" in c.value for c in at.caption)
    at.button(key=K + "evaluate_again").click().run()  # ...until the learner asks
    again = at.session_state[RESULTS]["classification"]
    assert again is not first and again.subject.epoch == first.subject.epoch + 1
    at.switch_page(str(ROOT / "pages/classification.py")).run()
    at.slider(key="classification/layers").set_value(3).run()  # a new network: fresh weights
    at.switch_page(str(ROOT / "pages/evaluation.py")).run()
    rebuilt = at.session_state[RESULTS]["classification"]
    assert rebuilt is not again and rebuilt.subject.epoch == 0
    assert not any("has trained since" in c.value for c in at.caption)
