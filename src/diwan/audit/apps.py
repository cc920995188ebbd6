from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "diwan.audit"
    label = "audit"
