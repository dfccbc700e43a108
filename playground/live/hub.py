"""Which live run a frame-stream token belongs to.

A weak mapping: when a session ends and its run is garbage collected, the
token disappears with it. Tokens are unguessable, so a learner's stream shows
only their own model.
"""

from __future__ import annotations

import weakref

from playground.live.run import LiveRun

_RUNS: weakref.WeakValueDictionary[str, LiveRun] = weakref.WeakValueDictionary()


def register(run: LiveRun) -> None:
    """Make a run's frames reachable by its token."""
    _RUNS[run.token] = run


def lookup(token: str) -> LiveRun | None:
    """The run for a token, or None when it is unknown or gone."""
    return _RUNS.get(token)
