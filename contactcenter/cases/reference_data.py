"""The forms catalogue (``cases/data/forms.yaml``) and the load of all reference data.

Writes follow the services convention (keyword-only, one transaction); the module is named for
its job because it holds the catalogue's parser as well as its loader.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.db import transaction

from contactcenter.cases.models import FormCategory, FormType
from contactcenter.offices.services import (
    OFFICES_FILE,
    OfficeLoadSummary,
    ReferenceDataError,
    office_reference_data_load,
)

logger = logging.getLogger(__name__)

FORMS_FILE = Path(__file__).resolve().parent / "data" / "forms.yaml"
_FORM_KEYS = frozenset({"code", "title_en", "title_es", "categories"})
_CATEGORY_KEYS = frozenset({"code", "title_en", "title_es"})


@dataclass(frozen=True, slots=True)
class CategoryDefinition:
    code: str
    title_en: str
    title_es: str


@dataclass(frozen=True, slots=True)
class FormDefinition:
    code: str
    title_en: str
    title_es: str
    categories: tuple[CategoryDefinition, ...]


@dataclass(slots=True)
class FormLoadSummary:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


@dataclass(frozen=True, slots=True)
class ReferenceDataSummary:
    offices: OfficeLoadSummary
    forms: FormLoadSummary

    @property
    def changed(self) -> bool:
        return self.offices.changed or self.forms.changed


def _texts(raw: dict, keys: frozenset[str], *, where: str) -> dict[str, str]:
    unknown = set(raw) - keys
    if unknown:
        raise ReferenceDataError(f"{where}: unknown keys {', '.join(sorted(unknown))}.")
    values: dict[str, str] = {}
    for key in ("code", "title_en", "title_es"):
        value = str(raw.get(key) or "").strip()
        if not value:
            raise ReferenceDataError(f"{where}: {key} is required.")
        values[key] = value
    return values


def form_definitions_read(*, path: Path = FORMS_FILE) -> list[FormDefinition]:
    """Parse and validate the forms catalogue without touching the database."""
    try:
        document = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise ReferenceDataError(f"{Path(path).name} is not valid YAML: {error}") from None
    if not isinstance(document, dict) or not isinstance(document.get("forms"), list):
        raise ReferenceDataError(f"{Path(path).name} needs a top-level list named forms.")
    forms: list[FormDefinition] = []
    codes: set[str] = set()
    for index, raw in enumerate(document["forms"]):
        if not isinstance(raw, dict):
            raise ReferenceDataError(f"forms[{index}]: each form must be a mapping.")
        where = f"form {raw.get('code') or f'#{index + 1}'}"
        texts = _texts(raw, _FORM_KEYS, where=where)
        if texts["code"] in codes:
            raise ReferenceDataError(f"{where}: the code appears twice.")
        codes.add(texts["code"])
        raw_categories = raw.get("categories")
        if not isinstance(raw_categories, list) or not raw_categories:
            raise ReferenceDataError(f"{where}: a form needs at least one category.")
        categories: list[CategoryDefinition] = []
        for cat_index, raw_category in enumerate(raw_categories):
            cat_where = f"{where} category #{cat_index + 1}"
            if not isinstance(raw_category, dict):
                raise ReferenceDataError(f"{cat_where}: each category must be a mapping.")
            category = CategoryDefinition(**_texts(raw_category, _CATEGORY_KEYS, where=cat_where))
            if any(c.code == category.code for c in categories):
                raise ReferenceDataError(f"{where}: category {category.code} appears twice.")
            categories.append(category)
        forms.append(FormDefinition(categories=tuple(categories), **texts))
    return forms


@transaction.atomic
def form_catalogue_load(*, path: Path = FORMS_FILE) -> FormLoadSummary:
    """Upsert every form (by code) and category (by form and code) in the catalogue.

    Idempotent: a second load of the same file writes nothing.
    """
    definitions = form_definitions_read(path=path)
    summary = FormLoadSummary()
    forms = {f.code: f for f in FormType.objects.filter(code__in=[d.code for d in definitions])}
    categories = {
        (c.form_id, c.code): c for c in FormCategory.objects.filter(form__in=forms.values())
    }
    for definition in definitions:
        changed = False
        form = forms.get(definition.code)
        if form is None:
            form = FormType.objects.create(
                code=definition.code, title_en=definition.title_en, title_es=definition.title_es
            )
            summary.created.append(definition.code)
        elif (form.title_en, form.title_es) != (definition.title_en, definition.title_es):
            form.title_en, form.title_es = definition.title_en, definition.title_es
            form.save(update_fields=["title_en", "title_es", "updated_at"])
            changed = True
        for category_definition in definition.categories:
            category = categories.get((form.pk, category_definition.code))
            titles = (category_definition.title_en, category_definition.title_es)
            if category is None:
                FormCategory.objects.create(
                    form=form,
                    code=category_definition.code,
                    title_en=titles[0],
                    title_es=titles[1],
                )
                changed = True
            elif (category.title_en, category.title_es) != titles:
                category.title_en, category.title_es = titles
                category.save(update_fields=["title_en", "title_es"])
                changed = True
        if changed and definition.code not in summary.created:
            summary.updated.append(definition.code)
        elif not changed and definition.code not in summary.created:
            summary.unchanged += 1
    logger.info(
        "cases.form_catalogue_loaded",
        extra={
            "forms_created": len(summary.created),
            "forms_updated": len(summary.updated),
            "forms_unchanged": summary.unchanged,
        },
    )
    return summary


@transaction.atomic
def reference_data_load(
    *, offices_path: Path = OFFICES_FILE, forms_path: Path = FORMS_FILE
) -> ReferenceDataSummary:
    """Load offices and the forms catalogue together: both or neither."""
    return ReferenceDataSummary(
        offices=office_reference_data_load(path=offices_path),
        forms=form_catalogue_load(path=forms_path),
    )
