from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _builtin_dispositions_kept(sender, *, apps=None, using="default", **kwargs) -> None:
    """After every migrate (and a test's flush, which empties the tables and then sends
    post_migrate), the built-in dispositions are present, as the code that sets them needs."""
    from contactcenter.inquiries.services import dispositions_builtin_ensure

    try:
        model = (apps or sender.apps).get_model("inquiries", "Disposition")
    except LookupError:  # migrated back before the table existed
        return
    dispositions_builtin_ensure(model=model)


class InquiriesConfig(AppConfig):
    name = "contactcenter.inquiries"
    label = "inquiries"

    def ready(self) -> None:
        from contactcenter.core.process_cache import clear_on_change
        from contactcenter.inquiries.models import Disposition
        from contactcenter.inquiries.selectors import DISPOSITIONS_OFFERED

        clear_on_change(DISPOSITIONS_OFFERED, Disposition)
        post_migrate.connect(
            _builtin_dispositions_kept, sender=self, dispatch_uid="inquiries.builtin_dispositions"
        )
