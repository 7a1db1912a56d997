"""Fixtures shared by the workforce tests and the planning pages' tests."""

from tests.workforce.hours_data import facts_with_arrivals  # noqa: F401 (a fixture)
