from django.urls import reverse

from knotwork.atlas.catalog import get_atlas


def test_atlas_pages_need_a_signed_in_staff_member(client, db):
    response = client.get(reverse("atlas:list"))
    assert response.status_code == 302


def test_atlas_home_shows_how_many_muscles_and_sites_it_holds(practitioner_client):
    atlas = get_atlas()
    page = practitioner_client.get(reverse("atlas:list"))
    assert f"{len(atlas.muscles)} muscles and {atlas.site_count} trigger point sites" in page.text


def test_atlas_search_by_name_and_region(practitioner_client):
    by_name = practitioner_client.get(reverse("atlas:list"), {"q": "trapezius"})
    assert "Upper trapezius" in by_name.text
    assert "Soleus" not in by_name.text
    by_region = practitioner_client.get(reverse("atlas:list"), {"region": "right-heel"})
    assert "Soleus" in by_region.text
    assert "Masseter" not in by_region.text


def test_muscle_page_shows_map_notes_and_safety(practitioner_client):
    page = practitioner_client.get(reverse("atlas:detail", args=["scalenes"]))
    assert page.status_code == 200
    assert 'data-zone="essential"' in page.text
    assert 'class="bm-site"' in page.text
    assert "Dry needling safety" in page.text
    assert "pneumothorax" in page.text.lower()
    assert practitioner_client.get(reverse("atlas:detail", args=["nope"])).status_code == 404


def test_referral_page_ranks_the_drawing_and_shows_why(front_desk_client):
    url = reverse("atlas:refer")
    page = front_desk_client.get(
        url, {"r": ["right-buttock:6:ache", "right-thigh-outer:7:ache", "right-leg-outer:5:ache"]}
    )
    assert "Gluteus minimus" in page.text
    assert "explains right buttock" in page.text
    assert page.text.count('data-intensity="7"') >= 2  # the outer thigh shows on both views


def test_referral_page_fragment_for_htmx(practitioner_client):
    page = practitioner_client.get(
        reverse("atlas:refer"), {"r": "right-calf:5:ache"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="referral-results"
    )
    assert 'id="referral-results"' in page.text
    assert "<header" not in page.text


def test_tingling_in_a_limb_is_flagged_as_possible_nerve_involvement(practitioner_client):
    page = practitioner_client.get(
        reverse("atlas:refer"), {"r": ["left-forearm-back:4:tingling", "left-back-neck:5:ache"]}
    )
    assert "Possible nerve involvement" in page.text
    calm = practitioner_client.get(reverse("atlas:refer"), {"r": "left-back-neck:5:tingling"})
    assert "Possible nerve involvement" not in calm.text


def test_the_list_alternative_adds_a_region(practitioner_client):
    response = practitioner_client.get(
        reverse("atlas:refer"),
        {"r": "right-calf:5:ache", "add_region": "1", "add": "right-heel", "add_intensity": 8, "add_quality": "sharp"},
    )
    assert response.status_code == 302
    assert "r=right-calf%3A5%3Aache" in response["Location"]
    assert "r=right-heel%3A8%3Asharp" in response["Location"]


def test_bad_drawing_input_is_explained_not_a_500(practitioner_client):
    page = practitioner_client.get(reverse("atlas:refer"), {"r": ["right-calf:99", "moon:3", "right-heel:4:ache"]})
    assert page.status_code == 200
    assert "intensity must be a whole number from 0 to 10" in page.text
    assert "Unknown body region &#x27;moon&#x27;" in page.text
    assert "Soleus" in page.text
