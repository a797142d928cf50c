"""The register's pages and the assessment pages work without JavaScript and give the same
answers as the API."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from liaison.accounts.models import Agency, User
from liaison.activities.tests.factories import ActivityFactory, LocationFactory
from liaison.security.models import AdvisoryLevel, CountryRisk, RiskAssessment
from liaison.security.tests.factories import advisory, done_assessment

CSV = (
    "country,record,level,effective_date,indicators,text,source,source_reference\n"
    "IL,advisory,3,2023-10-14,T;U,,Advisory 14 Oct 2023,\n"
    "MX,advisory,2,2018-01-10,C;K,,Advisory 10 Jan 2018,\n"
)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_list_shows_each_country_with_its_level_today_and_filters(reviewer: User) -> None:
    advisory("IL", 2, dt.date(2018, 1, 10))
    advisory("IL", 3, dt.date(2023, 10, 14), "TU")
    advisory("CA", 1, dt.date(2018, 1, 10))
    page = client_for(reviewer).get("/security/countries/").content.decode()
    assert "Israel" in page and "Level 3" in page and "Canada" in page
    filtered = client_for(reviewer).get("/security/countries/?level=3").content.decode()
    assert "Israel" in filtered and "Canada" not in filtered
    api = client_for(reviewer).get("/api/v1/security/countries", {"indicator": "T"}).json()
    assert [c["code"] for c in api["items"]] == ["IL"]
    assert api["items"][0]["current_level"] == 3


def test_a_country_page_shows_its_dated_series_and_history(
    security_officer: User, reviewer: User
) -> None:
    client_for(security_officer).post(
        "/api/v1/security/countries/import",
        {"csv": CSV, "dry_run": False},
        content_type="application/json",
    )
    page = client_for(reviewer).get("/security/countries/IL/").content.decode()
    assert "Level 3: reconsider travel" in page and "Terrorism, Civil unrest" in page
    assert "Change history" in page and "security" in page
    detail = client_for(reviewer).get("/api/v1/security/countries/il").json()
    assert detail["current"]["level"] == 3
    assert detail["history"][0]["kind"] == "added"
    assert client_for(reviewer).get("/security/countries/ZZ/").status_code == 404


def test_the_import_page_previews_then_imports(security_officer: User) -> None:
    client = client_for(security_officer)
    preview = client.post(
        "/security/countries/import/",
        {"file": SimpleUploadedFile("r.csv", CSV.encode()), "dry_run": "on"},
    )
    assert preview.status_code == 200 and "Preview: nothing saved yet" in preview.content.decode()
    assert not CountryRisk.objects.exists()
    client.post("/security/countries/import/", {"file": SimpleUploadedFile("r.csv", CSV.encode())})
    assert AdvisoryLevel.objects.count() == 2


def test_the_import_page_lists_every_bad_row_and_saves_nothing(security_officer: User) -> None:
    bad = CSV + "Atlantis,advisory,7,2020-02-30,,,,\n"
    response = client_for(security_officer).post(
        "/security/countries/import/", {"file": SimpleUploadedFile("r.csv", bad.encode())}
    )
    page = response.content.decode()
    assert response.status_code == 422 and "Nothing was saved" in page
    for words in ("Row 4, country", "Row 4, level (“7”)", "Row 4, effective_date", "Row 4, source"):
        assert words in page
    assert not CountryRisk.objects.exists()
    api = client_for(security_officer).post(
        "/api/v1/security/countries/import",
        {"csv": bad, "dry_run": False},
        content_type="application/json",
    )
    assert api.status_code == 422
    assert "rows[4].level" in api.json()["errors"]
    assert not CountryRisk.objects.exists()


def test_a_security_officer_assesses_a_location_on_its_page(
    security_officer: User, agency: Agency
) -> None:
    advisory("IL", 3, dt.date(2023, 10, 14))
    activity = ActivityFactory.create(agency=agency, status="submitted")
    location = LocationFactory.create(activity=activity, country="IL", city="Haifa")
    client = client_for(security_officer)
    detail = client.get(f"/activities/{activity.pk}/").content.decode()
    assert "No risk assessment" in detail and f"/security/locations/{location.pk}/assess/" in detail
    form = client.get(f"/security/locations/{location.pk}/assess/").content.decode()
    assert "Level 3: reconsider travel" in form
    bad = client.post(
        f"/security/locations/{location.pk}/assess/", {"decision": "proceed_with_conditions"}
    )
    assert bad.status_code == 422 and "Error:" in bad.content.decode()
    assert not RiskAssessment.objects.exists()
    client.post(
        f"/security/locations/{location.pk}/assess/",
        {"decision": "proceed", "concerns": "Rocket fire."},
    )
    assessment = RiskAssessment.objects.get()
    assert assessment.advisory_level_at_time == 3
    detail = client.get(f"/activities/{activity.pk}/").content.decode()
    assert "Level 3: reconsider travel" in detail and "Done" in detail


def test_the_gap_figure_counts_outbound_activities_without_an_assessment(
    inspector: User, security_officer: User, reviewer: User, agency: Agency
) -> None:
    assessed = ActivityFactory.create(agency=agency)
    done_assessment(LocationFactory.create(activity=assessed, country="IL"), security_officer)
    for origin in ("imported", "imported", "entered"):
        LocationFactory.create(activity=ActivityFactory.create(agency=agency, origin=origin))
    LocationFactory.create(activity=ActivityFactory.create(agency=agency), country="US")
    LocationFactory.create(
        activity=ActivityFactory.create(agency=agency, direction="inbound"), country="US"
    )
    body = client_for(inspector).get("/api/v1/security/gaps").json()
    assert body == {
        "outbound_activities": 5,
        "without_risk_assessment": 3,
        "without_risk_assessment_imported": 2,
        "without_risk_assessment_entered": 1,
    }
    assert client_for(reviewer).get("/api/v1/security/gaps").status_code == 403
