"""Draw assets/icon.png, the app's page icon (a flame in PyTorch's orange), so no icon is fetched at run time.

Run from the project root: python assets/make_icon.py
"""

from pathlib import Path

from PIL import Image, ImageDraw

SIZE = 128  # drawn large, shown as a 16-32 px favicon


def draw_icon() -> Image.Image:
    """A flame: an orange teardrop with a small hollow circle (the PyTorch mark's spirit)."""
    image = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    orange = (238, 76, 44, 255)
    pen.ellipse((18, 38, 110, 124), fill=orange)  # the body of the flame
    pen.polygon([(26, 62), (64, 4), (102, 62)], fill=orange)  # its tip
    pen.ellipse((44, 62, 84, 102), fill=(0, 0, 0, 0))  # the hollow centre
    pen.ellipse((84, 20, 100, 36), fill=orange)  # the spark
    return image


if __name__ == "__main__":
    draw_icon().save(Path(__file__).with_name("icon.png"), optimize=True)
