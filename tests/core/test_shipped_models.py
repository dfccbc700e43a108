"""The models the app ships: their cards tell the truth, they load safely, and the script that made them runs."""

import hashlib
import subprocess
import sys

import pytest

from core.data import download as downloads
from core.shipped_models import MODELS_DIR, RECIPES, held_out_accuracy, load_shipped, recipe_data, shipped_cards

ROOT = MODELS_DIR.parent.parent


def test_the_digits_model_reaches_97_percent_on_digits_it_never_saw():
    card = shipped_cards()["digits"]
    assert card.test_accuracy >= 0.97
    model = load_shipped(card)
    _, test = recipe_data(RECIPES["digits"])
    assert len(test.labels) == card.test_images == 360
    assert held_out_accuracy(model, test) == pytest.approx(card.test_accuracy, abs=1e-6)  # the card is true


def test_each_card_matches_its_weights_file():
    for name, card in shipped_cards().items():
        data = (MODELS_DIR / f"{name}.safetensors").read_bytes()
        assert hashlib.sha256(data).hexdigest() == card.sha256
        assert len(data) < 100_000  # small enough to ship in the repository


def test_the_fashion_mnist_model_when_shipped_and_the_data_is_here():
    cards = shipped_cards()
    if "FashionMNIST" not in cards or not downloads.use_local_copy("FashionMNIST", downloads.DEFAULT_ROOT):
        pytest.skip("no FashionMNIST model or data on this machine")
    card = cards["FashionMNIST"]
    _, test = recipe_data(RECIPES["FashionMNIST"])
    assert card.test_accuracy >= 0.8
    assert held_out_accuracy(load_shipped(card), test) == pytest.approx(card.test_accuracy, abs=1e-6)


def test_the_script_trains_and_writes_a_model_and_card(tmp_path):
    done = subprocess.run(
        [sys.executable, "assets/make_models.py", "--only", "digits", "--epochs", "1", "--out", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    card = shipped_cards(tmp_path)["digits"]
    assert card.epochs == 1 and 0.0 < card.test_accuracy <= 1.0
    load_shipped(card, tmp_path)  # loads back, strictly
