"""Measuring the assistant on a labelled set of questions.

A labelled question has ``question``, optionally ``language`` (en or es; detected when absent),
``topic`` (the slug that should answer it, or empty for a question no topic covers) and
``handoff`` (true when the question asks for a person). Files may be JSON Lines, a JSON list,
YAML, or CSV with those column names.

The package ships one such set, ``data/labelled_questions.jsonl`` (what ``assistant-eval``
scores when given no file); the development, blind and holdout sets used while tuning are
kept with the benchmarks, in ``bench/data/assistant/``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from contactcenter.assistant.analysis import DATA_DIR
from contactcenter.assistant.knowledge import TOPIC_SLUGS, ArticleContent, article_files_read
from contactcenter.assistant.retrieval import KnowledgeIndex
from contactcenter.assistant.services import assistant_ask
from contactcenter.core.errors import ApplicationError, ErrorCode

LABELLED_QUESTIONS = Path(__file__).resolve().parent / "data" / "labelled_questions.jsonl"

_NO_TOPIC = {"", "none", "null", "-", "out-of-scope", "out_of_scope", "oos"}
_TRUE = {"true", "yes", "1", "y", "t"}
_FALSE = {"false", "no", "0", "n", "f", ""}


class EvaluationFileError(ApplicationError):
    """A labelled file that cannot be read; the message names the line and the field."""

    code = ErrorCode.INVALID_DATA_FILE


@dataclass(frozen=True)
class LabelledQuestion:
    question: str
    language: str | None
    topic: str | None
    handoff: bool
    line: int


@dataclass(frozen=True)
class Prediction:
    topic: str | None
    handoff: bool


@dataclass
class EvaluationReport:
    covered: int = 0
    covered_correct: int = 0
    handoff_expected: int = 0
    handoff_predicted: int = 0
    handoff_correct: int = 0
    out_of_scope: int = 0
    out_of_scope_declined: int = 0
    misses: list[dict[str, object]] = field(default_factory=list)

    @staticmethod
    def _share(part: int, whole: int) -> float | None:
        return round(part / whole, 4) if whole else None

    @property
    def top1_accuracy(self) -> float | None:
        return self._share(self.covered_correct, self.covered)

    @property
    def handoff_precision(self) -> float | None:
        return self._share(self.handoff_correct, self.handoff_predicted)

    @property
    def handoff_recall(self) -> float | None:
        return self._share(self.handoff_correct, self.handoff_expected)

    @property
    def out_of_scope_declined_share(self) -> float | None:
        return self._share(self.out_of_scope_declined, self.out_of_scope)

    def summary(self) -> dict[str, object]:
        return {
            "questions": self.covered + self.handoff_expected + self.out_of_scope,
            "covered": self.covered,
            "top1_accuracy": self.top1_accuracy,
            "handoff_expected": self.handoff_expected,
            "handoff_precision": self.handoff_precision,
            "handoff_recall": self.handoff_recall,
            "out_of_scope": self.out_of_scope,
            "out_of_scope_declined": self.out_of_scope_declined_share,
            "misses": len(self.misses),
        }


def _flag(value: object, where: str) -> bool:
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise EvaluationFileError(f"{where}: handoff must be true or false, not {value!r}.")


def _row(raw: object, line: int) -> LabelledQuestion:
    where = f"line {line}"
    if not isinstance(raw, dict):
        raise EvaluationFileError(f"{where}: expected an object with a question.")
    question = raw.get("question")
    if not isinstance(question, str) or not question.strip():
        raise EvaluationFileError(f"{where}: the question is missing.")
    language = raw.get("language") or None
    if language is not None and language not in ("en", "es"):
        raise EvaluationFileError(f"{where}: language must be en or es, not {language!r}.")
    topic_raw = raw.get("topic", raw.get("expected_topic"))
    topic = None if topic_raw is None or str(topic_raw).strip().lower() in _NO_TOPIC else topic_raw
    if topic is not None and topic not in TOPIC_SLUGS:
        raise EvaluationFileError(f"{where}: unknown topic {topic!r}.")
    return LabelledQuestion(
        question=question,
        language=language,
        topic=topic,
        handoff=_flag(raw.get("handoff"), where),
        line=line,
    )


def labelled_questions_read(path: Path) -> list[LabelledQuestion]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise EvaluationFileError(f"Cannot read {path.name}: {error.strerror}.") from error
    suffix = path.suffix.lower()
    rows: list[tuple[int, object]]
    try:
        if suffix == ".csv":
            reader = csv.DictReader(io.StringIO(text))
            rows = [(number + 2, row) for number, row in enumerate(reader)]
        elif suffix in (".yaml", ".yml"):
            data = yaml.safe_load(text)
            rows = list(enumerate(data or [], start=1))
        elif suffix == ".json":
            rows = list(enumerate(json.loads(text), start=1))
        else:
            rows = [
                (number, json.loads(line))
                for number, line in enumerate(text.splitlines(), start=1)
                if line.strip() and not line.lstrip().startswith("#")
            ]
    except (json.JSONDecodeError, yaml.YAMLError, csv.Error) as error:
        kind = suffix or "JSON Lines"
        raise EvaluationFileError(f"{path.name} is not valid {kind}: {error}") from error
    questions = [_row(raw, line) for line, raw in rows]
    if not questions:
        raise EvaluationFileError(f"{path.name} has no questions.")
    return questions


def evaluate(
    questions: Iterable[LabelledQuestion],
    predict: Callable[[LabelledQuestion], Prediction],
) -> EvaluationReport:
    """Score ``predict`` on every question. Handoff questions count for handoff only;
    questions with a topic and no handoff for top-1 accuracy; the rest as out of scope."""
    report = EvaluationReport()
    for item in questions:
        got = predict(item)
        if got.handoff:
            report.handoff_predicted += 1
        if item.handoff:
            report.handoff_expected += 1
            if got.handoff:
                report.handoff_correct += 1
        elif item.topic is not None:
            report.covered += 1
            if got.topic == item.topic and not got.handoff:
                report.covered_correct += 1
        else:
            report.out_of_scope += 1
            if got.topic is None and not got.handoff:
                report.out_of_scope_declined += 1
        expected_topic = item.topic if not item.handoff else None
        wrong = got.handoff != item.handoff or (not item.handoff and got.topic != expected_topic)
        if wrong:
            report.misses.append(
                {
                    "line": item.line,
                    "question": item.question,
                    "language": item.language,
                    "expected": {"topic": item.topic, "handoff": item.handoff},
                    "got": {"topic": got.topic, "handoff": got.handoff},
                }
            )
    return report


def assistant_predict(item: LabelledQuestion) -> Prediction:
    answer = assistant_ask(question=item.question, language=item.language)
    return Prediction(topic=answer.topic, handoff=answer.handoff)


def confidence_threshold_calibrate(scored: Sequence[tuple[float, str]]) -> float:
    """The threshold that keeps the most right answers while declining out-of-scope
    questions, each out-of-scope answer costing three right ones. ``scored`` holds
    (top confidence, "right" | "wrong" | "outside"); a wrong topic is a miss either way,
    so it does not move the threshold."""
    best_threshold, best_value = 1.0, float("-inf")
    for candidate in sorted({round(score, 3) for score, _ in scored}):
        right = sum(1 for score, kind in scored if kind == "right" and score >= candidate)
        outside = sum(1 for score, kind in scored if kind == "outside" and score >= candidate)
        value = right - 3 * outside
        if value > best_value:
            best_threshold, best_value = candidate, value
    return best_threshold


HELD_OUT_PER_LANGUAGE = 2


def confidence_calibration_data() -> list[tuple[float, str]]:
    """Top confidences on questions the index has not seen: the last examples of each
    article (held out of the index; True when the right topic comes first) and the
    calibration out-of-scope questions (False)."""
    articles = [file.content for file in article_files_read()]
    kept = [
        ArticleContent(
            slug=a.slug,
            title=a.title,
            answer=a.answer,
            examples={lang: q[:-HELD_OUT_PER_LANGUAGE] for lang, q in a.examples.items()},
            links=a.links,
        )
        for a in articles
    ]
    index = KnowledgeIndex(kept)
    scored: list[tuple[float, str]] = []
    for article in articles:
        for language, questions in article.examples.items():
            for question in questions[-HELD_OUT_PER_LANGUAGE:]:
                matches = index.search(question, language=language)
                if matches:
                    right = matches[0].slug == article.slug
                    scored.append((matches[0].confidence, "right" if right else "wrong"))
    outside = yaml.safe_load((DATA_DIR / "calibration_out_of_scope.yaml").read_text("utf-8"))
    for language, questions in outside.items():
        for question in questions:
            matches = index.search(question, language=language)
            scored.append((matches[0].confidence if matches else 0.0, "outside"))
    return scored
