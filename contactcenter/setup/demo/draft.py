"""The plan while it is being built, with what its parts look up on the way."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from decimal import Decimal

from contactcenter.cases.reference_data import FormDefinition
from contactcenter.offices.models import OfficeKind
from contactcenter.offices.services import OfficeDefinition
from contactcenter.setup.demo.plan import DemoPlan
from contactcenter.setup.demo.profiles import PROFILE_BY_KEY
from contactcenter.setup.demo.showcases import SHOWCASES


class Draft:
    def __init__(
        self,
        *,
        cases: int,
        seed: int,
        today: dt.date,
        offices: Sequence[OfficeDefinition],
        forms: Sequence[FormDefinition],
        names: dict,
    ) -> None:
        self.plan = DemoPlan(today=today, seed=seed)
        self.target = cases
        self.today = today
        self.seed = seed
        self.offices = {o.code: o for o in offices}
        self.names = names
        catalogue = {(f.code, c.code) for f in forms for c in f.categories}
        missing = sorted(set(PROFILE_BY_KEY) - catalogue)
        if missing:
            raise ValueError(f"demo profiles name forms missing from the catalogue: {missing}")
        self.field_offices = [o for o in offices if o.kind == OfficeKind.FIELD_OFFICE]
        self.zip_office = {z: o.code for o in self.field_offices for z in o.zips}
        self.sequences: dict[tuple[str, dt.date], int] = {}
        self.a_numbers: set[str] = {s.a_number for s in SHOWCASES if s.a_number}
        self.posted: dict[tuple[str, str, str], Decimal] = {}

    def rng(self, stream: str) -> random.Random:
        # A separate stream per part, so that asking for more cases does not change the
        # processing times or the staff, and the same seed always gives the same values.
        return random.Random(f"{self.seed}:{stream}")  # noqa: S311 - demo data, not secrets
