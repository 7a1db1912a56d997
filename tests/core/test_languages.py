"""The language a page is answered in."""

from __future__ import annotations

import pytest
from django.utils import translation

from contactcenter.core.languages import active_language


@pytest.mark.parametrize(
    ("active", "expected"),
    [("en", "en"), ("es", "es"), ("es-mx", "es"), ("en-us", "en"), ("fr", "en")],
)
def test_the_active_translation_picks_english_or_spanish(active, expected):
    with translation.override(active):
        assert active_language() == expected


def test_no_active_translation_is_english():
    with translation.override(None):
        assert active_language() == "en"
