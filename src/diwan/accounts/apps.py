from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "diwan.accounts"
    label = "accounts"
