import numpy as np

from playground.figures import (
    CLASS_COLORS,
    diverging_image,
    hex_to_rgb,
    neuron_figure,
    png_data_uri,
    probability_image,
)


def test_probability_image_colours_certain_cells_by_class_and_coin_flips_near_white():
    probs = np.array([[[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]]], dtype=np.float32)
    pixels = probability_image(probs)
    assert pixels.shape == (1, 3, 3) and pixels.dtype == np.uint8
    orange, blue = hex_to_rgb(CLASS_COLORS[0]), hex_to_rgb(CLASS_COLORS[1])
    assert np.abs(pixels[0, 0] - (255 + (orange - 255) * 0.63)).max() <= 1
    assert np.abs(pixels[0, 1] - (255 + (blue - 255) * 0.63)).max() <= 1
    assert pixels[0, 2].min() > 220  # uncertain: almost white


def test_discretized_image_uses_pure_class_colours():
    probs = np.array([[[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]]], dtype=np.float32)
    pixels = probability_image(probs, discretize=True)
    assert (pixels[0, 0] == hex_to_rgb(CLASS_COLORS[2])).all()
    assert (pixels[0, 1] == hex_to_rgb(CLASS_COLORS[0])).all()


def test_diverging_image_signs():
    pixels = diverging_image(np.array([[-1.0, 0.0, 1.0]]))
    assert tuple(pixels[0, 1]) == (255, 255, 255)
    assert pixels[0, 0, 0] > pixels[0, 0, 2]  # orange: more red than blue
    assert pixels[0, 2, 2] > pixels[0, 2, 0]  # blue
    assert diverging_image(np.zeros((2, 2))).min() == 255  # all zero: white, no division by zero


def test_png_data_uri():
    uri = png_data_uri(np.zeros((4, 4, 3), dtype=np.uint8))
    assert uri.startswith("data:image/png;base64,")


def test_neuron_figure_is_a_symmetric_heatmap():
    values = np.array([[0.0, -2.0], [1.0, 0.5]])
    fig = neuron_figure(values, 6.0, "layer 1, neuron 1")
    heatmap = fig.data[0]
    assert heatmap.zmin == -2.0 and heatmap.zmax == 2.0
    assert np.array(heatmap.z)[0].tolist() == [1.0, 0.5]  # flipped so the top row is drawn on top


def test_encode_png_decodes_to_the_same_pixels():
    import io

    from PIL import Image

    from playground.figures import encode_png

    pixels = np.random.default_rng(0).integers(0, 256, (7, 5, 3), dtype=np.uint8)
    decoded = np.asarray(Image.open(io.BytesIO(encode_png(pixels))).convert("RGB"))
    assert decoded.shape == (7, 5, 3) and (decoded == pixels).all()


def test_class_confidence_image_packs_class_and_confidence():
    from playground.figures import class_confidence_image

    probs = np.array([[[0.9, 0.1], [0.5, 0.5]], [[0.0, 1.0], [0.2, 0.8]]], dtype=np.float32)
    pixels = class_confidence_image(probs)
    assert pixels[..., 0].tolist() == [[0, 0], [1, 1]]
    assert pixels[0, 0, 1] == round(0.8 * 255) and pixels[0, 1, 1] == 0 and pixels[1, 0, 1] == 255


def test_pictures_of_a_model_that_just_diverged_still_draw():
    from playground.figures import class_confidence_image, diverging_image, landscape_image, signed_tiles

    bad = np.array([[np.nan, np.inf], [-np.inf, 1.0]])
    assert diverging_image(bad).shape == (2, 2, 3)
    tiles, dead = signed_tiles(bad[None])
    assert tiles.shape == (1, 2, 2, 3) and not dead[0]
    probs = np.full((3, 3, 2), np.nan)
    assert class_confidence_image(probs)[..., 1].max() == 0  # no confidence where nothing is known
    assert landscape_image(np.array([[np.nan, 1.0], [np.inf, 2.0]])).shape == (2, 2, 3)


def test_a_diverged_classification_model_publishes_a_frame():
    import torch

    from core.classification import ClassificationConfig, build_experiment
    from playground.classification_view import classification_pictures
    from playground.live.run import LiveRun

    run = LiveRun(build_experiment(ClassificationConfig()), key=None, pictures=classification_pictures)
    with torch.no_grad():
        for parameter in run.trainer.model.parameters():
            parameter.fill_(float("nan"))
    run.publish()
    assert run.frame.pictures["boundary"].startswith("data:image/png")


def test_weights_read_well_at_any_size():
    from playground.regression_view import readable

    assert readable(0.3367) == "0.3367" and readable(0.0) == "0.0000"
    assert readable(-785161734431178752.0) == "-7.85e+17" and readable(2.5e-7) == "2.5e-07"


def test_literal_escapes_every_markdown_character():
    from playground.literal import literal

    assert literal("**bold** _x_ `c` [l](u) $x$ :red[t] <b>") == (
        "\\*\\*bold\\*\\* \\_x\\_ \\`c\\` \\[l\\]\\(u\\) \\$x\\$ \\:red\\[t\\] \\<b\\>"
    )
