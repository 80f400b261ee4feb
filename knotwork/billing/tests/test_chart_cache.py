"""The owner's revenue charts are drawn once per set of bars and read back from the cache after."""

import datetime
from decimal import Decimal

from django.core.cache import cache

from knotwork.billing import charts


def test_the_same_bars_are_drawn_once_and_new_bars_again(monkeypatch):
    cache.clear()
    drawn = []
    real = charts._draw_bar_chart
    monkeypatch.setattr(charts, "_draw_bar_chart", lambda *a, **k: drawn.append(1) or real(*a, **k))
    month = [(datetime.date(2026, 11, 1), Decimal("120.00"))]
    first = charts.revenue_chart(month, currency="USD")
    second = charts.revenue_chart(month, currency="USD")
    assert first == second
    assert first.startswith("<svg")
    assert len(drawn) == 1
    charts.revenue_chart([(datetime.date(2026, 11, 1), Decimal("130.00"))], currency="USD")
    assert len(drawn) == 2
