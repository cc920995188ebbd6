from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "diwan.accounts"
    label = "accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from diwan.accounts.signin_statements import record_last_login

        # Django's own receiver (connected by django.contrib.auth, listed before this app) saves last_login
        # through Model.save(); the same UPDATE as a fixed statement costs a fraction of the CPU of every
        # sign-in (bench/login.py).
        user_logged_in.disconnect(dispatch_uid="update_last_login")
        user_logged_in.connect(record_last_login, dispatch_uid="diwan_record_last_login")
