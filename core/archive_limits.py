"""Bounds on a zip archive before anything in it is read: how many entries, how big once expanded."""

from __future__ import annotations

import zipfile

from core.sizes import megabytes


def over_limits(entries: list[zipfile.ZipInfo], size: int, max_entries: int, max_expanded: int) -> str | None:
    """A one-line reason to refuse the archive (too many entries, too big expanded), or None when it is within."""
    if len(entries) > max_entries:
        return f"Refused: the archive has {len(entries):,} entries (limit {max_entries:,})."
    expanded = sum(entry.file_size for entry in entries)
    if expanded > max_expanded:
        return (
            f"Refused: this {megabytes(size)} file would expand to {megabytes(expanded)} when read "
            f"(limit {megabytes(max_expanded)})."
        )
    return None
