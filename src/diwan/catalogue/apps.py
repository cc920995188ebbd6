from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "diwan.catalogue"
    label = "catalogue"
    verbose_name = "Service catalogue"
