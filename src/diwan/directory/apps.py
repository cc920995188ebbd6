from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "diwan.directory"
    label = "directory"
