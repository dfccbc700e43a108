"""File uploads on every page: one line for a refused file type, and parsing each file once.

Streamlit checks an upload's extension on the server before the page script
runs and raises when a client skips the browser's check: the page would show
an exception and no uploader. When `type` includes a MIME type, Streamlit leaves
that check to the browser's file picker (which still filters by our
extensions), so we add one MIME type that no file has and check the name here.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, TypeVar

import streamlit as st
from PIL import Image
from streamlit.runtime.uploaded_file_manager import UploadedFile

from core.uploads import decode_image
from playground.literal import literal

T = TypeVar("T")
NO_FILE_HAS_THIS_TYPE = "application/x-pytorch-playground-none"  # moves the extension check to file_upload


def file_upload(label: str, key: str, extensions: list[str], **options: Any) -> UploadedFile | None:
    """st.file_uploader for one file with one of `extensions`; any other file gets one line and is ignored."""
    upload = st.file_uploader(label, type=[*extensions, NO_FILE_HAS_THIS_TYPE], key=key, **options)
    if upload is None:
        return None
    if not upload.name.lower().endswith(tuple("." + extension.lower() for extension in extensions)):
        st.error(
            literal(
                f"{upload.name[:60]!r} was refused: only {', '.join('.' + e for e in extensions)} files are accepted "
                "here. Remove it (×) or drop another file."
            )
        )
        return None
    return upload


@dataclass(frozen=True)
class BundledFile:
    """A file the app ships (an example), read through the same path as an upload."""

    file_id: str  # names this file for parsed_once
    name: str
    data: bytes

    def getvalue(self) -> bytes:
        """The file's bytes."""
        return self.data


def parsed_once(
    key: str, upload: UploadedFile | BundledFile, parse: Callable[[bytes, str], T], context: Hashable = None
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


def decoded_image(key: str, upload: UploadedFile | BundledFile | None) -> Image.Image | None:
    """An uploaded or photographed image as RGB(A), decoded once; a bad file gets one line and None."""
    if upload is None:
        return None
    kept = parsed_once(key, upload, lambda data, _name: decode_image(data))
    if isinstance(kept, ValueError):
        st.error(literal(str(kept)))
        return None
    return kept.rgb
