"""``contactcenter call LINE``: place a simulated call through the TwiML webhooks.

    contactcenter call main --input 1 1 "E A C 22 1234 5678" 9 --json
    contactcenter call main --url http://127.0.0.1:8000      # against a running server
    contactcenter call main                                   # interactive: type answers
                                                              # (Enter = silence, q = hang up)

Keys (digits, * and #) are sent as ``Digits``, anything else as ``SpeechResult``; an empty
input (``""``) is silence. With ``--url`` the call goes over HTTP to that server, signed with this
process's TWILIO_AUTH_TOKEN; the summary is read from this process's database settings, so point
both at the same database (otherwise the summary says ``"found": false``).
"""

import json
import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from contactcenter.ivr.simulator import (
    DjangoTransport,
    Exchange,
    HttpTransport,
    SimulatedCall,
    SimulatorError,
    call_summary,
)


class Command(BaseCommand):
    help = "Place a simulated call to an IVR line through its TwiML webhooks."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("line")
        parser.add_argument("--from", dest="from_number", default="+15555550142")
        parser.add_argument("--input", nargs="*", dest="inputs", metavar="X",
                            help="the caller's answers in order (keys or words)")  # fmt: skip
        parser.add_argument("--json", action="store_true", help="print the summary as JSON")
        parser.add_argument("--url", help="base URL of a running server")

    def handle(self, *args, line, from_number, inputs, json: bool, url, **options):
        show = (lambda exchange: None) if json else self.show
        transport: HttpTransport | DjangoTransport | None = None
        try:
            transport = HttpTransport(url) if url else DjangoTransport()
            call = SimulatedCall(line=line, transport=transport, from_number=from_number)
            if inputs is None:  # interactive: answers typed (or piped) one per line
                call.run(self.ask(call), on_exchange=show)
            else:
                call.run(inputs, on_exchange=show)
        except SimulatorError as error:
            raise CommandError(str(error)) from error
        finally:
            if isinstance(transport, HttpTransport):
                transport.close()
        try:
            summary = call_summary(call.call_sid)
        except DatabaseError as error:
            # With --url the call is recorded in the server's database; this process may not
            # have one (or not the same one). The call itself went through.
            self.stderr.write(f"the call's records could not be read here: {error}")
            summary = {"call_sid": call.call_sid, "found": False}
        if json:
            self.stdout.write(_dumps(summary))
        else:
            self.stdout.write(
                f"-- outcome: {summary.get('outcome')}, inquiry {summary.get('inquiry_reference')}"
                f", queue {summary.get('queue')}, language {summary.get('language')}"
            )

    def show(self, exchange: Exchange) -> None:
        if exchange.sent:
            self.stdout.write(f"  you: {exchange.sent}")
        for language, text in exchange.said:
            self.stdout.write(f"  ivr [{language}]: {text}")
        if exchange.holding:
            self.stdout.write("  (holding; press 1 for a callback, Enter to wait, q to leave)")

    def ask(self, call: SimulatedCall):
        while not call.hung_up:
            try:
                answer = input("> " if sys.stdin.isatty() else "")
            except EOFError:
                answer = "q"
            if answer.strip().lower() == "q":
                call.status("completed")
                return
            yield answer


def _dumps(summary) -> str:
    return json.dumps(summary, ensure_ascii=False, indent=2)
