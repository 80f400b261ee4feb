import pytest


def test_muscle_list_is_public_and_filters_by_name_and_region(client, db):
    everything = client.get("/api/v1/atlas/muscles").json()
    assert len(everything) >= 80
    by_name = client.get("/api/v1/atlas/muscles", {"q": "glute"}).json()
    assert {m["id"] for m in by_name} >= {"gluteus-minimus", "gluteus-medius", "gluteus-maximus"}
    calf = {m["id"] for m in client.get("/api/v1/atlas/muscles", {"region": "left-calf"}).json()}
    assert "soleus" in calf
    assert "masseter" not in calf


def test_muscle_detail_has_sites_with_coordinates_zones_and_sources(client, db):
    body = client.get("/api/v1/atlas/muscles/piriformis").json()
    assert body["name"].startswith("Piriformis")
    assert {s["side"] for s in body["sites"]} == {"right", "left"}
    assert all(0 <= s["x"] <= 400 and 0 <= s["y"] <= 1000 for s in body["sites"])
    assert "right-buttock" in body["referral"]["right"]["essential"]
    assert body["sources"]


def test_unknown_muscle_is_404_problem(client, db):
    response = client.get("/api/v1/atlas/muscles/not-a-muscle")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_referrals_rank_with_reasons(client, db):
    rows = client.get(
        "/api/v1/atlas/referrals",
        {"region": ["right-buttock", "right-thigh-outer:8", "right-knee-outer", "right-leg-outer"], "top": 3},
    ).json()
    assert rows[0]["muscle"] == "gluteus-minimus"
    assert rows[0]["side"] == "right"
    assert set(rows[0]["explained"]) == {"right-buttock", "right-thigh-outer", "right-knee-outer", "right-leg-outer"}
    assert len(rows) == 3


@pytest.mark.parametrize(
    ("params", "field", "detail"),
    [
        ({}, "region", "Field required"),
        ({"region": "right-kneee"}, "region", "Unknown body region: right-kneee"),
        ({"region": "right-knee-outer:12"}, "region", "0 to 10"),
        ({"region": "right-knee-outer", "top": 0}, "top", "greater than or equal to 1"),
        ({"region": "right-knee-outer", "top": "many"}, "top", "valid integer"),
    ],
)
def test_bad_referral_input_is_422_naming_the_field(client, db, params, field, detail):
    response = client.get("/api/v1/atlas/referrals", params)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors[0]["field"] == field
    assert detail in errors[0]["message"]


def test_unknown_region_filter_is_422(client, db):
    assert client.get("/api/v1/atlas/muscles", {"region": "moon"}).status_code == 422
