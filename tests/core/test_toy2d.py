import pytest
import torch

from core.data.toy2d import (
    DATASETS,
    PLANE_LIMIT,
    circle,
    gauss,
    multi_gauss,
    plane,
    spiral,
    split_train_test,
    xor,
)


@pytest.mark.parametrize("name", list(DATASETS))
@pytest.mark.parametrize("noise", [0.0, 0.5])
def test_every_generator_has_one_signature_shapes_and_range(name, noise):
    info = DATASETS[name]
    n_classes = 5 if info.multiclass else 2
    X, y = info.generate(300, noise, seed=3, n_classes=n_classes)
    assert X.shape == (300, 2) and X.dtype == torch.float32
    if info.regression:  # values to fit, on TF Playground's scale
        assert y.shape == (300,) and y.dtype == torch.float32
        assert torch.isfinite(y).all() and y.abs().max() <= 1.2 + 1.2 * noise * 2 and y.std() > 0.1
    else:
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


def test_the_regression_plane_is_x1_plus_x2_over_ten_without_noise():
    X, y = plane(400, 0.0, seed=1)
    assert torch.allclose(y, (X[:, 0] + X[:, 1]) / 10, atol=1e-6)
    assert (X.abs() <= PLANE_LIMIT).all()


def test_the_multi_gaussian_has_tf_playgrounds_six_bumps_without_noise():
    X, y = multi_gauss(3000, 0.0, seed=2)
    assert y.min() >= -1 and y.max() <= 1
    for cx, cy, sign in ((-4, 2.5, 1), (0, 2.5, -1), (4, 2.5, 1), (-4, -2.5, -1), (0, -2.5, 1), (4, -2.5, -1)):
        near = (X - torch.tensor([cx, cy])).norm(dim=1) < 0.5  # within 0.5 of a centre: at least 0.75 of its sign
        assert near.any() and (y[near] * sign >= 0.75 - 1e-6).all()
    far = (
        (X.unsqueeze(1) - torch.tensor([[-4, 2.5], [0, 2.5], [4, 2.5], [-4, -2.5], [0, -2.5], [4, -2.5]])).norm(dim=2)
        > 2
    ).all(dim=1)
    assert far.any() and (y[far] == 0).all()  # farther than 2 from every centre: 0


def test_noise_moves_the_point_a_regression_value_is_read_at():
    X0, y0 = plane(300, 0.0, seed=4)
    X1, y1 = plane(300, 0.3, seed=4)
    assert torch.equal(X0, X1) and not torch.allclose(y0, y1)
