from __future__ import annotations

import pytest
from django.core.management import call_command

from contactcenter.servicerequests.models import ServiceRequestType
from contactcenter.servicerequests.request_types import (
    TYPES_FILE,
    TypeDataError,
    service_request_types_load,
)

pytestmark = pytest.mark.django_db


def test_load_is_idempotent():
    first = service_request_types_load()
    assert len(first.created) == 7
    stamps = dict(ServiceRequestType.objects.values_list("code", "updated_at"))
    second = service_request_types_load()
    assert not second.changed and second.unchanged == 7
    assert dict(ServiceRequestType.objects.values_list("code", "updated_at")) == stamps


def test_every_type_has_both_titles_and_a_goal():
    service_request_types_load()
    for request_type in ServiceRequestType.objects.all():
        assert request_type.title_en and request_type.title_es
        assert request_type.response_business_days > 0
    assert (
        ServiceRequestType.objects.get(code="outside-processing-time").response_business_days == 15
    )


def test_type_dropped_from_the_file_is_deactivated(tmp_path):
    service_request_types_load()
    text = TYPES_FILE.read_text().split("  - code: interview-reschedule")[0]
    short = tmp_path / "types.yaml"
    short.write_text(text)
    summary = service_request_types_load(path=short)
    assert summary.deactivated == ["interview-reschedule"]
    assert not ServiceRequestType.objects.get(code="interview-reschedule").active


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ("types: [", "not valid YAML"),
        ("nothing: 1", "top-level list"),
        ("types:\n  - {code: a-b, title_en: A}", "title_es is required"),
        ("types:\n  - {code: a-b, title_en: A, title_es: B, submitters: [robot],"
         " channels: [phone]}", "unknown values robot"),
        ("types:\n  - {code: a-b, title_en: A, title_es: B, submitters: [tier1],"
         " channels: [phone], response_business_days: 0}", "1 to 90"),
        ("types:\n  - {code: a-b, title_en: A, title_es: B, submitters: [tier1],"
         " channels: [phone], routing: moon}", "routing must be"),
        ("types:\n  - {code: a-b, title_en: A, title_es: B, submitters: [tier1],"
         " channels: [phone], required_details: [shoe_size]}", "unknown values shoe_size"),
        ("types:\n  - {code: a-b, title_en: A, title_es: B, submitters: [tier1],"
         " channels: [phone], rule: expedite}", "must require criterion"),
        ("types:\n  - {code: a-b, title_en: A, title_es: B, submitters: [tier1],"
         " channels: [phone], colour: red}", "unknown keys colour"),
    ],
)  # fmt: skip
def test_bad_file_loads_nothing(tmp_path, body, fragment):
    path = tmp_path / "types.yaml"
    path.write_text(body)
    with pytest.raises(TypeDataError) as error:
        service_request_types_load(path=path)
    assert fragment in error.value.message
    assert not ServiceRequestType.objects.exists()


def test_management_command(capsys):
    call_command("load_service_request_types")
    assert "7 created" in capsys.readouterr().out
    call_command("load_service_request_types")
    assert "7 unchanged" in capsys.readouterr().out
