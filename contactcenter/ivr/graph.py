"""A flow as a picture: Graphviz DOT text (render with ``dot -Tsvg``) or an indented outline."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from contactcenter.ivr.flows import Flow, edges

SHAPES = {
    "menu": "box", "collect": "parallelogram", "say": "note", "case_status": "cylinder",
    "send_link": "component", "transfer": "doubleoctagon", "callback": "octagon",
    "hangup": "doublecircle",
}  # fmt: skip


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _survey_note(flow: Flow, node: Mapping[str, Any]) -> str:
    """On a transfer of a line that asks the survey: the offer comes first (to its share)."""
    if node["kind"] != "transfer" or "survey_offer" not in flow.prompts:
        return ""
    if flow.survey_share >= 1:
        return "survey offer first"
    return f"survey offer first, to {flow.survey_share:.0%} of calls"


def flow_dot(flow: Flow) -> str:
    lines = [f"digraph {_quote('ivr_' + flow.line)} {{", "  rankdir=LR;",
             '  node [fontname="Helvetica", fontsize=10];']  # fmt: skip
    lines.append(f"  {_quote('__start')} [shape=point];")
    lines.append(f"  {_quote('__start')} -> {_quote(flow.start)};")
    for node_id, node in flow.nodes.items():
        label = f"{node_id}\\n({node['kind']})"
        if note := _survey_note(flow, node):
            label += f"\\n{note}"
        lines.append(
            f'  {_quote(node_id)} [shape={SHAPES.get(node["kind"], "box")}, label="{label}"];'
        )
        for label, target in edges(node):
            lines.append(f"  {_quote(node_id)} -> {_quote(target)} [label={_quote(label)}];")
    for role, target in (("asks twice", flow.representative), ("supervisor", flow.supervisor)):
        lines.append(
            f"  {_quote('__' + role)} [shape=plaintext, label={_quote('any node: ' + role)}];"
        )
        lines.append(f"  {_quote('__' + role)} -> {_quote(target)} [style=dashed];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def flow_outline(flow: Flow) -> str:
    """Each node with its ways out, in the order the flow file lists them."""
    out = [f"{flow.line} (start: {flow.start}; representative: {flow.representative}; "
           f"supervisor: {flow.supervisor})"]  # fmt: skip
    for node_id, node in flow.nodes.items():
        note = _survey_note(flow, node)
        out.append(f"  {node_id} [{node['kind']}{'; ' + note if note else ''}]")
        for label, target in edges(node):
            out.append(f"      {label} -> {target}")
    return "\n".join(out) + "\n"
