"""Rooms and shared resources the owner keeps; bookings reserve them (`book_appointment(room=...)`)."""

from django.db import transaction

from knotwork.core.policy import Actor, require
from knotwork.scheduling.models import Room


@transaction.atomic
def create_room(*, clinic, name: str, by: Actor) -> Room:
    require(by, "create_room", clinic)
    room = Room(clinic=clinic, name=name.strip())
    room.full_clean()
    room.save()
    return room


@transaction.atomic
def update_room(*, room: Room, name: str, is_active: bool, by: Actor) -> Room:
    """Rename a room or stop booking it; appointments already booked in it keep it."""
    require(by, "update_room", room)
    room.name = name.strip()
    room.is_active = is_active
    room.full_clean()
    room.save()
    return room
