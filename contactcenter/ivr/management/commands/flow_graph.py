"""``contactcenter flow-graph LINE``: the line's active flow as Graphviz DOT (or an outline)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from contactcenter.ivr.errors import LineNotFound
from contactcenter.ivr.flow_versions import active_flow
from contactcenter.ivr.flows import FlowInvalid, flow_parse
from contactcenter.ivr.graph import flow_dot, flow_outline
from contactcenter.ivr.selectors import lines_loaded


class Command(BaseCommand):
    help = "Print a line's flow as Graphviz DOT (pipe into `dot -Tsvg`) or as an outline."

    def add_arguments(self, parser):
        parser.add_argument("line", help="the line (main, tty, ...), or a flow file's path")
        parser.add_argument("--format", choices=["dot", "outline"], default="dot")

    def handle(self, *args, line: str, format: str, **options):
        path = Path(line)
        try:
            if path.suffix == ".yaml" and path.exists():
                flow = flow_parse(path.read_text(encoding="utf-8"), file=path.name)
            else:
                _version, flow = active_flow(line)
        except LineNotFound as error:
            lines = lines_loaded()
            if not lines:
                raise CommandError(
                    f"{error.message} No line is loaded yet: run `contactcenter flow-load`."
                ) from error
            raise CommandError(f"{error.message} The lines are: {', '.join(lines)}.") from error
        except FlowInvalid as error:
            raise CommandError(str(error)) from error
        self.stdout.write(flow_dot(flow) if format == "dot" else flow_outline(flow), ending="")
