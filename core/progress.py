"""Notice training that stays finite but is clearly unstable or not learning (no NaN ever stops it).

A learning rate of 10 often keeps the loss finite while the network overshoots
for ever; dead ReLUs or a tiny learning rate leave it at its starting loss.
The watch compares each epoch's loss with the loss before training started.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from itertools import islice

UNSTABLE_WINDOW = 50  # epochs whose mean loss is compared with the start
UNSTABLE_FACTOR = 1.5  # mean loss this many times the start: the optimizer overshoots
STALLED_WINDOW = 300  # epochs in which the loss must have fallen somewhere
STALLED_FACTOR = 0.9  # ... below this share of the start (a slow spiral reaches 0.81; a stuck net stays above 0.9)


@dataclass(frozen=True)
class Verdict:
    """What the watch concluded: stop training (unstable) or only tell the learner (stalled)."""

    stop: bool  # True: stop the run (it will not get better by itself)
    message: str  # one line: what is happening and what to try


@dataclass
class ProgressWatch:
    """Feeds on each epoch's training loss; says when training is unstable or stalled."""

    start_loss: float | None = None  # the loss before training (re)started
    learning_rate: float | None = None  # a new learning rate starts a new watch
    recent: deque[float] = field(default_factory=lambda: deque(maxlen=STALLED_WINDOW))
    told: bool = False  # said "stalled" once already since the last reset

    def reset(self, start_loss: float, learning_rate: float) -> None:
        """Watch from here: the loss now, before the next epoch, is the reference."""
        self.start_loss, self.learning_rate = start_loss, learning_rate
        self.recent.clear()
        self.told = False

    def check(self, train_loss: float, learning_rate: float) -> Verdict | None:
        """Note one epoch's training loss; a Verdict when training is clearly unstable or stalled."""
        if self.start_loss is None or learning_rate != self.learning_rate:
            self.reset(train_loss, learning_rate)
            return None
        self.recent.append(train_loss)
        start = self.start_loss
        if start <= 0:
            return None
        if len(self.recent) >= UNSTABLE_WINDOW:
            mean = sum(islice(reversed(self.recent), UNSTABLE_WINDOW)) / UNSTABLE_WINDOW
            if mean >= UNSTABLE_FACTOR * start:
                return Verdict(True, _unstable(start, mean, learning_rate))
        if len(self.recent) >= STALLED_WINDOW and not self.told and min(self.recent) >= STALLED_FACTOR * start:
            self.told = True
            return Verdict(False, _stalled(start, learning_rate))
        return None


def _unstable(start: float, mean: float, learning_rate: float) -> str:
    return (
        f"Training is unstable: for {UNSTABLE_WINDOW} epochs the loss averaged {mean:.3g}, far above the "
        f"{start:.3g} it started from, so each step overshoots. Lower the learning rate (it is "
        f"{learning_rate:g}; try {learning_rate / 10:g}) and press Play again."
    )


def _stalled(start: float, learning_rate: float) -> str:
    if learning_rate <= 1e-4:
        hint = f"the learning rate ({learning_rate:g}) is too small to move the weights; try 0.01 or more"
    elif learning_rate >= 1:
        hint = (
            f"the learning rate ({learning_rate:g}) may have killed the neurons; try {learning_rate / 10:g} and Reset"
        )
    else:
        hint = "try another learning rate, more neurons, another activation or more input features"
    return (
        f"Not learning: after {STALLED_WINDOW} epochs the loss is still near the {start:.3g} it started from; {hint}."
    )
