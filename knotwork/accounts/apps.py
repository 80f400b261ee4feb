from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "knotwork.accounts"
    label = "accounts"
    verbose_name = "Accounts"
