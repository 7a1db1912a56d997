"""Removing a scanned page's and a fax's files when their records go."""

from __future__ import annotations

from django.db.models import Q
from django.db.models.signals import post_delete
from django.dispatch import receiver

from contactcenter.core.private_files import file_forget_on_commit
from contactcenter.mailroom.models import Fax, ScannedPage
from contactcenter.mailroom.services import mailroom_root


def _page_file_named(path: str) -> bool:
    return ScannedPage.objects.filter(Q(source_path=path) | Q(image_path=path)).exists()


@receiver(post_delete, sender=ScannedPage, dispatch_uid="mailroom.page_files_forget")
def page_files_forget(sender, instance: ScannedPage, **kwargs) -> None:
    for relative in (instance.source_path, instance.image_path):
        file_forget_on_commit(
            root=mailroom_root(), relative=relative, kind="scan", still_named=_page_file_named
        )


@receiver(post_delete, sender=Fax, dispatch_uid="mailroom.fax_file_forget")
def fax_file_forget(sender, instance: Fax, **kwargs) -> None:
    file_forget_on_commit(
        root=mailroom_root(), relative=instance.stored_path, kind="fax",
        still_named=lambda path: Fax.objects.filter(stored_path=path).exists(),
    )  # fmt: skip
