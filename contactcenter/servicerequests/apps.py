from django.apps import AppConfig


class ServicerequestsConfig(AppConfig):
    name = "contactcenter.servicerequests"
    label = "servicerequests"
