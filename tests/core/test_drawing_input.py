"""A drawing's path to the digits model: every step, blank canvases, either polarity, and digits read right."""

import numpy as np
import pytest
import torch
from PIL import Image, ImageDraw

from core.cnn import class_probabilities
from core.drawing_input import GREY_LEVELS, BlankDrawing, ink_share, prepare_digit
from core.shipped_models import load_shipped, shipped_cards

STROKES = {  # digits drawn as a learner would on a 280 x 280 canvas: polylines and ellipses
    "0": [("ellipse", (85, 40, 195, 240))],
    "1": [("line", [(150, 40), (140, 240)])],
    "4": [("line", [(170, 40), (70, 170), (225, 170)]), ("line", [(170, 40), (170, 240)])],
    "7": [("line", [(70, 50), (210, 50), (110, 240)])],
}


def drawn(digit: str, background=(0, 0, 0, 0), ink=(0, 0, 0, 255), size: int = 280) -> Image.Image:
    """What streamlit-drawable-canvas returns: strokes 20 px wide, on a transparent (or given) background."""
    image = Image.new("RGBA", (size, size), background)
    pen = ImageDraw.Draw(image)
    for kind, where in STROKES[digit]:
        if kind == "line":
            pen.line(where, fill=ink, width=20, joint="curve")
        else:
            pen.ellipse(where, outline=ink, width=20)
    return image


def test_a_blank_canvas_says_draw_something_first():
    with pytest.raises(BlankDrawing, match="Draw something first"):
        prepare_digit(Image.new("RGBA", (280, 280), (0, 0, 0, 0)))
    with pytest.raises(BlankDrawing):
        prepare_digit(Image.new("RGB", (280, 280), (255, 255, 255)))  # a blank sheet of paper


def test_every_step_is_shown_and_the_input_looks_like_the_training_digits():
    model_input, steps = prepare_digit(drawn("7"))
    assert model_input.shape == (1, 28, 28) and model_input.min() >= 0 and model_input.max() <= 1
    assert [s.pixels.shape for s in steps][-2:] == [(8, 8), (28, 28)]
    levels = np.unique(steps[-2].pixels)
    assert len(levels) <= GREY_LEVELS + 1  # scikit-learn's 17 grey levels
    assert steps[0].pixels.mean() < 128  # ink bright on a dark background


def test_canvas_paper_and_dark_background_inputs_agree():
    on_canvas, _ = prepare_digit(drawn("1"))
    on_paper, _ = prepare_digit(drawn("1", background=(255, 255, 255, 255)).convert("RGB"))
    chalk, _ = prepare_digit(drawn("1", background=(0, 0, 0, 255), ink=(255, 255, 255, 255)).convert("L"))
    assert torch.allclose(on_canvas, on_paper) and torch.allclose(on_canvas, chalk)


def test_the_digit_is_found_wherever_and_however_big_it_is_drawn():
    big, _ = prepare_digit(drawn("7"))
    small = Image.new("RGBA", (280, 280), (0, 0, 0, 0))
    small.paste(drawn("7").resize((90, 90)), (10, 170))  # small, in a corner
    assert torch.allclose(big, prepare_digit(small)[0], atol=0.25)


@pytest.mark.parametrize("digit", sorted(STROKES))
def test_the_shipped_model_reads_drawn_digits(digit):
    model = load_shipped(shipped_cards()["digits"])
    model_input, _ = prepare_digit(drawn(digit))
    probs = class_probabilities(model, model_input)
    assert int(probs.argmax()) == int(digit), probs


def test_ink_share_tells_a_drawing_from_a_photo():
    from skimage import data

    assert ink_share(drawn("1")) < 0.1
    assert ink_share(Image.fromarray(data.camera())) > 0.25  # a grey photo: "ink" everywhere
    flat = Image.new("RGB", (64, 64), (200, 200, 200))
    assert ink_share(flat) == 0.0  # grey paper is not ink
