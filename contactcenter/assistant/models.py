from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from contactcenter.core.models import TimeStampedModel


class ArticleState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class Article(TimeStampedModel):
    """One knowledge-base topic in English and Spanish. Only published articles are answered.

    ``source_fingerprint`` is the fingerprint of the repository file last loaded into this row:
    ``kb-load`` rewrites the row only when the file has changed since, so edits made in the
    admin survive a restart until the file itself moves on.
    """

    slug = models.SlugField(max_length=60, unique=True)
    state = models.CharField(
        max_length=10, choices=ArticleState.choices, default=ArticleState.DRAFT
    )
    version = models.PositiveIntegerField(default=1)
    reviewer = models.CharField(max_length=120, blank=True)
    last_reviewed = models.DateField(null=True, blank=True)
    title_en = models.CharField(max_length=200)
    title_es = models.CharField(max_length=200)
    answer_en = models.TextField()
    answer_es = models.TextField()
    examples_en = models.JSONField(default=list)
    examples_es = models.JSONField(default=list)
    links = models.JSONField(default=list)  # [{"url": ..., "en": label, "es": label}]
    source_fingerprint = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["slug"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["draft", "published"]), name="assistant_article_state"
            ),
            models.CheckConstraint(
                condition=Q(state="draft") | (Q(last_reviewed__isnull=False) & ~Q(reviewer="")),
                name="assistant_article_published_reviewed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.slug} (v{self.version}, {self.state})"


class ArticleVersion(models.Model):
    """Every saved state of an article, kept for review and for going back."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    state = models.CharField(max_length=10, choices=ArticleState.choices)
    reviewer = models.CharField(max_length=120, blank=True)
    last_reviewed = models.DateField(null=True, blank=True)
    content = models.JSONField()
    source = models.CharField(max_length=20)  # "file" or "admin"
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["article", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["article", "version"], name="assistant_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.article.slug} v{self.version}"
