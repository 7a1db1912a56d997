"""The knowledge base in the admin: articles edited in both languages, saved through
``services.article_save`` so every edit is checked like a file and kept as a version."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from contactcenter.assistant.knowledge import KnowledgeError
from contactcenter.assistant.models import Article, ArticleVersion
from contactcenter.assistant.services import article_content_from_form, article_save
from contactcenter.staff.admin import MANAGER_ROLES, NOBODY, RoleAccess


class ArticleForm(forms.ModelForm):
    examples_en = forms.CharField(widget=forms.Textarea, help_text="One question per line.")
    examples_es = forms.CharField(widget=forms.Textarea, help_text="Una pregunta por línea.")

    class Meta:
        model = Article
        fields = [
            "slug", "state", "reviewer", "last_reviewed", "title_en", "answer_en",
            "examples_en", "title_es", "answer_es", "examples_es", "links",
        ]  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["examples_en"] = "\n".join(self.instance.examples_en)
            self.initial["examples_es"] = "\n".join(self.instance.examples_es)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        try:
            slug = cleaned.get("slug") or self.instance.slug
            self.content = article_content_from_form(cleaned, slug=slug)
        except KnowledgeError as error:
            raise ValidationError(str(error.message)) from error
        return cleaned


class ArticleVersionInline(admin.TabularInline):
    model = ArticleVersion
    fields = ("version", "state", "reviewer", "last_reviewed", "source", "changed_by", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["-version"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Article)
class ArticleAdmin(RoleAccess, admin.ModelAdmin):
    form = ArticleForm
    list_display = ["slug", "title_en", "state", "version", "reviewer", "last_reviewed"]
    list_filter = ["state"]
    search_fields = ["slug", "title_en", "title_es"]
    readonly_fields = ["version"]
    inlines = [ArticleVersionInline]
    view_roles = MANAGER_ROLES
    delete_roles = NOBODY  # unpublish instead: a draft stops answering and keeps its history

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["slug", "version"] if obj is not None else ["version"]

    def save_model(self, request: HttpRequest, obj: Article, form: Any, change: bool) -> None:
        saved = article_save(
            article=obj,
            content=form.content,
            state=form.cleaned_data["state"],
            reviewer=form.cleaned_data.get("reviewer") or "",
            last_reviewed=form.cleaned_data.get("last_reviewed"),
            changed_by=request.user,
        )
        obj.pk = saved.pk
        obj.version = saved.version
