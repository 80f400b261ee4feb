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


def test_the_differential_explains_each_suggestion_instead_of_showing_a_score(practitioner_client):
    page = practitioner_client.get(
        reverse("atlas:refer"), {"r": ["right-shoulder-top:6:ache", "right-temple:7:ache", "right-side-neck:5:ache"]}
    )
    results = page.text.partition('id="referral-results"')[2].partition('id="muscle-panel"')[0]
    assert "score" not in results.lower()
    ranked = results.partition('class="referrals"')[2]
    first = ranked.partition("</li>")[0]
    assert "Upper trapezius" in first
    assert "Explains all 3 drawn regions." in first
    assert "The worst part of its pattern is drawn." in first
    assert "Trigger point: TrP1" in first
    assert "explains right side of the neck, right temple (essential zone)" in first
    site = "explains right top of the shoulder (ridge between neck and shoulder) (pain over the trigger point itself)"
    assert site in first
    assert "does not explain" not in first
    second = ranked.partition("</li>")[2].partition("</li>")[0]
    assert "partly explains" in second or "does not explain" in second


def test_the_differential_says_which_drawn_regions_a_suggestion_does_not_explain(practitioner_client):
    page = practitioner_client.get(reverse("atlas:refer"), {"r": ["right-temple:7:ache", "right-heel:5:ache"]})
    first = page.text.partition('class="referrals"')[2].partition("</li>")[0]
    assert "Explains 1 of 2 drawn regions." in first
    assert ("does not explain right heel" in first) != ("does not explain right temple" in first)


def test_a_drawing_on_both_sides_is_suggested_on_both_sides(practitioner_client):
    drawing = [f"{side}-{area}:7:ache" for side in ("right", "left") for area in ("thigh-outer", "leg-outer")]
    page = practitioner_client.get(reverse("atlas:refer"), {"r": drawing})
    first = page.text.partition('class="referrals"')[2].partition("</li>")[0]
    assert "Gluteus minimus" in first
    assert "(both sides)" in first
    assert "does not explain" not in first
    panel = practitioner_client.get(reverse("atlas:refer"), {"r": drawing, "muscle": "gluteus-minimus", "side": "both"})
    assert 'Gluteus minimus <span class="muted">(both sides)' in panel.text
    assert panel.text.count("bm-site") >= 4  # both sides' points on the panel map


def test_the_muscle_page_lists_each_trigger_point_with_its_own_pattern(practitioner_client):
    page = practitioner_client.get(reverse("atlas:detail", args=["gluteus-minimus"]))
    section = page.text.partition('id="trigger-points"')[2].partition("</section>")[0]
    anterior = section.partition('data-trigger-point="Anterior"')[2].partition("</li>")[0]
    posterior = section.partition('data-trigger-point="Posterior"')[2].partition("</li>")[0]
    assert "Essential: right outer lower leg, right outer thigh" in anterior.replace("right outer knee, ", "")
    assert "right back of the thigh" in posterior
    assert "right back of the thigh" not in anterior
    one = practitioner_client.get(reverse("atlas:detail", args=["gluteus-minimus"]), {"point": "Posterior"})
    assert "Posterior: its referral zones" in one.text
    map_part = one.text.partition('id="muscle-map"')[2].partition("</div>")[0]
    assert 'data-region="right-calf" data-zone="essential"' in map_part
    assert 'data-region="right-leg-outer" data-zone' not in map_part
    assert map_part.count('class="bm-site"') == 1


def test_the_muscle_page_shows_both_sides_and_ignores_an_unknown_point(practitioner_client):
    page = practitioner_client.get(reverse("atlas:detail", args=["scalenes"]), {"side": "both", "point": "nope"})
    assert page.status_code == 200
    assert "(both sides)" in page.text
    assert 'data-region="left-arm-back" data-zone="essential"' in page.text
    assert 'data-region="right-arm-back" data-zone="essential"' in page.text


def test_the_explanation_component_renders_for_other_pages():
    from django.template import Context, Template

    from knotwork.atlas.selectors import rank_referrals

    suggestion = rank_referrals({"right-low-back": 7})[0]
    html = Template("{% load body_map %}{% referral_why s %}").render(Context({"s": suggestion}))
    assert "Explains the drawn region." in html
    assert "explains right low back beside the spine (lumbar) (essential zone)" in html
