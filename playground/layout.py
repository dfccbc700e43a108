"""Page layout shared by the live pages: on a phone the live view comes first, right under Play.

Where Streamlit stacks columns (narrow screens), a live page's settings (a bar, a side column, or a row of
sliders) would push the live view below every control. A page puts Play above `workspace(page)`, its settings
and columns in the workspace, and each live view in `live_column(place, page)` (a column of the workspace, or
the workspace itself); NARROW_SCREEN_CSS (in the app's style) then shows the live views first, right under
Play, and the settings after them. Wider screens keep the columns side by side.
"""

from __future__ import annotations

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

WORKSPACE = "live-workspace-"  # key prefix of the container that holds a live page's bar and columns
LIVE = "live-view-"  # key prefix of the container that holds its live view
STACKED_BELOW_PX = 640  # Streamlit stacks columns below this width

_BODY = f'[class*="st-key-{WORKSPACE}"] > [data-testid="stLayoutWrapper"]:has([class*="st-key-{LIVE}"])'
NARROW_SCREEN_CSS = f"""
@media (max-width: 1100px) {{
  h1 {{ font-size: 2.2rem !important; padding-top: 0.5rem !important; }}
}}
@media (max-width: {STACKED_BELOW_PX}px) {{
  {_BODY}, {_BODY} > [data-testid="stHorizontalBlock"] {{ display: contents; }}
  {_BODY} > [data-testid="stHorizontalBlock"] > [data-testid="stColumn"]:has([class*="st-key-{LIVE}"]),
  {_BODY} > [class*="st-key-{LIVE}"] {{ order: -1; }}
}}
"""


def workspace(page: str) -> DeltaGenerator:
    """The container for a live page's settings bar and its controls and live-view columns."""
    return st.container(key=WORKSPACE + page)


def live_column(column: DeltaGenerator, page: str) -> DeltaGenerator:
    """The live view's place in `column` (a column of the workspace, or the workspace): first on a phone."""
    return column.container(key=LIVE + page)
