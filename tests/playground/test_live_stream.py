import asyncio
import json

from core.classification import ClassificationConfig, build_experiment
from core.engine import EpochRecord
from playground.classification_view import classification_pictures
from playground.live import hub as live_hub
from playground.live.run import LiveRun
from playground.live.stream import MAX_RECORDS_PER_MESSAGE, ROUTE_PREFIX, ROUTES, _events, encode_records, frames


class FakeRequest:
    def __init__(self, token, disconnect_after=100):
        self.path_params = {"token": token}
        self.calls = 0
        self.disconnect_after = disconnect_after

    async def is_disconnected(self):
        self.calls += 1
        return self.calls > self.disconnect_after


def _collect(generator, count):
    async def run():
        out = []
        async for message in generator:
            out.append(message)
            if len(out) >= count:
                break
        await generator.aclose()
        return out

    return asyncio.run(run())


def test_route_is_mounted_under_the_playground_prefix():
    assert ROUTES[0].path == ROUTE_PREFIX + "{token}"


def test_unknown_token_is_404():
    response = asyncio.run(frames(FakeRequest("nope")))
    assert response.status_code == 404


def test_stream_sends_the_current_frame_then_only_new_records():
    run = LiveRun(build_experiment(ClassificationConfig()), None, classification_pictures)
    live_hub.register(run)
    run.step()
    generator = _events(FakeRequest(run.token), run.token)

    async def two_messages():
        first = await generator.__anext__()
        run.step()
        run.step()
        second = await generator.__anext__()
        await generator.aclose()
        return first, second

    first, second = asyncio.run(two_messages())
    one = json.loads(first.removeprefix("data: "))
    two = json.loads(second.removeprefix("data: "))
    assert one["epoch"] == 1 and one["reset"] and [r[0] for r in one["records"]] == [1]
    assert one["pictures"]["boundary"].startswith("data:image/png")
    assert two["epoch"] == 3 and not two["reset"] and [r[0] for r in two["records"]] == [2, 3]


def test_stream_ends_when_the_run_is_gone():
    run = LiveRun(build_experiment(ClassificationConfig()), None)
    live_hub.register(run)
    token = run.token
    generator = _events(FakeRequest(token), token)
    messages = _collect(generator, 1)
    assert messages[0].startswith("data: ")
    del run
    import gc

    gc.collect()
    assert live_hub.lookup(token) is None
    assert _collect(_events(FakeRequest(token), token), 1)[0].startswith("event: gone")


def test_long_histories_are_thinned_and_keep_the_last_record():
    records = [EpochRecord(i, 1.0 / i, 0.5, None, None, 0.0) for i in range(1, 10_001)]
    rows = encode_records(records)
    assert len(rows) <= MAX_RECORDS_PER_MESSAGE + 1
    assert rows[0][0] == 1 and rows[-1][0] == 10_000 and rows[-1][2] is None


def test_unchanged_pictures_are_not_sent_again():
    state = {"n": 0}

    def pictures(run):
        state["n"] += 1
        return {"still": "same picture", "moving": f"frame {state['n']}"}

    run = LiveRun(build_experiment(ClassificationConfig()), None, pictures)
    live_hub.register(run)
    generator = _events(FakeRequest(run.token), run.token)

    async def two_messages():
        first = await generator.__anext__()
        run.step()
        second = await generator.__anext__()
        await generator.aclose()
        return json.loads(first.removeprefix("data: ")), json.loads(second.removeprefix("data: "))

    first, second = asyncio.run(two_messages())
    assert set(first["pictures"]) == {"still", "moving"}
    assert set(second["pictures"]) == {"moving"}
