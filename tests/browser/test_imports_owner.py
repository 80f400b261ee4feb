"""An owner uploads another system's CSV export, checks the preset columns, reads the dry run and imports the good
rows."""

import pytest
from playwright.sync_api import expect

from knotwork.accounts.tests.factories import PASSWORD
from knotwork.imports.tests.generated import cliniko_csv
from knotwork.patients.models import Patient
from tests.browser.test_sign_in_security import code_now

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_owner_imports_the_good_rows_of_a_cliniko_export(
    page, owner, clinic_a, tmp_path, screenshot, axe_violations
):
    export = tmp_path / "cliniko-patients.csv"
    export.write_bytes(cliniko_csv(total=20, bad=2))

    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(owner.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Code").fill(code_now())
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()

    page.goto("/import/")
    page.get_by_label("Export file").set_input_files(str(export))
    page.get_by_role("button", name="Upload and check").click()

    expect(page.get_by_role("heading", name="Match the columns of cliniko-patients.csv")).to_be_visible()
    expect(page.get_by_label("First name")).to_have_value("First Name")
    expect(page.get_by_label("Date of birth")).to_have_value("Date of Birth")
    expect(page.get_by_label("Phone")).to_have_value("Mobile")
    assert not axe_violations(page)
    page.get_by_role("button", name="See what will be imported").click()

    expect(page.get_by_text("18 to create")).to_be_visible()
    problem = page.get_by_role("row").filter(has_text="First name is empty")
    expect(problem).to_contain_text("Problem")
    assert not axe_violations(page)
    screenshot(page, "imports-dry-run")

    page.get_by_role("button", name="Import").click()
    expect(page.get_by_text("2 rows have problems, so nothing was imported")).to_be_visible()
    assert Patient.objects.count() == 0

    page.get_by_label("Import the good rows only").check()
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("heading", name="Import of cliniko-patients.csv")).to_be_visible()
    expect(page.get_by_text("18 created, 0 updated").first).to_be_visible()
    assert Patient.objects.filter(clinic=clinic_a).count() == 18
    screenshot(page, "imports-done")
