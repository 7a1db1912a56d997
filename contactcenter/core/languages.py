"""The language a page is answered in, as one of the two the agency publishes in."""

from __future__ import annotations

from django.utils import translation


def active_language() -> str:
    """``"es"`` when the active translation is Spanish (``es``, ``es-mx``...), else ``"en"``.

    The product's texts, status wording and data exist in English and Spanish only, so any
    other active language (or none, outside a request) is answered in English.
    """
    return "es" if (translation.get_language() or "en").startswith("es") else "en"
