"""What a click on a live setting reruns, against a real server over Streamlit's websocket (no browser needed).

The learning rate, momentum, regularization rate and batch size are drawn in fragments of their own
(playground.classification_quick): a change reruns only that fragment, yet reaches the running model and
the link; with the code view open, the page reruns so the code shows it.
"""

import asyncio

import pytest
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from devtools.browser import app_server, free_port
from devtools.session_client import open_session

K = "classification/"
LIVE_VIEW = "playground_live_view"


@pytest.fixture(scope="module")
def server():
    port = free_port()
    with app_server(port, 120, workers=0):
        yield f"http://127.0.0.1:{port}"


def _code(reply) -> str:
    return "\n".join(e.delta.new_element.code.code_text for e in reply.elements() if e.delta.new_element.code.code_text)


def test_a_live_setting_reruns_only_its_fragment_and_reaches_the_model_and_the_link(server):
    async def scenario():
        session = await open_session(server, "classification", "dataset=gauss&lr=0.03")
        try:
            assert {K + name for name in ("lr", "momentum", "reg_rate", "batch")} <= set(session.fragments)
            assert K + "play" not in session.fragments and K + "activation" not in session.fragments
            reply = await session.run([session.choose(K + "lr", "0.3")], K + "lr")
            assert reply.status == ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY
            drawn = reply.elements()
            assert drawn and all(e.delta.fragment_id == session.fragments[K + "lr"] for e in drawn)
            assert not any(LIVE_VIEW in str(e.delta.new_element) for e in drawn)  # the live view was left alone
            assert "lr=0.3" in (reply.query_string() or "")
            batch = await session.run([session.choose(K + "batch", "30")], K + "batch")
            assert batch.status == ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY
            assert "batch=30" in (batch.query_string() or "") and "lr=0.3" in (batch.query_string() or "")
            opened = await session.run([session.toggle(K + "show_code", True)])  # the model's settings, in its code
            assert opened.status == ForwardMsg.FINISHED_SUCCESSFULLY
            assert "lr=0.3" in _code(opened) and "BATCH_SIZE = 30" in _code(opened)
            again = await session.run([session.choose(K + "lr", "0.1")], K + "lr")  # code open: the page reruns
            assert again.status == ForwardMsg.FINISHED_SUCCESSFULLY and "lr=0.1" in _code(again)
        finally:
            await session.ws.close()

    asyncio.run(scenario())
