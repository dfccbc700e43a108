import torch

from tests.pages.conftest import open_page


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
