"""Who an audit entry names as acting, and the context that says so for entries written without an explicit actor.

Change entries are written by django-auditlog's model registration, which cannot see a service's `by=`. They take
their actor from the innermost of: `acting_as(...)` (a task, a command, a patient's link), the request's signed-in
user (set by `AuditContextMiddleware`), else "system". Read entries name their actor explicitly (`record_view`).
"""

import contextlib
import dataclasses
from collections.abc import Iterator
from contextvars import ContextVar

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models

from knotwork.core.policy import Actor, PatientLinkActor, SystemActor


class ActorKind(models.TextChoices):
    STAFF = "staff", "staff"  # a signed-in staff user (browser or API session)
    PATIENT_LINK = "patient_link", "patient link"  # a patient through their private link; never the token
    API_KEY = "api_key", "API key"  # an integration's key (issue 15): `actor_ref` names the key, never its secret
    SYSTEM = "system", "system"  # Knotwork itself: the task worker, a management command, an automatic consequence


@dataclasses.dataclass(frozen=True)
class ActorFields:
    """The actor columns of an entry."""

    kind: str
    label: str
    ref: str = ""
    user: AbstractBaseUser | None = None

    def as_entry_fields(self) -> dict:
        return {
            "actor": self.user,
            "actor_email": getattr(self.user, "email", None),
            "actor_kind": self.kind,
            "actor_label": self.label[:200],
            "actor_ref": self.ref[:64],
        }


SYSTEM = ActorFields(kind=ActorKind.SYSTEM, label="system")


def describe(by: Actor) -> ActorFields:
    """The actor columns for a service's `by=`; an actor Knotwork does not know yet is a programming error."""
    if isinstance(by, AbstractBaseUser):
        key = getattr(by, "acting_api_key", None)  # set by the API's key authentication (accounts.api_auth)
        if key is not None:
            return ActorFields(kind=ActorKind.API_KEY, label=f"API key “{key.name}”", ref=f"key {key.prefix}", user=by)
        return ActorFields(kind=ActorKind.STAFF, label=by.email or str(by), user=by)
    if isinstance(by, SystemActor):
        return ActorFields(kind=ActorKind.SYSTEM, label=f"system: {by.name}")
    if isinstance(by, PatientLinkActor):
        purpose = getattr(by, "purpose", "")
        return ActorFields(
            kind=ActorKind.PATIENT_LINK,
            label=f"patient link ({purpose})" if purpose else "patient link",
            ref=f"link {by.link_id}" if by.link_id is not None else "",
        )
    raise TypeError(f"The audit trail cannot name a {type(by).__name__} as actor; add it to audit.actors.describe.")


@dataclasses.dataclass(frozen=True)
class RequestContext:
    """What the middleware knows of the request an entry is written in."""

    user: AbstractBaseUser | None = None
    remote_addr: str | None = None
    remote_port: int | None = None
    # The request itself: an API call's user is known only once its key is checked, after the middleware ran.
    request: object | None = None


_request: ContextVar[RequestContext | None] = ContextVar("knotwork_audit_request", default=None)
_acting: ContextVar[Actor | None] = ContextVar("knotwork_audit_acting", default=None)


@contextlib.contextmanager
def request_context(context: RequestContext) -> Iterator[None]:
    token = _request.set(context)
    try:
        yield
    finally:
        _request.reset(token)


def current_request() -> RequestContext:
    return _request.get() or RequestContext()


@contextlib.contextmanager
def acting_as(by: Actor) -> Iterator[None]:
    """Name `by` as the actor of the change entries written inside the block (a task, a command, a patient link)."""
    describe(by)  # refuse an unknown actor here, not at the first write
    token = _acting.set(by)
    try:
        yield
    finally:
        _acting.reset(token)


def implicit_actor() -> ActorFields:
    """The actor of an entry written without one: `acting_as`, else the request's user, else the system."""
    acting = _acting.get()
    if acting is not None:
        return describe(acting)
    context = current_request()
    user = context.user
    if user is None and getattr(context.request, "api_key", None) is not None:
        user = context.request.user  # type: ignore[attr-defined]  # set with the key by accounts.api_auth
    if user is not None:
        return describe(user)
    return SYSTEM


# Tokens of the running tasks' actor context, by task result id (start and finish are separate signals).
_running_tasks: dict[str, object] = {}


def task_started(sender, task_result, **kwargs) -> None:
    """Entries a task writes name it ("system: task send_check_in_task"); connected in AuditConfig.ready."""
    _running_tasks[task_result.id] = _acting.set(SystemActor(f"task {task_result.task.name}"))


def task_finished(sender, task_result, **kwargs) -> None:
    token = _running_tasks.pop(task_result.id, None)
    if token is not None:
        _acting.reset(token)
