from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "contactcenter.people"
    label = "people"
