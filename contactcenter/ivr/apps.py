from django.apps import AppConfig


class IvrConfig(AppConfig):
    name = "contactcenter.ivr"
    label = "ivr"
    verbose_name = "Phone line (IVR)"
