from core.classification import ClassificationConfig, DataConfig, TrainConfig
from core.models import MLPConfig
from playground.classification_settings import SETTINGS, decode, encode, widget_values


def test_round_trip_of_every_setting():
    config = ClassificationConfig(
        data=DataConfig(dataset="blobs", noise=25, train_percent=70, n_classes=5, n_samples=1000, version=3),
        features=("x1", "x2", "sin x1"),
        model=MLPConfig((8, 1, 3), "gelu"),
        train=TrainConfig("mse", "Adam", 0.003, 0.0, "L1", 0.3, 0),
        seed=123,
    )
    decoded, notices = decode(encode(config))
    assert decoded == config and notices == []


def test_zero_hidden_layers_round_trip():
    config = ClassificationConfig(model=MLPConfig((), "relu"))
    assert encode(config)["hidden"] == "none"
    assert decode(encode(config))[0] == config


def test_garbage_falls_back_to_defaults_with_a_notice_each():
    params = {
        "dataset": "mnist",
        "noise": "banana",
        "train": "95",
        "hidden": "9,9",
        "lr": "0.02",
        "features": "x1,x9",
        "batch": "-1",
        "seed": "99999999999",
        "activation": "<script>",
        "points": "123",
        "momentum": "2",
    }
    config, notices = decode(params)
    assert config == ClassificationConfig()
    assert len(notices) == len(params)
    assert all(notice.startswith("Ignored ") for notice in notices)


def test_unknown_parameters_are_left_alone_and_good_ones_apply():
    config, notices = decode({"utm_source": "mail", "dataset": "spiral", "lr": "0.3", "hidden": "8,8,8"})
    assert notices == []
    assert config.data.dataset == "spiral" and config.train.learning_rate == 0.3 and config.model.hidden == (8, 8, 8)


def test_list_values_use_the_last_one_and_features_are_canonical():
    config, _ = decode({"features": ["x1", "x2,x1"], "noise": ["5", "10"]})
    assert config.features == ("x1", "x2") and config.data.noise == 10


def test_every_setting_is_in_the_url_and_every_widget_value_comes_from_the_table():
    config = ClassificationConfig()
    assert set(encode(config)) == set(SETTINGS)
    values = widget_values(config)
    for setting in SETTINGS.values():
        if setting.widget is not None:
            assert values["classification/" + setting.widget] == setting.get(config)
    assert values["classification/layers"] == len(config.model.hidden)


def test_the_extremes_of_every_range_round_trip():
    config = ClassificationConfig(
        data=DataConfig(dataset="multi_spiral", noise=50, train_percent=90, n_classes=8, n_samples=2000),
        model=MLPConfig((8, 8, 8, 8, 8, 8), "linear"),
        train=TrainConfig("auto", "SGD", 10.0, 0.99, "L2", 10.0, 0),
        seed=2**31 - 1,
    )
    assert decode(encode(config)) == (config, [])


def test_the_problem_type_round_trips_and_a_built_in_set_decides_it():
    regression = ClassificationConfig(data=DataConfig(dataset="multi_gauss", noise=20, problem="regression"))
    assert encode(regression)["problem"] == "regression"
    assert decode(encode(regression)) == (regression, [])
    own = ClassificationConfig(data=DataConfig(dataset="own", problem="regression"))
    assert decode(encode(own))[0] == own  # own points follow the problem type
    config, notices = decode({"problem": "regression", "dataset": "circle"})  # the set wins, quietly
    assert config.data.problem == "classification" and not config.data.regression and notices == []
    config, _ = decode({"dataset": "plane"})  # an old link without a problem type
    assert config.data.problem == "regression" and config.data.regression
    config, notices = decode({"problem": "ranking"})
    assert config == ClassificationConfig() and notices == [
        "Ignored problem='ranking' from the link: not a valid value; used 'classification'."
    ]
