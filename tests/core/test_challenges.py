"""Every challenge's check on a run that meets it and on runs that do not (wrong settings, not there yet).

Where a real run is quick, the run is real: the same engine the page trains with.
"""

from dataclasses import replace

import pytest

from core.challenges import (
    CHALLENGES,
    Attempt,
    Verdict,
    augmentation_closes_the_gap,
    beat_the_kept_model,
    challenges_for,
    digits_with_four_channels,
    digits_with_one_block,
    digits_with_sgd,
    diverge_then_rescue,
    draw_a_seven,
    every_class_f1,
    every_class_few_images,
    fast_line,
    find_the_mix_up,
    fine_tune,
    first_epoch_within,
    fit_multi_gaussian,
    fit_the_sine,
    fixed_device,
    fixed_labels,
    fixed_layer,
    fixed_shape,
    halve_the_loss,
    make_it_hesitate,
    memorising,
    most_confused_pair,
    name_a_photo,
    one_change_at_a_time,
    overshoot,
    own_pipeline,
    predict_the_update,
    recall_by_threshold,
    set_against_the_gradient,
    small_circle,
    spiral_two_layers,
    truth_with_sgd,
    two_shot,
    xor_without_hidden_layers,
    your_own_model_reads_it,
)
from core.classification import ClassificationConfig, DataConfig, TrainConfig, build_experiment
from core.engine import EpochRecord
from core.fix_exercises import EXERCISES, try_fix
from core.models import MLPConfig
from core.regression import RegressionConfig, RegressionData, RegressionModelConfig, RegressionTrain, build_regression

FIXES = {"shape": "c = a @ b.T", "device": "out = model(x.to('meta'))"}


def _records(*accs, losses=None):
    losses = losses or [0.5] * len(accs)
    pairs = enumerate(zip(accs, losses, strict=True))
    return [EpochRecord(i + 1, loss, acc, loss, acc, 0.01) for i, (acc, loss) in pairs]


def _train(config, epochs):
    trainer = build_experiment(config).trainer
    return [trainer.run_epoch() for _ in range(epochs)]


def test_every_page_sets_three_to_six_challenges_with_hints_and_unique_keys():
    for page in (
        "classification",
        "workflow",
        "vision",
        "tensors",
        "backprop",
        "evaluation",
        "transfer",
        "augmentation",
    ):
        assert 3 <= len(challenges_for(page)) <= 6
    assert len({c.key for c in CHALLENGES}) == len(CHALLENGES)
    assert all(c.hints and c.title.endswith((".", ")")) for c in CHALLENGES)


def test_xor_without_hidden_layers_is_met_by_a_real_run_with_the_product_feature():
    config = ClassificationConfig(
        data=DataConfig(dataset="xor"), features=("x1", "x2", "x1*x2"), model=MLPConfig((), "tanh"),
        train=TrainConfig(learning_rate=0.1),
    )  # fmt: skip
    verdict = xor_without_hidden_layers(Attempt(config, _train(config, 40)))
    assert verdict.met and "needs 95 %" in verdict.progress
    plain = replace(config, features=("x1", "x2"))
    assert not xor_without_hidden_layers(Attempt(plain, _train(plain, 40))).met  # a line cannot
    hidden = replace(config, model=MLPConfig((2,), "tanh"))
    verdict = xor_without_hidden_layers(Attempt(hidden, _records(1.0)))
    assert not verdict.met and "set Hidden layers to 0" in verdict.progress
    assert not xor_without_hidden_layers(Attempt(ClassificationConfig(), _records(1.0))).met  # another data set


def test_the_spiral_needs_ninety_percent_and_at_most_two_layers():
    config = ClassificationConfig(data=DataConfig(dataset="spiral"), model=MLPConfig((8, 8), "tanh"))
    assert spiral_two_layers(Attempt(config, _records(0.5, 0.92, 0.88))).met  # reached once: met
    assert not spiral_two_layers(Attempt(config, _records(0.5, 0.89))).met
    deep = replace(config, model=MLPConfig((8, 8, 8), "tanh"))
    assert "at most two" in spiral_two_layers(Attempt(deep, _records(1.0))).progress
    assert not spiral_two_layers(Attempt(config, [])).met


def test_the_small_circle_is_met_by_a_real_run_of_three_neurons():
    config = ClassificationConfig(model=MLPConfig((3,), "tanh"), train=TrainConfig(learning_rate=0.1))
    assert small_circle(Attempt(config, _train(config, 150))).met
    four = replace(config, model=MLPConfig((4,), "tanh"))
    assert "at most 3 neurons" in small_circle(Attempt(four, _records(1.0))).progress
    squares = replace(config, features=("x1", "x2", "x1^2"))
    assert "x1 and x2 alone" in small_circle(Attempt(squares, _records(1.0))).progress


def test_a_blow_up_then_a_lower_rate_rescues_the_run():
    config = ClassificationConfig(train=TrainConfig(learning_rate=0.03))
    before = _records(0.6, 0.7)
    stops = [(3, 10.0)]  # it stopped by itself in epoch 3 at learning rate 10
    after = [replace(r, epoch=r.epoch + 3) for r in _records(0.5, 0.85)]
    verdict = diverge_then_rescue(Attempt(config, before + after, stops))
    assert verdict.met and "after the blow-up: best test accuracy 85.0 %" in verdict.progress
    assert not diverge_then_rescue(Attempt(config, before + after[:1], stops)).met  # not back yet
    high = replace(config, train=TrainConfig(learning_rate=10.0))
    assert "lower it" in diverge_then_rescue(Attempt(high, before + after, stops)).progress
    assert "has not blown up" in diverge_then_rescue(Attempt(config, before + after)).progress
    early = _records(0.9, 0.95)  # good epochs before the blow-up do not count
    assert not diverge_then_rescue(Attempt(config, early, [(3, 10.0)])).met


def test_the_multi_gaussian_needs_a_test_loss_of_at_most_two_hundredths():
    config = ClassificationConfig(data=DataConfig(dataset="multi_gauss"))
    assert fit_multi_gaussian(Attempt(config, _records(None, None, losses=[0.1, 0.019]))).met
    assert not fit_multi_gaussian(Attempt(config, _records(None, losses=[0.021]))).met
    assert "Regression" in fit_multi_gaussian(Attempt(ClassificationConfig(), _records(0.9))).progress


def _workflow(config, epochs):
    experiment = build_regression(config)
    records = [experiment.trainer.run_epoch() for _ in range(epochs)]
    return Attempt(experiment.config, records, path=list(experiment.path))


def test_the_truth_within_a_hundredth_with_sgd_in_under_a_hundred_epochs():
    course = RegressionConfig()  # L1, lr 0.01: within 0.01 after 166 epochs
    verdict = truth_with_sgd(_workflow(course, 99))
    assert not verdict.met and "now weight" in verdict.progress
    verdict = truth_with_sgd(_workflow(course, 200))
    assert not verdict.met and verdict.progress == "within 0.01 after 166 epochs (needs under 100)"
    quick = RegressionConfig(train=RegressionTrain(momentum=0.9))  # the hint: 45 epochs
    verdict = truth_with_sgd(_workflow(quick, 100))
    assert verdict.met and "after" in verdict.progress
    adam = replace(quick, train=RegressionTrain(loss="MSE", optimizer="Adam", learning_rate=0.1))
    assert "Use SGD" in truth_with_sgd(_workflow(adam, 5)).progress
    thinned = _workflow(quick, 20)
    assert "Pause to check" in truth_with_sgd(replace(thinned, path=thinned.path[::2])).progress


def test_first_epoch_within_counts_the_start_as_epoch_zero():
    path = [(0.0, 0.0), (0.5, 0.2), (0.695, 0.305), (0.7, 0.3)]
    assert first_epoch_within(path, 0.7, 0.3, 0.01) == 2
    assert first_epoch_within(path[:2], 0.7, 0.3, 0.01) is None


def test_the_fast_line_and_the_sine():
    line = RegressionConfig(train=RegressionTrain(loss="MSE", learning_rate=0.1))
    assert fast_line(_workflow(line, 100)).met
    assert not fast_line(_workflow(RegressionConfig(), 100)).met  # the course's pace
    assert not fast_line(_workflow(replace(line, train=RegressionTrain(learning_rate=0.1)), 100)).met  # L1 stalls
    momentum = replace(line, train=RegressionTrain(loss="MSE", learning_rate=0.1, momentum=0.9))
    assert "momentum 0" in fast_line(_workflow(momentum, 3)).progress
    sine = RegressionConfig(
        data=RegressionData(target="sine"),
        model=RegressionModelConfig(kind="mlp"),
        train=RegressionTrain(optimizer="Adam", learning_rate=0.01),
    )
    assert fit_the_sine(_workflow(sine, 600)).met
    straight = replace(sine, model=RegressionModelConfig(kind="linear"))
    verdict = fit_the_sine(_workflow(straight, 600))
    assert not verdict.met and "best train loss" in verdict.progress


def test_the_digits_with_four_channels_is_met_by_a_real_run():
    from core.cnn import TinyVGGConfig
    from core.data.images import digits
    from core.vision import VisionConfig, build_vision

    config = VisionConfig("digits", TinyVGGConfig(hidden=4))
    trainer = build_vision(config, digits()).trainer
    records = [trainer.run_epoch() for _ in range(12)]
    assert digits_with_four_channels(Attempt(config, records)).met
    assert not digits_with_four_channels(Attempt(config, records[:3])).met  # not there yet
    wide = replace(config, model=TinyVGGConfig(hidden=10))
    assert "10 channels: at most 4." in digits_with_four_channels(Attempt(wide, records)).progress
    shapes = replace(config, dataset="shapes")
    assert "Pick the digits" in digits_with_four_channels(Attempt(shapes, records)).progress


def test_one_block_and_sgd_on_the_digits():
    from core.cnn import TinyVGGConfig
    from core.vision import VisionConfig, VisionTrain

    one = VisionConfig("digits", TinyVGGConfig(blocks=1))
    assert digits_with_one_block(Attempt(one, _records(0.9, 0.96))).met
    assert "use one" in digits_with_one_block(Attempt(VisionConfig(), _records(0.99))).progress
    sgd = VisionConfig("digits", train=VisionTrain(optimizer="SGD", learning_rate=0.05, momentum=0.9))
    assert digits_with_sgd(Attempt(sgd, _records(0.5, 0.91))).met
    assert not digits_with_sgd(Attempt(sgd, _records(0.89))).met
    assert "Pick SGD" in digits_with_sgd(Attempt(VisionConfig(), _records(0.99))).progress


@pytest.mark.parametrize(
    ("check", "key", "fix", "miss"),
    [
        (fixed_shape, "shape", "c = a @ b.T", "c = a"),
        (
            fixed_labels,
            "labels",
            "loss = nn.CrossEntropyLoss()(logits, targets.long())",
            "loss = nn.CrossEntropyLoss()(logits, targets.int())",
        ),
        (fixed_layer, "layer", "out = layer(x.float())", "out = layer(x)"),
        (fixed_device, "device", "out = model(x.to(model.weight.device))", "out = model.cpu()(x)"),
    ],
)
def test_a_common_error_is_met_by_the_learners_own_line_that_fixes_it(check, key, fix, miss):
    def attempt(line):
        return Attempt(None, (), extra={"fixes": {key: try_fix(EXERCISES[key], line)}})

    met = check(attempt(fix))
    assert met.met and met.progress.startswith(repr(fix))
    assert not check(attempt(miss)).met
    assert not check(Attempt(None, (), extra={"fixes": {}})).met  # not tried yet
    other = "device" if key != "device" else "shape"  # another exercise's fix does not count
    assert not check(Attempt(None, (), extra={"fixes": {other: try_fix(EXERCISES[other], FIXES[other])}})).met


def _backprop_stepper(lr=0.3, batch_size=10):
    from playground.backprop_view import new_stepper

    config = ClassificationConfig()
    config = replace(config, train=replace(config.train, learning_rate=lr, batch_size=batch_size))
    return config, new_stepper(config, None)[0]


def _backprop_attempt(config, stepper):
    extra = {"losses": stepper.losses, "edits": stepper.edits, "predictions": stepper.predictions}
    return Attempt(config, (), extra=extra)


def test_halving_the_loss_step_by_step_is_met_by_a_real_stepper():
    config, stepper = _backprop_stepper(lr=0.3)  # the hint's learning rate: half after 82 steps
    assert not halve_the_loss(_backprop_attempt(config, stepper)).met
    for _ in range(5 * 50):
        stepper.advance()
    verdict = halve_the_loss(_backprop_attempt(config, stepper))
    assert not verdict.met and "after 50 optimizer steps" in verdict.progress
    for _ in range(5 * 60):
        stepper.advance()
    assert halve_the_loss(_backprop_attempt(config, stepper)).met


def test_a_hand_edit_counts_only_against_the_gradient_and_when_the_loss_falls():
    config, stepper = _backprop_stepper(batch_size=0)  # one batch of all points: .grad is the whole set's
    stepper.set_parameter("0.weight", (0, 0), 0.1)  # before any backward pass: no gradient
    assert "run loss.backward() first" in set_against_the_gradient(_backprop_attempt(config, stepper)).progress
    for _ in range(4):
        stepper.advance()
    weight, grad = stepper.model[0].weight[0, 0].item(), float(stepper.model[0].weight.grad[0, 0])
    stepper.set_parameter("0.weight", (0, 0), weight + 30 * grad)  # with the gradient: uphill
    verdict = set_against_the_gradient(_backprop_attempt(config, stepper))
    assert not verdict.met and "uphill" in verdict.progress
    stepper.set_parameter("0.weight", (0, 0), weight + 20 * grad)  # back towards it: against the gradient
    assert set_against_the_gradient(_backprop_attempt(config, stepper)).met


def test_a_prediction_of_the_step_is_right_only_when_it_reads_w_minus_lr_grad():
    config, stepper = _backprop_stepper()

    def predict(guess):
        for _ in range(4):
            stepper.advance()
        weight, grad = stepper.model[0].weight[0, 0].item(), float(stepper.model[0].weight.grad[0, 0])
        stepper.predict("0.weight", (0, 0), guess(weight, grad))
        stepper.advance()
        return predict_the_update(_backprop_attempt(config, stepper))

    assert predict_the_update(_backprop_attempt(config, stepper)).progress == "no prediction checked yet"
    unchanged = predict(lambda w, g: w)
    assert not unchanged.met and "nearer the old value" in unchanged.progress
    wrong_sign = predict(lambda w, g: w + stepper.lr * g)
    assert not wrong_sign.met and "against the gradient" in wrong_sign.progress
    off = predict(lambda w, g: w - 3 * stepper.lr * g)
    assert not off.met and "off by" in off.progress
    assert predict(lambda w, g: round(w - stepper.lr * g, 6)).met  # what the page's six digits give


def test_overshoot_needs_one_step_that_raises_the_loss_by_half():
    config, stepper = _backprop_stepper(lr=0.03)
    for _ in range(5 * 30):
        stepper.advance()
    verdict = overshoot(_backprop_attempt(config, stepper))
    assert not verdict.met and "× 1.0" in verdict.progress  # mini-batch noise: small rises, never by half
    config, stepper = _backprop_stepper(lr=10.0)
    for _ in range(5):
        stepper.advance()
    assert overshoot(_backprop_attempt(config, stepper)).met
    assert overshoot(Attempt(config, (), extra={"losses": [0.7, float("nan")]})).met  # it blew up


MATRIX = [[50, 2, 9], [4, 40, 1], [0, 7, 45]]  # rows true, columns predicted: the worst mix-up is (0, 2)


def test_the_mix_up_is_the_fullest_cell_off_the_diagonal():
    assert most_confused_pair(MATRIX) == (0, 2)
    assert most_confused_pair([[5, 0], [0, 5]]) is None

    def attempt(cell, matrix=MATRIX):
        return Attempt(None, (), extra={"matrix": matrix, "cell": cell})

    assert find_the_mix_up(attempt((0, 2))) == Verdict(True, "9 mistakes: no other cell has more")
    assert find_the_mix_up(attempt((2, 1))).progress == "the selected cell holds 7 mistakes; another cell holds more"
    assert "right answers" in find_the_mix_up(attempt((0, 0))).progress
    assert "two classes" in find_the_mix_up(attempt((0, 1), [[5, 1], [2, 5]])).progress
    assert "no mistakes" in find_the_mix_up(attempt((0, 1), [[5, 0, 0], [0, 5, 0], [0, 0, 5]])).progress
    assert not find_the_mix_up(Attempt(None, ())).met


def test_recall_by_threshold_needs_the_threshold_lowered_and_the_recall_reached():
    def attempt(threshold, recall):
        return Attempt(None, (), extra={"threshold": threshold, "recall": [0.9, recall]})

    assert recall_by_threshold(attempt(0.2, 0.995)).met
    assert not recall_by_threshold(attempt(0.2, 0.97)).met
    assert not recall_by_threshold(attempt(0.5, 1.0)).met  # already there at argmax: move the slider
    assert "two-class model" in recall_by_threshold(attempt(None, None)).progress


def test_every_class_f1_names_the_weakest_class():
    def attempt(f1):
        return Attempt(None, (), extra={"f1": f1, "classes": ["cat", "dog", "bird"][: len(f1)]})

    verdict = every_class_f1(attempt([0.95, 0.88, 0.97]))
    assert not verdict.met and verdict.progress == "the weakest class, dog, has F1 0.880 (needs 0.9)"
    assert every_class_f1(attempt([0.95, 0.91, 0.97])).met
    assert "two classes" in every_class_f1(attempt([0.99, 0.99])).progress


def test_beating_the_kept_model_needs_a_kept_evaluation_and_a_higher_accuracy():
    def attempt(accuracy, kept):
        return Attempt(None, (), extra={"accuracy": accuracy, "kept": kept})

    assert "nothing kept" in beat_the_kept_model(attempt(0.8, [])).progress
    assert not beat_the_kept_model(attempt(0.8, [0.8])).met
    assert beat_the_kept_model(attempt(0.85, [0.8, 0.82])).met
    assert beat_the_kept_model(attempt(0.85, [0.8, 0.82])).progress == "accuracy 85.0 % against the kept 82.0 %"


def _transfer_attempt(per_class, classes=None, trainable=(), epochs=12, pretrained=True):
    from core.few_shot import DEFAULT_CLASSES, few_shot, few_shot_source, source_splits
    from core.transfer import TransferConfig, build_transfer

    source = few_shot_source()
    train_all, test_all = source_splits(source, seed=42)
    picked = tuple(classes or DEFAULT_CLASSES[source])
    train, test = few_shot(train_all, test_all, picked, per_class, 42)
    config = TransferConfig(pretrained, 64, trainable)
    trainer = build_transfer(config, train, test).trainer
    records = [trainer.run_epoch() for _ in range(epochs)]
    return Attempt(config, records, extra={"per_class": per_class, "classes": len(picked)})


def test_two_shot_is_met_by_a_real_pretrained_run_on_two_images_per_class():
    attempt = _transfer_attempt(2, epochs=20)  # 79 to 87 % (the head's dropout draws differ from run to run)
    verdict = two_shot(attempt)
    assert verdict.met, verdict.progress
    assert two_shot(replace(attempt, extra={**attempt.extra, "per_class": 5})).progress.startswith("5 training images")
    scratch = replace(attempt, config=replace(attempt.config, pretrained=False))
    assert not two_shot(scratch).met and "from-scratch run" in two_shot(scratch).progress


def test_fine_tuning_stage_seven_and_the_head_is_met_by_a_real_run():
    attempt = _transfer_attempt(10, trainable=("stage7", "head"), epochs=10)
    assert fine_tune(attempt).met, fine_tune(attempt).progress
    frozen = replace(attempt, config=replace(attempt.config, trainable=("head",)))
    assert fine_tune(frozen).progress == "Stage 7 is frozen: let it train (with the head)."


def test_every_class_from_few_images_is_met_by_a_real_run_on_all_ten_classes():
    from core.few_shot import few_shot_source, source_splits

    classes = source_splits(few_shot_source(), seed=42)[0].classes
    attempt = _transfer_attempt(20, classes=classes, epochs=15)
    assert every_class_few_images(attempt).met, every_class_few_images(attempt).progress
    assert "5 classes" in every_class_few_images(replace(attempt, extra={"per_class": 20, "classes": 5})).progress
    assert (
        "50 training images"
        in every_class_few_images(replace(attempt, extra={"per_class": 50, "classes": 10})).progress
    )


def _augmentation_runs(images, epochs, augmented):
    from core.augment import TRAINING_DEFAULT, BatchAugmenter
    from core.augment_experiment import experiment_data
    from core.cnn import TinyVGGConfig
    from core.vision import VisionConfig, VisionTrain, build_vision

    name, train, test = experiment_data(images, 42)
    config = VisionConfig(name, TinyVGGConfig(), VisionTrain(), 42)
    augment = BatchAugmenter(TRAINING_DEFAULT, tuple(train.images.shape[1:]), 42) if augmented else None
    trainer = build_vision(config, train, "cpu", test, augment=augment).trainer
    return config, [trainer.run_epoch() for _ in range(epochs)]


def _record(epoch, train_acc, test_acc):
    return EpochRecord(epoch, 0.5, train_acc, 0.6, test_acc, 0.1)


def test_memorising_is_met_by_a_real_plain_run_on_a_hundred_images():
    config, plain = _augmentation_runs(100, 22, augmented=False)  # 15.3 points in epoch 19
    verdict = memorising(Attempt(config, [], extra={"plain": plain}))
    assert verdict.met, verdict.progress
    early = memorising(Attempt(config, [], extra={"plain": plain[:3]}))
    assert not early.met and early.progress.startswith("the plain run's widest gap:")
    assert memorising(Attempt(config, [])).progress == "the plain run has not trained yet"


def test_the_augmented_run_closes_the_gap_in_a_real_run():
    config, augmented = _augmentation_runs(300, 11, augmented=True)  # 60.6 % in epoch 10, train below
    verdict = augmentation_closes_the_gap(Attempt(config, augmented))
    assert verdict.met, verdict.progress
    not_yet = augmentation_closes_the_gap(Attempt(config, [_record(1, 0.4, 0.45)]))
    assert not not_yet.met and "needs 60 % first" in not_yet.progress
    wide = augmentation_closes_the_gap(Attempt(config, [_record(9, 0.8, 0.62)]))
    assert not wide.met and "+18.0 points above" in wide.progress


def test_an_own_pipeline_counts_only_when_picked_and_three_transforms_long():
    records = [_record(1, 0.5, 0.55), _record(2, 0.6, 0.61)]
    assert own_pipeline(Attempt(None, records, extra={"own": True, "steps": 3})).met
    assert "gentle default" in own_pipeline(Attempt(None, records, extra={"own": False, "steps": 3})).progress
    assert "2 transforms" in own_pipeline(Attempt(None, records, extra={"own": True, "steps": 2})).progress
    assert not own_pipeline(Attempt(None, records[:1], extra={"own": True, "steps": 4})).met


def _shown(model="shipped", dataset="digits", source="drawing", top="7", probability=0.95):
    return Attempt(
        None, (), extra={"model": model, "dataset": dataset, "source": source, "top": top, "probability": probability}
    )


def test_the_classify_challenges_read_the_prediction_the_page_shows():
    assert draw_a_seven(_shown()).met
    assert draw_a_seven(_shown(probability=0.56)).progress == "it reads 7 at 56.0 % (needs 7 at 90 %)"
    assert not draw_a_seven(_shown(top="2")).met
    assert not draw_a_seven(_shown(source="upload")).met and not draw_a_seven(_shown(dataset="FashionMNIST")).met
    assert draw_a_seven(_shown(top=None)).progress == "nothing drawn yet"
    assert make_it_hesitate(_shown(probability=0.41)).met and not make_it_hesitate(_shown(probability=0.5)).met
    assert name_a_photo(
        _shown(model="imagenet", dataset="imagenet", source="upload", top="espresso", probability=0.9)
    ).met
    assert name_a_photo(_shown(model="imagenet", dataset="imagenet", source="camera", probability=0.6)).met
    assert not name_a_photo(_shown(model="imagenet", dataset="imagenet", source="upload", probability=0.36)).met
    assert "pick the ImageNet network" in name_a_photo(_shown(source="upload")).progress
    assert your_own_model_reads_it(_shown(model="own", probability=0.85)).met
    assert "train the digits" in your_own_model_reads_it(_shown(model="shipped")).progress
    assert not your_own_model_reads_it(_shown(model="own", probability=0.6)).met


def test_a_fair_comparison_needs_exactly_one_difference_and_as_many_epochs():
    from core.runs import RunRecord

    def run(name, lr, epochs, optimizer="Adam"):
        history = [{"epoch": e, "test_acc": 0.5} for e in range(1, epochs + 1)]
        return RunRecord(name, "cli", {"lr": lr, "optimizer": optimizer}, history)

    def attempt(*picked):
        return Attempt(None, (), extra={"picked": list(picked)})

    assert one_change_at_a_time(attempt(run("a", 0.1, 5), run("b", 0.01, 5))).met
    assert not one_change_at_a_time(attempt(run("a", 0.1, 5), run("b", 0.01, 7))).met  # not trained as long
    two = one_change_at_a_time(attempt(run("a", 0.1, 5), run("b", 0.01, 5, "SGD")))
    assert not two.met and "differs in 2 settings" in two.progress
    assert one_change_at_a_time(attempt(run("a", 0.1, 5))).progress == "pick two runs or more"
