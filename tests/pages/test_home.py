import torch

from tests.pages.conftest import ROOT, open_page


def test_home_lists_existing_topics_device_and_versions():
    at = open_page()
    assert at.title[0].value == "PyTorch Playground"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Device"] == "CPU" and metrics["torch"] == torch.__version__
    assert "torchvision" in metrics
    assert any("CPU is used" in c.value for c in at.caption)


def test_sidebar_has_device_choice_and_seed():
    at = open_page()
    assert at.sidebar.selectbox(key="app/device").options == ["auto", "cuda", "mps", "cpu"]
    at.sidebar.selectbox(key="app/device").set_value("cuda").run()
    assert any("CUDA asked for but not available" in c.value for c in at.sidebar.caption)
    at.sidebar.number_input(key="app/seed").set_value(7).run()
    assert not at.exception


def test_home_shows_each_pages_challenge_progress():
    at = open_page("pages/tensors.py")
    at.text_input(key="fix-line-tensors-shape").set_value("c = a @ b.T")
    at.button(key="FormSubmitter:tensors/form/shape-Run").click().run()
    at.switch_page(str(ROOT / "pages" / "home.py")).run()
    progress = [c.value for c in at.caption if "challenges done" in c.value]
    assert len(progress) == 11 and progress[0] == ":material/emoji_events: 1 of 4 challenges done"  # Tensors
    assert progress[1] == ":material/emoji_events: 0 of 3 challenges done"  # The PyTorch workflow
