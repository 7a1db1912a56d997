"""The forms catalogue and the `load_reference_data` command."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command

from contactcenter.cases.models import FormCategory, FormType
from contactcenter.cases.reference_data import (
    form_catalogue_load,
    form_definitions_read,
    reference_data_load,
)
from contactcenter.offices.models import Office
from contactcenter.offices.services import ReferenceDataError

REQUIRED_FORMS = {
    "I-130": {"ir1", "ir2", "f2a"},
    "I-485": {"family", "employment", "vawa", "t", "u"},
    "I-765": {"c9", "c8"},
    "I-131": {"advance_parole"},
    "N-400": {"general"},
    "I-90": {"renewal", "replacement"},
    "I-751": {"joint"},
    "I-129F": {"k1"},
    "I-589": {"affirmative"},
    "I-821D": {"initial", "renewal"},
}


def _write(tmp_path: Path, forms: list[dict]) -> Path:
    path = tmp_path / "forms.yaml"
    path.write_text(yaml.safe_dump({"forms": forms}, allow_unicode=True), encoding="utf-8")
    return path


def _form(code: str = "X-1", **fields) -> dict:
    return {
        "code": code,
        "title_en": "Example form",
        "title_es": "Formulario de ejemplo",
        "categories": [{"code": "a", "title_en": "Alpha", "title_es": "Alfa"}],
        **fields,
    }


def test_catalogue_has_every_required_form_in_both_languages():
    forms = {f.code: f for f in form_definitions_read()}
    for code, categories in REQUIRED_FORMS.items():
        form = forms[code]
        assert form.title_es and form.title_es != form.title_en
        assert categories <= {c.code for c in form.categories}
        for category in form.categories:
            assert category.title_en and category.title_es


def test_load_is_idempotent(db):
    first = form_catalogue_load()
    assert len(first.created) == FormType.objects.count() >= len(REQUIRED_FORMS)
    stamps = dict(FormType.objects.values_list("code", "updated_at"))
    categories = set(FormCategory.objects.values_list("id", "title_es"))
    second = form_catalogue_load()
    assert not second.changed and second.unchanged == len(stamps)
    assert dict(FormType.objects.values_list("code", "updated_at")) == stamps
    assert set(FormCategory.objects.values_list("id", "title_es")) == categories
    c9 = FormCategory.objects.get(form__code="I-765", code="c9")
    assert "I-485" in c9.title_en and "I-485" in c9.title_es
    assert (
        FormCategory.objects.get(form__code="I-130", code="ir1").title("es").startswith("Cónyuge")
    )


@pytest.mark.parametrize("turn", ["first", "second"])
def test_the_reference_data_fixture_gives_what_a_load_gives(reference_data, turn):
    # The fixture loads once per process and writes the same rows back for later tests
    # (tests/conftest.py); a real load over them must find nothing to change either way.
    again = reference_data_load()
    assert not again.changed, again
    assert again.offices.unchanged == Office.objects.count() > 0
    assert again.offices.service_areas_removed == 0
    assert again.forms.unchanged == FormType.objects.count() > 0


def test_edited_titles_are_updated_in_place(db, tmp_path):
    form_catalogue_load(path=_write(tmp_path, [_form()]))
    category_id = FormCategory.objects.get().pk
    changed = _form(categories=[{"code": "a", "title_en": "Alpha", "title_es": "Alfa nueva"}])
    summary = form_catalogue_load(path=_write(tmp_path, [changed]))
    assert summary.updated == ["X-1"]
    category = FormCategory.objects.get()
    assert (category.pk, category.title_es) == (category_id, "Alfa nueva")


@pytest.mark.parametrize(
    ("forms", "message"),
    [
        ([_form(title_es="")], "title_es is required"),
        ([_form(), _form()], "appears twice"),
        ([_form(categories=[])], "at least one category"),
        ([_form(categories=[{"code": "a", "title_en": "A", "title_es": "A"}] * 2)],
         "category a appears twice"),
        ([_form(categories=[{"code": "a", "title_en": "A"}])], "title_es is required"),
        ([_form(fee=100)], "unknown keys fee"),
        (["I-130"], "must be a mapping"),
    ],
)  # fmt: skip
def test_bad_catalogue_is_rejected_and_writes_nothing(db, tmp_path, forms, message):
    with pytest.raises(ReferenceDataError, match=message):
        form_catalogue_load(path=_write(tmp_path, forms))
    assert not FormType.objects.exists()


def test_reference_data_load_is_all_or_nothing(db, tmp_path):
    with pytest.raises(ReferenceDataError):
        reference_data_load(forms_path=_write(tmp_path, [_form(title_en="")]))
    assert not Office.objects.exists()


def test_command_loads_and_reports(db):
    out = StringIO()
    call_command("load_reference_data", stdout=out)
    assert "Offices: " in out.getvalue() and Office.objects.filter(code="MEX").exists()
    out = StringIO()
    call_command("load_reference_data", stdout=out)
    assert "already up to date" in out.getvalue()


def test_command_with_bad_file_fails_clearly(db, tmp_path):
    with pytest.raises(CommandError, match="Nothing was loaded"):
        call_command("load_reference_data", forms=_write(tmp_path, [_form(categories=[])]))
    with pytest.raises(CommandError, match="cannot read"):
        call_command("load_reference_data", forms=tmp_path / "missing.yaml")
    assert not Office.objects.exists()
