"""Training runs kept on disk: one folder per run with its settings, its epoch-by-epoch metrics and its weights.

The CLI (`python -m core.train`) writes them; the Experiments page reads a runs folder (a teacher can point
several servers at one shared folder) and saves the session's runs there, so they outlive a restart.

    runs/<name>/run.json          settings, classes, metrics per epoch
    runs/<name>/model.safetensors the state_dict (safe to load anywhere)
    runs/<name>/model.pt          the same state_dict for torch.load(..., weights_only=True)
"""

from __future__ import annotations

import json
import os
import re
import time
from dataclasses import asdict, dataclass, field, is_dataclass
from pathlib import Path
from typing import Any

import torch
from torch import nn

from core.engine import EpochRecord

RUN_FILE = "run.json"
WEIGHTS = "model.safetensors"
WEIGHTS_PT = "model.pt"
MAX_RUN_FILE_BYTES = 5_000_000  # a run.json bigger than this is not a run file
DEFAULT_RUNS_DIR = Path.home() / ".cache" / "pytorch-playground" / "runs"


def runs_folder() -> Path:
    """The runs folder: $PLAYGROUND_RUNS (a teacher's shared folder) or DEFAULT_RUNS_DIR, read at each call."""
    return Path(os.environ.get("PLAYGROUND_RUNS") or DEFAULT_RUNS_DIR)


@dataclass
class RunRecord:
    """One training run: where it came from, its settings, and its metrics per epoch."""

    name: str  # unique in its folder; also the folder's name
    source: str  # "cli", or the page that trained it ("vision", "classification", ...)
    settings: dict[str, Any]  # flat: every setting that defines the run, JSON values only
    history: list[dict[str, float | None]] = field(default_factory=list)  # EpochRecord fields per epoch
    classes: list[str] = field(default_factory=list)
    created: float = field(default_factory=time.time)  # seconds since the epoch

    @property
    def final(self) -> dict[str, float | None]:
        """The last epoch's metrics ({} before the first epoch)."""
        return self.history[-1] if self.history else {}


def history_rows(records: list[EpochRecord]) -> list[dict[str, float | None]]:
    """Epoch records as JSON-ready rows."""
    return [asdict(record) for record in records]


def safe_name(text: str) -> str:
    """A folder name made of letters, digits, '-', '_' and '.', never empty, never a path."""
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip(".-")[:80]
    return name or "run"


def save_run(folder: Path, record: RunRecord, model: nn.Module | None = None) -> Path:
    """Write the run (and the model's weights, if given) to folder/<name>/; returns that folder."""
    from safetensors.torch import save

    target = folder / safe_name(record.name)
    target.mkdir(parents=True, exist_ok=True)
    if model is not None:
        state = {key: value.detach().cpu().contiguous() for key, value in model.state_dict().items()}
        (target / WEIGHTS).write_bytes(save(state))
        torch.save(state, target / WEIGHTS_PT)
    text = json.dumps(asdict(record), indent=2, allow_nan=False, default=_plain)
    temporary = target / (RUN_FILE + ".tmp")
    temporary.write_text(text + "\n")
    temporary.replace(target / RUN_FILE)  # readers never see half a file
    return target


def _plain(value: object) -> object:
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not a run setting")


def read_run(path: Path) -> RunRecord:
    """One run.json; ValueError (with the reason) when it is not a readable run."""
    if path.stat().st_size > MAX_RUN_FILE_BYTES:
        raise ValueError("too big to be a run file")
    try:
        fields = json.loads(path.read_text())
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"not valid JSON ({error.__class__.__name__})") from error
    if not isinstance(fields, dict):
        raise ValueError("not a run (a JSON object is expected)")
    try:
        record = RunRecord(**fields)
    except TypeError as error:
        raise ValueError("not a run (unexpected or missing fields)") from error
    if not isinstance(record.settings, dict) or not isinstance(record.history, list):
        raise ValueError("not a run (settings or history has the wrong type)")
    if not all(isinstance(row, dict) for row in record.history):
        raise ValueError("not a run (a history row is not an object)")
    return record


def load_runs(folder: Path) -> tuple[list[RunRecord], list[str]]:
    """Every readable run under `folder`, oldest first, and a note for each file that was skipped."""
    runs, notes = [], []
    if not folder.is_dir():
        return runs, notes
    for path in sorted(folder.glob(f"*/{RUN_FILE}")):
        try:
            runs.append(read_run(path))
        except (OSError, ValueError) as error:
            notes.append(f"{path.parent.name}/{RUN_FILE} was skipped: {error}.")
    runs.sort(key=lambda run: (run.created, run.name))
    return runs, notes


def unused_name(folder: Path, stem: str) -> str:
    """`stem`, or `stem-2`, `stem-3`, ... : the first name with no run folder yet."""
    stem = safe_name(stem)
    name, number = stem, 1
    while (folder / name).exists():
        number += 1
        name = f"{stem}-{number}"
    return name


def flat_settings(settings: Any, prefix: str = "") -> dict[str, Any]:
    """A (nested) dataclass or dict of settings as one flat dict of JSON values: {'train.learning_rate': 0.01, ...}."""
    if is_dataclass(settings) and not isinstance(settings, type):
        settings = asdict(settings)
    flat: dict[str, Any] = {}
    for key, value in settings.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flat_settings(value, name + "."))
        elif isinstance(value, (str, int, float, bool)) or value is None:
            flat[name] = value
        else:  # tuples and lists (hidden layers, augmentation steps) read as text
            flat[name] = json.dumps(value, default=str)
    return flat


def differing_settings(runs: list[RunRecord]) -> list[str]:
    """The settings whose values are not the same in every run (a setting a run lacks counts as different)."""
    keys = sorted({key for run in runs for key in run.settings})
    return [key for key in keys if len({json.dumps(run.settings.get(key), default=str) for run in runs}) > 1]


@dataclass(frozen=True)
class Change:
    """How one run differs from the best run, and what that cost on the chosen metric."""

    run: str
    settings: dict[str, tuple[Any, Any]]  # setting -> (this run's value, the best run's value)
    metric: float  # this run's final value
    gap: float  # how much worse than the best run (always >= 0)


def which_change_helped(runs: list[RunRecord], metric: str = "test_acc") -> tuple[RunRecord, list[Change]] | None:
    """The best run on `metric` (highest accuracy, lowest loss) and, for every other run, its differences.

    None when fewer than two runs have the metric.
    """
    scored = [run for run in runs if isinstance(run.final.get(metric), (int, float))]
    if len(scored) < 2:
        return None
    higher_is_better = "acc" in metric
    best = max(scored, key=lambda run: run.final[metric] if higher_is_better else -run.final[metric])
    changes = []
    for run in scored:
        if run is best:
            continue
        keys = differing_settings([run, best])
        value, top = float(run.final[metric]), float(best.final[metric])
        changes.append(
            Change(
                run.name,
                {key: (run.settings.get(key), best.settings.get(key)) for key in keys},
                value,
                abs(top - value),
            )
        )
    changes.sort(key=lambda change: change.gap)
    return best, changes
