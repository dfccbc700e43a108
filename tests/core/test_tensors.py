import pytest
import torch

from core.tensors import (
    DTYPES,
    MAX_NUMEL,
    METHODS,
    TensorInputError,
    TensorSpec,
    as_display_array,
    build,
    facts,
    parse_literal,
    parse_shape,
)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("dtype", ["float32", "float64", "bfloat16", "float16"])
def test_every_method_builds_and_its_code_rebuilds_the_same_tensor(method, dtype):
    spec = TensorSpec(method=method, dtype=dtype, shape="2, 3", seed=3 if method in ("rand", "randn") else None)
    tensor, code = build(spec, "t")
    assert tensor.dtype == DTYPES[dtype]
    scope = {"torch": torch}
    exec(code.replace("; ", "\n"), scope)  # the shown line of PyTorch makes exactly this tensor
    assert torch.equal(scope["t"], tensor)


def test_integer_and_bool_dtypes():
    tensor, _ = build(TensorSpec(values="[[1, 0], [2, 3]]", dtype="bool"))
    assert tensor.dtype == torch.bool and tensor.tolist() == [[True, False], [True, True]]
    tensor, code = build(TensorSpec(method="arange", dtype="int64", start=0, end=5, step=2))
    assert tensor.tolist() == [0, 2, 4] and "dtype=torch.int64" in code


def test_facts_of_a_transposed_tensor():
    tensor = torch.zeros(2, 3).T
    f = facts(tensor)
    assert f.shape == (3, 2) and f.ndim == 2 and f.numel == 6 and f.nbytes == 24 and f.element_bytes == 4
    assert f.stride == (1, 3) and not f.contiguous and f.dtype == "float32" and f.device == "cpu"


@pytest.mark.parametrize(
    "text,rule",
    [
        ("[[1, 2], [3]]", "Ragged list: item 2 at depth 1 has 1 item, but item 1 has 2 items"),
        ("[1, 2", "not a list of numbers PyTorch can read"),
        ("__import__('os').system('echo hi')", "not a list of numbers PyTorch can read"),
        ("[[1, 2], 3]", "Ragged list"),
        ("['a', 'b']", "Only numbers"),
        ("[1+2j]", "Only numbers"),
        ("[" * 10 + "1" + "]" * 10, "at most 6 levels"),
        ("[" + "1, " * 30000 + "]", "longer than"),
    ],
)
def test_bad_lists_name_the_rule(text, rule):
    with pytest.raises(TensorInputError, match=rule.replace("(", r"\(").replace("[", r"\[")):
        parse_literal(text)


def test_too_many_elements_are_capped_with_the_reason():
    with pytest.raises(TensorInputError, match="caps tensors at 1,000,000"):
        build(TensorSpec(method="zeros", shape="10000, 10000"))
    with pytest.raises(TensorInputError, match="caps"):
        build(TensorSpec(method="eye", rows=1001))
    with pytest.raises(TensorInputError, match="caps"):
        build(TensorSpec(method="arange", start=0, end=MAX_NUMEL + 1, step=1))
    assert build(TensorSpec(method="zeros", shape="1000, 1000"))[0].numel() == MAX_NUMEL


@pytest.mark.parametrize(
    "spec,rule",
    [
        (TensorSpec(method="zeros", shape="a, b"), "whole numbers separated by commas"),
        (TensorSpec(method="zeros", shape="2, -1"), "cannot be negative"),
        (TensorSpec(method="rand", dtype="int64"), "must be a float type"),
        (TensorSpec(method="arange", start=0, end=10, step=-1), "the step must be positive"),
        (TensorSpec(method="arange", step=0), "not 0"),
        (TensorSpec(method="tensor", values="[-1, 300]", dtype="uint8"), "PyTorch refused"),
        (TensorSpec(method="zeros", shape="1,1,1,1,1,1,1"), "at most 6 dimensions"),
    ],
)
def test_bad_specs_name_the_rule(spec, rule):
    with pytest.raises(TensorInputError, match=rule):
        build(spec)


def test_shapes_and_meta_tensors():
    assert parse_shape("(2, 3)") == (2, 3) and parse_shape("") == () and parse_shape("4,") == (4,)
    tensor, code = build(TensorSpec(method="ones", shape="2", device="meta"))
    assert tensor.device.type == "meta" and 'device="meta"' in code
    with pytest.raises(TensorInputError, match="no values"):
        as_display_array(tensor)


def test_seeded_random_tensors_repeat_and_do_not_touch_the_global_seed():
    torch.manual_seed(0)
    expected = torch.rand(2)
    torch.manual_seed(0)
    first, _ = build(TensorSpec(method="randn", shape="3", seed=5))
    second, _ = build(TensorSpec(method="randn", shape="3", seed=5))
    assert torch.equal(first, second)
    assert torch.equal(torch.rand(2), expected)
