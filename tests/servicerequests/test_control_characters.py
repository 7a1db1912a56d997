"""A service request's text details refuse control characters, naming the field."""

from __future__ import annotations

import pytest

from contactcenter.core.text_input import ControlCharacters
from contactcenter.servicerequests.models import ServiceRequest
from contactcenter.servicerequests.services import service_request_create

pytestmark = pytest.mark.django_db


def test_service_request_text_refuses_them(make_case, make_inquiry, tier1, types):
    inquiry = make_inquiry(make_case())
    with pytest.raises(ControlCharacters) as refused:
        service_request_create(
            inquiry=inquiry,
            actor=tier1,
            type_code="typographic-error",
            details={"document": "notice", "description": "Name\x00 misspelt"},
        )
    assert refused.value.extra == {"field": "description"}
    assert not ServiceRequest.objects.exists()
