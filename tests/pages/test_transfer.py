"""The Transfer learning page under AppTest: ImageNet's top 5, the few-shot data, freezing, both runs, the code."""

import io
import sys

import numpy as np
import pytest
from PIL import Image

from core.data.photos import load_photo
from core.transfer import parts_summary
from playground import transfer_view
from playground.transfer_view import PRETRAINED, SCRATCH
from tests.helpers import open_code, plain
from tests.pages.conftest import ROOT, open_page

K = "transfer/"


@pytest.fixture
def transfer():
    return open_page("pages/transfer.py")


def _jpeg(pixels: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="JPEG")
    return buffer.getvalue()


def _png(pixels: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="PNG")
    return buffer.getvalue()


def _prediction(at) -> str:
    return next((plain(m.value).strip("*") for m in at.markdown if m.value.startswith("**Pred:")), "")


def _run(at, page):
    return at.session_state[page + "/run"]


def test_the_page_opens_on_the_cat_and_imagenet_names_it(transfer):
    assert _prediction(transfer).startswith("Pred: Egyptian cat | Prob: 0.")
    assert [s.value for s in transfer.subheader] == [
        "1. A network that already knows 1,000 things",
        "2. Your classes, a few images each",
        "3. Freeze or train each part",
        "4. Pretrained against from scratch, live",
    ]
    transfer.selectbox(key=K + "photo").set_value("coffee").run()
    assert _prediction(transfer).startswith("Pred: espresso")
    pretrained, scratch = _run(transfer, PRETRAINED), _run(transfer, SCRATCH)
    assert pretrained.experiment.cached == "pool" and scratch.experiment.cached == ""
    assert pretrained.epoch == 0 and scratch.epoch == 0  # nothing trains until Play or Step


def test_an_uploaded_photo_is_classified_and_a_bad_one_gets_one_line(transfer):
    transfer.selectbox(key=K + "photo").set_value(transfer_view.YOUR_PHOTO).run()
    assert any("Upload a photo" in i.value for i in transfer.info)
    transfer.file_uploader(key=K + "upload").upload("cat.jpg", _jpeg(load_photo("chelsea")), "image/jpeg").run()
    assert not transfer.exception and _prediction(transfer).startswith("Pred: Egyptian cat")
    transfer.file_uploader(key=K + "upload").upload("broken.jpg", b"\xff\xd8 not a jpeg", "image/jpeg").run()
    assert not transfer.exception
    assert len(transfer.error) == 1 and "\n" not in transfer.error[0].value.strip()
    assert "Traceback" not in transfer.error[0].value
    assert [s.value for s in transfer.subheader][-1] == "4. Pretrained against from scratch, live"  # still working


def test_freezing_shows_the_trainable_count_and_moves_the_cache(transfer):
    transfer.pills(key=K + "trainable").set_value(["head", "stage7"]).run()
    rows = parts_summary(64, 5, ("stage7", "head"))
    trained = sum(r.parameters for r in rows if r.trainable)
    caption = next(c.value for c in transfer.caption if c.value.startswith("Trainable:"))
    assert f"**{trained:,}**" in caption and "up to stage 6 is frozen" in caption
    assert trained == rows[-1].parameters + rows[-3].parameters + rows[-4].parameters
    pretrained = _run(transfer, PRETRAINED)
    assert pretrained.experiment.cached == "stage6" and pretrained.key[-1] == ("stage7", "head")
    transfer.button(key=PRETRAINED + "/step").click().run()
    assert not transfer.exception
    assert _run(transfer, PRETRAINED).epoch == 1 and _run(transfer, SCRATCH).epoch == 1  # Step acts on both runs


def test_too_few_classes_get_a_message_not_a_crash(transfer):
    first = transfer.multiselect(key=K + "classes").value[0]
    transfer.multiselect(key=K + "classes").set_value([first]).run()
    assert not transfer.exception
    assert any("at least two classes" in w.value for w in transfer.warning)


def test_the_code_is_the_runnable_script_for_these_settings(transfer):
    transfer.select_slider(key=K + "per_class").set_value(5).run()
    transfer.pills(key=K + "trainable").set_value(["stage7"]).run()
    open_code(transfer, PRETRAINED, SCRATCH)
    codes = [c.value for c in transfer.code]
    ours = next(c for c in codes if "transfer learning from ImageNet" in c)
    theirs = next(c for c in codes if "from scratch" in c.splitlines()[0])
    assert "PER_CLASS = 5" in ours and "TRAINABLE = ['stage7']" in ours and "SIZE = 64" in ours
    assert "net.load_state_dict(torch.load(EfficientnetLite0ModelFile" in ours
    assert "# from scratch" in theirs and "TRAINABLE = ['stem', 'stage1'" in theirs
    compile(ours, "transfer.py", "exec")
    compile(theirs, "scratch.py", "exec")
    labels = [button.label for button in transfer.download_button]
    assert labels.count("Download as a going-modular project (.zip)") == 2


def test_the_users_own_data_set_can_be_the_classes():
    at = open_page("pages/custom_data.py")  # the bundled example: digits as class folders
    at.switch_page(str(ROOT / "pages" / "transfer.py")).run()
    at.radio(key=K + "source").set_value("custom").run()
    at.select_slider(key=K + "per_class").set_value(2).run()
    assert not at.exception
    pretrained = _run(at, PRETRAINED)
    classes = at.session_state["custom/data"].classes
    assert pretrained.experiment.classes == classes and len(classes) >= 2
    count = 2 * len(classes)
    assert len(pretrained.experiment.train.labels) == count and pretrained.trainer.X_train.shape == (count, 1280)
    open_code(at, PRETRAINED)
    assert any("custom_dataset.pt" in c.value for c in at.code)


def test_without_the_pretrained_packages_the_page_says_what_to_install(monkeypatch):
    transfer_view.imagenet_model.clear()
    monkeypatch.setitem(sys.modules, "efficientnet_lite_pytorch", None)
    try:
        at = open_page("pages/transfer.py")
        assert any("pip install efficientnet-lite-pytorch" in plain(e.value) for e in at.error)
        assert not at.subheader  # nothing half-built below the message
    finally:
        monkeypatch.undo()
        transfer_view.imagenet_model.clear()


def test_a_trained_transfer_model_classifies_on_the_classify_page(transfer):
    transfer.button(key=PRETRAINED + "/step").click().run()
    transfer.switch_page(str(ROOT / "pages" / "classify.py")).run()
    options = transfer.selectbox(key="classify/model").options
    assert any(o.startswith("Transfer learning, pretrained on ImageNet") for o in options)
    assert any(o.startswith("Transfer learning, from scratch") for o in options)
    transfer.selectbox(key="classify/model").set_value(PRETRAINED).run()
    transfer.segmented_control(key="classify/source").set_value("Upload").run()
    trouser = np.zeros((84, 84), dtype=np.uint8)
    trouser[6:80, 24:40] = 200  # two legs, bright on dark like FashionMNIST
    trouser[6:80, 46:62] = 200
    trouser[6:20, 24:62] = 200
    transfer.file_uploader(key="classify/upload").upload("trouser.png", _png(trouser)).run()
    assert not transfer.exception, [e.message for e in transfer.exception]
    classes = _run(transfer, PRETRAINED).experiment.classes
    prediction = next(plain(h.value) for h in transfer.subheader if h.value.startswith("Pred:"))
    assert prediction.split(" | ")[0].removeprefix("Pred: ") in classes
    captions = [img.caption for element in transfer.get("image") for img in element.proto.imgs]
    assert any(c.startswith("stem: 3x3 conv, stride 2: 32 channels, 32 x 32") for c in captions)
    copied = transfer.session_state["classify/picked"][1].model
    transfer.run()  # another stroke or upload: the same weights, so no new copy
    assert transfer.session_state["classify/picked"][1].model is copied
    assert copied is not _run(transfer, PRETRAINED).experiment.model  # a copy: the run may train on


def test_two_images_per_class_and_a_few_epochs_meet_the_two_shot_challenge(transfer):
    at = transfer
    at.select_slider(key=K + "per_class").set_value(2).run()
    panel = next(e for e in at.expander if e.label.startswith("Challenges:"))
    assert panel.label == "Challenges: 0 of 3 done"
    for _ in range(20):
        at.button(key=PRETRAINED + "/step").click().run()
        assert not at.exception, [e.message for e in at.exception]
        if "transfer/two-shot" in at.session_state.get("challenges/done", set()):
            break
    assert "transfer/two-shot" in at.session_state["challenges/done"]
    assert any(c.value.startswith("Done. This run: best test accuracy") for c in at.caption)
    assert any(c.value.startswith("Not yet. This run: Stage 7 is frozen") for c in at.caption)
