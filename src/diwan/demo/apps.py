from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "diwan.demo"
    label = "demo"
    verbose_name = "Demo data (never in production)"
