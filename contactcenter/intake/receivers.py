"""Removing an email's files (the raw message, its kept attachments) when its record goes."""

from __future__ import annotations

from django.db.models.signals import post_delete
from django.dispatch import receiver

from contactcenter.core.private_files import file_forget_on_commit
from contactcenter.intake.models import InboundAttachment, InboundEmail
from contactcenter.intake.services import intake_root


@receiver(post_delete, sender=InboundEmail, dispatch_uid="intake.raw_file_forget")
def raw_file_forget(sender, instance: InboundEmail, **kwargs) -> None:
    file_forget_on_commit(
        root=intake_root(), relative=instance.raw_path, kind="email",
        still_named=lambda path: InboundEmail.objects.filter(raw_path=path).exists(),
    )  # fmt: skip


@receiver(post_delete, sender=InboundAttachment, dispatch_uid="intake.attachment_file_forget")
def attachment_file_forget(sender, instance: InboundAttachment, **kwargs) -> None:
    file_forget_on_commit(
        root=intake_root(), relative=instance.stored_path, kind="email_attachment",
        still_named=lambda path: InboundAttachment.objects.filter(stored_path=path).exists(),
    )  # fmt: skip
