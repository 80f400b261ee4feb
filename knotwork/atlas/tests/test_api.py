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


def test_referrals_name_the_trigger_point_and_explain_themselves(client, db):
    rows = client.get(
        "/api/v1/atlas/referrals",
        {"region": ["right-shoulder-top", "right-temple:8", "right-side-neck", "left-heel:1"], "top": 2},
    ).json()
    first = rows[0]
    assert (first["muscle"], first["side"], first["trigger_points"]) == ("upper-trapezius", "right", ["TrP1"])
    assert first["explained_site"] == ["right-shoulder-top"]
    assert first["unexplained"] == ["left-heel"]
    assert first["worst_part_drawn"] is True
    assert first["summary"] == "Explains 3 of 4 drawn regions."


def test_referrals_on_both_sides_answer_side_both(client, db):
    regions = [f"{s}-{a}" for s in ("right", "left") for a in ("thigh-outer", "leg-outer")]
    first = client.get("/api/v1/atlas/referrals", {"region": regions, "top": 1}).json()[0]
    assert (first["muscle"], first["side"], first["unexplained"]) == ("gluteus-minimus", "both", [])


def test_muscle_detail_lists_trigger_points_with_their_own_patterns(client, db):
    body = client.get("/api/v1/atlas/muscles/sternocleidomastoid").json()
    points = {(p["label"], p["side"]): p for p in body["trigger_points"]}
    sternal, clavicular = points[("Sternal head", "right")], points[("Clavicular head", "right")]
    assert "vertex" in sternal["essential"]
    assert "vertex" not in clavicular["essential"]
    assert "right-forehead" in clavicular["essential"]
    assert "left-forehead" in clavicular["spillover"]
    assert sternal["own_pattern"]
    assert sternal["sources"]
