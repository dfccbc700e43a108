"""Byte sizes as a learner reads them: every size the app shows is in MB (10^6 bytes)."""

from __future__ import annotations

MB = 1_000_000


def megabytes(count: int) -> str:
    """A byte count as the learner reads it, e.g. '5.2 MB' (round limits read '5 MB')."""
    return f"{count / MB:.1f} MB" if count % MB else f"{count // MB} MB"
