"""What a page hands the live runtime: an experiment with a Trainer and settings that change while it trains."""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from core.engine import Trainer


@runtime_checkable
class LiveExperiment(Protocol):
    """A page's experiment (core.classification.Experiment, core.regression.RegressionExperiment, ...)."""

    trainer: Trainer  # trains the model batch by batch, yields EpochRecords

    def apply_live_settings(self, train: Any) -> None:
        """Apply the settings that change without a fresh model (learning rate, batch size, ...)."""
        ...
