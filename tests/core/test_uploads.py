"""Uploaded images: every mode converted, pixel bombs and broken files refused with one line."""

import io

import numpy as np
import pytest
from PIL import Image

from core.uploads import MAX_UPLOAD_BYTES, UploadError, decode_image, to_model_input


def _bytes(image: Image.Image, fmt: str = "PNG", **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "image,fmt,note",
    [
        (Image.new("RGBA", (30, 20), (255, 0, 0, 0)), "PNG", "transparent parts put on white"),
        (Image.new("P", (30, 20), 3), "PNG", None),
        (Image.frombytes("I;16", (30, 20), (np.arange(600, dtype="<u2") * 100).tobytes()), "PNG", "high bit depth"),
        (Image.new("CMYK", (30, 20), (0, 255, 0, 0)), "JPEG", "CMYK converted"),
        (Image.new("1", (30, 20), 1), "PNG", "1-bit"),
        (Image.new("LA", (30, 20), (100, 128)), "PNG", "transparent parts put on white"),
        (Image.new("L", (30, 20), 100), "BMP", None),
    ],
    ids=["rgba", "palette", "16-bit", "cmyk", "1-bit", "la", "bmp"],
)
def test_every_mode_becomes_rgb(image, fmt, note):
    decoded = decode_image(_bytes(image, fmt))
    assert decoded.rgb.mode == "RGB" and decoded.rgb.size == (30, 20)
    if note:
        assert any(note in n for n in decoded.notes), decoded.notes


def test_exif_rotation_is_applied():
    image = Image.new("RGB", (40, 10), (255, 255, 255))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees
    decoded = decode_image(_bytes(image, "JPEG", exif=exif))
    assert decoded.rgb.size == (10, 40)
    assert any("EXIF" in n for n in decoded.notes)


def test_animated_gif_uses_the_first_frame():
    frames = [Image.new("L", (16, 16), v) for v in (0, 255)]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:])
    decoded = decode_image(buffer.getvalue())
    assert decoded.rgb.getpixel((0, 0)) == (0, 0, 0)
    assert any("first frame of 2" in n for n in decoded.notes)


def test_a_pixel_bomb_is_refused_before_decoding():
    huge = _bytes(Image.new("L", (6000, 6000), 0))
    with pytest.raises(UploadError, match="too many to open safely"):
        decode_image(huge)


@pytest.mark.parametrize(
    "data,message",
    [
        (b"", "empty"),
        (b"not an image at all", "not an image"),
        (b"x" * (MAX_UPLOAD_BYTES + 1), "up to 10 MB"),
    ],
)
def test_bad_files(data, message):
    with pytest.raises(UploadError, match=message):
        decode_image(data)


def test_a_truncated_png_is_damaged():
    data = _bytes(Image.fromarray(np.random.default_rng(0).integers(0, 255, (64, 64, 3), dtype=np.uint8)))
    with pytest.raises(UploadError, match="damaged or incomplete"):
        decode_image(data[: len(data) // 2])


def test_format_outside_the_allow_list():
    with pytest.raises(UploadError, match="not accepted"):
        decode_image(_bytes(Image.new("RGB", (8, 8)), "ICO"))


def test_model_input_is_grey_inverted_and_fitted():
    photo = Image.new("RGB", (100, 50), (250, 250, 250))  # white paper ...
    for x in range(40, 60):
        for y in range(10, 40):
            photo.putpixel((x, y), (0, 0, 0))  # ... with dark ink
    tensor, notes = to_model_input(photo)
    assert tensor.shape == (1, 28, 28) and tensor.min() >= 0 and tensor.max() <= 1
    assert tensor[0, 14, 14] > 0.9 and tensor[0, 2, 2] < 0.1  # ink bright, background dark
    assert any("inverted" in n for n in notes) and any("aspect ratio kept" in n for n in notes)


def test_a_side_longer_than_a_browser_can_show_is_refused_with_one_line():
    strip = _bytes(Image.new("L", (100_000, 1), 255))
    assert len(strip) < 1_000  # tiny on disk, under the pixel limit, but no browser can show it
    with pytest.raises(UploadError, match=r"100,000 × 1 pixels; each side may be at most 16,384"):
        decode_image(strip)


def test_a_large_float_tiff_is_shrunk_before_any_float_copy():
    import tracemalloc

    values = np.full((5000, 5000), 0.25, dtype=np.float32)  # flat areas: compresses well
    values[1000:2000, 1000:4000] = 3.5
    data = _bytes(Image.fromarray(values, "F"), "TIFF", compression="tiff_deflate")
    assert len(data) < 10_000_000  # under the upload limit: compressed
    tracemalloc.start()
    decoded = decode_image(data)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert max(decoded.rgb.size) == 2048 and any("shrunk from 5,000 × 5,000" in note for note in decoded.notes)
    assert peak < 150_000_000  # numpy copies at full size in float64 would be 200 MB each
