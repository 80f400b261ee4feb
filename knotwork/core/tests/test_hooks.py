import pytest
from django.core.exceptions import ImproperlyConfigured

from knotwork.core.hooks import Hook


def test_a_hook_calls_its_callbacks_in_order_with_the_same_arguments():
    hook = Hook("test.moment")
    hook.register(lambda *, n: n + 1)
    hook.register(lambda *, n: n * 10)
    assert hook.call(n=2) == [3, 20]


def test_registering_a_callback_twice_calls_it_once_and_a_hook_without_callbacks_returns_nothing():
    hook = Hook("test.moment")
    assert hook.call(n=1) == []
    calls = []

    @hook.register
    def record(*, n):
        calls.append(n)

    hook.register(record)
    hook.call(n=5)
    assert calls == [5]
    hook.unregister(record)
    assert hook.callbacks == ()


def test_a_hook_that_needs_one_provider_refuses_none_or_two():
    hook = Hook("test.provider")
    with pytest.raises(ImproperlyConfigured, match="exactly one provider; 0 registered"):
        hook.one()
    hook.register(str)
    assert hook.one() is str
    hook.register(repr)
    with pytest.raises(ImproperlyConfigured, match="2 registered"):
        hook.one()
