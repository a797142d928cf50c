#!/usr/bin/env python
"""Fill the configured database with a synthetic registry, quickly, for bench/registry.py.

    python bench/generate.py [--activities 1000000] [--participations 3000000]
                             [--agencies 3] [--employees 50000] [--seed 1]
                             [--append | --reset] [--fts rebuild|triggers]

The database comes from the environment exactly as for the application (``DATABASE_URL``
selects PostgreSQL; SQLite at var/liaison.sqlite3 otherwise); migrate it first.

Reference data (agencies, categories, topics, organisations, employees, external persons
and the ``bench`` user) goes through the ORM and is reused on later runs. The bulk — the
activities, their locations, participations and topic links — bypasses the ORM: COPY on
PostgreSQL, ``executemany`` in large transactions on SQLite. Neither writes history rows:
this is a read benchmark, and history is not read by the list or the search.

Secondary indexes are dropped before a bulk load that at least doubles a table and
recreated from their own stored definitions afterwards (what pg_restore does): building
an index once from sorted data is several times faster than maintaining it row by row.
On SQLite the FTS5 triggers are likewise dropped and the index rebuilt in one pass
(``--fts triggers`` keeps them firing instead; see bench/README.md for the measurement).

Distributions are meant to look like a real registry: 2014 to 2024, more activities in later
years and fewer in 2020-21, ~60 host countries with Canada, the UK, Israel, France and
Mexico on top, 12 categories of unequal size, 1 to 3 locations, mostly completed. Purposes
are drawn from a Zipf-distributed vocabulary so that ``COMMON_WORD`` matches about one
activity in eight and ``RARE_WORD`` fewer than one in a thousand.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import itertools
import os
import random
import sys
import time
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def bootstrap_django() -> None:
    """Make ``liaison`` importable and configured when run as ``python bench/…``."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liaison.settings")
    import django

    django.setup()


# --------------------------------------------------------------------------- vocabulary
# Fixed (not seeded) so the words registry.py searches for exist in every generated
# registry, whatever --seed was.

DOMAIN_WORDS = (  # noqa: SIM905 (a word list reads better as prose)
    "police training international cooperation officers exchange practices methods "
    "criminal analysis procedures command management operations response community "
    "safety evidence units public leadership investigation cyber forensic narcotics "
    "trafficking terrorism intelligence border crisis negotiation tactical patrol "
    "surveillance detection prevention violence domestic juvenile gang organised "
    "financial fraud laundering corruption homicide kidnapping hostage riot crowd "
    "control firearms weapons explosives bomb disposal canine marine aviation traffic "
    "collision reconstruction fingerprint dna ballistics digital mobile device "
    "extraction encryption darknet cryptocurrency ransomware phishing child exploitation "
    "victim support witness protection interview interrogation informant undercover "
    "wiretap warrant prosecution courtroom testimony ethics integrity accountability "
    "oversight complaints misconduct deescalation mental health crisis intervention "
    "homeless outreach school resource youth diversion restorative justice probation "
    "parole corrections jail custody transport extradition interpol europol "
    "mutual legal assistance treaty liaison attache embassy consulate delegation "
    "protocol dignitary protection motorcade event security stadium airport seaport "
    "customs immigration smuggling migrant asylum document forgery identity biometrics "
    "facial recognition licence plate reader bodyworn camera drone robotics dispatch "
    "emergency radio interoperability incident system mass casualty disaster flood "
    "earthquake wildfire evacuation shelter recovery resilience infrastructure "
    "critical energy pipeline railway transit subway bus tunnel bridge chemical "
    "biological radiological nuclear hazardous materials decontamination medic "
    "tourniquet firstaid fitness wellness stress resilience peer counselling chaplain "
    "recruitment retention diversity inclusion gender women supervisors sergeants "
    "lieutenants captains executives academy curriculum instructor certification "
    "standards accreditation policy reform budget procurement fleet facilities"
).split()


def _pseudo_words(count: int, *, exclude: set[str]) -> list[str]:
    """Pronounceable made-up words: the long tail of a real vocabulary (place names,
    surnames, jargon) that makes some searches match only a handful of records."""
    rng = random.Random(20141231)
    onsets = "b c d f g h j k l m n p r s t v z br dr kr pl st tr gr".split()  # noqa: SIM905
    vowels = "a e i o u ai ou".split()  # noqa: SIM905
    codas = ["", "", "n", "r", "l", "s", "m", "x"]
    seen = set(exclude)
    words: list[str] = []
    while len(words) < count:
        word = "".join(
            rng.choice(onsets) + rng.choice(vowels) + rng.choice(codas)
            for _ in range(rng.randint(2, 3))
        )
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


def _dedupe(words: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(words))


VOCABULARY = _dedupe(DOMAIN_WORDS) + _pseudo_words(6000, exclude=set(DOMAIN_WORDS))
# Zipf (s ≈ 1.07): rank 1 is in most purposes, rank 6000 in a few hundred of a million.
VOCABULARY_CW = list(
    itertools.accumulate(1 / (rank**1.07) for rank in range(1, len(VOCABULARY) + 1))
)
COMMON_WORD = VOCABULARY[21]  # ≈ 1 activity in 8
SECOND_WORD = VOCABULARY[90]  # ≈ 1 in 40; with COMMON_WORD for the two-word search
RARE_WORD = VOCABULARY[3000]  # ≈ 1 in 1,500

CATEGORIES: tuple[tuple[str, str, int], ...] = (  # name, slug, relative size
    ("Investigations", "investigations", 16),
    ("Cybercrime", "cybercrime", 12),
    ("Counter-terrorism", "counter-terrorism", 10),
    ("Narcotics", "narcotics", 10),
    ("Leadership and management", "leadership", 9),
    ("Forensics", "forensics", 9),
    ("Community policing", "community-policing", 8),
    ("Tactical operations", "tactical", 7),
    ("Intelligence", "intelligence", 7),
    ("Human trafficking", "human-trafficking", 5),
    ("Financial crime", "financial-crime", 4),
    ("Traffic safety", "traffic-safety", 3),
)
BENCH_CATEGORY = "forensics"  # a mid-sized category for the category + year filter

# Host countries: a handful of close partners, a long tail of others.
COUNTRIES: tuple[tuple[str, int], ...] = (
    ("CA", 120),
    ("GB", 100),
    ("IL", 80),
    ("FR", 70),
    ("MX", 70),
    ("DE", 40),
    ("NL", 30),
    ("ES", 30),
    ("IT", 30),
    ("AU", 28),
    ("JP", 20),
    ("KR", 18),
    ("CO", 18),
    ("BR", 15),
    ("IE", 15),
    ("BE", 14),
    ("SE", 12),
    ("NO", 10),
    ("DK", 10),
    ("FI", 8),
    ("PL", 10),
    ("CZ", 6),
    ("AT", 8),
    ("CH", 10),
    ("PT", 8),
    ("GR", 7),
    ("TR", 8),
    ("AE", 10),
    ("SA", 6),
    ("JO", 7),
    ("EG", 5),
    ("MA", 5),
    ("KE", 5),
    ("ZA", 6),
    ("NG", 4),
    ("GH", 3),
    ("IN", 8),
    ("PK", 3),
    ("TH", 6),
    ("PH", 6),
    ("SG", 8),
    ("MY", 4),
    ("ID", 4),
    ("VN", 3),
    ("TW", 4),
    ("HK", 4),
    ("NZ", 8),
    ("AR", 5),
    ("CL", 5),
    ("PE", 4),
    ("PA", 5),
    ("GT", 5),
    ("SV", 5),
    ("HN", 4),
    ("CR", 4),
    ("DO", 4),
    ("JM", 3),
    ("UA", 4),
    ("RO", 3),
    ("EE", 3),
)
CITIES: dict[str, tuple[str, ...]] = {
    "CA": ("Ottawa", "Toronto", "Vancouver", "Montreal", "Calgary"),
    "GB": ("London", "Manchester", "Bramshill", "Edinburgh", "Belfast"),
    "IL": ("Jerusalem", "Tel Aviv", "Haifa"),
    "FR": ("Paris", "Lyon", "Marseille"),
    "MX": ("Mexico City", "Guadalajara", "Monterrey", "Tijuana"),
    "DE": ("Berlin", "Wiesbaden", "Munich"),
    "NL": ("The Hague", "Amsterdam"),
}
DIRECTIONS = (("outbound", 45), ("inbound", 25), ("foreign_trainers", 15), ("virtual", 15))
KINDS = (
    ("course", 35),
    ("seminar", 20),
    ("conference", 20),
    ("exchange", 10),
    ("site_visit", 10),
    ("convention", 5),
)
STATUSES = (
    ("completed", 70),
    ("closed", 10),
    ("approved", 6),
    ("cancelled", 5),
    ("denied", 3),
    ("submitted", 3),
    ("draft", 3),
)
YEARS = (
    (2014, 6),
    (2015, 7),
    (2016, 8),
    (2017, 9),
    (2018, 10),
    (2019, 11),
    (2020, 4),
    (2021, 6),
    (2022, 10),
    (2023, 12),
    (2024, 13),
)
DURATIONS = ((0, 15), (1, 15), (2, 15), (4, 25), (9, 15), (13, 10), (27, 5))
LOCATION_COUNTS = ((1, 70), (2, 22), (3, 8))
TOPIC_COUNTS = ((0, 10), (1, 25), (2, 30), (3, 25), (4, 10))
ADJECTIVES = (
    "Advanced",
    "Basic",
    "International",
    "Regional",
    "Annual",
    "Joint",
    "Executive",
    "Specialised",
    "Introductory",
    "Practical",
)
KIND_TITLES = {
    "course": "course",
    "seminar": "seminar",
    "conference": "conference",
    "exchange": "exchange",
    "site_visit": "site visit",
    "convention": "convention",
}
FIRST_NAMES = (  # noqa: SIM905
    "James Maria Robert Linda Michael Sarah David Karen Daniel Ana Thomas Laura "
    "Carlos Emily Mark Rachel Paul Sofia Kevin Nadia Brian Grace Luis Hannah "
    "Steven Olivia Jason Chloe Eric Fatima"
).split()
LAST_NAMES = (  # noqa: SIM905
    "Smith Garcia Johnson Nguyen Brown Martinez Davis Lopez Miller Wilson Kim "
    "Anderson Taylor Thomas Hernandez Moore Martin Jackson Lee Perez White Harris "
    "Clark Lewis Robinson Walker Young Allen King Wright Cohen Levi Dubois "
    "Moreau"
).split()
RANKS = ("Officer", "Detective", "Sergeant", "Lieutenant", "Captain", "Commander", "")
ORG_KINDS = (
    ("National Police", "police"),
    ("Police Academy", "academic"),
    ("Ministry of the Interior", "ministry"),
    ("Border Guard", "police"),
    ("Forensic Institute", "academic"),
    ("Gendarmerie", "military"),
    ("Counter-Terrorism Centre", "intelligence"),
    ("Police Foundation", "foundation"),
    ("Security Training Ltd", "company"),
    ("Institute of Criminology", "academic"),
)

BENCH_USERNAME = "bench"
BENCH_ORI_PREFIX = "BX"  # agencies BX0000001… so a bench run recognises its own
ACTIVITY_TABLES = (
    "activities_participation",
    "activities_location",
    "activities_activity_topics",
    "activities_activity",
)
HISTORY_TABLES = (
    "activities_historicalparticipation",
    "activities_historicallocation",
    "activities_historicalactivity_topics",
    "activities_historicalactivity",
)
FTS_TABLE = "activities_activity_fts"


def _table(pairs: Sequence[tuple[Any, int]]) -> tuple[list[Any], list[int]]:
    """Values and cumulative weights, the fast form for ``random.choices``."""
    return [v for v, _ in pairs], list(itertools.accumulate(w for _, w in pairs))


# --------------------------------------------------------------------------- reference data


@dataclass
class Reference:
    """The ids the bulk generator draws from, per agency where it matters."""

    agency_ids: list[int]
    agency_cw: list[int]
    category_ids: list[int]
    category_cw: list[int]
    topic_ids: list[int]
    topic_names: dict[int, str]
    orgs_by_country: dict[str, list[int]]
    all_org_ids: list[int]
    employees: dict[int, tuple[list[int], list[float]]] = field(default_factory=dict)
    externals: dict[int, list[int]] = field(default_factory=dict)
    bench_user_id: int = 0


def ensure_reference(*, agencies: int, employees: int, rng: random.Random) -> Reference:
    """Create what is missing of the reference data and return the ids of all of it.

    Idempotent: an --append run finds the agencies, employees… of the first run by their
    bench keys (ORI ``BX…``, serial ``B…``) and adds only what a larger option asks for."""
    from liaison.accounts.models import Agency, Role, RoleGrant, User
    from liaison.activities.models import Category, Topic
    from liaison.people.models import Employee, ExternalPerson, Organisation

    agency_objs = []
    for i in range(1, agencies + 1):
        agency, _ = Agency.objects.get_or_create(
            ori_code=f"{BENCH_ORI_PREFIX}{i:07d}",
            defaults={"name": f"Bench Police Department {i}", "state": "CA"},
        )
        agency_objs.append(agency)
    # The first agency is the big one (the department under test), the others smaller.
    agency_weights = [6] + [max(1, 4 // i) for i in range(1, agencies)]

    existing_cats = {c.slug: c for c in Category.objects.all()}
    Category.objects.bulk_create(
        [Category(name=n, slug=s) for n, s, _ in CATEGORIES if s not in existing_cats]
    )
    cats = {c.slug: c.pk for c in Category.objects.filter(slug__in=[s for _, s, _ in CATEGORIES])}

    topic_rng = random.Random(7)  # topics are vocabulary, not data: same every run
    wanted_topics: dict[str, str] = {}
    while len(wanted_topics) < 150:
        a, b = topic_rng.sample(DOMAIN_WORDS[:120], 2)
        name = f"{a.capitalize()} {b}"
        wanted_topics.setdefault(name.lower(), name)
    have_topics = {t.name.lower() for t in Topic.objects.all()}
    Topic.objects.bulk_create(
        [Topic(name=n) for k, n in wanted_topics.items() if k not in have_topics]
    )
    topics = {t.pk: t.name for t in Topic.objects.all() if t.name.lower() in wanted_topics}

    if not Organisation.objects.filter(name__startswith="Bench ").exists():
        orgs = []
        for code, weight in COUNTRIES:
            for base, org_type in ORG_KINDS[: max(2, min(len(ORG_KINDS), weight // 8))]:
                orgs.append(
                    Organisation(name=f"Bench {base} {code}", country=code, org_type=org_type)
                )
        Organisation.objects.bulk_create(orgs)
    orgs_by_country: dict[str, list[int]] = {}
    for pk, country in Organisation.objects.filter(name__startswith="Bench ").values_list(
        "pk", "country"
    ):
        orgs_by_country.setdefault(str(country), []).append(pk)

    ref = Reference(
        agency_ids=[a.pk for a in agency_objs],
        agency_cw=list(itertools.accumulate(agency_weights)),
        category_ids=[cats[s] for _, s, _ in CATEGORIES],
        category_cw=list(itertools.accumulate(w for _, _, w in CATEGORIES)),
        topic_ids=sorted(topics),
        topic_names=topics,
        orgs_by_country=orgs_by_country,
        all_org_ids=sorted(itertools.chain.from_iterable(orgs_by_country.values())),
    )

    # Employees split between agencies like the activities are.
    total_weight = sum(agency_weights)
    for agency, weight in zip(agency_objs, agency_weights, strict=True):
        want = max(10, employees * weight // total_weight)
        have = set(Employee.objects.filter(agency=agency).values_list("serial_number", flat=True))
        new = [
            Employee(
                agency=agency,
                serial_number=f"B{n:07d}",
                first_name=rng.choice(FIRST_NAMES),
                last_name=rng.choice(LAST_NAMES),
                rank=rng.choice(RANKS),
                unit="Bench unit",
            )
            for n in range(1, want + 1)
            if f"B{n:07d}" not in have
        ]
        Employee.objects.bulk_create(new, batch_size=5000)
        ids = sorted(
            Employee.objects.filter(agency=agency, serial_number__startswith="B").values_list(
                "pk", flat=True
            )
        )
        # One in twenty is a frequent traveller with ten times the trips of the others:
        # the person filter then has someone with hundreds of activities to find.
        weights = [10.0 if i % 20 == 0 else 1.0 for i in range(len(ids))]
        ref.employees[agency.pk] = (ids, list(itertools.accumulate(weights)))

        want_ext = max(5, want // 3)
        have_ext = ExternalPerson.objects.filter(agency=agency).count()
        country_values, country_cw = _table(COUNTRIES)
        ext = []
        for _ in range(have_ext, want_ext):
            country = rng.choices(country_values, cum_weights=country_cw)[0]
            ext.append(
                ExternalPerson(
                    agency=agency,
                    country=country,
                    full_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                    organisation_id=rng.choice(orgs_by_country.get(country) or ref.all_org_ids),
                )
            )
        ExternalPerson.objects.bulk_create(ext, batch_size=5000)
        ref.externals[agency.pk] = sorted(
            ExternalPerson.objects.filter(agency=agency).values_list("pk", flat=True)
        )

    user, created = User.objects.get_or_create(
        username=BENCH_USERNAME, defaults={"first_name": "Bench", "last_name": "User"}
    )
    if created:
        user.set_unusable_password()
        user.save()
    RoleGrant.objects.get_or_create(user=user, role=Role.COORDINATOR, agency=agency_objs[0])
    RoleGrant.objects.get_or_create(user=user, role=Role.OVERSEER, agency=None)
    ref.bench_user_id = user.pk
    return ref


# --------------------------------------------------------------------------- bulk rows


@dataclass
class Chunk:
    """One batch of generated rows, as tuples in each table's column order."""

    activities: list[tuple[Any, ...]] = field(default_factory=list)
    locations: list[tuple[Any, ...]] = field(default_factory=list)
    participations: list[tuple[Any, ...]] = field(default_factory=list)
    topics: list[tuple[Any, ...]] = field(default_factory=list)

    def rows(self) -> int:
        return (
            len(self.activities) + len(self.locations) + len(self.participations) + len(self.topics)
        )


ACTIVITY_COLUMNS = (
    "id",
    "agency_id",
    "title",
    "direction",
    "kind",
    "category_id",
    "purpose",
    "justification",
    "host_organisation_id",
    "organiser_organisation_id",
    "start_date",
    "end_date",
    "status",
    "search_text",
    "created_by_id",
    "created_at",
    "updated_at",
    "recorded_at",
    "origin",
    "source",
    "not_on_record",
)
LOCATION_COLUMNS = ("activity_id", "country", "city", "position", "start_date")
PARTICIPATION_COLUMNS = (
    "activity_id",
    "employee_id",
    "external_person_id",
    "role",
    # The participant as they were: left blank here (pages fall back to today's values).
    "name_at_time",
    "rank_at_time",
    "unit_at_time",
    "agency_at_time",
    # Nobody withdrew (issue 6): the reason is a NOT NULL text column, blank.
    "withdrawal_reason",
)
TOPIC_COLUMNS = ("activity_id", "topic_id")

_BLANK_AT_TIME = ("", "", "", "", "")  # the four *_at_time columns and withdrawal_reason

# Who takes part, by direction: (share of participants who are external, employee role,
# external role).
PARTICIPANT_MIX = {
    "outbound": (0.0, "attendee", "attendee"),
    "inbound": (0.6, "instructor", "trainee"),
    "foreign_trainers": (0.3, "attendee", "instructor"),
    "virtual": (0.1, "attendee", "presenter"),
}


def participant_counts(activities: int, participations: int, rng: random.Random) -> array[int]:
    """How many participants each activity gets, summing to exactly ``participations``:
    one each (when there are enough), the rest spread at random so that some activities
    are large delegations and some have a single traveller."""
    counts = array("H", [0]) * activities
    if activities == 0:
        return counts
    if participations >= activities:
        counts = array("H", [1]) * activities
        rest = participations - activities
    else:
        rest = participations
    done = 0
    while done < rest:
        batch = min(1_000_000, rest - done)
        for i in rng.choices(range(activities), k=batch):
            counts[i] += 1
        done += batch
    return counts


class RowMaker:
    """Turns reference ids and the distributions above into rows, one chunk at a time."""

    def __init__(self, ref: Reference, rng: random.Random) -> None:
        self.ref = ref
        self.rng = rng
        self.directions = _table(DIRECTIONS)
        self.kinds = _table(KINDS)
        self.statuses = _table(STATUSES)
        self.years = _table(YEARS)
        self.durations = _table(DURATIONS)
        self.location_counts = _table(LOCATION_COUNTS)
        self.topic_counts = _table(TOPIC_COUNTS)
        self.countries = _table(COUNTRIES)
        self.year_start = {y: dt.date(y, 1, 1) for y, _ in YEARS}
        self.year_days = {y: (dt.date(y + 1, 1, 1) - dt.date(y, 1, 1)).days for y, _ in YEARS}
        from liaison.activities.services import build_search_text

        self.build_search_text = build_search_text
        from django_countries import countries as all_countries

        self.country_names = {str(c.code): str(c.name) for c in all_countries}

    def chunk(self, first_id: int, counts: Sequence[int]) -> Chunk:
        rng, ref = self.rng, self.ref
        n = len(counts)
        out = Chunk()
        agencies = rng.choices(ref.agency_ids, cum_weights=ref.agency_cw, k=n)
        categories = rng.choices(ref.category_ids, cum_weights=ref.category_cw, k=n)
        directions = rng.choices(self.directions[0], cum_weights=self.directions[1], k=n)
        kinds = rng.choices(self.kinds[0], cum_weights=self.kinds[1], k=n)
        statuses = rng.choices(self.statuses[0], cum_weights=self.statuses[1], k=n)
        years = rng.choices(self.years[0], cum_weights=self.years[1], k=n)
        durations = rng.choices(self.durations[0], cum_weights=self.durations[1], k=n)
        n_locations = rng.choices(self.location_counts[0], cum_weights=self.location_counts[1], k=n)
        n_topics = rng.choices(self.topic_counts[0], cum_weights=self.topic_counts[1], k=n)
        words = rng.choices(VOCABULARY, cum_weights=VOCABULARY_CW, k=n * 30)
        title_words = rng.choices(DOMAIN_WORDS, k=n * 2)
        country_draws = rng.choices(self.countries[0], cum_weights=self.countries[1], k=n * 3)
        topic_ids, topic_names = ref.topic_ids, ref.topic_names
        for i in range(n):
            pk = first_id + i
            agency = agencies[i]
            year = years[i]
            start = self.year_start[year] + dt.timedelta(rng.randrange(self.year_days[year]))
            end = start + dt.timedelta(durations[i])
            kind = kinds[i]
            direction = directions[i]
            title = (
                f"{ADJECTIVES[pk % len(ADJECTIVES)]} {title_words[2 * i]} "
                f"{title_words[2 * i + 1]} {KIND_TITLES[kind]}"
            )
            length = 12 + (pk * 7919) % 19  # 12 to 30 words, cheaply varied
            purpose = " ".join(words[30 * i : 30 * i + length]).capitalize() + "."
            chosen_topics = sorted(set(rng.sample(topic_ids, n_topics[i])))
            countries = list(dict.fromkeys(country_draws[3 * i : 3 * i + n_locations[i]]))
            places: list[str] = []
            for position, country in enumerate(countries):
                cities = CITIES.get(country)
                city = cities[(pk + position) % len(cities)] if cities else ""
                places += [country, self.country_names.get(country, ""), city]
            # Participants' and organisations' names are left out here (they are drawn
            # below); the index size is dominated by the purpose text either way.
            search_text = self.build_search_text(
                title=title,
                topics=[topic_names[t] for t in chosen_topics],
                purpose=purpose,
                places=[p for p in places if p],
            )
            host_pool = ref.orgs_by_country.get(countries[0]) or ref.all_org_ids
            host = rng.choice(host_pool) if rng.random() < 0.7 else None
            organiser = rng.choice(host_pool) if rng.random() < 0.5 else None
            # UTC without an offset: how Django stores it on SQLite, and the connection's
            # time zone on PostgreSQL (Django sets it to UTC).
            stamp = f"{(start - dt.timedelta(60)).isoformat()} 09:30:00"
            out.activities.append(
                (
                    pk,
                    agency,
                    title,
                    direction,
                    kind,
                    categories[i],
                    purpose,
                    "To bring practice back to the department." if pk % 2 else "",
                    host,
                    organiser,
                    start.isoformat(),
                    end.isoformat(),
                    statuses[i],
                    search_text,
                    None,
                    stamp,
                    stamp,
                    stamp,
                    "entered",
                    "",
                    "[]",
                )
            )
            for position, country in enumerate(countries):
                cities = CITIES.get(country)
                city = cities[(pk + position) % len(cities)] if cities else ""
                out.locations.append((pk, country, city, position, start.isoformat()))
            for topic in chosen_topics:
                out.topics.append((pk, topic))
            self._participants(out, pk, agency, direction, counts[i])
        return out

    def _participants(self, out: Chunk, pk: int, agency: int, direction: str, count: int) -> None:
        if count == 0:
            return
        rng = self.rng
        external_share, employee_role, external_role = PARTICIPANT_MIX[direction]
        externals = self.ref.externals[agency]
        n_external = min(len(externals), round(count * external_share))
        employee_ids, employee_cw = self.ref.employees[agency]
        n_employee = min(len(employee_ids), count - n_external)
        chosen: set[int] = set()
        while len(chosen) < n_employee:
            chosen.update(
                rng.choices(employee_ids, cum_weights=employee_cw, k=n_employee - len(chosen))
            )
        lead = n_employee > 2 and direction == "outbound"
        for j, employee in enumerate(sorted(chosen)):
            out.participations.append(
                (
                    pk,
                    employee,
                    None,
                    "delegation_lead" if lead and j == 0 else employee_role,
                    *_BLANK_AT_TIME,
                )
            )
        for external in rng.sample(externals, n_external):
            out.participations.append((pk, None, external, external_role, *_BLANK_AT_TIME))


# --------------------------------------------------------------------------- loaders


@dataclass
class Timer:
    seconds: dict[str, float] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, seconds: float, rows: int = 0) -> None:
        self.seconds[name] = self.seconds.get(name, 0.0) + seconds
        self.rows[name] = self.rows.get(name, 0) + rows


def _copy_text(value: Any) -> str:
    """One field in PostgreSQL COPY text format."""
    if value is None:
        return "\\N"
    if isinstance(value, str):
        if "\\" in value or "\n" in value or "\t" in value or "\r" in value:
            return (
                value.replace("\\", "\\\\")
                .replace("\n", "\\n")
                .replace("\t", "\\t")
                .replace("\r", "\\r")
            )
        return value
    return str(value)


class Loader:
    """Vendor-specific bulk insert and the index juggling around it."""

    vendor = ""

    def __init__(self, connection: Any) -> None:
        self.connection = connection

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        return row[0] if row else None

    def insert(self, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        raise NotImplementedError

    def before_load(self, *, drop_indexes: bool, fts: str) -> None:
        """Called inside the load transaction before the first row."""

    def after_load(self, timer: Timer) -> None:
        """Called inside the load transaction after the last row."""

    def prepare_session(self) -> None:
        """Called outside any transaction before loading."""

    def finish(self, timer: Timer) -> None:
        """Called outside any transaction at the end: statistics."""

    def reset(self) -> None:
        raise NotImplementedError


class PostgresLoader(Loader):
    vendor = "postgresql"

    def __init__(self, connection: Any) -> None:
        super().__init__(connection)
        self.dropped_indexes: list[tuple[str, str]] = []
        self.dropped_constraints: list[tuple[str, str, str]] = []

    def prepare_session(self) -> None:
        # Index builds sort in memory and in parallel when allowed to: the machine has
        # memory to spare, the server default (64 MB) would spill to disk.
        self.execute("SET maintenance_work_mem = '1GB'")

    def insert(self, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        text = "".join("\t".join(map(_copy_text, row)) + "\n" for row in rows)
        with (
            self.connection.cursor() as cursor,
            cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
        ):
            copy.write(text)

    def _tables_sql(self) -> str:
        return ", ".join(f"'{t}'::regclass" for t in ACTIVITY_TABLES)

    def before_load(self, *, drop_indexes: bool, fts: str) -> None:
        if not drop_indexes:
            return
        with self.connection.cursor() as cursor:
            # Foreign keys and unique constraints out of and on the bulk tables; the
            # primary keys stay (other tables' foreign keys hang on them).
            cursor.execute(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
                f"FROM pg_constraint WHERE conrelid IN ({self._tables_sql()}) "
                "AND contype IN ('f', 'u') ORDER BY contype DESC"
            )  # f first, u after
            self.dropped_constraints = list(cursor.fetchall())
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes "
                f"WHERE tablename IN ({', '.join(repr(t) for t in ACTIVITY_TABLES)}) "
                "AND indexname NOT IN (SELECT conname FROM pg_constraint "
                "WHERE contype IN ('p', 'u', 'x'))"
            )
            self.dropped_indexes = list(cursor.fetchall())
            for table, name, _ in self.dropped_constraints:
                cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            for name, _ in self.dropped_indexes:
                cursor.execute(f'DROP INDEX "{name}"')

    def after_load(self, timer: Timer) -> None:
        started = time.perf_counter()
        with self.connection.cursor() as cursor:
            for _, definition in self.dropped_indexes:
                cursor.execute(definition)
            # Unique constraints before foreign keys (reverse of the drop order); adding a
            # foreign key validates every row in one anti-join, not one lookup per row.
            for table, name, definition in reversed(self.dropped_constraints):
                cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
            for table in (
                "activities_activity",
                "activities_location",
                "activities_participation",
                "activities_activity_topics",
            ):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
                )
        if self.dropped_indexes or self.dropped_constraints:
            timer.add("rebuild indexes and constraints", time.perf_counter() - started)

    def finish(self, timer: Timer) -> None:
        started = time.perf_counter()
        # VACUUM as well as ANALYZE: a freshly copied table has no visibility map, so
        # PostgreSQL could not use index-only scans (for counts) until autovacuum came by;
        # a registry in service has been vacuumed.
        for table in ACTIVITY_TABLES:
            self.execute(f"VACUUM (ANALYZE) {table}")
        self.execute("ANALYZE")
        timer.add("VACUUM ANALYZE", time.perf_counter() - started)

    def reset(self) -> None:
        tables = ", ".join(ACTIVITY_TABLES + HISTORY_TABLES)
        # CASCADE empties any other app's table that points at activities (approvals,
        # evaluations…): on a bench database that is what "start again" means.
        self.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")


class SqliteLoader(Loader):
    vendor = "sqlite"

    def __init__(self, connection: Any, *, journal_mode: str) -> None:
        super().__init__(connection)
        self.journal_mode = journal_mode
        self.dropped_indexes: list[tuple[str, str]] = []
        self.fts = "rebuild"
        migration = importlib.import_module("liaison.activities.migrations.0002_search_index")
        # Recreate the triggers from the migration's own statements, never a copy of them.
        self.trigger_sql = [s for s in migration.SQLITE_CREATE if s.startswith("CREATE TRIGGER")]

    def prepare_session(self) -> None:
        # Durability is worthless while generating throw-away data; a journal in memory
        # (or none) and no fsync make the load several times faster. WAL comes back in
        # finish(), and settings.py asks for it on every new connection anyway.
        self.execute(f"PRAGMA journal_mode={self.journal_mode}")
        self.execute("PRAGMA synchronous=OFF")
        self.execute("PRAGMA cache_size=-1048576")  # 1 GiB of page cache for index builds
        self.execute("PRAGMA temp_store=MEMORY")

    def insert(self, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        marks = ", ".join("?" * len(columns))
        # The raw sqlite3 cursor: Django's wrapper would rewrite %s placeholders per row.
        raw = self.connection.connection.cursor()
        raw.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)
        raw.close()

    def before_load(self, *, drop_indexes: bool, fts: str) -> None:
        self.fts = fts
        if fts == "rebuild":
            for name in ("ai", "ad", "au"):
                self.execute(f"DROP TRIGGER IF EXISTS {FTS_TABLE}_{name}")
        if drop_indexes:
            with self.connection.cursor() as cursor:
                cursor.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                    f"AND sql IS NOT NULL AND tbl_name IN "
                    f"({', '.join(repr(t) for t in ACTIVITY_TABLES)})"
                )
                self.dropped_indexes = list(cursor.fetchall())
            for name, _ in self.dropped_indexes:
                self.execute(f'DROP INDEX "{name}"')

    def after_load(self, timer: Timer) -> None:
        started = time.perf_counter()
        for _, definition in self.dropped_indexes:
            self.execute(definition)
        if self.dropped_indexes:
            timer.add("rebuild indexes", time.perf_counter() - started)
        if self.fts == "rebuild":
            started = time.perf_counter()
            self.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")
            for statement in self.trigger_sql:
                self.execute(statement)
            timer.add("FTS5 rebuild", time.perf_counter() - started)

    def finish(self, timer: Timer) -> None:
        started = time.perf_counter()
        self.execute("ANALYZE")
        self.execute("PRAGMA journal_mode=WAL")
        timer.add("ANALYZE", time.perf_counter() - started)

    def reset(self) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            present = {row[0] for row in cursor.fetchall()}
        # Without the triggers, or every deleted row would be a separate FTS5 delete.
        for name in ("ai", "ad", "au"):
            self.execute(f"DROP TRIGGER IF EXISTS {FTS_TABLE}_{name}")
        for table in ACTIVITY_TABLES + HISTORY_TABLES:
            if table in present:
                self.execute(f"DELETE FROM {table}")
        self.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('delete-all')")
        for statement in self.trigger_sql:
            self.execute(statement)


# --------------------------------------------------------------------------- main


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0] if __doc__ else "",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--activities", type=int, default=1_000_000)
    parser.add_argument("--participations", type=int, default=3_000_000)
    parser.add_argument("--agencies", type=int, default=3)
    parser.add_argument("--employees", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=1)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--append", action="store_true", help="add to the activities already there")
    mode.add_argument(
        "--reset",
        action="store_true",
        help="empty the activity tables first (bench reference data stays)",
    )
    parser.add_argument(
        "--fts",
        choices=("rebuild", "triggers"),
        default="rebuild",
        help="SQLite: rebuild the FTS5 index once after loading (default) "
        "or let the triggers index row by row",
    )
    parser.add_argument(
        "--indexes",
        choices=("auto", "keep", "rebuild"),
        default="auto",
        help="drop and rebuild secondary indexes around the load: auto = "
        "when the load at least doubles the activity table",
    )
    parser.add_argument(
        "--sqlite-journal",
        default="MEMORY",
        choices=("MEMORY", "OFF", "WAL", "DELETE"),
        help="SQLite journal mode during the load",
    )
    parser.add_argument(
        "--chunk",
        type=int,
        default=50_000,
        help="activities per generated batch (and per SQLite transaction)",
    )
    return parser.parse_args(argv)


def _print_figures(timer: Timer, total: float) -> None:
    print()
    print(f"{'phase':<34} {'rows':>12} {'seconds':>9} {'rows/s':>11}")
    for name, seconds in timer.seconds.items():
        rows = timer.rows.get(name, 0)
        rate = f"{rows / seconds:,.0f}" if rows and seconds else ""
        print(f"{name:<34} {rows:>12,} {seconds:>9.1f} {rate:>11}")
    loaded = sum(r for n, r in timer.rows.items() if n.startswith("insert "))
    print(f"{'total':<34} {loaded:>12,} {total:>9.1f} {loaded / total:>11,.0f}")


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    bootstrap_django()
    from django.db import connection, transaction

    from liaison.activities.models import Activity

    started = time.perf_counter()
    vendor = connection.vendor
    loader: Loader
    if vendor == "postgresql":
        loader = PostgresLoader(connection)
    elif vendor == "sqlite":
        loader = SqliteLoader(connection, journal_mode=args.sqlite_journal)
    else:
        print(f"Unsupported database vendor {vendor!r}.", file=sys.stderr)
        return 2
    settings_db = connection.settings_dict
    print(f"Database: {vendor} {settings_db.get('NAME')}")

    existing = Activity.objects.count()
    if existing and not (args.append or args.reset):
        print(
            f"The database already holds {existing:,} activities. Use --append to add to "
            "them or --reset to empty the activity tables first.",
            file=sys.stderr,
        )
        return 1
    timer = Timer()
    if args.reset and existing:
        t = time.perf_counter()
        with transaction.atomic():
            loader.reset()
        timer.add("reset", time.perf_counter() - t)
        existing = 0

    # Reference data has its own stream, so the bulk rows for a --seed are the same
    # whether the employees were created by this run or found from an earlier one.
    rng = random.Random(args.seed)
    t = time.perf_counter()
    with transaction.atomic():
        ref = ensure_reference(
            agencies=args.agencies,
            employees=args.employees,
            rng=random.Random(f"reference/{args.seed}"),
        )
    timer.add("reference data", time.perf_counter() - t)

    first_id = (Activity.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    drop_indexes = {"auto": args.activities >= max(existing, 1), "keep": False, "rebuild": True}[
        args.indexes
    ]
    print(
        f"Generating {args.activities:,} activities and {args.participations:,} "
        f"participations from id {first_id:,} (seed {args.seed}); secondary indexes "
        f"{'dropped and rebuilt' if drop_indexes else 'kept'}"
        + (f"; FTS5 by {args.fts}" if vendor == "sqlite" else "")
        + "."
    )

    if first_id > 1:
        # Appending with the same --seed must not replay the first run's activities.
        rng.seed(f"{args.seed}/{first_id}")
    counts = participant_counts(args.activities, args.participations, rng)
    maker = RowMaker(ref, rng)
    loader.prepare_session()
    tables: list[tuple[str, str, tuple[str, ...], Callable[[Chunk], list[Any]]]] = [
        ("activities", "activities_activity", ACTIVITY_COLUMNS, lambda c: c.activities),
        ("locations", "activities_location", LOCATION_COLUMNS, lambda c: c.locations),
        (
            "participations",
            "activities_participation",
            PARTICIPATION_COLUMNS,
            lambda c: c.participations,
        ),
        ("topic links", "activities_activity_topics", TOPIC_COLUMNS, lambda c: c.topics),
    ]

    def load_chunk(offset: int) -> None:
        size = min(args.chunk, args.activities - offset)
        t = time.perf_counter()
        chunk = maker.chunk(first_id + offset, counts[offset : offset + size])
        timer.add("generate rows (Python)", time.perf_counter() - t, chunk.rows())
        for label, table, columns, rows_of in tables:
            t = time.perf_counter()
            rows = rows_of(chunk)
            loader.insert(table, columns, rows)
            timer.add(f"insert {label}", time.perf_counter() - t, len(rows))

    offsets = range(0, args.activities, args.chunk)
    progress_every = max(1, len(offsets) // 10)
    load_started = time.perf_counter()

    def progress(done: int) -> None:
        elapsed = time.perf_counter() - load_started
        print(f"  {done:>10,} activities  {elapsed:7.1f} s", flush=True)

    if vendor == "postgresql":
        # One transaction: a failure leaves the database as it was, dropped indexes included.
        with transaction.atomic():
            loader.before_load(drop_indexes=drop_indexes, fts=args.fts)
            for n, offset in enumerate(offsets, 1):
                load_chunk(offset)
                if n % progress_every == 0:
                    progress(min(args.activities, offset + args.chunk))
            loader.after_load(timer)
    else:
        # SQLite: one transaction per chunk keeps the journal small; the index drop and
        # rebuild are transactions of their own.
        with transaction.atomic():
            loader.before_load(drop_indexes=drop_indexes, fts=args.fts)
        for n, offset in enumerate(offsets, 1):
            with transaction.atomic():
                load_chunk(offset)
            if n % progress_every == 0:
                progress(min(args.activities, offset + args.chunk))
        with transaction.atomic():
            loader.after_load(timer)
    loader.finish(timer)

    # The rows above bypassed the services that keep the oversight summary tables
    # current (docs/adr/0013-summary-tables.md): recount them, as the ADR says to.
    from liaison.activities.summary import summary_rebuild

    t = time.perf_counter()
    months = summary_rebuild()
    timer.add(f"summary tables ({months:,} agency-months)", time.perf_counter() - t)

    _print_figures(timer, time.perf_counter() - started)
    total = Activity.objects.count()
    print(
        f"\nThe registry now holds {total:,} activities. Bench user: "
        f"{BENCH_USERNAME!r} (coordinator of {ref.agency_ids[0]}, overseer of all)."
    )
    print(f"Search words: common {COMMON_WORD!r}, second {SECOND_WORD!r}, rare {RARE_WORD!r}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
