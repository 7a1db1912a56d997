from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "contactcenter.portal"
    label = "portal"
    verbose_name = "Online account and public pages"
