"""Fixtures shared across the test suite."""

from __future__ import annotations

import pytest

from contactcenter.cases.reference_data import ReferenceDataSummary, reference_data_load


@pytest.fixture
def reference_data(db) -> ReferenceDataSummary:
    """The agency's offices (with hours and ZIP codes) and the forms catalogue, as shipped."""
    return reference_data_load()
