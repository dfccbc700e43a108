"""File uploads on every page: a widget that survives a refused file type, and parsing each file once.

Streamlit checks an upload's extension on the server and raises when a client
skips the browser's check; the learner would be left with an exception and no
uploader. Here the refusal is one line and a fresh uploader replaces the old one.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import streamlit as st
from streamlit.errors import StreamlitAPIException
from streamlit.runtime.uploaded_file_manager import UploadedFile

T = TypeVar("T")


def file_upload(label: str, key: str, types: list[str], **options: Any) -> UploadedFile | None:
    """st.file_uploader for one file of `types`; a disallowed file gets one line and a fresh, empty uploader."""
    version_key = key + "/version"
    version = int(st.session_state.get(version_key, 0))
    try:
        return st.file_uploader(label, type=types, key=_widget_key(key, version), **options)
    except StreamlitAPIException:
        st.session_state[version_key] = version + 1
        st.error(f"That file was refused: only {', '.join('.' + t for t in types)} files are accepted here.")
        return st.file_uploader(label, type=types, key=_widget_key(key, version + 1), **options)


def _widget_key(key: str, version: int) -> str:
    return key if version == 0 else f"{key}/{version}"


def parsed_once(
    key: str, upload: UploadedFile, parse: Callable[[bytes, str], T], context: Hashable = None
) -> T | ValueError:
    """parse(bytes, name) once per uploaded file (and context), not on every rerun; a ValueError is kept too.

    Args:
        key: where the result is kept in session state.
        upload: the uploaded file; its file_id names this upload.
        parse: reads the bytes; raises ValueError (e.g. CheckpointError, UploadError) with a one-line message.
        context: what else the result depends on (e.g. the model's architecture).

    Returns:
        What parse returned, or the ValueError it raised.
    """
    slot = key + "/parsed"
    identity = (upload.file_id, context)
    kept = st.session_state.get(slot)
    if kept is not None and kept[0] == identity:
        return kept[1]
    try:
        result: T | ValueError = parse(upload.getvalue(), upload.name)
    except ValueError as error:
        result = error
    st.session_state[slot] = (identity, result)
    return result
