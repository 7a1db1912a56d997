"""The desk's live events; the implementation lives in core so services can send them too."""

from contactcenter.core.live_events import (  # noqa: F401  (re-exported for the desk)
    AGENTS_GROUP,
    KIND_ASSIGNED,
    KIND_BOARD,
    KIND_WORK,
    SUPERVISORS_GROUP,
    desk_event_send,
    desk_event_send_on_commit,
    user_group,
)
