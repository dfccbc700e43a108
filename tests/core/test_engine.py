import math

import pytest
import torch
from torch import nn

from core.classification import ClassificationConfig, DataConfig, TrainConfig, build_experiment
from core.engine import EpochRecord, Trainer, TrainingDiverged, fit, train_step
from core.models import MLPConfig
from core.objectives import BinaryCrossEntropy, Penalty, ProbabilityMSE, make_loss, make_optimizer, set_learning_rate


def _experiment(**overrides):
    data = overrides.pop("data", DataConfig(dataset="circle"))
    model = overrides.pop("model", MLPConfig())
    train = overrides.pop("train", TrainConfig())
    features = overrides.pop("features", ("x1", "x2"))
    return build_experiment(ClassificationConfig(data=data, model=model, train=train, features=features, seed=1))


def test_seeded_training_lowers_the_loss_and_raises_accuracy():
    trainer = _experiment(train=TrainConfig(learning_rate=0.1)).trainer
    records = [trainer.run_epoch() for _ in range(80)]
    assert records[-1].train_loss < records[0].train_loss * 0.6
    assert records[-1].test_acc > 0.9
    assert [r.epoch for r in records] == list(range(1, 81))


def test_fit_yields_one_record_per_epoch():
    experiment = _experiment()
    t = experiment.trainer
    records = list(fit(t.model, t.loss_fn, t.optimizer, (t.X_train, t.y_train), t.test, epochs=3, batch_size=10))
    assert len(records) == 3 and all(isinstance(r, EpochRecord) for r in records)
    assert [r.epoch for r in records] == [1, 2, 3] and all(r.seconds > 0 for r in records)
    assert records[-1].train_loss < records[0].train_loss  # it trained


def test_same_seed_same_losses():
    first = [_experiment().trainer.run_epoch().train_loss for _ in range(1)]
    second = [_experiment().trainer.run_epoch().train_loss for _ in range(1)]
    assert first == second


def test_learning_rate_of_ten_stops_restores_last_finite_weights_and_suggests_lower():
    experiment = _experiment(
        data=DataConfig(dataset="spiral"),
        features=("x1", "x2", "x1^2", "x2^2", "x1*x2"),
        model=MLPConfig((8, 8), "linear"),
        train=TrainConfig(learning_rate=0.001),
    )
    trainer = experiment.trainer
    good = [trainer.run_epoch() for _ in range(3)]
    weights = {k: v.clone() for k, v in trainer.model.state_dict().items()}
    set_learning_rate(trainer.optimizer, 10.0)
    with pytest.raises(TrainingDiverged) as caught:
        for _ in range(20):
            trainer.run_epoch()
    assert "lower the learning rate" in str(caught.value).lower() and "10" in str(caught.value)
    assert all(torch.isfinite(p).all() for p in trainer.model.parameters())
    restored = trainer.model.state_dict()
    if caught.value.epoch == 4:  # diverged right away: exactly the weights from before
        assert all(torch.equal(restored[k], weights[k]) for k in weights)
    assert trainer.epoch == caught.value.epoch - 1 >= len(good)
    with pytest.raises(RuntimeError):
        trainer.run_epoch()  # a diverged run needs an explicit restart
    set_learning_rate(trainer.optimizer, 0.001)
    trainer.restart_after_divergence()
    assert math.isfinite(trainer.run_epoch().train_loss)


def test_zero_hidden_layers_trains():
    trainer = _experiment(data=DataConfig(dataset="gauss"), model=MLPConfig((), "tanh")).trainer
    for _ in range(10):
        record = trainer.run_epoch()
    assert record.test_acc > 0.95


def test_batch_larger_than_training_set_is_one_full_batch():
    experiment = _experiment(
        data=DataConfig(dataset="gauss", n_samples=100, train_percent=10), train=TrainConfig(batch_size=30)
    )
    trainer = experiment.trainer
    assert len(trainer.X_train) == 10
    assert len(list(trainer.batches())) == 1
    assert math.isfinite(trainer.run_epoch().train_loss)


def test_full_batch_setting():
    trainer = _experiment(train=TrainConfig(batch_size=0)).trainer
    assert len(list(trainer.batches())) == 1


@pytest.mark.parametrize("train_percent", [10, 90])
@pytest.mark.parametrize("noise", [0, 50])
@pytest.mark.parametrize("dataset", ["circle", "xor", "gauss", "spiral", "moons", "circles", "blobs", "multi_spiral"])
def test_extreme_ratios_and_noise_train(dataset, noise, train_percent):
    experiment = _experiment(data=DataConfig(dataset=dataset, noise=noise, train_percent=train_percent, n_samples=100))
    record = experiment.trainer.run_epoch()
    assert math.isfinite(record.train_loss) and math.isfinite(record.test_loss)
    assert 0.0 <= record.train_acc <= 1.0


def test_train_step_matches_a_hand_written_step():
    torch.manual_seed(0)
    model = nn.Linear(2, 1)
    reference = nn.Linear(2, 1)
    reference.load_state_dict(model.state_dict())
    X, y = torch.randn(8, 2), torch.randint(0, 2, (8,))
    penalty = Penalty("L2", 0.1)
    train_step(model, BinaryCrossEntropy(), torch.optim.SGD(model.parameters(), lr=0.5), X, y, penalty)
    logits = reference(X).squeeze(1)
    loss = nn.functional.binary_cross_entropy_with_logits(logits, y.float()) + 0.1 * (reference.weight**2).sum()
    grads = torch.autograd.grad(loss, list(reference.parameters()))
    for p, g, q in zip(reference.parameters(), grads, model.parameters(), strict=True):
        assert torch.allclose(p - 0.5 * g, q, atol=1e-6)


@pytest.mark.parametrize("kind", ["L1", "L2"])
def test_penalty_gradients_are_the_known_answers(kind):
    model = nn.Linear(3, 2)
    penalty = Penalty(kind, 0.3)
    penalty(model).backward()
    expected = 0.3 * (torch.sign(model.weight) if kind == "L1" else 2 * model.weight)
    assert torch.allclose(model.weight.grad, expected)
    assert model.bias.grad is None  # biases are not penalised


def test_penalty_off_is_none():
    assert Penalty("none", 1.0)(nn.Linear(2, 2)) is None
    assert Penalty("L2", 0.0)(nn.Linear(2, 2)) is None


def test_losses_by_name():
    logits2, y = torch.tensor([[2.0], [-1.0]]), torch.tensor([1, 0])
    expected = nn.functional.binary_cross_entropy_with_logits(torch.tensor([2.0, -1.0]), torch.tensor([1.0, 0.0]))
    assert torch.isclose(make_loss("auto", 2)(logits2, y), expected)
    logits3 = torch.tensor([[2.0, 0.0, -1.0]])
    assert torch.isclose(
        make_loss("auto", 3)(logits3, torch.tensor([0])), nn.functional.cross_entropy(logits3, torch.tensor([0]))
    )
    mse = ProbabilityMSE()(logits2, y)
    assert torch.isclose(mse, ((torch.sigmoid(torch.tensor([2.0, -1.0])) - torch.tensor([1.0, 0.0])) ** 2).mean())
    with pytest.raises(ValueError):
        make_loss("hinge", 2)


def test_live_learning_rate_and_momentum_change_the_running_optimizer():
    model = nn.Linear(2, 1)
    optimizer = make_optimizer("SGD", model.parameters(), 0.1, 0.0)
    set_learning_rate(optimizer, 0.3, 0.9)
    assert optimizer.param_groups[0]["lr"] == 0.3 and optimizer.param_groups[0]["momentum"] == 0.9
    adam = make_optimizer("Adam", model.parameters(), 0.1)
    set_learning_rate(adam, 0.01, 0.9)
    assert adam.param_groups[0]["lr"] == 0.01


def test_trainer_moves_data_to_the_device():
    trainer = Trainer(
        nn.Linear(2, 1),
        BinaryCrossEntropy(),
        torch.optim.SGD(nn.Linear(2, 1).parameters(), lr=0.1),
        (torch.randn(4, 2), torch.tensor([0, 1, 0, 1])),
        None,
        batch_size=2,
        device="cpu",
    )
    assert trainer.X_train.device.type == "cpu" and trainer.test is None
    assert trainer.run_epoch().test_loss is None
