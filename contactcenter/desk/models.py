from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from contactcenter.core.models import TimeStampedModel


class CannedReply(TimeStampedModel):
    """A prepared answer agents insert into a reply, in English and Spanish.

    The body may name ``{reference}``, ``{agent}``, ``{name}`` and ``{queue}``; what else it
    may hold is checked by ``desk.replies`` on every save, so a stored body always fills.
    Retired replies (``active`` off) stay for the record of who wrote what; agents no longer
    see them.
    """

    title_en = models.CharField(_("title (English)"), max_length=120)
    title_es = models.CharField(_("title (Spanish)"), max_length=120)
    body_en = models.TextField(_("text (English)"))
    body_es = models.TextField(_("text (Spanish)"))
    active = models.BooleanField(_("offered to agents"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("place in the list"), default=100)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last changed by"),
    )

    class Meta:
        ordering = ["sort_order", "title_en", "id"]
        verbose_name = _("canned reply")
        verbose_name_plural = _("canned replies")
        constraints = [
            models.CheckConstraint(
                condition=~Q(title_en="") & ~Q(title_es="") & ~Q(body_en="") & ~Q(body_es=""),
                name="desk_canned_reply_filled",
            ),
        ]

    def __str__(self) -> str:
        return self.title_en

    def title(self, language: str) -> str:
        return self.title_es if language == "es" else self.title_en

    def body(self, language: str) -> str:
        return self.body_es if language == "es" else self.body_en
