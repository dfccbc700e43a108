import pytest
import torch

from core.common_errors import device_mismatch, dtype_mismatch, random_pair, shape_mismatch
from core.device_timing import DEVICE_AGNOSTIC_CODE, available_devices, time_matmul
from core.tensor_ops import (
    OPERATIONS,
    OpParams,
    apply,
    broadcast_rule,
    index_text,
    matmul_rule,
    parse_index,
    selection_mask,
)
from core.tensors import TensorInputError

A = torch.arange(6.0).reshape(2, 3)


@pytest.mark.parametrize(
    "name,b,params,expected",
    [
        ("add", torch.ones(3), OpParams(), A + 1),
        ("subtract", torch.ones(2, 1), OpParams(), A - 1),
        ("multiply", torch.full((2, 3), 2.0), OpParams(), A * 2),
        ("divide", torch.tensor(2.0), OpParams(), A / 2),
        ("matmul", torch.ones(3, 2), OpParams(), torch.tensor([[3.0, 3.0], [12.0, 12.0]])),
        ("sum", None, OpParams(dim=1), torch.tensor([3.0, 12.0])),
        ("mean", None, OpParams(), torch.tensor(2.5)),
        ("max", None, OpParams(dim=0), torch.tensor([3.0, 4.0, 5.0])),
        ("argmin", None, OpParams(dim=1), torch.tensor([0, 0])),
        ("reshape", None, OpParams(shape="3, -1"), A.reshape(3, 2)),
        ("view", None, OpParams(shape="6"), A.view(6)),
        ("permute", None, OpParams(dims="1, 0"), A.T),
        ("transpose", None, OpParams(dim0=0, dim1=1), A.T),
        ("unsqueeze", None, OpParams(dim=0), A.unsqueeze(0)),
        ("stack", torch.zeros(2, 3), OpParams(dim=0), torch.stack([A, torch.zeros(2, 3)])),
        ("cat", torch.zeros(2, 3), OpParams(dim=1), torch.cat([A, torch.zeros(2, 3)], dim=1)),
        ("index", None, OpParams(index="0, 1:3"), torch.tensor([1.0, 2.0])),
        ("convert", None, OpParams(dtype="int64"), A.long()),
        ("numpy", None, OpParams(), A),
    ],
)
def test_operations_give_pytorchs_answer_and_their_line_of_code(name, b, params, expected):
    result = apply(name, A, b, params)
    assert torch.equal(result.value, expected)
    assert result.code.startswith(("c = ", "n = "))
    scope = {"torch": torch, "a": A, "b": b}
    exec(result.code.split("  #")[0].replace("; ", "\n"), scope)
    assert torch.equal(torch.as_tensor(scope["c"]), expected)


def test_every_operation_is_covered_by_a_test():
    assert set(OPERATIONS) >= {"add", "matmul", "min", "reshape", "index", "numpy", "squeeze"}
    assert apply("squeeze", torch.zeros(1, 3, 1)).value.shape == (3,)
    assert apply("squeeze", torch.zeros(1, 3, 1), params=OpParams(dim=0)).value.shape == (3, 1)


@pytest.mark.parametrize(
    "name,a,b,params,rule",
    [
        ("matmul", A, A, OpParams(), "inner sizes"),
        ("add", A, torch.ones(2), OpParams(), "broadcastable"),
        ("reshape", A, None, OpParams(shape="4, 2"), "must multiply to 6"),
        ("view", A.T, None, OpParams(shape="6"), "use reshape"),
        ("index", A, None, OpParams(index="5"), "indices go from 0 to n-1"),
        ("index", A, None, OpParams(index="0, 0, 0"), "a has 2 dim"),
        ("index", A, None, OpParams(index="x"), "Index with whole numbers"),
        ("index", A, None, OpParams(index="::-1"), "positive step"),
        ("permute", A, None, OpParams(dims="0"), "each of the 2 dims exactly once"),
        ("mean", A.long(), None, OpParams(), "convert first with a.float()"),
        ("sum", A, None, OpParams(dim=5), "Dims run from 0"),
        ("stack", A, torch.zeros(3), OpParams(dim=0), "stack needs equal shapes"),
        ("numpy", A.bfloat16(), None, OpParams(), "NumPy has no bfloat16"),
        ("matmul", A, None, OpParams(), "needs a second tensor"),
    ],
)
def test_broken_rules_are_named(name, a, b, params, rule):
    with pytest.raises(TensorInputError, match=rule):
        apply(name, a, b, params)


def test_a_huge_result_is_refused_before_it_is_made():
    with pytest.raises(TensorInputError, match="caps"):
        apply("multiply", torch.zeros(2000, 1), torch.zeros(1, 2000))


def test_matmul_rule_rows():
    rows, result = matmul_rule((2, 3), (3, 4))
    assert result == (2, 4) and rows[0].ok and rows[0].a == "3" and rows[1].result == "[2, 4]"
    rows, result = matmul_rule((2, 3), (2, 3))
    assert result is None and not rows[0].ok and "3" in rows[0].why and "2" in rows[0].why
    assert matmul_rule((5, 2, 3), (3, 4))[1] == (5, 2, 4)
    assert matmul_rule((3,), (3,))[1] == ()


def test_broadcast_rule_rows():
    rows, result = broadcast_rule((2, 1, 3), (4, 1))
    assert result == (2, 4, 3)
    assert [r.why for r in rows] == [
        "missing on one side: treated as 1 and stretched",
        "a size of 1 is stretched to match",
        "a size of 1 is stretched to match",
    ]
    assert broadcast_rule((2, 3), (2,))[1] is None


def test_index_parsing_and_mask():
    index = parse_index("0, 1:3, ..., None, ::2")
    assert index == (0, slice(1, 3), Ellipsis, None, slice(None, None, 2))
    assert index_text(index) == "0, 1:3, ..., None, ::2"
    mask = selection_mask((2, 3), parse_index(":, 1"))
    assert mask.tolist() == [[False, True, False], [False, True, False]]


def test_common_errors_carry_pytorchs_real_messages_and_working_fixes():
    shape = shape_mismatch()
    assert "cannot be multiplied (2x3 and 2x3)" in shape.message and shape.fixed_result == "c.shape = [2, 2]"
    labels, layer = dtype_mismatch()
    assert "Long" in labels.message and "loss =" in labels.fixed_result
    assert "same dtype" in layer.message and "float32" in layer.fixed_result
    device = device_mismatch()
    assert "meta" in device.message and "not on the expected device" in device.message
    assert "no GPU" in device.explanation


def test_seeded_draws_repeat_and_unseeded_differ():
    a, b, code = random_pair(7)
    assert torch.equal(a, b) and "torch.manual_seed(7)" in code
    a, b, _ = random_pair(None)
    assert not torch.equal(a, b)


def test_timing_is_positive_and_the_cpu_is_always_there():
    timing = time_matmul("cpu", 32, min_seconds=0.001)
    assert timing.seconds > 0 and timing.gflops > 0 and timing.device == "cpu"
    assert available_devices()[0] == "cpu"
    assert 'device = "cuda" if torch.cuda.is_available() else "cpu"' in DEVICE_AGNOSTIC_CODE
    with pytest.raises(ValueError):
        time_matmul("cpu", 10_000)
