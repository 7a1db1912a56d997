"""The agency profile: read and checked from a file, stored with one active, kept per process
and cleared on save, edited in the admin, loaded on a fresh install."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command

from contactcenter.agency.models import AgencyProfile
from contactcenter.agency.profile import (
    DATA_DIR,
    DEFAULT_PROFILE_FILE,
    PLACEHOLDERS,
    agency_file_read,
    agency_fill,
    agency_parse,
    tel,
)
from contactcenter.agency.selectors import (
    ACTIVE_PROFILE,
    agency_profile,
    agency_text,
    public_base_url,
)
from contactcenter.agency.services import (
    agency_profile_load,
    agency_profile_load_default,
    agency_profile_store,
)
from contactcenter.core.errors import InvalidInput

FAMILY_BENEFITS = DATA_DIR / "family-benefits.yaml"


def profile_file(tmp_path: Path, **changes) -> Path:
    data = yaml.safe_load(FAMILY_BENEFITS.read_text(encoding="utf-8"))
    data.update(changes)
    path = tmp_path / "profile.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_both_shipped_profiles_read_and_fill_every_placeholder():
    for path in (DEFAULT_PROFILE_FILE, FAMILY_BENEFITS):
        agency = agency_file_read(path)
        for language in ("en", "es"):
            assert set(agency.values(language)) == PLACEHOLDERS
            assert all(agency.values(language).values())
    uscis = agency_file_read(DEFAULT_PROFILE_FILE)
    assert uscis.values("en")["agency_phone"] == "800-375-5283"
    assert uscis.values("en")["agency_tty_tel"] == "+18007671833"
    assert uscis.values("es")["agency_web"] == "uscis.gov"
    assert not uscis.official_banner and uscis.public_base_url == ""


def test_fill_replaces_only_agency_placeholders():
    agency = agency_file_read(FAMILY_BENEFITS)
    text = "Call {agency_phone} ({agency_tty}); you are number {position}; {agency_nope}."
    assert agency_fill(text, agency, "es") == (
        "Call 800-555-0100 (800-555-0101); you are number {position}; {agency_nope}."
    )
    assert agency_fill("{agency_short_name}", agency, "es") == "Beneficios Familiares"
    assert tel("800-555-0100") == "+18005550100" and tel("+52 55 5555 0100") == "+525555550100"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"phones": {"main": "call us"}}, "phones.main: not a phone number"),
        ({"phones": {"tty": "800-555-0101"}}, "phones.main: must be given"),
        ({"phones": {"main": "800-555-0100", "fax": "1"}}, "unknown lines ['fax']"),
        ({"domain": "not a domain"}, "domain: give a web address"),
        ({"name": {"en": "Only English"}}, "name.es"),
        ({"public_base_url": "ftp://x"}, "public_base_url: give an address"),
        ({"official_banner": "yes"}, "official_banner: true or false"),
        ({"colour": "blue"}, "unknown fields ['colour']"),
        ({"slug": "Has Spaces"}, "slug: lower-case"),
    ],
)
def test_a_bad_profile_is_refused_with_the_field_named_and_nothing_stored(
    db, tmp_path, changes, message
):
    with pytest.raises(InvalidInput, match=re.escape(message)):
        agency_profile_load(profile_file(tmp_path, **changes))
    assert not AgencyProfile.objects.exists()


def test_the_command_loads_a_profile_and_makes_it_active(db, capsys):
    call_command("agency_load", str(DEFAULT_PROFILE_FILE))
    assert agency_profile().slug == "uscis"
    call_command("agency_load", str(FAMILY_BENEFITS))
    assert "family-benefits (Family Benefits): active" in capsys.readouterr().out
    assert list(AgencyProfile.objects.filter(active=True).values_list("slug", flat=True)) == [
        "family-benefits"
    ]
    assert agency_profile().phones["main"] == "800-555-0100"  # the kept profile was cleared
    assert agency_text("Call {agency_phone}", "en") == "Call 800-555-0100"


def test_the_command_refuses_a_bad_file_and_changes_nothing(db, tmp_path):
    call_command("agency_load", str(DEFAULT_PROFILE_FILE))
    with pytest.raises(CommandError, match=r"Nothing was loaded: .*domain"):
        call_command("agency_load", str(profile_file(tmp_path, domain="x")))
    with pytest.raises(CommandError, match="Nothing was loaded: cannot read"):
        call_command("agency_load", str(tmp_path / "missing.yaml"))
    assert agency_profile().slug == "uscis"
    assert AgencyProfile.objects.count() == 1


def test_inactive_load_stores_without_switching(db):
    agency_profile_load(DEFAULT_PROFILE_FILE)
    agency_profile_load(FAMILY_BENEFITS, activate=None)
    assert AgencyProfile.objects.get(slug="family-benefits").active is False
    assert agency_profile().slug == "uscis"


def test_no_stored_profile_means_the_default_file(db):
    assert agency_profile().slug == "uscis"
    assert agency_text("{agency_web}", "en") == "uscis.gov"


def test_fresh_install_gets_the_default_and_an_edited_one_is_kept(db):
    assert agency_profile_load_default().slug == "uscis"
    agency_profile_load(FAMILY_BENEFITS)
    assert agency_profile_load_default() is None
    assert agency_profile().slug == "family-benefits"


def test_links_use_the_profile_base_url_or_the_setting(db, settings):
    settings.PUBLIC_BASE_URL = "https://contact.example.gov/"
    assert public_base_url() == "https://contact.example.gov"
    agency_profile_load(FAMILY_BENEFITS)
    assert public_base_url() == "https://benefits.example.gov"


def test_a_save_clears_the_kept_profile(db):
    row = agency_profile_load(FAMILY_BENEFITS)
    assert agency_profile().phones["main"] == "800-555-0100"
    row.phone_main = "800-555-0199"
    row.save()
    assert agency_profile().phones["main"] == "800-555-0199"


def test_the_admin_edits_the_profile_with_the_file_rules(admin_client, db):
    row = agency_profile_load(FAMILY_BENEFITS)
    url = f"/admin/agency/agencyprofile/{row.pk}/change/"
    page = admin_client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {
        name: ("" if value is None else value)
        for name, value in form.initial.items()
        if name in form.fields
    }
    data["mailing_addresses"] = (
        '[{"label": {"en": "Letters", "es": "Cartas"}, "lines": ["PO Box 0100"]}]'
    )
    data["active"] = "on"
    data["official_banner"] = "on"
    bad = admin_client.post(url, {**data, "phone_main": "call us"})
    assert bad.status_code == 200 and "not a phone number" in bad.content.decode()
    assert AgencyProfile.objects.get().phone_main == "800-555-0100"
    good = admin_client.post(url, {**data, "phone_main": "800-555-0177"})
    assert good.status_code == 302
    assert agency_profile().phones["main"] == "800-555-0177"
    assert agency_profile().mailing_addresses[0].lines == ("PO Box 0100",)


def test_only_one_profile_is_active(db):
    agency_profile_load(DEFAULT_PROFILE_FILE)
    agency_profile_store(agency_parse({**agency_file_read(FAMILY_BENEFITS).as_dict()}))
    assert AgencyProfile.objects.filter(active=True).count() == 1


def test_a_row_broken_behind_the_checks_falls_back_to_the_default_and_says_so(db, caplog):
    row = agency_profile_load(FAMILY_BENEFITS)
    AgencyProfile.objects.filter(pk=row.pk).update(phone_main="call us")  # no signal: clear
    ACTIVE_PROFILE.clear()
    assert agency_profile().slug == "uscis"
    assert "agency.profile_invalid slug=family-benefits" in caplog.text
