"""Signals other apps connect to, so routing never imports the channels built on it.

``work_item_accepted`` is sent after the accepting transaction commits, with ``item`` (the
accepted ``WorkItem``) and ``agent``. A phone line uses it to bridge the waiting call to the
agent; live chat uses it to join the agent to the conversation. Receivers run their own
transactions; an error in one is logged and does not undo the acceptance.

``agent_presence_changed`` is sent after commit when an agent's presence changes, with
``agent_id``, ``user_id``, ``presence``, ``at`` and ``reason`` (a short code such as
"desk", "missed offer" or "after-contact time ended"): supervisors' boards show it, the
agent's own pages refresh when the change was not theirs, and the operations counts will
measure time in each state from it.

What happens to the contacts themselves (queued, offered, answered ...) travels as domain
events (``core.domain_events``), which routing's services emit like every other domain.
"""

from django.dispatch import Signal

work_item_accepted = Signal()
agent_presence_changed = Signal()
