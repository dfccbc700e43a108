"""Runnable, plain PyTorch source for a workflow (regression) experiment, the course's way.

Same data formula, split, initialisation seed, loss and optimizer as the page's
engine, so it prints the same losses for the same settings.
"""

from __future__ import annotations

from core.codegen_engines import engine_section, regression_engine
from core.models import ACTIVATION_SOURCE
from core.regression import TARGET_SOURCE, RegressionConfig

_COURSE_MODEL = """class LinearRegressionModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.weights = nn.Parameter(torch.randn(1, dtype=torch.float), requires_grad=True)
        self.bias = nn.Parameter(torch.randn(1, dtype=torch.float), requires_grad=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.weights * x + self.bias  # the linear regression formula


def make_model() -> nn.Module:
    return LinearRegressionModel()"""


def regression_model_source(config: RegressionConfig) -> str:
    """Source of make_model() (and the course's LinearRegressionModel when it is the model)."""
    model = config.model
    if model.kind == "parameters":
        return _COURSE_MODEL
    if model.kind == "linear":
        return "def make_model() -> nn.Module:\n    return nn.Linear(in_features=1, out_features=1)"
    lines, width = [], 1
    for units in model.hidden:
        lines.append(f"        nn.Linear({width}, {units}), {ACTIVATION_SOURCE[model.activation]},")
        width = units
    lines.append(f"        nn.Linear({width}, 1),")
    return "def make_model() -> nn.Module:\n    return nn.Sequential(\n" + "\n".join(lines) + "\n    )"


def regression_data_source(config: RegressionConfig) -> str:
    """Source defining X_train, y_train, X_test, y_test as the page makes and splits them (needs SEED, torch)."""
    data = config.data
    noise = (
        f"y = y + {data.noise!r} * torch.randn(X.shape, generator=torch.Generator().manual_seed(SEED))  # noise\n"
        if data.noise > 0
        else ""
    )
    return f"""weight, bias = {data.weight!r}, {data.bias!r}
X = torch.arange({data.n_points}, dtype=torch.float32).unsqueeze(1) / {data.n_points}  # in [0, 1)
y = {TARGET_SOURCE[data.target]}
{noise}train_split = min(max(int({data.train_percent / 100!r} * len(X)), 1), len(X) - 1)  # the first part trains
X_train, y_train = X[:train_split], y[:train_split]
X_test, y_test = X[train_split:], y[train_split:]
"""


def regression_training_parts(config: RegressionConfig) -> tuple[str, str]:
    """(loss_fn source, optimizer source over model.parameters())."""
    train = config.train
    optimizer = (
        f"torch.optim.Adam(params=model.parameters(), lr={train.learning_rate!r})"
        if train.optimizer == "Adam"
        else f"torch.optim.SGD(params=model.parameters(), lr={train.learning_rate!r}, momentum={train.momentum!r})"
    )
    loss = "nn.L1Loss()  # mean absolute error" if train.loss == "L1" else "nn.MSELoss()  # mean squared error"
    return loss, optimizer


TRAIN_CALL = "train(model, (X_train, y_train, X_test, y_test), loss_fn, optimizer, args.epochs)"


def regression_script(config: RegressionConfig, epochs: int = 100) -> str:
    """The full runnable script for `config`, training `epochs` epochs by default (--epochs overrides)."""
    loss, optimizer = regression_training_parts(config)
    return f'''"""PyTorch Playground: the PyTorch workflow, as a plain script.

data -> model -> loss and optimizer -> training loop -> evaluate -> save and load.
Run:  python this_script.py --epochs 200 --plot
"""
import argparse
import math

import torch
from torch import nn

torch.set_num_threads(1)  # as the playground trains: the same thread count rounds the same way, so the numbers match

SEED = {config.seed}

parser = argparse.ArgumentParser()
parser.add_argument("--epochs", type=int, default={epochs})
parser.add_argument("--plot", action="store_true", help="save predictions.png (needs matplotlib)")
args = parser.parse_args()

# ---- 1. Data ------------------------------------------------------------------------
{regression_data_source(config)}

# ---- 2. Model -----------------------------------------------------------------------
{regression_model_source(config)}


torch.manual_seed(SEED)  # the same starting weights as the playground
model = make_model()

# ---- 3. Loss and optimizer ----------------------------------------------------------
loss_fn = {loss}
optimizer = {optimizer}

{engine_section(regression_engine(), 4, TRAIN_CALL)}
# ---- 5. Save and load ---------------------------------------------------------------
torch.save(model.state_dict(), "model.pt")
loaded = make_model()
loaded.load_state_dict(torch.load("model.pt", weights_only=True))  # weights only: no code can run
loaded.eval()
with torch.inference_mode():
    same = torch.equal(loaded(X_test), model(X_test))
print(f"Saved to model.pt and loaded it back: same predictions: {{same}}")


def plot_predictions(path: str = "predictions.png") -> None:
    import matplotlib.pyplot as plt

    with torch.inference_mode():
        predictions = model(X_test)
    plt.scatter(X_train, y_train, c="b", s=6, label="Training data")
    plt.scatter(X_test, y_test, c="g", s=6, label="Testing data")
    plt.scatter(X_test, predictions, c="r", s=6, label="Predictions")
    plt.legend()
    plt.savefig(path, dpi=120)
    print(f"Saved {{path}}")


if args.plot:
    plot_predictions()
'''
