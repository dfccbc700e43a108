"""The source of a function, as generated scripts embed it (read once per process: getsource re-tokenizes the file)."""

from __future__ import annotations

import functools
import inspect
from typing import Any


@functools.lru_cache(maxsize=256)
def source_of(obj: Any) -> str:
    """`inspect.getsource(obj)` without trailing whitespace, cached (a page run would otherwise pay ~3 ms each)."""
    return inspect.getsource(obj).rstrip()
