"""Who may do what: the one question every service asks before it writes.

Each app lists its rules in `<app>/policy.py` (found at start-up by `discover`); a service calls
`require(by, "sign_note", note)` before it changes anything, so a view, an API endpoint, a task and a management
command get the same answer. Views and templates ask `can(...)` only to hide what the service would refuse.

The actors, always explicit (`by=None` is refused like a stranger):
- a staff user: allowed by the role of their active membership, and only on objects of their own clinic;
- a `SystemActor`: Knotwork itself (the task worker, a scheduled sweep, a management command, an automatic
  consequence such as the safety hold), allowed only the actions a rule grants to the system;
- a `PatientLinkActor`: a patient through their private link, allowed only the patient actions of a rule and
  only on their own record.
An API key acts as its own staff user with one role (accounts.ApiKey); a read-only key is refused every rule.
"""

import dataclasses
from collections.abc import Callable
from importlib import import_module
from typing import Any, Protocol

from django.apps import apps
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.utils.module_loading import module_has_submodule


class NotAllowed(PermissionDenied):
    """The actor may not do this; the message says who may, in words a clinician can read."""


class UnknownAction(LookupError):
    """A service or template asked about an action no app has a rule for (a programming error, never a refusal)."""


@dataclasses.dataclass(frozen=True)
class SystemActor:
    """Knotwork acting by itself, named for the record ("task worker", "send_due_messages command")."""

    name: str

    def __str__(self) -> str:
        return self.name


class _Link(Protocol):
    """What an actor is made of, of a patient's private link (portal.PatientLink)."""

    pk: Any
    patient_id: int
    clinic_id: int


@dataclasses.dataclass(frozen=True)
class PatientLinkActor:
    """A patient acting through their private link: only on their own record.

    `link_id` is None only where the patient is simulated (demo data, tests); the portal builds it with `of`.
    """

    patient_id: int
    clinic_id: int
    link_id: int | None = None

    @classmethod
    def of(cls, link: _Link) -> "PatientLinkActor":
        return cls(patient_id=link.patient_id, clinic_id=link.clinic_id, link_id=link.pk)

    def __str__(self) -> str:
        return "the patient (private link)"


Actor = AbstractBaseUser | SystemActor | PatientLinkActor

# A condition looks at the staff user and the object and returns a refusal, or None to allow.
Condition = Callable[[Any, Any], str | None]


@dataclasses.dataclass(frozen=True)
class Rule:
    """Who may do one action. `doing` finishes "Only the clinic owner can …"; `who` names the allowed roles."""

    action: str
    doing: str
    roles: frozenset[str]
    who: str
    system: bool = False
    patient: bool = False
    condition: Condition | None = None
    condition_text: str = ""  # the condition in words, for the "Who may do what" table
    refusal: str = ""  # said to staff of a role not allowed, instead of "Only {who} can {doing}."


_rules: dict[str, Rule] = {}
# How to find the clinic and the patient an object belongs to, for models that do not carry `clinic_id`
# and `patient_id` themselves (the clinic, the patient, a staff user).
_scopes: dict[type, Callable[[Any], tuple[int | None, int | None]]] = {}
_discovered = False


def register(*rules: Rule) -> None:
    for rule in rules:
        existing = _rules.get(rule.action)
        if existing is not None and existing != rule:
            raise ImproperlyConfigured(f"Two policy rules for the action {rule.action!r}.")
        _rules[rule.action] = rule


def register_scope(model: type, resolve: Callable[[Any], tuple[int | None, int | None]]) -> None:
    """Say how to find (clinic id, patient id) of a `model` instance."""
    _scopes[model] = resolve


def discover() -> None:
    """Import every Knotwork app's `policy` module, which registers its rules (run from CoreConfig.ready)."""
    global _discovered
    for config in apps.get_app_configs():
        if config.name.startswith("knotwork.") and module_has_submodule(config.module, "policy"):
            import_module(f"{config.name}.policy")
    _discovered = True


def rules() -> list[Rule]:
    """Every registered rule, app by app in the order the apps list them (the order of the docs' table)."""
    if not _discovered:
        discover()
    return list(_rules.values())


def rule_for(action: str) -> Rule:
    if not _discovered:
        discover()
    try:
        return _rules[action]
    except KeyError:
        raise UnknownAction(f"No policy rule for the action {action!r}: add one to the app's policy.py.") from None


def scope_of(obj: object) -> tuple[int | None, int | None]:
    """(clinic id, patient id) of the object an action is about; (None, None) for no object."""
    if obj is None:
        return None, None
    for model in type(obj).__mro__:
        resolve = _scopes.get(model)
        if resolve is not None:
            return resolve(obj)
    return getattr(obj, "clinic_id", None), getattr(obj, "patient_id", None)


def active_membership(user: object) -> Any:
    """The active membership of an active, signed-in staff user; None for anyone else."""
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return None
    membership = getattr(user, "membership", None)
    if membership is None or not membership.is_active:
        return None
    return membership


def refusal(by: object, action: str, obj: object = None) -> str | None:
    """Why `by` may not do `action` on `obj`, in one sentence; None when it may."""
    rule = rule_for(action)
    clinic_id, patient_id = scope_of(obj)
    if isinstance(by, SystemActor):
        return None if rule.system else f"Knotwork ({by.name}) cannot {rule.doing}: only {rule.who} can."
    if isinstance(by, PatientLinkActor):
        if not rule.patient or patient_id is None:  # a clinic-wide action is never a patient's
            return f"A patient's private link cannot be used to {rule.doing}."
        if patient_id != by.patient_id or (clinic_id is not None and clinic_id != by.clinic_id):
            return "This private link is for another patient's record."
        return None
    membership = active_membership(by)
    if membership is None:
        return f"Only active staff of a clinic can {rule.doing}."
    # An API key's user (accounts.api_auth marks it): a read-only key may do nothing a rule guards, since every
    # rule guards a change.
    api_key = getattr(by, "acting_api_key", None)
    if api_key is not None and api_key.scope != "write":
        return f"This API key may only read, so it cannot {rule.doing}: ask the owner for a key that may write."
    if clinic_id is not None and clinic_id != membership.clinic_id:
        return f"Only staff of this clinic can {rule.doing}."
    if membership.role not in rule.roles:
        return rule.refusal or f"Only {rule.who} can {rule.doing}."
    if rule.condition is not None:
        return rule.condition(by, obj)
    return None


def can(by: object, action: str, obj: object = None) -> bool:
    """May `by` do `action` (on `obj`)? With no object, only the role is asked (to hide a button)."""
    return refusal(by, action, obj) is None


def require(by: object, action: str, obj: object = None) -> None:
    """Raise NotAllowed, saying who may, unless `by` may do `action` on `obj`; call it before any write."""
    reason = refusal(by, action, obj)
    if reason is not None:
        raise NotAllowed(reason)


def acting_user(by: object) -> AbstractBaseUser | None:
    """The staff user behind `by`; None for the system and for patients. (A user field is filled with
    `accounts.policy.acting_staff`, typed as the project's user model, which this ground floor does not import.)"""
    return by if isinstance(by, AbstractBaseUser) else None
