"""Train the small models the app ships (assets/models/<name>.safetensors) and write their cards (<name>.json).

One thread and fixed seeds: on one machine the same command writes the same weights.
FashionMNIST is trained only where it is on the machine (Debian's dataset-fashion-mnist).

Run from the project root: python assets/make_models.py [--only digits] [--epochs N] [--out assets/models]
"""

import argparse
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a file from anywhere

from core.shipped_models import MODELS_DIR, RECIPES, recipe_data, save_model, train_recipe  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=list(RECIPES), help="train just this model")
    parser.add_argument("--epochs", type=int, help="override the recipe's epochs (quick checks)")
    parser.add_argument("--out", type=Path, default=MODELS_DIR, help="folder for the weights and cards")
    args = parser.parse_args()
    torch.set_num_threads(1)
    for name, recipe in RECIPES.items():
        if args.only not in (None, name):
            continue
        try:
            recipe_data(recipe)
        except FileNotFoundError as error:
            print(f"{name}: skipped ({error})")
            continue
        model, test = train_recipe(
            recipe, args.epochs, lambda epoch, loss, n=name: print(f"{n}: epoch {epoch} loss {loss:.4f}", flush=True)
        )
        card = save_model(model, recipe, test, args.out, args.epochs)
        print(f"{name}: held-out accuracy {card.test_accuracy:.4f} on {card.test_images:,} images -> {args.out}")


if __name__ == "__main__":
    main()
