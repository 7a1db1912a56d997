"""Editing articles in the admin: checked like a file, versioned, role-gated."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User

from contactcenter.assistant.models import Article
from contactcenter.staff.models import Role, StaffProfile


def staff(*roles: str) -> User:
    user = User.objects.create_user(username=f"u{User.objects.count()}", is_staff=True)
    for role in roles:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    StaffProfile.objects.create(user=user)
    return user


def form_data(article: Article, **changes: str) -> dict[str, str]:
    import json

    data = {
        "state": article.state,
        "reviewer": article.reviewer,
        "last_reviewed": article.last_reviewed.isoformat(),
        "title_en": article.title_en,
        "answer_en": article.answer_en,
        "examples_en": "\n".join(article.examples_en),
        "title_es": article.title_es,
        "answer_es": article.answer_es,
        "examples_es": "\n".join(article.examples_es),
        "links": json.dumps(article.links),
        "versions-TOTAL_FORMS": "0",
        "versions-INITIAL_FORMS": "0",
        "versions-MIN_NUM_FORMS": "0",
        "versions-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


def test_an_admin_edit_makes_a_new_version(client, knowledge_base):
    client.force_login(staff(Role.ADMIN))
    article = Article.objects.get(slug="ombudsman")
    url = f"/admin/assistant/article/{article.pk}/change/"
    assert client.get(url).status_code == 200
    response = client.post(url, form_data(article, title_en="The CIS Ombudsman's office"))
    assert response.status_code == 302, response.content[:2000]
    article.refresh_from_db()
    assert article.title_en == "The CIS Ombudsman's office"
    assert article.version == 2
    assert article.versions.count() == 2


def test_a_bad_edit_is_refused_and_changes_nothing(client, knowledge_base):
    client.force_login(staff(Role.ADMIN))
    article = Article.objects.get(slug="ombudsman")
    url = f"/admin/assistant/article/{article.pk}/change/"
    response = client.post(url, form_data(article, examples_en="only one question"))
    assert response.status_code == 200
    assert b"at least 8" in response.content
    article.refresh_from_db()
    assert article.version == 1


def test_tier1_agents_cannot_edit_articles(client, knowledge_base):
    client.force_login(staff(Role.TIER1))
    article = Article.objects.get(slug="ombudsman")
    assert client.get(f"/admin/assistant/article/{article.pk}/change/").status_code == 403


@pytest.mark.parametrize("role", [Role.SUPERVISOR])
def test_supervisors_may_read_articles(client, knowledge_base, role):
    client.force_login(staff(role))
    assert client.get("/admin/assistant/article/").status_code == 200
