"""Authentication backends that load a signed-in user with their membership, clinic and settings in one query.

Every request of a signed-in user reads the user, and nearly every one then asks for the membership (the policy),
its clinic (time zone, scoping) and the clinic's settings (the idle limit): four queries before the view starts,
on every hold the tablet saves. These backends are Django's, allauth's and axes' with only `get_user` changed.
"""

from allauth.account.auth_backends import AuthenticationBackend as AllauthAuthenticationBackend
from axes.backends import AxesStandaloneBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend


class _LoadsClinic:
    def get_user(self, user_id):
        users = get_user_model()._default_manager.select_related("membership__clinic__settings")
        try:
            user = users.get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None  # type: ignore[attr-defined]


class AxesBackend(_LoadsClinic, AxesStandaloneBackend):
    def user_can_authenticate(self, user) -> bool:
        return getattr(user, "is_active", True)


class ModelBackend(_LoadsClinic, DjangoModelBackend):
    pass


class AllauthBackend(_LoadsClinic, AllauthAuthenticationBackend):
    pass
