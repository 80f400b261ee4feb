from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "knotwork.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from allauth.account.signals import user_logged_in
        from allauth.mfa.signals import authenticator_added
        from axes.signals import user_locked_out

        from knotwork.accounts import receivers

        authenticator_added.connect(receivers.second_factor_set_up, dispatch_uid="knotwork_second_factor_set_up")
        user_locked_out.connect(receivers.sign_in_locked, dispatch_uid="knotwork_sign_in_locked")
        user_logged_in.connect(receivers.signed_in, dispatch_uid="knotwork_signed_in")
