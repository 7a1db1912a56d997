"""Flow files: checked with errors that name the file and node, loaded as versions, pictured."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from contactcenter.ivr import services
from contactcenter.ivr.flow_versions import active_flow
from contactcenter.ivr.flows import FLOWS_DIR, Flow, FlowInvalid, flow_files, flow_parse
from contactcenter.ivr.graph import flow_outline
from contactcenter.ivr.models import FlowVersion

LINES = {"main", "tty", "international", "intercountry-adoption", "premium-processing"}


def shipped(line: str) -> dict:
    return yaml.safe_load((FLOWS_DIR / f"{line}.yaml").read_text())


def problems(data: dict) -> list[tuple[str, str, str]]:
    with pytest.raises(FlowInvalid) as caught:
        flow_parse(yaml.safe_dump(data, allow_unicode=True), file="main.yaml")
    return caught.value.problems


def test_every_line_ships_a_valid_flow():
    assert {path.stem for path in flow_files()} == LINES
    for path in flow_files():
        flow = flow_parse(path.read_text(), file=path.name)
        assert flow.line == path.stem
        for node in flow.nodes.values():
            for key in ("prompt", "retry", "found", "not_found"):
                if key in node:
                    assert node[key]["en"].strip() and node[key]["es"].strip()


def test_unknown_next_node_is_named():
    data = shipped("main")
    data["nodes"]["main_menu"]["options"][0]["next"] = "nowhere"
    assert ("main.yaml", "main_menu", "unknown next node 'nowhere' (from 1)") in problems(data)


def test_unreachable_node_is_named():
    data = shipped("main")
    data["nodes"]["orphan"] = {"kind": "hangup"}
    assert ("main.yaml", "orphan", "unreachable node: nothing leads here from the start") in (
        problems(data)
    )


def test_missing_spanish_prompt_is_named():
    data = shipped("main")
    del data["nodes"]["ask_receipt"]["retry"]["es"]
    assert ("main.yaml", "ask_receipt", "missing Spanish retry prompt") in problems(data)


def test_missing_spanish_words_and_duplicate_digits():
    data = shipped("main")
    data["nodes"]["main_menu"]["options"][1]["words"]["es"] = []
    data["nodes"]["main_menu"]["options"][2]["digit"] = "1"
    found = problems(data)
    assert ("main.yaml", "main_menu", "option 2: missing Spanish words") in found
    assert ("main.yaml", "main_menu", "option 3: digit 1 is used twice") in found


def test_unknown_kind_value_and_placeholder():
    data = shipped("main")
    data["nodes"]["receipt_help"]["kind"] = "dance"
    data["nodes"]["ask_receipt"]["value"] = "passport"
    data["nodes"]["to_agent"]["prompt"]["en"] = "Hold {forever}"
    messages = {(node, message.split(";")[0]) for _f, node, message in problems(data)}
    assert ("receipt_help", "unknown kind 'dance'") in messages
    assert any(n == "ask_receipt" and "value must be one of" in m for n, m in messages)
    assert ("to_agent", "English prompt uses unknown placeholder {forever}") in messages


def test_a_link_goes_by_text_or_email_only():
    data = shipped("main")
    data["nodes"]["email_link"]["via"] = "fax"
    assert (
        "main.yaml",
        "email_link",
        "via must be one of ['sms', 'email'] (sms is the default)",
    ) in (problems(data))


def test_an_emailed_link_needs_a_case_look_up_in_the_flow():
    """The email goes to the address on file for the case found: no look-up, no address."""
    data = shipped("main")
    data["nodes"]["ask_receipt"]["next"] = "after_status"
    del data["nodes"]["case_status"], data["nodes"]["not_found_menu"]
    found = problems(data)
    assert any(node == "email_link" and "needs a case_status node" in m for _f, node, m in found)
    data["nodes"]["email_link"]["via"] = "sms"  # a text needs no case: this alone is fine
    flow_parse(yaml.safe_dump(data, allow_unicode=True), file="main.yaml")


def test_every_status_look_up_offers_the_link_by_text_and_by_email():
    for path in flow_files():
        flow = flow_parse(path.read_text(), file=path.name)
        if not any(node["kind"] == "case_status" for node in flow.nodes.values()):
            continue
        options = {str(o["digit"]): o["next"] for o in flow.node("after_status")["options"]}
        assert flow.node(options["1"])["via"] == "sms", path.name
        assert flow.node(options["4"])["via"] == "email", path.name
        assert options["2"] == "ask_receipt", path.name  # the keys already in use are unchanged
        assert flow.node(options["9"])["kind"] == "hangup", path.name
        prompt = flow.node("after_status")["prompt"]
        key = "type" if flow.channel == "tty" else "press"
        assert f"at the address on file for this case, {key} 4." in " ".join(prompt["en"].split())
        assert "4." in prompt["es"] and "correo electrónico" in prompt["es"]


def test_representative_must_be_a_transfer():
    data = shipped("main")
    data["representative"] = "goodbye"
    found = problems(data)
    assert any(node == "goodbye" and "must be a transfer" in m for _f, node, m in found)


def test_not_yaml_at_all():
    with pytest.raises(FlowInvalid, match="not valid YAML"):
        flow_parse("nodes: [unclosed", file="main.yaml")


@pytest.fixture
def flow_dir(tmp_path: Path) -> Path:
    for path in flow_files():
        (tmp_path / path.name).write_text(path.read_text())
    return tmp_path


def test_versions_one_active_and_restore(db, flow_dir):
    services.flows_load_all(directory=flow_dir)
    again = services.flows_load_all(directory=flow_dir)
    assert all(not r.created and r.version == 1 for r in again)
    main = flow_dir / "main.yaml"
    main.write_text(main.read_text().replace("Main menu.", "Main options."))
    [changed] = [r for r in services.flows_load_all(directory=flow_dir) if r.created]
    assert (changed.line, changed.version) == ("main", 2)
    assert FlowVersion.objects.get(line="main", active=True).version == 2
    _version, flow = active_flow("main")
    assert "Main options." in flow.nodes["main_menu"]["prompt"]["en"]
    restored = services.flow_activate(line="main")
    assert restored.version == 1
    _version, flow = active_flow("main")
    assert "Main menu." in flow.nodes["main_menu"]["prompt"]["en"]
    assert FlowVersion.objects.filter(line="main", active=True).count() == 1
    # Loading the unchanged files again (the next start) keeps the restored version.
    [main_result] = [r for r in services.flows_load_all(directory=flow_dir) if r.line == "main"]
    assert (main_result.created, main_result.version) == (False, 1)
    assert services.flow_activate(line="main", version=2).version == 2
    with pytest.raises(IntegrityError), transaction.atomic():
        FlowVersion.objects.filter(line="main", version=1).update(active=True)


def test_one_bad_file_loads_nothing(db, flow_dir):
    bad = flow_dir / "tty.yaml"
    bad.write_text(bad.read_text().replace("next: case_status", "next: nowhere"))
    with pytest.raises(CommandError) as caught:
        call_command("flow_load", "--dir", str(flow_dir))
    assert "tty.yaml: node ask_receipt: unknown next node 'nowhere'" in str(caught.value)
    assert not FlowVersion.objects.exists()


def test_file_must_be_named_after_its_line(db, flow_dir):
    (flow_dir / "main.yaml").rename(flow_dir / "primary.yaml")
    with pytest.raises(FlowInvalid, match=r"must be named main\.yaml"):
        services.flows_load_all(directory=flow_dir)


def test_flow_load_and_restore_commands(db, flow_dir):
    out = StringIO()
    call_command("flow_load", "--dir", str(flow_dir), stdout=out)
    assert "main: loaded as version 1 (active)" in out.getvalue()
    with pytest.raises(CommandError, match="no earlier version"):
        call_command("flow_load", "--restore", "main")
    with pytest.raises(CommandError, match="No flow is loaded"):
        call_command("flow_load", "--restore", "nowhere")


def test_flow_graph_dot_names_every_node(db):
    services.flows_load_all()
    out = StringIO()
    call_command("flow_graph", "main", stdout=out)
    dot = out.getvalue()
    assert dot.startswith('digraph "ivr_main" {')
    for node in shipped("main")["nodes"]:
        assert f'"{node}" [shape=' in dot
    assert '"main_menu" -> "ask_receipt" [label="1"];' in dot
    outline = StringIO()
    call_command("flow_graph", "tty", "--format", "outline", stdout=outline)
    assert "  ask_receipt [collect]" in outline.getvalue()
    with pytest.raises(CommandError, match=r"The lines are: .*\bmain\b.*\btty\b") as refused:
        call_command("flow_graph", "nowhere")
    assert "flow-load" not in str(refused.value)


def test_flow_graph_with_nothing_loaded_says_to_load(db):
    with pytest.raises(CommandError, match="No line is loaded yet: run `contactcenter flow-load`"):
        call_command("flow_graph", "main")


def test_admin_shows_the_flow_picture_and_calls(client, phone, staff_user):
    from django.urls import reverse

    from contactcenter.ivr.models import Call

    call = phone("main")
    call.run(["1", "2", "9"])
    supervisor = staff_user("supervisor")
    supervisor.is_staff = True
    supervisor.save(update_fields=["is_staff"])
    client.force_login(supervisor)
    version = FlowVersion.objects.get(line="main", active=True)
    page = client.get(reverse("admin:ivr_flowversion_change", args=[version.pk]))
    assert page.status_code == 200
    assert "digraph &quot;ivr_main&quot;" in page.content.decode()
    assert client.get(reverse("admin:ivr_flowversion_changelist")).status_code == 200
    row = Call.objects.get()
    page = client.get(reverse("admin:ivr_call_change", args=[row.pk]))
    assert page.status_code == 200
    assert "+15555550142" not in page.content.decode()
    assert client.get(reverse("admin:ivr_call_changelist")).status_code == 200


# --- The satisfaction survey's prompts and share ----------------------------------------------

SURVEY_LINES = {"main", "international", "intercountry-adoption", "premium-processing"}


def test_every_voice_line_asks_the_survey_and_the_tty_line_does_not():
    for path in flow_files():
        flow = flow_parse(path.read_text(), file=path.name)
        asks = "survey_offer" in flow.prompts
        assert asks is (flow.line in SURVEY_LINES), flow.line
        if asks:
            assert flow.survey_share == 1.0  # every caller is offered it
    # The offer stands before the queue: it is kept short in both languages.
    main = shipped("main")["prompts"]["survey_offer"]
    assert len(main["en"].split()) <= 25 and len(main["es"].split()) <= 25
    assert "press 1 or say yes" in main["en"] and "oprima 1 o diga sí" in main["es"]


@pytest.mark.parametrize("share", [1.5, -0.1, "half", True, None])
def test_a_share_that_is_not_a_fraction_is_named(share):
    data = shipped("main")
    data["survey_share"] = share
    message = "survey_share must be a number from 0 (nobody) to 1 (every caller)"
    assert ("main.yaml", "", message) in problems(data)


def test_a_share_without_the_survey_is_named():
    data = shipped("tty")
    data["survey_share"] = 0.5
    message = "survey_share is for a line that asks the survey (its four prompts)"
    assert ("main.yaml", "", message) in problems(data)


def test_a_running_install_picks_up_the_survey_and_can_go_back(db, flow_dir):
    """An install whose main line was loaded before the survey: loading the files again makes
    the new main flow a new active version (the next call gets the offer); restoring goes back
    to the version without it. A version stored before the share existed offers to all."""
    main = flow_dir / "main.yaml"
    data = yaml.safe_load(main.read_text())
    for name in ("survey_offer", "survey_question", "survey_retry", "survey_thanks"):
        del data["prompts"][name]
    new_text = main.read_text()
    main.write_text(yaml.safe_dump(data, allow_unicode=True))
    services.flows_load_all(directory=flow_dir)
    _version, before = active_flow("main")
    assert "survey_offer" not in before.prompts

    main.write_text(new_text)
    [loaded] = [r for r in services.flows_load_all(directory=flow_dir) if r.created]
    assert (loaded.line, loaded.version) == ("main", 2)
    _version, after = active_flow("main")
    assert "survey_offer" in after.prompts and after.survey_share == 1.0

    assert services.flow_activate(line="main").version == 1
    _version, restored = active_flow("main")
    assert "survey_offer" not in restored.prompts
    old = FlowVersion.objects.get(line="main", version=2).definition
    old.pop("survey_share")
    assert Flow.from_dict(old).survey_share == 1.0


def test_the_picture_shows_the_offer_before_each_transfer(db):
    services.flows_load_all()
    dot = StringIO()
    call_command("flow_graph", "main", stdout=dot)
    assert (
        '"to_agent" [shape=doubleoctagon, label="to_agent\\n(transfer)\\nsurvey offer first"];'
        in (dot.getvalue())
    )
    outline = StringIO()
    call_command("flow_graph", "tty", "--format", "outline", stdout=outline)
    assert "  to_agent [transfer]\n" in outline.getvalue()  # the TTY line does not ask
    data = shipped("main")
    data["survey_share"] = 0.25
    flow = flow_parse(yaml.safe_dump(data, allow_unicode=True), file="main.yaml")
    assert "  to_agent [transfer; survey offer first, to 25% of calls]\n" in flow_outline(flow)
