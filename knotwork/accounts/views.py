from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from knotwork.accounts import selectors, services
from knotwork.accounts.forms import AcceptInvitationForm, ApiKeyForm, InvitationForm, RoleForm
from knotwork.clinics import selectors as clinic_selectors
from knotwork.clinics import services as clinic_services
from knotwork.clinics.models import Role
from knotwork.core.access import ClinicRequest, clinic_member, public
from knotwork.core.errors import ClinicRuleError


@clinic_member(may="invite_staff")
@require_http_methods(["GET", "POST"])
def staff_list(request: ClinicRequest):
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invite_staff(clinic=request.clinic, by=request.user, **form.cleaned_data)
        except (ClinicRuleError, ValidationError) as error:
            form.add_error("email", error.messages if isinstance(error, ValidationError) else str(error))
        else:
            messages.success(request, f"Invitation sent to {invitation.email}.")
            return redirect("accounts:staff")
    context = {
        # An API key's own user is listed under API keys, not as a person on the staff.
        "members": clinic_selectors.list_members(request.user).filter(user__api_key__isnull=True),
        "invitations": selectors.list_invitations(request.user),
        "form": form,
        "roles": Role.choices,
    }
    return render(request, "accounts/staff_list.html", context)


@clinic_member(may="change_staff_role")
@require_POST
def member_role(request: ClinicRequest, public_id):
    membership = clinic_selectors.get_member(request.user, public_id)
    form = RoleForm(request.POST)
    if form.is_valid():
        try:
            clinic_services.change_role(membership=membership, role=form.cleaned_data["role"], by=request.user)
            messages.success(request, f"{membership.user} is now {Role(form.cleaned_data['role']).label.lower()}.")
        except ClinicRuleError as error:
            messages.error(request, str(error))
    else:
        messages.error(request, "Choose a valid role.")
    return redirect("accounts:staff")


@clinic_member(may="deactivate_staff")
@require_POST
def member_active(request: ClinicRequest, public_id):
    membership = clinic_selectors.get_member(request.user, public_id)
    try:
        if request.POST.get("active") == "yes":
            clinic_services.reactivate_member(membership=membership, by=request.user)
            messages.success(request, f"{membership.user} can sign in again.")
        else:
            clinic_services.deactivate_member(membership=membership, by=request.user)
            messages.success(request, f"{membership.user} is deactivated and can no longer sign in.")
    except ClinicRuleError as error:
        messages.error(request, str(error))
    return redirect("accounts:staff")


@clinic_member(may="revoke_invitation")
@require_POST
def invitation_revoke(request: ClinicRequest, public_id):
    invitation = selectors.get_invitation(request.user, public_id)
    services.revoke_invitation(invitation=invitation, by=request.user)
    messages.success(request, f"The invitation for {invitation.email} is withdrawn.")
    return redirect("accounts:staff")


@public
@require_http_methods(["GET", "POST"])
def accept_invitation(request, token: str):
    invitation = selectors.get_invitation_by_token(token)
    if not invitation.is_open:
        return render(request, "accounts/invitation_closed.html", {"invitation": invitation}, status=410)
    if request.user.is_authenticated:
        messages.info(request, "Sign out first to accept an invitation for another account.")
        return redirect("home")
    form = AcceptInvitationForm(
        request.POST or None, initial={"first_name": invitation.first_name, "last_name": invitation.last_name}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.accept_invitation(
                invitation=invitation,
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                password=form.cleaned_data["password1"],
            )
        except ValidationError as error:
            form.add_error("password1", error)
        except ClinicRuleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Your account is ready. Sign in with your email address and new password.")
            return redirect("account_login")
    return render(request, "accounts/invitation_accept.html", {"form": form, "invitation": invitation})


@clinic_member(may="mark_physician")
@require_POST
def member_physician(request: ClinicRequest, public_id):
    membership = clinic_selectors.get_member(request.user, public_id)
    try:
        clinic_services.set_physician(
            membership=membership, is_physician=request.POST.get("physician") == "yes", by=request.user
        )
        messages.success(
            request,
            f"{membership.user}: {'physician' if request.POST.get('physician') == 'yes' else 'not a physician'}.",
        )
    except ClinicRuleError as error:
        messages.error(request, str(error))
    return redirect("accounts:staff")


@clinic_member(may="end_staff_sessions")
@require_POST
def member_sessions_end(request: ClinicRequest, public_id):
    membership = clinic_selectors.get_member(request.user, public_id)
    if membership.user_id == request.user.pk:
        messages.error(request, "To sign yourself out everywhere, use your Sessions page.")
        return redirect("accounts:staff")
    count = services.end_sessions(user=membership.user, by=request.user)
    messages.success(
        request, f"{membership.user} is signed out everywhere ({count} session{'s' if count != 1 else ''})."
    )
    return redirect("accounts:staff")


@public  # a signed-in user of any kind (a superuser has no clinic); anyone else is sent to sign in
@require_POST
def sessions_end_all(request):
    """Sign the user out of every browser, this one included."""
    if not request.user.is_authenticated:
        return redirect("account_login")
    services.end_sessions(user=request.user, by=request.user, keep_session_key=request.session.session_key)
    logout(request)
    messages.success(request, "You are signed out everywhere, including here.")
    return redirect(settings.LOGIN_URL)


def locked_out(request, original_response=None, credentials=None):
    """The page shown while sign-in is locked for an address and account (django-axes' lockout response)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)


@clinic_member(may="manage_api_keys")
@require_http_methods(["GET", "POST"])
def api_keys(request: ClinicRequest):
    """The clinic's API keys; a new key is shown on this response only (never in an address or a later page)."""
    form = ApiKeyForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        try:
            key, new_key = services.create_api_key(clinic=request.clinic, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, f"Created {key}. Copy the key now: it is not shown again.")
            form = ApiKeyForm()
    context = {"keys": selectors.list_api_keys(request.user), "form": form, "new_key": new_key}
    response = render(request, "accounts/api_keys.html", context, status=400 if form.errors else 200)
    response["Cache-Control"] = "no-store"
    return response


@clinic_member(may="manage_api_keys")
@require_POST
def api_key_revoke(request: ClinicRequest, public_id):
    key = selectors.get_api_key(request.user, public_id)
    services.revoke_api_key(key=key, by=request.user)
    messages.success(request, f"Revoked {key}. Programs using it can no longer call the API.")
    return redirect("accounts:api_keys")
