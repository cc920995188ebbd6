from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "diwan.notifications"
    label = "notifications"
