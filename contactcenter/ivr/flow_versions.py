"""Which flow a call runs: the line's active version, and each version's flow parsed once per
process."""

from __future__ import annotations

from django.db import connection
from django.utils.translation import gettext as _

from contactcenter.ivr.call_store import hot_statement
from contactcenter.ivr.errors import LineNotFound
from contactcenter.ivr.flows import Flow
from contactcenter.ivr.models import FlowVersion

# Parsed flows by line, checked against the active version's id on every use (one small
# indexed query), so a newly loaded or restored version takes effect on the next call.
_FLOW_CACHE: dict[str, tuple[int, Flow]] = {}


_ACTIVE_VERSION = (
    f"SELECT id FROM {FlowVersion._meta.db_table} WHERE line = %s AND active = %s "  # noqa: S608
    "ORDER BY id LIMIT 1"
)


def active_flow(line: str) -> tuple[FlowVersion, Flow]:
    row = hot_statement(_ACTIVE_VERSION, [line, True], fetch=True)  # every new call
    if row is None:
        raise LineNotFound(_("No phone line %(line)s.") % {"line": line})
    version = FlowVersion.from_db(connection.alias, ["id", "line"], [row[0], line])
    return version, _flow_for(version)


def _flow_for(version: FlowVersion) -> Flow:
    return flow_by_id(version.line, version.pk)


def flow_by_id(line: str, version_id: int) -> Flow:
    cached = _FLOW_CACHE.get(line)
    if cached and cached[0] == version_id:
        return cached[1]
    definition = FlowVersion.objects.values_list("definition", flat=True).get(pk=version_id)
    flow = Flow.from_dict(definition)
    _FLOW_CACHE[line] = (version_id, flow)
    return flow


def flow_cache_forget(line: str) -> None:
    """Drop the line's parsed flow (its active version changed)."""
    _FLOW_CACHE.pop(line, None)
