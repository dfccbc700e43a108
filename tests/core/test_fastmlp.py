"""The hand-written backward (core.fastmlp) against autograd, the known answer."""

import pytest
import torch
from torch import nn

from core.classification import ClassificationConfig, DataConfig, TrainConfig, build_experiment
from core.engine import Trainer
from core.fastmlp import FusedStep, supports
from core.models import ACTIVATIONS, MLPConfig, build_mlp
from core.objectives import BinaryCrossEntropy, Penalty, ProbabilityMSE, SquaredError, make_loss, set_learning_rate


def _autograd_grads(model, loss_fn, X, y, penalty):
    model.zero_grad()
    loss = loss_fn(model(X), y)
    extra = penalty(model)
    (loss + extra if extra is not None else loss).backward()
    return [p.grad.clone() for p in model.parameters()]


@pytest.mark.parametrize("activation", list(ACTIVATIONS))
@pytest.mark.parametrize("loss_name,n_classes", [("auto", 2), ("auto", 4), ("mse", 2), ("mse", 3), ("regression", 0)])
@pytest.mark.parametrize("penalty", [Penalty(), Penalty("L1", 0.03), Penalty("L2", 0.1)], ids=["none", "L1", "L2"])
@pytest.mark.parametrize("hidden", [(), (5,), (4, 3, 2)])
def test_gradients_equal_autograd(activation, loss_name, n_classes, penalty, hidden):
    model = build_mlp(3, MLPConfig(hidden, activation), 1 if n_classes in (0, 2) else n_classes, seed=5)
    loss_fn = make_loss(loss_name, n_classes, regression=n_classes == 0)
    generator = torch.Generator().manual_seed(1)
    X = torch.randn(11, 3, generator=generator) * 2
    if n_classes == 0:  # regression: a value per point
        y = torch.rand(11, generator=generator) * 2 - 1
    else:
        y = torch.randint(0, n_classes, (11,), generator=generator)
    step = FusedStep(model, loss_fn, penalty)
    ours = step.gradients(X, step.targets(y))
    expected = _autograd_grads(model, loss_fn, X, y, penalty)
    assert [p is q for p, q in zip(step.parameters, model.parameters(), strict=True)]
    for mine, theirs in zip(ours, expected, strict=True):
        assert torch.allclose(mine, theirs, atol=1e-6, rtol=1e-5)


def test_supports_only_what_it_can_differentiate():
    mlp = build_mlp(2, MLPConfig((3,), "tanh"), 1, seed=0)
    assert supports(mlp, BinaryCrossEntropy())
    assert supports(mlp, ProbabilityMSE())
    assert not supports(mlp, nn.CrossEntropyLoss())  # one logit: cross-entropy needs classes
    assert not supports(nn.Sequential(nn.Linear(2, 3), nn.Softplus(), nn.Linear(3, 1)), BinaryCrossEntropy())
    assert not supports(nn.Sequential(nn.Linear(2, 3, bias=False)), BinaryCrossEntropy())
    assert not supports(nn.Linear(2, 1), BinaryCrossEntropy())
    assert supports(mlp, SquaredError())
    assert not supports(mlp, SquaredError(reduction="sum"))
    assert not supports(build_mlp(2, MLPConfig((3,), "tanh"), 2, seed=0), SquaredError())  # one value per point
    assert not supports(mlp, nn.MSELoss())
    with pytest.raises(ValueError):
        FusedStep(mlp, nn.MSELoss())


def _records(config, fused, epochs=30, change=None):
    experiment = build_experiment(config)
    trainer = experiment.trainer
    if not fused:
        trainer.fused = None
    records = []
    for epoch in range(epochs):
        if change and epoch == epochs // 2:
            change(experiment)
        records.append(trainer.run_epoch())
    return records


@pytest.mark.parametrize(
    "config",
    [
        ClassificationConfig(data=DataConfig(dataset="spiral")),
        ClassificationConfig(
            data=DataConfig(dataset="blobs", n_classes=5, noise=30),
            model=MLPConfig((8, 8), "relu"),
            train=TrainConfig(optimizer="Adam", learning_rate=0.01, regularization="L2", regularization_rate=0.003),
        ),
        ClassificationConfig(
            data=DataConfig(dataset="xor"),
            features=("x1", "x2", "x1*x2", "sin x1"),
            model=MLPConfig((6, 4), "gelu"),
            train=TrainConfig(momentum=0.9, regularization="L1", regularization_rate=0.001, batch_size=7),
        ),
        ClassificationConfig(
            data=DataConfig(dataset="multi_spiral", n_classes=3),
            model=MLPConfig((8,), "leaky relu"),
            train=TrainConfig(loss="mse", learning_rate=0.3, batch_size=0),
        ),
        ClassificationConfig(
            data=DataConfig(dataset="multi_gauss", noise=10),
            model=MLPConfig((6, 4), "tanh"),
            train=TrainConfig(momentum=0.5, regularization="L2", regularization_rate=0.001),
        ),
    ],
    ids=["tf-default", "blobs-adam-l2", "xor-gelu-momentum-l1", "multispiral-mse-fullbatch", "multigauss-regression"],
)
def test_whole_runs_match_autograd_to_1e_5(config):
    fast = _records(config, fused=True)
    slow = _records(config, fused=False)
    for a, b in zip(fast, slow, strict=True):
        assert a.train_loss == pytest.approx(b.train_loss, abs=1e-5)
        assert a.test_loss == pytest.approx(b.test_loss, abs=1e-5)


def test_live_changes_match_autograd():
    def change(experiment):
        experiment.apply_live_settings(
            TrainConfig(learning_rate=0.1, momentum=0.5, regularization="L2", regularization_rate=0.01, batch_size=25)
        )

    config = ClassificationConfig(data=DataConfig(dataset="circle"))
    for a, b in zip(_records(config, True, 20, change), _records(config, False, 20, change), strict=True):
        assert a.train_loss == pytest.approx(b.train_loss, abs=1e-5)


def test_trainer_uses_the_fast_path_for_playground_models_and_autograd_otherwise():
    experiment = build_experiment(ClassificationConfig())
    assert experiment.trainer.fused is not None
    other = nn.Sequential(nn.Linear(2, 4), nn.Softplus(), nn.Linear(4, 1))
    trainer = Trainer(
        other,
        BinaryCrossEntropy(),
        torch.optim.SGD(other.parameters(), lr=0.1),
        (torch.randn(8, 2), torch.randint(0, 2, (8,))),
        None,
        batch_size=4,
    )
    assert trainer.fused is None
    assert trainer.run_epoch().epoch == 1


def test_divergence_restores_adam_state_exactly():
    config = ClassificationConfig(
        data=DataConfig(dataset="spiral"),
        features=("x1", "x2", "x1^2", "x2^2", "x1*x2"),
        model=MLPConfig((8, 8), "linear"),
        train=TrainConfig(optimizer="Adam", learning_rate=0.001),
    )
    trainer = build_experiment(config).trainer
    for _ in range(3):
        trainer.run_epoch()
    params = [p.detach().clone() for p in trainer.model.parameters()]
    states = [{k: v.clone() for k, v in trainer.optimizer.state[p].items()} for p in trainer.model.parameters()]
    set_learning_rate(trainer.optimizer, 1e30)
    try:
        for _ in range(10):
            params = [p.detach().clone() for p in trainer.model.parameters()]
            states = [{k: v.clone() for k, v in trainer.optimizer.state[p].items()} for p in trainer.model.parameters()]
            trainer.run_epoch()
    except Exception as error:  # TrainingDiverged
        assert "learning rate" in str(error)
    else:
        pytest.fail("a learning rate of 1e30 should diverge")
    for p, saved, state in zip(trainer.model.parameters(), params, states, strict=True):
        assert torch.equal(p.detach(), saved)
        for key, value in state.items():
            assert torch.equal(trainer.optimizer.state[p][key], value)


EXACT_CONFIGS = {
    "xor-chaotic-momentum": ClassificationConfig(
        data=DataConfig(dataset="xor", noise=35),
        model=MLPConfig((5, 5), "tanh"),
        train=TrainConfig(learning_rate=0.1, momentum=0.9, batch_size=10),
        seed=5,
    ),
    "spiral-l1": ClassificationConfig(
        data=DataConfig(dataset="spiral", noise=10),
        train=TrainConfig(regularization="L1", regularization_rate=0.003, momentum=0.9, learning_rate=0.1),
    ),
    "spiral-l2": ClassificationConfig(
        data=DataConfig(dataset="spiral", noise=10),
        train=TrainConfig(regularization="L2", regularization_rate=0.003, momentum=0.5, learning_rate=0.1),
    ),
    "blobs-ce-adam": ClassificationConfig(
        data=DataConfig(dataset="blobs", n_classes=4, noise=20),
        model=MLPConfig((6, 3), "relu"),
        train=TrainConfig(optimizer="Adam", learning_rate=0.01),
    ),
    "multi-spiral-mse-gelu": ClassificationConfig(
        data=DataConfig(dataset="multi_spiral"),
        model=MLPConfig((8, 8), "gelu"),
        train=TrainConfig(loss="mse", learning_rate=0.3, momentum=0.9, batch_size=7),
    ),
    "xor-sigmoid-mse": ClassificationConfig(
        data=DataConfig(dataset="xor", noise=35),
        model=MLPConfig((5, 5), "sigmoid"),
        train=TrainConfig(loss="mse", learning_rate=1.0, momentum=0.9),
    ),
    "circle-leaky-batch-1": ClassificationConfig(
        data=DataConfig(dataset="circle", noise=35),
        model=MLPConfig((8, 8, 8), "leaky relu"),
        train=TrainConfig(learning_rate=0.03, momentum=0.9, batch_size=1),
    ),
}


@pytest.mark.parametrize("name", list(EXACT_CONFIGS))
def test_the_fast_step_rounds_exactly_as_the_five_step_loop_run_after_run(name):
    fast = build_experiment(EXACT_CONFIGS[name]).trainer
    plain = build_experiment(EXACT_CONFIGS[name]).trainer
    plain.fused = None  # the course's loop: forward, loss, zero_grad, backward, step
    assert fast.fused is not None
    for _ in range(60):
        assert fast.run_epoch().train_loss == plain.run_epoch().train_loss  # bit for bit, epoch after epoch
    for a, b in zip(fast.model.parameters(), plain.model.parameters(), strict=True):
        assert torch.equal(a, b)
