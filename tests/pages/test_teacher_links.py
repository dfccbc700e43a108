"""A teacher's link under AppTest: the page opens with its settings, locked and hidden controls, the challenge set;
the link maker writes such a link from the page as it is."""

from urllib.parse import parse_qsl, urlsplit

from tests.helpers import plain
from tests.pages.conftest import ROOT, open_page

K = "classification/"
LINK = {
    "dataset": "spiral",
    "lr": "0.01",
    "activation": "relu",
    "features": "x1,x2,sin x1,sin x2",
    "lock": "lr,dataset",
    "hide": "features,activation",
    "challenge": "classification/spiral",
}


def _run(at):
    return at.session_state[K + "run"]


def test_a_link_opens_the_page_with_its_settings_locked_hidden_and_its_challenge():
    at = open_page("pages/classification.py", LINK)
    config = _run(at).experiment.config
    assert config.data.dataset == "spiral" and config.train.learning_rate == 0.01
    assert config.model.activation == "relu" and config.features == ("x1", "x2", "sin x1", "sin x2")
    assert at.select_slider(key=K + "lr").disabled and at.selectbox(key=K + "dataset").disabled
    assert at.selectbox(key=K + "problem").disabled  # a fixed data set fixes its problem type
    assert not at.selectbox(key=K + "optimizer").disabled
    assert not [b for b in at.checkbox if b.key.startswith(K + "feature/")]  # hidden: not drawn
    assert not [s for s in at.selectbox if s.key == K + "activation"]
    panel = next(e for e in at.expander if e.label.startswith("Challenges:"))
    assert panel.proto.expanded
    texts = [m.value for m in at.markdown]
    teacher = texts.index(":material/school: **Your teacher set this challenge.**")
    assert "Separate TF Playground's spiral" in texts[teacher + 1]
    assert any(
        c.value == ":material/school: Your teacher's link set up this page; locked: Problem type, Data set, "
        "Learning rate; hidden: Features, Activation; a challenge set (first in the Challenges panel)."
        for c in at.caption
    )
    assert dict(at.query_params)["lock"] == "problem,dataset,lr"  # a reload keeps the focus
    assert dict(at.query_params)["challenge"] == "classification/spiral"


def test_the_focus_stays_through_reruns_and_page_trips():
    at = open_page("pages/classification.py", LINK)
    at.button(key=K + "step").click().run()
    at.switch_page(str(ROOT / "pages" / "home.py")).run()
    at.switch_page(str(ROOT / "pages" / "classification.py")).run()
    assert not at.exception and at.select_slider(key=K + "lr").disabled
    assert _run(at).experiment.config.model.activation == "relu"  # the hidden value still trains


def test_a_bad_link_gets_notices_and_the_page_works():
    at = open_page("pages/classification.py", {"lock": "lr,everything", "challenge": "win"})
    infos = [plain(i.value) for i in at.info]
    assert "Ignored lock 'everything' from the link: no such control here." in infos
    assert "Ignored challenge='win' from the link: no such challenge here." in infos
    assert at.select_slider(key=K + "lr").disabled and not at.exception


def test_the_link_maker_writes_a_link_that_opens_the_same_page():
    at = open_page("pages/classification.py", {"dataset": "xor", "hidden": "3", "lr": "0.1"})
    at.session_state["teacher/classification/open"] = True
    at.run()
    at.multiselect(key="teacher/classification/lock").set_value(["lr", "hidden"]).run()
    at.multiselect(key="teacher/classification/hide").set_value(["features"]).run()
    at.selectbox(key="teacher/classification/challenge").set_value("classification/xor").run()
    link = at.code[-1].value
    params = dict(parse_qsl(urlsplit(link).query))
    assert (
        params["lock"] == "hidden,lr" and params["hide"] == "features" and params["challenge"] == "classification/xor"
    )
    opened = open_page("pages/classification.py", params)
    assert _run(opened).experiment.config == _run(at).experiment.config
    assert opened.slider(key=K + "layers").disabled and opened.select_slider(key=K + "lr").disabled
