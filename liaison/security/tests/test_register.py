"""The country risk register: the dated series, and its all-or-nothing idempotent import."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from liaison.accounts.models import User
from liaison.core.errors import Forbidden
from liaison.security.models import AdvisoryLevel, CountryRisk, HumanRightsConcern
from liaison.security.selectors import advisory_level_on
from liaison.security.services import country_advisory_add, country_risk_import
from liaison.security.tests.factories import advisory

HEADER = "country,record,level,effective_date,indicators,text,source,source_reference\n"
GOOD = HEADER + (
    'IL,advisory,2,2019-05-01,T,,"U.S. Department of State travel advisory, 1 May 2019",\n'
    'IL,advisory,3,2023-10-14,T;U,,"U.S. Department of State travel advisory, 14 Oct 2023",'
    "https://travel.state.gov/example\n"
    'Mexico,advisory,2,2018-01-10,C;K,,"U.S. Department of State travel advisory, 10 Jan 2018",\n'
    'MX,concern,,,,Reports of enforced disappearances.,"Country Reports on Human Rights '
    'Practices 2022",\n'
)


def history_rows() -> int:
    return sum(
        m.history.count()  # type: ignore[attr-defined]
        for m in (CountryRisk, AdvisoryLevel, HumanRightsConcern)
    )


def test_the_level_on_a_past_date_is_the_one_then_in_force(db: None) -> None:
    advisory("IL", 2, dt.date(2019, 5, 1))
    advisory("IL", 3, dt.date(2023, 10, 14))
    assert advisory_level_on("IL", dt.date(2019, 4, 30)) is None
    level = advisory_level_on("IL", dt.date(2020, 1, 1))
    assert level is not None and level.level == 2
    assert advisory_level_on("IL", dt.date(2023, 10, 14)).level == 3  # type: ignore[union-attr]
    assert advisory_level_on("il", dt.date(2025, 1, 1)).level == 3  # type: ignore[union-attr]


def test_a_security_officer_imports_a_file_with_a_dated_series(security_officer: User) -> None:
    result = country_risk_import(actor=security_officer, file=GOOD)
    assert result.counts == {"create": 4, "update": 0, "unchanged": 0}
    assert list(
        AdvisoryLevel.objects.filter(country_risk__country="IL")
        .order_by("effective_date")
        .values_list("level", "indicators")
    ) == [(2, "T"), (3, "TU")]
    assert HumanRightsConcern.objects.get().country_risk.country == "MX"
    assert AdvisoryLevel.objects.get(country_risk__country="MX").indicators == "CK"
    entry = CountryRisk.objects.get(country="IL")
    assert entry.history.get().history_user == security_officer  # type: ignore[attr-defined]


def test_importing_the_same_file_again_changes_nothing_and_writes_no_history(
    security_officer: User,
) -> None:
    country_risk_import(actor=security_officer, file=GOOD)
    before = history_rows()
    result = country_risk_import(actor=security_officer, file=GOOD)
    assert result.counts == {"create": 0, "update": 0, "unchanged": 4}
    assert history_rows() == before


def test_a_dry_run_previews_and_saves_nothing(security_officer: User) -> None:
    result = country_risk_import(actor=security_officer, file=GOOD, dry_run=True)
    assert result.dry_run and result.counts["create"] == 4
    assert CountryRisk.objects.count() == 0 and history_rows() == 0


@pytest.mark.parametrize(
    ("row", "key", "words"),
    [
        ("XX,advisory,2,2020-01-01,,,Advisory 2020,", "rows[3].country", "unknown country"),
        ("FR,advisory,7,2020-01-01,,,Advisory 2020,", "rows[3].level", "“7”"),
        ("FR,advisory,2,2020-13-01,,,Advisory 2020,", "rows[3].effective_date", "not a date"),
        ("FR,advisory,2,2020-01-01,,,,", "rows[3].source", "missing source"),
        ("FR,advisory,2,2020-01-01,Z,,Advisory 2020,", "rows[3].indicators", "unknown indicator"),
        ("FR,concern,,,,,Advisory 2020,", "rows[3].text", "needs its text"),
    ],
)
def test_one_bad_row_saves_nothing_and_names_row_column_value_and_why(
    security_officer: User, row: str, key: str, words: str
) -> None:
    text = HEADER + "IL,advisory,2,2019-05-01,T,,Advisory 2019,\n" + row + "\n"
    with pytest.raises(ValidationError) as caught:
        country_risk_import(actor=security_officer, file=text)
    messages = caught.value.message_dict
    assert list(messages) == [key]
    assert words in messages[key][0] and messages[key][0].startswith("Row 3, ")
    assert CountryRisk.objects.count() == 0 and AdvisoryLevel.objects.count() == 0


def test_a_changed_row_is_one_history_row(security_officer: User) -> None:
    country_risk_import(actor=security_officer, file=GOOD)
    before = history_rows()
    changed = GOOD.replace("IL,advisory,3,2023-10-14,T;U", "IL,advisory,4,2023-10-14,T;U")
    result = country_risk_import(actor=security_officer, file=changed)
    assert result.counts == {"create": 0, "update": 1, "unchanged": 3}
    assert history_rows() == before + 1
    assert advisory_level_on("IL", dt.date(2024, 1, 1)).level == 4  # type: ignore[union-attr]


@pytest.mark.parametrize("persona", ["clerk", "commander", "inspector", "employee_user"])
def test_only_security_officers_and_administrators_import(
    persona: str, request: pytest.FixtureRequest
) -> None:
    with pytest.raises(Forbidden):
        country_risk_import(actor=request.getfixturevalue(persona), file=GOOD)
    assert CountryRisk.objects.count() == 0


def test_an_administrator_imports_too(administrator: User) -> None:
    country_risk_import(actor=administrator, file=GOOD)
    assert CountryRisk.objects.count() == 2


def test_adding_level_7_is_refused_naming_the_field(security_officer: User) -> None:
    with pytest.raises(ValidationError) as caught:
        country_advisory_add(
            actor=security_officer,
            country="IL",
            level=7,
            effective_date=dt.date(2024, 1, 1),
            source_name="Advisory",
        )
    assert "level" in caught.value.message_dict
    assert CountryRisk.objects.count() == 0


def test_the_command_imports_and_refuses_a_bad_file(db: None, tmp_path: object) -> None:
    from pathlib import Path

    folder = Path(str(tmp_path))
    good = folder / "good.csv"
    good.write_text(GOOD)
    out = StringIO()
    call_command("import_country_risk", str(good), "--dry-run", stdout=out)
    assert "Would add 4" in out.getvalue() and CountryRisk.objects.count() == 0
    call_command("import_country_risk", str(good), stdout=out)
    assert AdvisoryLevel.objects.count() == 3
    bad = folder / "bad.csv"
    bad.write_text(HEADER + "Atlantis,advisory,7,2020-01-01,,,,\n")
    with pytest.raises(CommandError, match="Row 2, country"):
        call_command("import_country_risk", str(bad))
    assert AdvisoryLevel.objects.count() == 3
