"""Setting a weight of the live classification model by hand: the model, its frame and its loss change at once."""

from core.classification import ClassificationConfig, DataConfig, build_experiment
from core.models import MLPConfig
from core.parameters import Parameter, describe, unit_columns
from playground.classification_view import classification_pictures, weight_picture
from playground.classification_weights import PICKED, VALUE, set_value
from playground.live.run import LiveRun
from tests.pages.conftest import open_page


def _run():
    config = ClassificationConfig(data=DataConfig(dataset="xor"), model=MLPConfig((3,), "tanh"))
    return LiveRun(build_experiment(config), None, classification_pictures)


def test_the_frame_carries_every_weight_and_the_view_names_every_unit():
    run = _run()
    layers = run.frame.pictures["weights"]
    assert [len(layer["w"]) for layer in layers] == [3, 1] and [len(layer["w"][0]) for layer in layers] == [2, 3]
    assert layers[0]["w"][1][0] == float(f"{float(run.trainer.model[0].weight.detach()[1, 0]):.4g}")
    assert weight_picture(run.trainer.model) == layers
    assert unit_columns(run.experiment.config.features, run.trainer.model) == [
        ["x1", "x2"],
        ["layer 1 unit 1", "layer 1 unit 2", "layer 1 unit 3"],
        ["output"],
    ]


def test_a_set_weight_changes_the_model_the_frame_and_the_loss_at_once():
    run = _run()
    seq = run.frame.seq
    before_loss = run.trainer.current_loss()
    before, after = set_value(run, {"layer": 0, "unit": 1, "source": 0}, 2.5)
    assert float(run.trainer.model[0].weight.detach()[1, 0]) == 2.5
    assert before == before_loss and after == run.trainer.current_loss() != before
    assert run.frame.seq > seq and run.frame.pictures["weights"][0]["w"][1][0] == 2.5
    set_value(run, {"layer": 1, "unit": 0, "source": None}, -1.0)
    assert float(run.trainer.model[2].bias.detach()[0]) == -1.0


def test_labels_name_the_units():
    units = [["x1", "x2"], ["layer 1 unit 1"], ["output"]]
    assert describe(Parameter.from_pick({"layer": 0, "unit": 0, "source": 1}), units) == "weight x2 → layer 1 unit 1"
    assert describe(Parameter.from_pick({"layer": 1, "unit": 0, "source": None}), units) == "bias of output"


def test_the_page_opens_the_editor_for_a_picked_weight_and_ignores_a_pick_that_does_not_fit():
    at = open_page("pages/classification.py")
    at.session_state[PICKED] = {"layer": 0, "unit": 2, "source": 1}
    at.run()
    editor = at.number_input(key=VALUE)
    assert editor.label == "Set the weight x2 → layer 1 unit 3"
    editor.set_value(1.25).run()
    run = at.session_state["classification/run"]
    assert float(run.trainer.model[0].weight.detach()[2, 1]) == 1.25
    assert any("Training loss" in caption.value and "→" in caption.value for caption in at.caption)
    at.session_state[PICKED] = {"layer": 9, "unit": 0, "source": 0}  # not in this network
    at.run()
    assert not at.exception and PICKED not in at.session_state
