"""A Streamlit session without a browser: script runs over the websocket, as the browser's own client sends them.

Used by bench/bench_classroom.py (many simulated learners) and by tests that check what a click reruns.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState


@dataclass
class RunReply:
    """What one script run sent back."""

    seconds: float  # from the request to the run's end
    messages: list[ForwardMsg]
    status: int  # the final script_finished status (ForwardMsg.FINISHED_...)

    def elements(self) -> list[ForwardMsg]:
        """The new elements drawn (deltas of type new_element)."""
        return [
            m for m in self.messages if m.WhichOneof("type") == "delta" and m.delta.WhichOneof("type") == "new_element"
        ]

    def query_string(self) -> str | None:
        """The link the run wrote (page_info_changed), if it changed it."""
        changed = [
            m.page_info_changed.query_string for m in self.messages if m.WhichOneof("type") == "page_info_changed"
        ]
        return changed[-1] if changed else None


@dataclass
class SessionClient:
    """One Streamlit session on an open websocket: knows its widgets' ids and the fragment each is drawn in."""

    ws: websockets.ClientConnection
    page: str
    query_string: str = ""
    widgets: dict[str, str] = field(default_factory=dict)  # widget key -> id
    fragments: dict[str, str] = field(default_factory=dict)  # widget key -> the fragment it is drawn in, if any
    values: dict[str, WidgetState] = field(default_factory=dict)  # widget id -> the value this client last set
    page_script_hash: str = ""  # the page's id, from the server's navigation message (a browser sends it back too)

    async def run(self, states: list[WidgetState] | None = None, key: str = "") -> RunReply:
        """Send one script run (a click on widget `key`, with `states`) and collect its reply to the end.

        Every value this client has set is sent again, as a browser does (not the values it never touched,
        which a browser would also send: the server keeps those). A button's press is sent once.
        A widget drawn in a fragment reruns only that fragment, as in a browser.
        """
        states = states or []
        self.values.update((state.id, state) for state in states if state.WhichOneof("value") != "trigger_value")
        message = BackMsg()
        message.rerun_script.query_string = self.query_string
        message.rerun_script.page_name = self.page
        message.rerun_script.page_script_hash = self.page_script_hash
        message.rerun_script.widget_states.widgets.extend(self.values.values())
        message.rerun_script.widget_states.widgets.extend(s for s in states if s.WhichOneof("value") == "trigger_value")
        message.rerun_script.fragment_id = self.fragments.get(key, "")
        started = time.perf_counter()
        await self.ws.send(message.SerializeToString())
        replies: list[ForwardMsg] = []
        while True:
            reply = ForwardMsg()
            reply.ParseFromString(await self.ws.recv())
            replies.append(reply)
            kind = reply.WhichOneof("type")
            if kind == "navigation" and reply.navigation.page_script_hash:
                self.page_script_hash = reply.navigation.page_script_hash
            elif kind == "delta" and reply.delta.WhichOneof("type") in ("new_element", "add_block"):
                self._note_widget(reply)
            elif kind == "script_finished" and reply.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                return RunReply(time.perf_counter() - started, replies, reply.script_finished)

    def _note_widget(self, reply: ForwardMsg) -> None:
        part = reply.delta.new_element if reply.delta.WhichOneof("type") == "new_element" else reply.delta.add_block
        widget = getattr(part, part.WhichOneof("type") or "", None)
        widget_id = getattr(widget, "id", "")
        if isinstance(widget_id, str) and widget_id.startswith("$$ID-"):
            widget_key = widget_id.split("-", 2)[2]
            self.widgets[widget_key] = widget_id
            if reply.delta.fragment_id:
                self.fragments[widget_key] = reply.delta.fragment_id

    def click(self, key: str) -> WidgetState:
        """The state of a button `key` pressed."""
        return WidgetState(id=self.widgets[key], trigger_value=True)

    def choose(self, key: str, shown: str) -> WidgetState:
        """The state of a select slider `key` set to the option shown as `shown`."""
        state = WidgetState(id=self.widgets[key])
        state.string_array_value.data.extend([shown])
        return state

    def toggle(self, key: str, value: bool) -> WidgetState:
        """The state of a checkbox, toggle or keyed expander `key`."""
        return WidgetState(id=self.widgets[key], bool_value=value)


async def open_session(url: str, page: str, query_string: str = "", cookie: str = "") -> SessionClient:
    """Connect to the app at `url` (http://host:port) and run `page` once; close with `await session.ws.close()`."""
    headers = {"Cookie": cookie} if cookie else None
    ws = await websockets.connect(
        url.replace("http", "ws", 1) + "/_stcore/stream",
        subprotocols=["streamlit"],
        max_size=None,
        open_timeout=60,
        additional_headers=headers,
    )
    session = SessionClient(ws, page, query_string)
    await asyncio.wait_for(session.run(), 120)
    return session
