"""Hooks: how a lower floor lets a higher one take part without importing it (docs/architecture.md).

The lower app declares a `Hook` in its `hooks.py` and calls it where the moment happens (a session finished, a
course about to end); the higher app registers its callback at start-up, in its `AppConfig.ready`. The lower app
never names the higher one, and a hook nobody registered for simply returns nothing, or, for a hook that needs
exactly one provider (`Hook.one`), fails loudly as a configuration error.
"""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured


class Hook:
    """A named list of callbacks, called in the order they were registered (the order of INSTALLED_APPS)."""

    def __init__(self, name: str, doc: str = "") -> None:
        self.name = name
        self.__doc__ = doc
        self._callbacks: list[Callable[..., Any]] = []

    def __repr__(self) -> str:
        return f"<Hook {self.name}: {len(self._callbacks)} callback(s)>"

    def register(self, callback: Callable[..., Any]) -> Callable[..., Any]:
        """Add a callback (once: registering it again changes nothing); returns it, so it also decorates."""
        if callback not in self._callbacks:
            self._callbacks.append(callback)
        return callback

    def unregister(self, callback: Callable[..., Any]) -> None:
        if callback in self._callbacks:
            self._callbacks.remove(callback)

    @property
    def callbacks(self) -> tuple[Callable[..., Any], ...]:
        return tuple(self._callbacks)

    def call(self, **kwargs: Any) -> list[Any]:
        """Call every callback with the same keyword arguments; return their results in order."""
        return [callback(**kwargs) for callback in self._callbacks]

    def one(self) -> Callable[..., Any]:
        """The single callback of a hook that needs exactly one provider."""
        if len(self._callbacks) != 1:
            raise ImproperlyConfigured(
                f"The hook {self.name} needs exactly one provider; {len(self._callbacks)} registered. "
                "Is the app that provides it in INSTALLED_APPS?"
            )
        return self._callbacks[0]
