"""The site's icon: every page links the Knotwork mark, and /favicon.ico answers instead of a 404."""

import re

from django.test import RequestFactory
from django.urls import reverse

from knotwork.core.views import favicon


def test_pages_link_the_knotwork_mark_as_their_icon(client):
    page = client.get(reverse("account_login")).content.decode()
    assert re.search(r'<link rel="icon" href="[^"]*img/knotwork-mark[^"]*\.svg" type="image/svg\+xml">', page)


def test_the_favicon_view_sends_browsers_to_the_mark():
    response = favicon(RequestFactory().get("/favicon.ico"))
    assert response.status_code == 301
    assert response["Location"].endswith("img/knotwork-mark.svg")
    assert "max-age=86400" in response["Cache-Control"]


def test_favicon_ico_answers_without_a_404(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("img/knotwork-mark.svg")
