"""Signals other apps connect to, so routing never imports the channels built on it.

``work_item_accepted`` is sent after the accepting transaction commits, with ``item`` (the
accepted ``WorkItem``) and ``agent``. A phone line uses it to bridge the waiting call to the
agent; live chat uses it to join the agent to the conversation. Receivers run their own
transactions; an error in one is logged and does not undo the acceptance.
"""

from django.dispatch import Signal

work_item_accepted = Signal()
