"""Fixtures shared across the test suite."""

from __future__ import annotations

import pytest

from contactcenter.cases.reference_data import ReferenceDataSummary, reference_data_load


@pytest.fixture
def reference_data(db) -> ReferenceDataSummary:
    """The agency's offices (with hours and ZIP codes) and the forms catalogue, as shipped."""
    return reference_data_load()


@pytest.fixture(autouse=True)
def _plain_http_and_static(settings):
    """Tests speak plain HTTP to the test client and have no collected static manifest; the
    production defaults for both are checked by the deploy-check test instead."""
    settings.SECURE_SSL_REDIRECT = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
