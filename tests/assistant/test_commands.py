"""The kb-load, ask and assistant-eval commands."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from contactcenter.assistant.evaluation import LABELLED_QUESTIONS
from contactcenter.assistant.models import Article


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue()


def test_kb_load_is_idempotent(db):
    assert "42 created, 0 updated, 0 unchanged" in run("kb_load")
    assert "0 created, 0 updated, 42 unchanged" in run("kb_load")
    assert Article.objects.count() == 42


def test_ask_prints_the_api_json(knowledge_base):
    body = json.loads(run("ask", "--language", "es", "How do I renew my work permit?"))
    assert body["topic"] == "work-permit"
    assert body["language"] == "es"
    assert body["links"] and body["follow_up"]


def test_ask_refuses_an_empty_question(db):
    with pytest.raises(CommandError, match="Type a question"):
        run("ask", "  ")


def test_assistant_eval_prints_the_figures_and_every_miss(knowledge_base, tmp_path):
    path = tmp_path / "set.jsonl"
    rows = [
        {"question": "How do I renew my green card?", "topic": "replace-green-card"},
        {"question": "How do I renew my green card?", "topic": "privacy"},  # a planted miss
        {"question": "representative", "language": "en", "topic": None, "handoff": True},
        {"question": "What is the capital of France?", "language": "en", "topic": None},
    ]
    path.write_text("\n".join(json.dumps(row) for row in rows), encoding="utf-8")
    output = run("assistant_eval", str(path))
    assert "top-1 accuracy:          50.0% (1/2 covered questions)" in output
    assert "handoff precision:       100.0% (1/1 handed off)" in output
    assert "handoff recall:          100.0% (1/1 asking for a person)" in output
    assert "out of scope declined:   100.0% (1/1)" in output
    assert (
        "line 2 [?] 'How do I renew my green card?': expected privacy, got replace-green-card"
        in output
    )


def test_assistant_eval_reads_csv_and_reports_json(knowledge_base, tmp_path):
    path = tmp_path / "set.csv"
    path.write_text(
        "question,language,topic,handoff\n"
        "agente,es,,true\n"
        "¿Cómo cambio mi dirección?,es,change-address,false\n",
        encoding="utf-8",
    )
    report = json.loads(run("assistant_eval", str(path), "--json"))
    assert report["top1_accuracy"] == 1.0
    assert report["handoff_recall"] == 1.0
    assert report["missed"] == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"question": "hi", "topic": "nope"}', "line 1: unknown topic 'nope'"),
        ('{"topic": "privacy"}', "line 1: the question is missing"),
        ('{"question": "hi", "handoff": "maybe"}', "handoff must be true or false"),
        ("not json", "not valid"),
        ("", "has no questions"),
    ],
)
def test_assistant_eval_names_the_bad_line(db, tmp_path, content, message):
    path = tmp_path / "bad.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        run("assistant_eval", str(path))


def test_assistant_eval_calibrates_the_threshold(knowledge_base, tmp_path):
    path = tmp_path / "one.jsonl"
    path.write_text('{"question": "agent", "handoff": true}', encoding="utf-8")
    output = run("assistant_eval", str(path), "--calibrate")
    threshold = float(output.split("calibrated threshold:")[1].split()[0])
    assert 0.05 < threshold < 0.6


def test_assistant_eval_scores_the_shipped_set_when_given_no_file(knowledge_base):
    report = json.loads(run("assistant_eval", "--json"))
    shipped = [line for line in LABELLED_QUESTIONS.read_text("utf-8").splitlines() if line.strip()]
    assert report["questions"] == len(shipped)
