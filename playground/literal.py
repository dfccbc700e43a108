"""Show text that came from a learner (a value, a file name, an error about them) literally, never as markdown."""

from __future__ import annotations

import re

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=&])")  # CommonMark lets a backslash escape any of these


def literal(text: str) -> str:
    """`text` with every markdown, LaTeX ($) and shortcode (:) character escaped, so it renders as typed."""
    return _MARKDOWN.sub(r"\\\1", text)
