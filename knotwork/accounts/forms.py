from allauth.core import context
from allauth.mfa.base.forms import AuthenticateForm
from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError

from knotwork.accounts import selectors, services
from knotwork.accounts.models import API_KEY_ROLES, API_RESOURCES, ApiScope
from knotwork.clinics.models import Role
from knotwork.core.forms import CleanTextMixin

CODE_STEP_LOCKED = "Too many wrong codes: sign-in is locked for a while. Try again later."


class InvitationForm(forms.Form):
    email = forms.EmailField()
    first_name = forms.CharField(max_length=150, required=False)
    last_name = forms.CharField(max_length=150, required=False)
    role = forms.ChoiceField(choices=Role.choices, initial=Role.PRACTITIONER)


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


class AcceptInvitationForm(forms.Form):
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    password1 = forms.CharField(
        label="Password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="Password (again)", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") and cleaned.get("password1") != cleaned.get("password2"):
            self.add_error("password2", "The two passwords differ.")
        return cleaned


class SecondFactorForm(AuthenticateForm):
    """allauth's authenticator-code step, counted by the sign-in lockout like a wrong password.

    Failures count per account and client address in the database (every worker sees them); at the limit the
    address-and-account pair is locked for the cool-off, whatever code is sent, and the user is emailed a notice.
    Failures also count per account from all addresses together, so many addresses do not buy many guesses.
    """

    def clean_code(self) -> str:
        request = context.request
        credentials = {"username": self.user.email}
        if AxesProxyHandler.is_locked(request, credentials):
            request.axes_locked_out = True  # AxesMiddleware answers with the lockout page
            request.axes_credentials = credentials
            raise ValidationError(CODE_STEP_LOCKED)
        if selectors.code_step_locked_for_account(user=self.user):
            raise ValidationError(CODE_STEP_LOCKED)
        try:
            code = super().clean_code()
        except ValidationError:
            user_login_failed.send(sender=type(self), credentials=credentials, request=request)
            services.record_code_failure(user=self.user)
            raise
        services.clear_code_failures(user=self.user)
        return code


class ApiKeyForm(CleanTextMixin, forms.Form):
    name = forms.CharField(
        max_length=100, help_text="Which program uses the key, so you know what to revoke (e.g. 'Accounting export')."
    )
    scope = forms.ChoiceField(
        choices=ApiScope.choices,
        initial=ApiScope.READ,
        widget=forms.RadioSelect,
        help_text="Read only cannot change anything; read and write acts with the role below.",
    )
    role = forms.ChoiceField(
        choices=[(role, Role(role).label) for role in API_KEY_ROLES],
        initial="practitioner",
        help_text="The key may do what a member of staff with this role may do (never what only an owner may).",
    )
    resources = forms.MultipleChoiceField(
        choices=list(API_RESOURCES.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Limit to",
        help_text="Leave all unticked for the whole API.",
    )
