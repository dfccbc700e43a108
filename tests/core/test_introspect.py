import torch
from torch import nn

from core.introspect import decision_grid, neuron_maps, plane_grid
from core.models import MLPConfig, build_mlp


def test_plane_grid_row_zero_is_the_top_and_cells_are_centred():
    grid = plane_grid(4, limit=2.0)
    points = grid.points.reshape(4, 4, 2)
    assert torch.allclose(points[0, 0], torch.tensor([-1.5, 1.5]))  # top-left
    assert torch.allclose(points[-1, -1], torch.tensor([1.5, -1.5]))  # bottom-right


def _x1_classifier() -> nn.Sequential:
    model = nn.Sequential(nn.Linear(1, 1))
    with torch.no_grad():
        model[0].weight.fill_(5.0)
        model[0].bias.zero_()
    return model


def test_decision_grid_is_probabilities_oriented_like_the_plane():
    probs = decision_grid(_x1_classifier(), ("x1",), resolution=10)
    assert probs.shape == (10, 10, 2)
    assert torch.allclose(probs.sum(-1), torch.ones(10, 10))
    assert (probs[:, -1, 1] > 0.99).all() and (probs[:, 0, 1] < 0.01).all()  # class 1 on the right


def test_decision_grid_multiclass_shape():
    model = build_mlp(2, MLPConfig((4,), "relu"), 5, seed=0)
    probs = decision_grid(model, ("x1", "x2"), resolution=8)
    assert probs.shape == (8, 8, 5)
    assert torch.allclose(probs.sum(-1), torch.ones(8, 8), atol=1e-6)


def test_neuron_maps_one_per_unit_after_each_activation():
    model = build_mlp(3, MLPConfig((4, 2), "tanh"), 1, seed=0)
    maps = neuron_maps(model, ("x1", "x2", "x1*x2"), resolution=6)
    assert [m.shape for m in maps] == [(3, 6, 6), (4, 6, 6), (2, 6, 6)]
    assert maps[1].abs().max() <= 1.0  # tanh outputs
    grid = plane_grid(6).points
    assert torch.allclose(maps[0][0].reshape(-1), grid[:, 0])  # the x1 input is x1 itself
    assert model.training  # mode restored


def test_neuron_maps_with_no_hidden_layers_has_only_inputs():
    model = build_mlp(2, MLPConfig((), "relu"), 1, seed=0)
    assert len(neuron_maps(model, ("x1", "x2"), resolution=5)) == 1
