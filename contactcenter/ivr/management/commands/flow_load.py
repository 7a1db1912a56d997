"""``contactcenter flow-load``: check and load every line's flow file (or the ones named)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from contactcenter.ivr.errors import IvrError
from contactcenter.ivr.flows import FLOWS_DIR, FlowInvalid
from contactcenter.ivr.services import flow_activate, flows_load_all


class Command(BaseCommand):
    help = "Check and load the IVR flow files as new active versions (unchanged files are kept)."

    def add_arguments(self, parser):
        parser.add_argument("--dir", type=Path, default=FLOWS_DIR, help="where the flow files are")
        parser.add_argument(
            "--restore", metavar="LINE",
            help="make the previous version of LINE active again (or --to-version N)",
        )  # fmt: skip
        parser.add_argument(
            "--to-version",
            dest="to_version",
            type=int,
            help="with --restore: the version to activate",
        )

    def handle(self, *args, dir: Path, restore: str | None, to_version: int | None, **options):
        if restore:
            try:
                restored = flow_activate(line=restore, version=to_version)
            except IvrError as error:
                raise CommandError(error.message) from error
            except Exception as error:  # NotFound and friends carry a message too
                raise CommandError(str(getattr(error, "message", error))) from error
            self.stdout.write(f"{restored.line}: version {restored.version} is active")
            return
        if not dir.is_dir():
            raise CommandError(f"No flow directory {dir}")
        try:
            results = flows_load_all(directory=dir)
        except FlowInvalid as error:
            raise CommandError(f"Flow files not loaded:\n{error}") from error
        for result in results:
            if result.created:
                self.stdout.write(f"{result.line}: loaded as version {result.version} (active)")
            else:
                self.stdout.write(f"{result.line}: unchanged; version {result.version} is active")
