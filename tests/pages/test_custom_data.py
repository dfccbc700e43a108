"""The custom-datasets page under AppTest: the example, uploads good and bad, the batch, and training on it."""

import io
import zipfile

import pytest
from PIL import Image

from tests.helpers import open_code, plain
from tests.pages.conftest import ROOT, open_page

K = "custom/"


@pytest.fixture
def custom():
    return open_page("pages/custom_data.py")


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _png(colour) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def test_the_example_shows_classes_samples_code_and_a_batch(custom):
    at = custom
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table["class"]) == ["digit_0", "digit_1", "digit_7"] and list(table["train"]) == [32, 32, 32]
    assert "class ImageFolderCustom(Dataset):" in at.code[0].value and "def __getitem__" in at.code[0].value
    assert any("`images.shape` = **[32, 3, 64, 64]**" in m.value for m in at.markdown)


def test_a_batch_through_the_augmentation_pipeline(custom):
    at = custom
    at.switch_page(str(ROOT / "pages/augmentation.py")).run()
    at.switch_page(str(ROOT / "pages/custom_data.py")).run()
    at.toggle(key=K + "augment").set_value(True).run()
    assert not at.exception and not at.error
    assert any("`images.shape` = **[32, 3, 224, 224]**" in m.value for m in at.markdown)  # RandomResizedCrop(224)


def test_an_uploaded_zip_with_junk_and_odd_names_then_a_bad_zip_keeps_the_good_one(custom):
    at = custom
    at.radio(key=K + "source").set_value("your zip").run()
    odd = "**bold** __x__"
    good = _zip(
        {f"shop/{odd}/{i}.png": _png((200, 0, 0)) for i in range(5)}
        | {f"shop/plain/{i}.png": _png((0, 0, 200)) for i in range(5)}
        | {"__MACOSX/shop/._0.png": b"junk", "shop/plain/notes.txt": b"text"}
    )
    at.file_uploader(key=K + "upload").upload("shop.zip", good).run()
    assert list(at.dataframe[0].value["class"]) == [odd, "plain"]  # a table shows text as typed
    skipped = [plain(i.value) for i in at.info]
    assert any("1 junk file(s)" in text and "1 file(s) that are not images" in text for text in skipped)
    assert any(odd in plain(m.value) for m in at.markdown)  # escaped: not bold, not underlined
    evil = _zip({"../../escape.png": _png((0, 0, 0)), "a/1.png": _png((0, 0, 0))})
    at.file_uploader(key=K + "upload").upload("evil.zip", evil).run()
    assert any("climbs out" in plain(e.value) for e in at.error)
    assert any("loaded before is kept" in c.value for c in at.caption)
    assert list(at.dataframe[0].value["class"]) == [odd, "plain"] and not at.exception


def test_the_vision_page_trains_tinyvgg_on_the_custom_set(custom):
    at = custom
    at.switch_page(str(ROOT / "pages/vision.py")).run()
    at.selectbox(key="vision/dataset").set_value("custom").run()
    assert not at.exception
    assert any("[B, C, H, W] = [32, 3, 64, 64]" in m.value for m in at.markdown)
    at.button(key="vision/step").click().run()
    run = at.session_state["vision/run"]
    assert run.epoch == 1 and len(run.experiment.test.labels) == 24 and run.experiment.classes[0] == "digit_0"
    open_code(at, "vision")
    assert 'DATA_FILE = "custom_dataset.pt"' in at.code[0].value


def _done(at):
    return at.session_state.get("challenges/done", set())


def test_your_own_split_zip_meets_its_challenges_and_training_on_it_is_checked_too(custom):
    at = custom
    assert any(c.value == "Not yet. Now: this is the example: pick 'your zip' and upload your own." for c in at.caption)
    at.radio(key=K + "source").set_value("your zip").run()
    colours = {"red": (220, 30, 30), "green": (30, 200, 30), "blue": (30, 30, 220)}
    files = {
        f"{split}/{name}/{i}.png": _png(colour)
        for name, colour in colours.items()
        for split, count in (("train", 12), ("test", 3))
        for i in range(count)
    }
    at.file_uploader(key=K + "upload").upload("colours.zip", _zip({"colours/" + k: v for k, v in files.items()})).run()
    assert not at.exception and {"custom/own", "custom/split"} <= _done(at)
    assert "custom/train" not in _done(at)
    at.switch_page(str(ROOT / "pages/vision.py")).run()
    at.selectbox(key="vision/dataset").set_value("custom").run()
    for _ in range(15):  # three flat colours: learnt in a few epochs
        at.button(key="vision/step").click().run()
        if at.session_state["vision/run"].history[-1].test_acc >= 0.8:
            break
    at.switch_page(str(ROOT / "pages/custom_data.py")).run()  # back: the learner's own data set is still loaded
    assert at.radio(key=K + "source").value == "your zip"
    assert list(at.dataframe[0].value["class"]) == ["blue", "green", "red"]
    assert any(c.value.startswith("Your zip from before is still loaded") for c in at.caption)
    assert "custom/train" in _done(at), [c.value for c in at.caption if "Now:" in c.value]


def test_the_example_or_a_few_images_do_not_count_as_your_own(custom):
    at = custom
    at.radio(key=K + "source").set_value("your zip").run()
    tiny = {f"two/{name}/{i}.png": _png((i * 40, 0, 0)) for name in ("a", "b") for i in range(4)}
    at.file_uploader(key=K + "upload").upload("tiny.zip", _zip(tiny)).run()
    assert any("Not yet. Now: 2 classes, the smallest with" in c.value for c in at.caption)
    assert any(c.value.startswith("Not yet. Now: split 80/20 here") for c in at.caption)
    assert not _done(at) & {"custom/own", "custom/split"}
