"""The augmentation page under AppTest: pipeline editing, samples, sources, and pipelines that cannot run."""

import io

import pytest
import torch
from PIL import Image

from tests.helpers import open_code, plain, wait_until
from tests.pages.conftest import open_page

K = "augment/"


@pytest.fixture
def augmentation():
    return open_page("pages/augmentation.py")


def _pipeline(at) -> list[str]:
    return [entry["cls"] for entry in at.session_state[K + "pipeline"]]


def _sample_captions(at) -> list[str]:
    return [plain(c.value) for c in at.caption if c.value.startswith("`[")]


def test_the_default_pipeline_shows_seeded_samples_of_a_real_photo(augmentation):
    at = augmentation
    assert _pipeline(at) == ["RandomResizedCrop", "RandomHorizontalFlip", "ColorJitter"]
    captions = _sample_captions(at)
    assert len(captions) == 8 and all(c.startswith("`[3, 224, 224]`") for c in captions)
    assert "Random resized crop: top" in captions[0] and "brightness_factor" in captions[0]
    credits = [img.caption for element in at.get("image") for img in element.proto.imgs if img.caption]
    assert any("CC0" in c for c in credits)
    open_code(at, "augment")
    assert "v2.RandomResizedCrop(size=224, scale=(0.3, 1.0))" in at.code[0].value


def test_add_reorder_and_remove_steps(augmentation):
    at = augmentation
    at.selectbox(key=K + "add_choice").set_value("RandomRotation").run()
    at.button(key=K + "add").click().run()
    assert _pipeline(at)[-1] == "RandomRotation"
    rotation_id = at.session_state[K + "pipeline"][-1]["id"]
    at.button(key=f"{K}up/{rotation_id}").click().run()
    assert _pipeline(at) == ["RandomResizedCrop", "RandomHorizontalFlip", "RandomRotation", "ColorJitter"]
    at.slider(key=f"{K}step/{rotation_id}/degrees").set_value(90.0).run()
    open_code(at, "augment")
    assert "v2.RandomRotation(degrees=90.0)" in at.code[0].value
    first_id = at.session_state[K + "pipeline"][0]["id"]
    at.button(key=f"{K}remove/{first_id}").click().run()
    assert _pipeline(at) == ["RandomHorizontalFlip", "RandomRotation", "ColorJitter"]
    assert all(c.startswith("`[3, 300, 451]`") for c in _sample_captions(at))  # no crop: the cat's own size
    assert not at.exception


def test_samples_and_seed_controls(augmentation):
    at = augmentation
    at.slider(key=K + "count").set_value(3).run()
    first = _sample_captions(at)
    at.number_input(key=K + "seed").set_value(9).run()
    assert len(_sample_captions(at)) == 3 and _sample_captions(at) != first


def test_a_crop_larger_than_the_image_keeps_the_last_preview_and_says_why(augmentation):
    at = augmentation
    at.selectbox(key=K + "add_choice").set_value("RandomCrop").run()
    at.button(key=K + "add").click().run()
    crop_id = at.session_state[K + "pipeline"][-1]["id"]
    at.slider(key=f"{K}step/{crop_id}/size").set_value(1024).run()
    errors = [plain(e.value) for e in at.error]
    assert any("Step 4 (Random crop) cannot run on this 224 × 224 image" in e for e in errors), errors
    assert any("last preview that ran is shown" in e for e in errors)
    assert len(_sample_captions(at)) == 8 and not at.exception  # the last good samples stay


def test_an_image_from_a_data_set_and_an_upload(augmentation):
    at = augmentation
    at.radio(key=K + "source").set_value("an image from a data set").run()
    assert not at.exception and len(_sample_captions(at)) == 8
    at.radio(key=K + "source").set_value("your own").run()
    assert any("Upload an image" in i.value for i in at.info)
    buffer = io.BytesIO()
    Image.new("RGB", (300, 200), (200, 40, 40)).save(buffer, format="PNG")
    at.file_uploader(key=K + "upload").upload("red.png", buffer.getvalue()).run()
    assert len(_sample_captions(at)) == 8 and not at.exception
    at.file_uploader(key=K + "upload").upload("broken.png", buffer.getvalue()[:100]).run()
    assert any("damaged or incomplete" in plain(e.value) for e in at.error) and not at.exception


@pytest.mark.parametrize("name", ["TrivialAugmentWide", "RandAugment", "AutoAugment", "AugMix", "ElasticTransform"])
def test_policies_and_heavy_transforms_run_on_the_page(augmentation, name):
    at = augmentation
    at.selectbox(key=K + "add_choice").set_value(name).run()
    at.button(key=K + "add").click().run()
    assert not at.exception and not at.error and len(_sample_captions(at)) == 8


def _views(at) -> dict[str, dict]:
    import json

    return {
        e.proto.id: json.loads(e.proto.json)
        for e in at.get("bidi_component")
        if e.proto.component_name == "playground_live_view"
    }


def test_the_experiment_trains_both_runs_from_one_set_of_buttons_and_compares_their_curves(augmentation):
    at = augmentation
    plain, augmented = at.session_state["augexp-plain/run"], at.session_state["augexp-augmented/run"]
    assert plain.trainer.augment is None and augmented.trainer.augment is not None
    assert len(plain.experiment.train.labels) == 300 and len(plain.experiment.test.labels) == 1000
    pairs = zip(plain.trainer.model.parameters(), augmented.trainer.model.parameters(), strict=True)
    assert all(torch.equal(a, b) for a, b in pairs)  # the same starting weights
    views = list(_views(at).values())
    assert {v["compare"]["stream"].rsplit("/", 1)[-1] for v in views} == {plain.token, augmented.token}
    at.button(key="augexp-plain/step").click().run()
    assert plain.epoch == 1 and augmented.epoch == 1
    assert plain.history[0].train_loss != augmented.history[0].train_loss  # only the augmentation differs
    at.button(key="augexp-plain/play").click().run()
    assert plain.running and augmented.running
    assert wait_until(lambda: plain.epoch >= 3 and augmented.epoch >= 3, timeout_s=60)
    at.button(key="augexp-plain/pause").click().run()
    assert not plain.running and not augmented.running
    assert "Download as a going-modular project (.zip)" in [button.label for button in at.download_button]
    project = next(c.value for c in at.code if "def make_augmenter" in c.value)
    assert "v2.RandomHorizontalFlip(p=0.5)" in project and "TRAIN_IMAGES = 300" in project


def test_a_pipeline_that_changes_the_size_trains_with_the_default_and_says_why(augmentation):
    at = augmentation
    at.radio(key="augexp/which").set_value("the pipeline built in Preview").run()  # it has RandomResizedCrop(224)
    errors = [plain(e.value) for e in at.error]
    assert any("turns [1, 28, 28] images into [1, 224, 224]" in e and "gentle default instead" in e for e in errors)
    assert at.session_state["augexp-augmented/run"].trainer.augment is not None and not at.exception
    panel = next(e for e in at.expander if e.label.startswith("Challenges:"))
    assert panel.label == "Challenges: 0 of 3 done"  # and the own-pipeline challenge says why it does not count:
    assert any("This run: The augmented run uses the gentle default" in c.value for c in at.caption)


def test_a_rerun_with_the_same_inputs_draws_no_new_samples(augmentation, monkeypatch):
    from playground import augment_view

    calls = []
    real = augment_view.samples
    monkeypatch.setattr(augment_view, "samples", lambda *args: calls.append(1) or real(*args))
    at = augmentation
    at.run()
    at.run()
    assert calls == []  # the samples drawn when the page opened are reused
    at.number_input(key=K + "seed").set_value(3).run()
    assert len(calls) == 1
