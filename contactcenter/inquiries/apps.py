from django.apps import AppConfig


class InquiriesConfig(AppConfig):
    name = "contactcenter.inquiries"
    label = "inquiries"
