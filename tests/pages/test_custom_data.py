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
