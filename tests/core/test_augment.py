"""The augmentation registry: torchvision's own outputs, seeds that leave training alone, runnable code."""

import subprocess
import sys

import numpy as np
import pytest
import torch
from PIL import Image
from torchvision.transforms import v2

from core.augment import AUGMENTATIONS, AugmentError, Step, pipeline_source, samples
from core.data.photos import PHOTOS, load_photo


@pytest.fixture(scope="module")
def cat() -> torch.Tensor:
    return torch.from_numpy(np.array(load_photo("chelsea"))).permute(2, 0, 1).contiguous()  # a writable copy


@pytest.mark.parametrize("name", list(AUGMENTATIONS))
def test_every_transform_gives_torchvisions_own_output_for_a_seed(cat, name):
    step = Step.default(name)
    ours = samples(cat, [step], 2, seed=11)
    for i, sample in enumerate(ours):
        torch.manual_seed(11 + i)
        transform = getattr(v2, name)(**step.arguments())
        if AUGMENTATIONS[name].floats:
            expected = v2.ToDtype(torch.uint8, scale=True)(transform(v2.ToDtype(torch.float32, scale=True)(cat)))
        else:
            expected = transform(cat)
        assert torch.equal(sample.image, expected), name
        assert sample.image.dtype == torch.uint8


def test_previews_leave_the_global_random_state_alone(cat):
    torch.manual_seed(123)
    before = torch.get_rng_state()
    samples(cat, [Step.default("RandAugment"), Step.default("RandomErasing")], 4, seed=0)
    assert torch.equal(torch.get_rng_state(), before)


def test_the_same_seed_gives_the_same_samples_and_another_seed_others(cat):
    steps = [Step.default("RandomResizedCrop"), Step.default("ColorJitter")]
    first, again, other = (samples(cat, steps, 3, seed) for seed in (5, 5, 6))
    assert all(torch.equal(a.image, b.image) for a, b in zip(first, again, strict=True))
    assert not torch.equal(first[0].image, other[0].image)
    assert first[0].drawn[0][1]["height"] > 0 and "brightness_factor" in first[0].drawn[1][1]


def test_a_crop_larger_than_the_image_says_why(cat):
    crop = Step("RandomCrop", (("size", 1000),))
    with pytest.raises(AugmentError, match=r"Step 2 \(Random crop\) cannot run on this 451 × 300 image"):
        samples(cat, [Step.default("RandomHorizontalFlip"), crop], 1, seed=0)


def test_skipped_random_steps_are_reported_as_skipped(cat):
    never = Step("RandomVerticalFlip", (("p", 0.0),))
    always = Step("RandomHorizontalFlip", (("p", 1.0),))
    sample = samples(cat, [never, always], 1, seed=0)[0]
    assert sample.drawn == [("RandomVerticalFlip", None), ("RandomHorizontalFlip", {})]
    assert torch.equal(sample.image, cat.flip(-1))


def test_every_photo_loads_with_a_credit():
    for name, photo in PHOTOS.items():
        pixels = load_photo(name)
        assert pixels.dtype == np.uint8 and pixels.ndim == 3 and pixels.shape[2] == 3 and photo.credit


def test_the_generated_script_reproduces_the_preview_pixel_for_pixel(tmp_path, cat):
    steps = [
        Step.default("RandomResizedCrop"),
        Step.default("GaussianNoise"),  # floats only: the script converts around it
        Step.default("AutoAugment"),  # an enum argument
        Step.default("RandomErasing"),
    ]
    Image.fromarray(cat.permute(1, 2, 0).numpy()).save(tmp_path / "cat.png")
    (tmp_path / "augment.py").write_text(pipeline_source(steps, seed=3, count=3))
    done = subprocess.run(
        [sys.executable, "augment.py", "cat.png"], capture_output=True, text=True, timeout=120, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    for i, sample in enumerate(samples(cat, steps, 3, seed=3)):
        saved = np.asarray(Image.open(tmp_path / f"augmented_{i}.png"))
        assert np.array_equal(saved, sample.image.permute(1, 2, 0).numpy()), f"sample {i}"
