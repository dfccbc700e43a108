"""The Tensors page under AppTest: build, operate, the common errors, seeds and timing."""

import re

import pytest

from core.challenges import CHALLENGES
from tests.helpers import plain
from tests.pages.conftest import open_page

P = "tensors/"
CHALLENGE_TITLES = {c.key: c.title for c in CHALLENGES}


@pytest.fixture
def tensors():
    return open_page("pages/tensors.py")


def _metrics(at):
    """The facts tables' rows, name -> value (later tables win: the last facts shown)."""
    facts = {}
    for markdown in at.markdown:
        for name, value in re.findall(r"\*\*(\w+)\*\* \| `([^`]*)`", markdown.value):
            facts[name] = value
    return facts


def _codes(at):
    return [c.value for c in at.code]


def test_build_shows_the_line_of_pytorch_and_the_facts(tensors):
    at = tensors
    assert "a = torch.tensor([[1, 2, 3], [4, 5, 6]], dtype=torch.float32)" in _codes(at)
    facts = _metrics(at)
    assert facts["shape"] == "[2, 3]" and facts["numel"] == "6" and facts["bytes"].startswith("24 ")
    assert facts["stride"] == "(3, 1)" and facts["contiguous"] == "yes"


def test_changing_the_method_dtype_and_shape_changes_the_tensor(tensors):
    at = tensors
    at.selectbox(key=P + "a/method").set_value("zeros").run()
    at.text_input(key=P + "a/shape").set_value("3, 4, 5").run()
    at.selectbox(key=P + "a/dtype").set_value("int32").run()
    assert "a = torch.zeros(3, 4, 5, dtype=torch.int32)" in _codes(at)
    facts = _metrics(at)
    assert facts["shape"] == "[3, 4, 5]" and facts["bytes"].startswith("240 ") and facts["ndim"] == "3"
    at.number_input(key=P + "a/view/d0").set_value(2).run()  # a 3-D tensor shows one slice at a time
    assert not at.exception


@pytest.mark.parametrize(
    "values,message",
    [
        ("[[1, 2], [3]]", "Ragged list"),
        ("[[1, 2]", "not a list of numbers"),
        ("import os", "not a list of numbers"),
    ],
)
def test_bad_lists_get_a_clear_message_and_the_last_tensor_stays(tensors, values, message):
    at = tensors
    at.text_area(key=P + "a/values").set_value("[[7, 8], [9, 10]]").run()
    at.text_area(key=P + "a/values").set_value(values).run()
    assert any(message in plain(e.value) for e in at.error)
    assert _metrics(at)["shape"] == "[2, 2]" and any("last tensor that worked" in c.value for c in at.caption)
    assert not at.exception


def test_too_big_a_shape_is_capped_with_the_reason(tensors):
    at = tensors
    at.selectbox(key=P + "a/method").set_value("ones").run()
    at.text_input(key=P + "a/shape").set_value("5000, 5000").run()
    assert any("caps tensors at 1,000,000" in plain(e.value) for e in at.error)


def test_matmul_draws_the_shape_rule_and_explains_the_error(tensors):
    at = tensors
    at.selectbox(key=P + "op").set_value("matmul").run()
    markdown = " ".join(m.value for m in at.markdown)
    assert "The shape rule of a @ b" in markdown and "inner" in markdown
    assert any(s.value == "Result shape: [2]" for s in at.success)  # b starts as ones(3): [2, 3] @ [3] fits
    at.text_input(key=P + "b/shape").set_value("2, 3").run()
    assert any("cannot be multiplied" in e.value and "inner sizes" in plain(e.value) for e in at.error)
    at.text_input(key=P + "b/shape").set_value("3, 4").run()
    assert "c = a @ b  # torch.matmul(a, b)" in _codes(at)
    assert any(m.value == "#### [2, :green[**3**]] @ [:green[**3**], 4] → [2, 4]" for m in at.markdown)
    assert any(s.value == "Result shape: [2, 4]" for s in at.success)


def test_broadcasting_shows_the_stretched_b(tensors):
    at = tensors
    assert at.selectbox(key=P + "op").value == "add"
    markdown = " ".join(m.value for m in at.markdown)
    assert "Broadcasting, compared from the right" in markdown and "b, stretched to [2, 3]" in markdown
    assert "c = a + b" in _codes(at)


def test_invalid_reshape_and_out_of_range_index_name_the_rule(tensors):
    at = tensors
    at.selectbox(key=P + "op").set_value("reshape").run()
    at.text_input(key=P + "params/shape").set_value("4, 2").run()
    assert any("must multiply to 6" in plain(e.value) for e in at.error)
    at.selectbox(key=P + "op").set_value("index").run()
    at.text_input(key=P + "params/index").set_value("7").run()
    assert any("indices go from 0 to n-1" in plain(e.value) for e in at.error)
    at.text_input(key=P + "params/index").set_value("1, 0:2").run()
    assert "c = a[1, 0:2]" in _codes(at)
    assert any("selected cells outlined" in m.value for m in at.markdown)


def test_aggregation_along_a_dim(tensors):
    at = tensors
    at.selectbox(key=P + "op").set_value("sum").run()
    at.selectbox(key=P + "params/dim").set_value(1).run()
    assert "c = a.sum(dim=1)" in _codes(at) and _metrics(at)["shape"] == "[2]"  # the last facts shown are c's


def test_the_three_common_errors_show_real_messages_and_fixes(tensors):
    errors = " | ".join(e.value for e in tensors.error)
    assert "mat1 and mat2 shapes cannot be multiplied" in errors
    assert "expected target dtype to be Long" in errors
    assert "same dtype" in errors
    assert "not on the expected device" in errors
    assert len([s for s in tensors.success if s.value.startswith(("c.shape", "loss", "output"))]) == 4


def test_reproducibility_with_and_without_a_seed(tensors):
    at = tensors
    assert any("a == b everywhere: False" in plain(i.value) for i in at.info)
    at.toggle(key=P + "use_seed").set_value(True).run()
    assert any("a == b everywhere: True" in s.value for s in at.success)
    assert any("torch.manual_seed(42)" in c for c in _codes(at))


def test_timing_runs_on_the_cpu_and_says_there_is_no_gpu(tensors):
    at = tensors
    assert any("No GPU here" in plain(i.value) for i in at.info)
    at.button(key=P + "time").click().run()
    rows = at.dataframe[0].value
    assert set(rows["device"]) == {"cpu"} and list(rows["n"]) == [64, 128, 256, 512, 1024]
    assert (rows["ms per matmul"] > 0).all()


def test_typed_text_in_an_error_is_shown_literally_not_as_markdown(tensors):
    at = tensors
    at.selectbox(key=P + "a/method").set_value("zeros").run()
    at.text_input(key=P + "a/shape").set_value("__import__('os')").run()
    errors = [e.value for e in at.error]
    assert errors and "__import__" in plain(errors[0])
    assert "\\_\\_import\\_\\_" in errors[0]  # escaped: markdown would turn __import__ into a bold "import"
    assert _metrics(at)["shape"] == "[2, 3]"  # the last tensor that worked is kept (from a list, [2, 3])


def _fix(at, key, line):
    at.text_input(key=f"fix-line-tensors-{key}").set_value(line)
    at.button(key=f"FormSubmitter:tensors/form/{key}-Run").click().run()
    assert not at.exception


def test_a_learners_own_fix_really_runs_and_meets_its_challenge():
    at = open_page("pages/tensors.py")
    panel = next(e for e in at.expander if e.label.startswith("Challenges:"))
    assert panel.label == "Challenges: 0 of 4 done"
    _fix(at, "shape", "c = a @ b")  # unchanged: the error beside it says what it does
    assert "challenges/done" not in at.session_state or not at.session_state["challenges/done"]
    _fix(at, "shape", "c = a @ b.T")
    assert "c.shape = [2, 2]: a matrix product of a and b. Fixed." in [s.value for s in at.success]
    assert next(e for e in at.expander if e.label.startswith("Challenges:")).label == "Challenges: 1 of 4 done"
    assert any(c.value.startswith("Done. Your line: 'c = a @ b.T'") for c in at.caption)
    assert [t.value for t in at.toast] == ["Challenge met: " + CHALLENGE_TITLES["tensors/shape"]]


def test_a_fix_that_still_fails_shows_pytorchs_message_and_a_forbidden_line_one_line():
    at = open_page("pages/tensors.py")
    _fix(at, "labels", "loss = nn.CrossEntropyLoss()(logits, targets.int())")
    assert "RuntimeError: expected target dtype to be Long or Byte, but got Int" in [e.value for e in at.error]
    _fix(at, "layer", "out = __import__('os').system('echo hacked')")
    assert "'__import__' is not defined here: the names are layer, x (and torch)." in [e.value for e in at.error]
    _fix(at, "device", "out = model(x.to(model.weight.device))")  # the page keeps working, the others too
    assert any(c.value.startswith("Done. Your line: 'out = model(x.to(model.weight.device))'") for c in at.caption)
    assert any(
        c.value.startswith("Not yet. Your line: 'loss = nn.CrossEntropyLoss()(logits, targets.int())'")
        for c in at.caption
    )
    assert (
        at.text_input(key="fix-line-tensors-labels").value == "loss = nn.CrossEntropyLoss()(logits, targets.int())"
    )  # kept
