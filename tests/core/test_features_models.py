import math

import pytest
import torch
from torch import nn

from core.features import FEATURES, expand_features
from core.models import ACTIVATIONS, MLPConfig, build_mlp, count_parameters, hidden_activation_indices, output_units


def test_expand_features_computes_each_feature():
    X = torch.tensor([[1.0, 2.0], [-0.5, 3.0]])
    out = expand_features(X, tuple(FEATURES))
    expected = torch.tensor(
        [
            [1.0, 2.0, 1.0, 4.0, 2.0, math.sin(1.0), math.sin(2.0)],
            [-0.5, 3.0, 0.25, 9.0, -1.5, math.sin(-0.5), math.sin(3.0)],
        ]
    )
    assert torch.allclose(out, expected)


def test_expand_features_rejects_empty_and_unknown():
    X = torch.zeros(2, 2)
    with pytest.raises(ValueError, match="at least one"):
        expand_features(X, ())
    with pytest.raises(ValueError, match="Unknown"):
        expand_features(X, ("x3",))


@pytest.mark.parametrize("hidden", [(), (1,), (4, 2), (8,) * 6])
@pytest.mark.parametrize("activation", list(ACTIVATIONS))
@pytest.mark.parametrize("n_classes", [2, 5])
def test_build_mlp_shapes(hidden, activation, n_classes):
    model = build_mlp(3, MLPConfig(hidden, activation), output_units(n_classes), seed=0)
    assert model(torch.randn(7, 3)).shape == (7, 1 if n_classes == 2 else n_classes)
    assert len(hidden_activation_indices(model)) == len(hidden)


def test_zero_hidden_layers_is_logistic_regression():
    model = build_mlp(2, MLPConfig((), "tanh"), 1, seed=0)
    assert len(model) == 1 and isinstance(model[0], nn.Linear)
    assert count_parameters(model) == 3


def test_initialisation_equals_pytorch_default_under_manual_seed():
    model = build_mlp(2, MLPConfig((4, 2), "tanh"), 1, seed=123)
    torch.manual_seed(123)
    reference = nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 2), nn.Tanh(), nn.Linear(2, 1))
    for ours, theirs in zip(model.parameters(), reference.parameters(), strict=True):
        assert torch.equal(ours, theirs)


@pytest.mark.parametrize("bad", [MLPConfig((9,), "tanh"), MLPConfig((2,) * 7, "tanh"), MLPConfig((2,), "swish")])
def test_build_mlp_rejects_out_of_range(bad):
    with pytest.raises(ValueError):
        build_mlp(2, bad, 1, seed=0)


def test_eval_mode_restores_the_mode_even_when_the_block_raises():
    import pytest
    from torch import nn

    from core.models import eval_mode

    model = nn.Sequential(nn.Linear(2, 2), nn.Dropout(0.5))
    model.train()
    with eval_mode(model):
        assert not model.training and not model[1].training
    assert model.training and model[1].training
    with pytest.raises(RuntimeError), eval_mode(model):
        raise RuntimeError("boom")
    assert model.training
    model.eval()
    with eval_mode(model):
        pass
    assert not model.training  # a model in eval mode stays there
