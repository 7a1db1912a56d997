import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from contactcenter.core.live_events import AGENTS_GROUP, SUPERVISORS_GROUP
from contactcenter.inquiries.services import inquiry_open
from contactcenter.routing.models import Queue
from contactcenter.routing.services import work_item_enqueue


@pytest.fixture
def in_memory_layer(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    return get_channel_layer()


def test_new_work_is_announced_after_commit(queues, in_memory_layer,
                                            django_capture_on_commit_callbacks):  # fmt: skip
    layer = in_memory_layer
    agents = async_to_sync(layer.new_channel)()
    board = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(AGENTS_GROUP, agents)
    async_to_sync(layer.group_add)(SUPERVISORS_GROUP, board)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        work_item_enqueue(
            inquiry=inquiry_open(channel="phone"), kind="call",
            queue=Queue.objects.get(code="t1-general-en"),
        )  # fmt: skip
    assert callbacks  # nothing is sent before commit
    for callback in callbacks:
        callback()
    agent_event = async_to_sync(layer.receive)(agents)
    board_event = async_to_sync(layer.receive)(board)
    assert agent_event["payload"]["kind"] == "work"
    assert board_event["payload"]["kind"] == "board"
    assert "+1" not in str(agent_event)  # no personal data travels in events
