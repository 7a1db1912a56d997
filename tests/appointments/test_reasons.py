import pytest

from contactcenter.appointments.reasons import ReasonsFileError, catalogue, catalogue_read

GOOD_REASON = """
  - code: biometrics
    office_kind: support_center
    title_en: Biometrics
    title_es: Datos biométricos
    bring_en: [Notice]
    bring_es: [Aviso]
"""


def write(tmp_path, reasons: str, accommodations: str = "[]"):
    path = tmp_path / "reasons.yaml"
    path.write_text(f"reasons:{reasons}\naccommodations: {accommodations}\n", encoding="utf-8")
    return path


def test_shipped_catalogue_has_both_languages_and_what_to_bring():
    shipped = catalogue()
    assert {"emergency_travel_document", "proof_of_status_stamp", "biometrics"} <= set(
        shipped.reasons
    )
    assert shipped.reasons["emergency_travel_document"].urgent
    assert not shipped.reasons["biometrics"].requestable
    for reason in shipped.reasons.values():
        assert reason.title("es") != reason.title("en") and reason.bring("es")
    assert {"sign_language_interpreter", "wheelchair_access"} <= set(shipped.accommodations)


@pytest.mark.parametrize(
    ("reasons", "message"),
    [
        (GOOD_REASON.replace("title_es: Datos biométricos", "title_es: ''"), "title_es"),
        (GOOD_REASON.replace("bring_es: [Aviso]", "bring_es: []"), "bring_es"),
        (GOOD_REASON.replace("support_center", "service_center"), "office_kind"),
        (GOOD_REASON + GOOD_REASON, "twice"),
        (GOOD_REASON.replace("code: biometrics", "code: other\n    colour: red"), "unknown"),
        (GOOD_REASON.replace("code: biometrics", "code: Bad-Code"), "lower-case"),
        (GOOD_REASON.replace("code: biometrics", "code: emergency"), "biometrics"),
    ],
)
def test_bad_reasons_files_are_refused_with_the_entry_at_fault(tmp_path, reasons, message):
    with pytest.raises(ReasonsFileError, match=message):
        catalogue_read(path=write(tmp_path, reasons))


def test_bad_yaml_is_refused(tmp_path):
    path = tmp_path / "reasons.yaml"
    path.write_text("reasons: [\n", encoding="utf-8")
    with pytest.raises(ReasonsFileError, match="not valid YAML"):
        catalogue_read(path=path)


def test_a_good_file_reads(tmp_path):
    read = catalogue_read(path=write(tmp_path, GOOD_REASON))
    assert read.reasons["biometrics"].bring("es") == ("Aviso",)
