"""Measure the virtual assistant on a labelled file of questions.

``contactcenter assistant-eval [FILE]`` prints top-1 accuracy on covered questions, handoff
precision and recall, the share of out-of-scope questions declined, and every miss. With no
file it scores the labelled set the package ships.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from contactcenter.assistant.evaluation import (
    LABELLED_QUESTIONS,
    EvaluationFileError,
    LabelledQuestion,
    Prediction,
    assistant_predict,
    confidence_calibration_data,
    confidence_threshold_calibrate,
    evaluate,
    labelled_questions_read,
)
from contactcenter.assistant.retrieval import CONFIDENCE_THRESHOLD


class Command(BaseCommand):
    help = "Score the assistant on a labelled question file (JSON Lines, JSON, YAML or CSV)."

    def add_arguments(self, parser):
        parser.add_argument(
            "file",
            type=Path,
            nargs="?",
            default=LABELLED_QUESTIONS,
            help="the labelled questions (default: the set the package ships)",
        )
        parser.add_argument("--json", action="store_true", help="print one JSON document")
        parser.add_argument(
            "--calibrate",
            action="store_true",
            help="also print the confidence threshold calibrated on held-out article examples",
        )

    def handle(self, *args, file: Path, json: bool, calibrate: bool, **options):
        if calibrate:
            threshold = confidence_threshold_calibrate(confidence_calibration_data())
            self.stdout.write(
                f"calibrated threshold:    {threshold:.3f} (in use: {CONFIDENCE_THRESHOLD:.3f})"
            )
        try:
            questions = labelled_questions_read(file)
        except EvaluationFileError as error:
            raise CommandError(str(error.message)) from error
        bar = tqdm(total=len(questions), desc="questions", disable=None, file=self.stderr)

        def predict(item: LabelledQuestion) -> Prediction:
            bar.update(1)
            return assistant_predict(item)

        report = evaluate(questions, predict)
        bar.close()
        if json:
            self.stdout.write(_dumps({**report.summary(), "missed": report.misses}))
            return
        summary = report.summary()
        lines = [
            f"questions:               {summary['questions']}",
            f"top-1 accuracy:          {_pct(report.top1_accuracy)} "
            f"({report.covered_correct}/{report.covered} covered questions)",
            f"handoff precision:       {_pct(report.handoff_precision)} "
            f"({report.handoff_correct}/{report.handoff_predicted} handed off)",
            f"handoff recall:          {_pct(report.handoff_recall)} "
            f"({report.handoff_correct}/{report.handoff_expected} asking for a person)",
            f"out of scope declined:   {_pct(report.out_of_scope_declined_share)} "
            f"({report.out_of_scope_declined}/{report.out_of_scope})",
            f"misses:                  {len(report.misses)}",
        ]
        for miss in report.misses:
            expected = miss["expected"]
            got = miss["got"]
            lines.append(
                f"  line {miss['line']} [{miss['language'] or '?'}] {miss['question']!r}: "
                f"expected {_label(expected)}, got {_label(got)}"
            )
        self.stdout.write("\n".join(lines))


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 100:.1f}%"


def _label(outcome: object) -> str:
    assert isinstance(outcome, dict)
    if outcome["handoff"]:
        return "handoff"
    return outcome["topic"] or "no topic"
