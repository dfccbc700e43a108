"""The computer-vision page under AppTest: data, tracer, training, layer views, uploads."""

import io
import os

import numpy as np
import pytest
from PIL import Image

from core.data import download as downloads
from tests.helpers import open_code, plain, wait_until
from tests.pages.conftest import open_page

K = "vision/"


@pytest.fixture
def vision():
    return open_page("pages/vision.py")


def _run(at):
    return at.session_state[K + "run"]


def _captions(at) -> list[str]:
    return [img.caption for element in at.get("image") for img in element.proto.imgs]


def _png(image: Image.Image, fmt: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt)
    return buffer.getvalue()


def test_data_tab_shows_the_batch_shape_and_samples(vision):
    markdown = " ".join(m.value for m in vision.markdown)
    assert "[B, C, H, W] = [32, 1, 28, 28]" in markdown
    assert any("1,797 images in 10 classes" in c for c in _captions(vision))


def test_the_shape_tracer_follows_the_controls_and_explains_mistakes(vision):
    at = vision
    table = at.dataframe[0].value
    assert list(table["output shape"])[-3:] == ["[10, 7, 7]", "[490]", "[10]"]
    at.slider(key=K + "blocks").set_value(3).run()
    assert list(at.dataframe[0].value["output shape"])[-2:] == ["[90]", "[10]"]  # 28 -> 14 -> 7 -> 3
    at.slider(key=K + "blocks").set_value(4).run()
    at.select_slider(key=K + "kernel").set_value(5).run()
    at.slider(key=K + "padding").set_value(0).run()
    assert any("These settings cannot work" in e.value and "does not fit" in plain(e.value) for e in at.error)
    assert len(_run(at).trainer.model.blocks) == 4  # the last network that worked (4 blocks, kernel 3) is kept
    assert not at.exception


def test_the_convolution_sandbox(vision):
    at = vision
    at.slider(key=K + "sandbox_size").set_value(7).run()
    at.slider(key=K + "sandbox_stride").set_value(2).run()
    assert any("**3 × 3**" in m.value for m in at.markdown)
    at.slider(key=K + "sandbox_kernel").set_value(7).run()
    at.slider(key=K + "sandbox_size").set_value(3).run()
    assert any("does not fit" in plain(e.value) for e in at.error)


@pytest.mark.parametrize(("size", "kernel"), [(3, 3), (7, 7)])
def test_a_one_by_one_sandbox_output_has_no_slider_and_breaks_nothing(vision, size, kernel):
    at = vision
    at.slider(key=K + "sandbox_stride").set_value(1).run()
    at.slider(key=K + "sandbox_kernel").set_value(kernel).run()
    at.slider(key=K + "sandbox_size").set_value(size).run()
    assert not at.exception and not at.error
    assert any("**1 × 1**" in m.value for m in at.markdown)
    assert any("fits exactly once" in c.value for c in at.caption)
    at.button(key="vision/step").click().run()
    assert _run(at).epoch == 1 and not at.exception


def test_training_moves_and_the_code_matches_the_settings(vision):
    at = vision
    at.button(key=K.rstrip("/") + "/step").click().run()
    run = _run(at)
    assert run.epoch == 1 and run.history[0].test_acc > 0.5
    open_code(at, "vision")
    assert "in_channels=X_train.shape[1], hidden_units=10," in at.code[0].value
    assert "Download as a going-modular project (.zip)" in [button.label for button in at.download_button]
    at.button(key="vision/play").click().run()
    assert wait_until(lambda: run.trainer.samples_seen > 1437 * 1.5)
    at.button(key="vision/pause").click().run()
    assert "neurons" in run.frame.pictures and run.frame.pictures["neurons"][0]["title"].endswith("guess under each)")


def test_layer_views_for_a_test_image(vision):
    at = vision
    markdown = " ".join(m.value for m in at.markdown)
    assert "Prediction at epoch 0" in markdown and "Feature maps after every layer" in markdown
    assert "**block 1 · conv 1** `[10, 28, 28]`" in markdown and "**block 2 · pool** `[10, 7, 7]`" in markdown
    assert any(c.value.startswith("[10, 1, 3, 3]: one kernel per output channel") for c in at.caption)
    assert any("the conv layer computed" in m.value for m in at.markdown)
    at.slider(key=K + "explain_row").set_value(3).run()
    at.number_input(key=K + "explain_channel").set_value(4).run()
    assert not at.exception


@pytest.mark.parametrize(
    "content,name,expect_error",
    [
        (_png(Image.new("RGBA", (120, 80), (0, 0, 0, 0))), "transparent.png", None),
        (_png(Image.new("CMYK", (50, 50), (0, 0, 0, 255)), "JPEG"), "cmyk.jpg", None),
        (_png(Image.new("L", (6000, 6000), 0)), "bomb.png", "too many to open safely"),
        (
            _png(Image.fromarray(np.random.default_rng(0).integers(0, 255, (64, 64, 3), dtype=np.uint8)))[:2000],
            "broken.png",
            "damaged or incomplete",
        ),
        (b"hello", "notes.png", "not an image"),
    ],
    ids=["rgba", "cmyk", "pixel-bomb", "corrupt", "not-an-image"],
)
def test_uploads_show_what_the_model_sees_or_say_what_is_wrong(vision, content, name, expect_error):
    at = vision
    at.radio(key=K + "image_source").set_value("upload your own").run()
    at.file_uploader(key=K + "upload").upload(name, content).run()
    if expect_error:
        assert any(expect_error in plain(e.value) for e in at.error), [plain(e.value) for e in at.error]
    else:
        assert not at.error
        assert any("Prediction at epoch" in m.value for m in at.markdown)
    assert not at.exception
    at.button(key="vision/step").click().run()  # the session keeps working
    assert _run(at).epoch == 1


def test_digit_photo_is_inverted_for_the_model(vision):
    at = vision
    photo = Image.new("RGB", (200, 200), (245, 245, 240))
    pixels = np.asarray(photo).copy()
    pixels[40:160, 90:110] = 10  # a dark "1" on light paper
    at.radio(key=K + "image_source").set_value("upload your own").run()
    at.file_uploader(key=K + "upload").upload("one.jpg", _png(Image.fromarray(pixels), "JPEG")).run()
    assert any("inverted" in c.value for c in at.caption)
    assert not at.warning  # a drawing on paper, not a colour photo


def test_a_colour_photo_gets_an_honest_caveat(vision):
    at = vision
    rng = np.random.default_rng(1)
    photo = np.zeros((96, 96, 3), dtype=np.uint8)
    photo[..., 0], photo[..., 1] = rng.integers(150, 255, (96, 96)), rng.integers(0, 80, (96, 96))  # red-orange
    at.radio(key=K + "image_source").set_value("upload your own").run()
    at.file_uploader(key=K + "upload").upload("cat.png", _png(Image.fromarray(photo))).run()
    assert any("looks like a colour photo" in w.value and "can only answer one of: 0, 1" in w.value for w in at.warning)


def test_a_refused_file_type_gets_one_line_and_the_uploader_takes_another_file(vision):
    at = vision
    at.radio(key=K + "image_source").set_value("upload your own").run()
    at.file_uploader(key=K + "upload").upload("payload.exe", b"MZ not an image").run()  # a client that skips checks
    assert not at.exception
    assert any("'payload.exe' was refused: only .png, .jpg" in plain(e.value) for e in at.error)
    at.file_uploader(key=K + "upload").upload("one.png", _png(Image.new("L", (40, 40), 200))).run()
    assert any("Prediction at epoch" in m.value for m in at.markdown) and not at.exception


def test_an_upload_is_decoded_once_not_on_every_rerun(vision, monkeypatch):
    from playground import vision_inside

    calls = []
    real = vision_inside.decode_image
    monkeypatch.setattr(vision_inside, "decode_image", lambda data: calls.append(1) or real(data))
    at = vision
    at.radio(key=K + "image_source").set_value("upload your own").run()
    at.file_uploader(key=K + "upload").upload("one.png", _png(Image.new("L", (40, 40), 200))).run()
    at.number_input(key=K + "explain_channel").set_value(2).run()
    at.run()
    assert len(calls) == 1


@pytest.mark.skipif(
    not os.environ.get("CI") and downloads.find_local_copy("FashionMNIST") is None,
    reason="Debian's dataset-fashion-mnist is not installed (CI installs it)",
)
def test_fashion_mnist_from_the_machine_trains_on_the_page(vision, tmp_path, monkeypatch):
    monkeypatch.setattr(downloads, "DEFAULT_ROOT", tmp_path)  # unpacked into a fresh folder
    at = vision
    at.selectbox(key=K + "dataset").set_value("FashionMNIST").run()
    assert not at.exception and not at.info
    assert any("9,600 training and 2,400 test images" in c.value for c in at.caption)
    assert any("T-shirt/top, Trouser" in c for c in _captions(at))
    at.button(key="vision/step").click().run()
    assert _run(at).epoch == 1 and _run(at).history[0].test_acc > 0.5
