import pytest
import torch

from core.data.toy2d import DATASETS, PLANE_LIMIT, circle, gauss, spiral, split_train_test, xor


@pytest.mark.parametrize("name", list(DATASETS))
@pytest.mark.parametrize("noise", [0.0, 0.5])
def test_every_generator_has_one_signature_shapes_and_range(name, noise):
    info = DATASETS[name]
    n_classes = 5 if info.multiclass else 2
    X, y = info.generate(300, noise, seed=3, n_classes=n_classes)
    assert X.shape == (300, 2) and X.dtype == torch.float32
    assert y.shape == (300,) and y.dtype == torch.int64
    assert set(y.unique().tolist()) == set(range(n_classes))
    inside = (X.abs() <= PLANE_LIMIT + 1.5).all(dim=1).float().mean()
    assert torch.isfinite(X).all() and inside >= (0.99 if noise == 0 else 0.85)  # noise may push points past the view


@pytest.mark.parametrize("name", list(DATASETS))
def test_generators_repeat_for_a_seed_and_differ_across_seeds(name):
    generate = DATASETS[name].generate
    X1, y1 = generate(200, 0.2, seed=7, n_classes=3)
    X2, y2 = generate(200, 0.2, seed=7, n_classes=3)
    X3, _ = generate(200, 0.2, seed=8, n_classes=3)
    assert torch.equal(X1, X2) and torch.equal(y1, y2)
    assert not torch.equal(X1, X3)


def test_generators_do_not_touch_the_global_seed():
    torch.manual_seed(0)
    expected = torch.rand(3)
    torch.manual_seed(0)
    spiral(100, 0.1, seed=1)
    assert torch.equal(torch.rand(3), expected)


def test_circle_labels_follow_tf_playground_geometry_without_noise():
    X, y = circle(400, 0.0, seed=0)
    radius = X.norm(dim=1)
    assert (radius[y == 1] < 2.5).all()
    assert (radius[y == 0] >= 3.5 - 1e-5).all()


def test_xor_labels_are_the_sign_of_the_product_and_keep_a_gap():
    X, y = xor(400, 0.0, seed=0)
    assert torch.equal(y, (X[:, 0] * X[:, 1] >= 0).long())
    assert (X.abs() >= 0.3 - 1e-6).all()


def test_gauss_centres():
    X, y = gauss(2000, 0.0, seed=0)
    assert torch.allclose(X[y == 1].mean(0), torch.tensor([2.0, 2.0]), atol=0.15)
    assert torch.allclose(X[y == 0].mean(0), torch.tensor([-2.0, -2.0]), atol=0.15)


def test_spiral_arms_have_equal_sizes_and_reach_radius_five():
    X, y = spiral(500, 0.0, seed=0)
    assert (y == 0).sum() == (y == 1).sum() == 250
    assert X.norm(dim=1).max() == pytest.approx(5.0, abs=0.05)


def test_course_circles_default_is_a_thousand_points():
    assert DATASETS["circles"].default_samples == 1000


@pytest.mark.parametrize("fraction", [0.1, 0.5, 0.9, 0.0, 1.0])
def test_split_keeps_every_point_once_and_one_on_each_side(fraction):
    X, y = spiral(100, 0.0, seed=0)
    (X_train, y_train), (X_test, y_test) = split_train_test(X, y, fraction, seed=0)
    assert len(X_train) + len(X_test) == 100
    assert len(X_train) >= 1 and len(X_test) >= 1
    assert len(X_train) == min(max(round(100 * fraction), 1), 99)
    joined = torch.cat([X_train, X_test])
    assert torch.equal(joined[joined[:, 0].argsort()], X[X[:, 0].argsort()])
