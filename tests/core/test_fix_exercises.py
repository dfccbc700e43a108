"""The fix-it exercises: each mistake's real fixes pass, near misses do not, and a line can do nothing else."""

import pytest

from core.fix_exercises import EXERCISES, MAX_ELEMENTS, MAX_LINE, try_fix

FIXES = {
    "shape": ["c = a @ b.T", "c = a.T @ b", "c = torch.matmul(a, b.t())", "a @ b.mT", "c = b @ a.transpose(0, 1)"],
    "labels": [
        "loss = nn.CrossEntropyLoss()(logits, targets.long())",
        "loss = nn.CrossEntropyLoss()(logits, targets.to(torch.int64))",
    ],
    "layer": ["out = layer(x.float())", "out = layer(x.to(torch.float32))", "out = layer.double()(x.double())"],
    "device": ["out = model(x.to(model.weight.device))", "out = model(x.to(next(model.parameters()).device))"],
}
NEAR_MISSES = {  # they run, but the result is not the fix
    "shape": ["c = a", "c = a @ b.reshape(3, 2)", "c = a * b"],
    "labels": ["loss = nn.CrossEntropyLoss()(logits, logits)"],
    "layer": ["out = x.float()", "out = layer(x.float() * 2)"],
    "device": ["out = x.to('meta')"],
}


@pytest.mark.parametrize("key", list(EXERCISES))
def test_the_broken_line_fails_with_pytorchs_own_message(key):
    outcome = try_fix(EXERCISES[key], EXERCISES[key].broken_line)
    assert not outcome.ran and not outcome.met
    assert outcome.message.startswith("RuntimeError: ")


@pytest.mark.parametrize(("key", "line"), [(k, line) for k, lines in FIXES.items() for line in lines])
def test_a_real_fix_runs_and_is_met(key, line):
    outcome = try_fix(EXERCISES[key], line)
    assert outcome.ran and outcome.met, outcome.message
    assert outcome.message.endswith("Fixed.")


@pytest.mark.parametrize(("key", "line"), [(k, line) for k, lines in NEAR_MISSES.items() for line in lines])
def test_a_line_that_runs_but_does_not_fix_it_is_not_met(key, line):
    outcome = try_fix(EXERCISES[key], line)
    assert outcome.ran and not outcome.met
    assert outcome.message.startswith("It ran")


def test_a_fix_that_still_fails_gets_pytorchs_message():
    outcome = try_fix(EXERCISES["labels"], "loss = nn.CrossEntropyLoss()(logits, targets.int())")
    assert outcome.message == "RuntimeError: expected target dtype to be Long or Byte, but got Int"
    moved = try_fix(EXERCISES["device"], "out = model.cpu()(x)")  # the meta device has no data to copy
    assert moved.message.startswith("NotImplementedError: Cannot copy out of meta tensor")


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("import os", "Keep the line's shape: c = ..."),
        ("c = __import__('os').system('true')", "'__import__' is not defined here: the names are a, b (and torch)."),
        ("c = a.__class__", "Names that start with _ are not offered."),
        ("c = open('/etc/passwd')", "'open' is not defined here: the names are a, b (and torch)."),
        ("c = a.type('os.system')", ".type is not offered in this exercise."),
        ("c = torch.load('x.pt')", "torch.load is not offered here: try a tensor method such as .T or .float()."),
        ("c = 'x' * 100000", "Operators here work on tensors."),
        ("c = a ** 2", "This exercise's line cannot use the ** operator."),
        ("c = [a for a in a]", "This exercise's line cannot use comprehensions."),
        ("c = a[0]", "This exercise's line cannot use indexing."),
        ("c = (lambda: a)()", "This exercise's line cannot use lambda."),
        ("c = a @ b.T; d = 1", "One statement: the line that fails, fixed."),
        ("d = a @ b.T", "Keep the line's shape: c = ..."),
        ("c = a @", "Python cannot read that line: invalid syntax."),
        ("", "Write the line that should run."),
        ("c = " + "a" * MAX_LINE, f"One line of at most {MAX_LINE} characters."),
        ("c = a.flatten().to(*'x')", "Write the arguments out (no * or **)."),
    ],
)
def test_anything_else_gets_one_line_and_never_runs(line, says):
    outcome = try_fix(EXERCISES["shape"], line)
    assert (outcome.ran, outcome.met, outcome.message) == (False, False, says)


def test_a_line_cannot_grow_a_huge_tensor():
    factors = " * ".join(f"a.reshape({', '.join('6' if i == j else '1' for j in range(6))})" for i in range(6))
    assert len("c = " + factors) <= MAX_LINE
    outcome = try_fix(EXERCISES["shape"], "c = " + factors)  # 6**6 numbers, refused before it is made
    assert outcome.message == f"That would make a tensor of more than {MAX_ELEMENTS:,} numbers: a fix needs far fewer."


def test_each_try_starts_from_fresh_objects():
    assert try_fix(EXERCISES["layer"], "out = layer.double()(x.double())").met  # changes the layer in place
    assert try_fix(EXERCISES["layer"], "out = layer(x.float())").message.endswith("dtype float32. Fixed.")


def test_each_exercise_is_the_last_line_of_its_demo_and_fails_the_same_way():
    from core import common_errors

    demos = [common_errors.shape_mismatch(), *common_errors.dtype_mismatch(), common_errors.device_mismatch()]
    for demo, exercise in zip(demos, EXERCISES.values(), strict=True):
        assert demo.broken_code.splitlines()[-1] == exercise.broken_line
        assert try_fix(exercise, exercise.broken_line).message == demo.message
        assert try_fix(exercise, demo.fix_code.splitlines()[-1]).met  # the fix the page shows is met too


def test_nn_offers_only_the_loss():
    outcome = try_fix(EXERCISES["labels"], "loss = nn.Linear(100000, 100000)(logits)")
    assert outcome.message == "nn.Linear is not offered here: this exercise needs only nn.CrossEntropyLoss."
