"""Write the demo department's source CSVs (run once; the CSVs are committed).

    python -m liaison.demo.make_source

The activity table below is hand-written from the Inspector General's published figures
(seed 000): 117 activities from January 2014 to August 2024, 243 distinct employees,
nine trips to Israel with 18 employees costing $87,000, the "Command and Control
Counter-Terrorism" trip (a deputy chief and seven others, $52,470 federal grant), about a
quarter in Canada, about 80% paid by outside sources, few evaluation reports, and the
summer-2023 academy course for five officers of the UAE Ministry of Interior. What the
report does not say (names, ranks, exact dates, other costs) is invented here with a
fixed seed, so re-running the script rewrites byte-identical files.

Everything about people is invented. Organisations are real public institutions named
only as hosts and organisers; the funders other than federal programmes are invented.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from liaison.demo.report_source import REPORT_FIELDS, report_rows

HERE = Path(__file__).resolve().parent / "data"
SEED = 20260207  # the date of the news report; any fixed number would do

# ---------------------------------------------------------------------------------------
# Vocabulary and registry
# ---------------------------------------------------------------------------------------

CATEGORIES = [
    # slug, name, description
    (
        "counterterrorism",
        "Counterterrorism",
        "Preventing, investigating and responding to terrorist attacks.",
    ),
    (
        "human-trafficking",
        "Human trafficking",
        "Sex and labour trafficking investigations and victim services.",
    ),
    (
        "clandestine-drug-labs",
        "Clandestine drug labs",
        "Finding, dismantling and investigating illicit drug production sites.",
    ),
    (
        "crowd-control-public-order",
        "Crowd control / public order",
        "Policing demonstrations and large crowds; public-order units.",
    ),
    ("aviation", "Aviation", "Police air operations, flight safety and maintenance."),
    (
        "crimes-against-children",
        "Crimes against children",
        "Child sexual exploitation, victim identification and online offending.",
    ),
    (
        "major-event-security",
        "Major-event security",
        "Security planning for Olympic Games, World Cups and similar events.",
    ),
    (
        "investigative-techniques",
        "Investigative techniques",
        "Interviewing, major case management, forensics and fugitive work.",
    ),
    (
        "executive-development",
        "Executive development",
        "Leadership and command training for senior staff.",
    ),
    ("cybercrime", "Cybercrime", "Online crime, darknet markets and digital evidence."),
    (
        "gangs-and-organised-crime",
        "Gangs and organised crime",
        "Gang intelligence, cartels, extortion and money laundering.",
    ),
    (
        "community-policing",
        "Community policing",
        "Community engagement, procedural justice and violence reduction.",
    ),
    (
        "de-escalation-and-crisis-response",
        "De-escalation and crisis response",
        "De-escalation, mental-health crisis response and use-of-force alternatives.",
    ),
    (
        "emergency-management",
        "Emergency management",
        "Disaster response and continuity of police operations.",
    ),
    (
        "academy-and-tactical-training",
        "Academy and tactical training",
        "Recruit academy curricula, tactics and officer safety.",
    ),
]

ORGANISATIONS = [
    # key, name, country, type, website
    ("metro-academy", "Metro City Police Academy", "US", "academic", ""),
    (
        "inp",
        "Israel National Police",
        "IL",
        "police",
        "https://www.gov.il/en/departments/israel_police",
    ),
    ("mda", "Magen David Adom", "IL", "ngo", "https://www.mdais.org/en"),
    ("rcmp", "Royal Canadian Mounted Police", "CA", "police", "https://www.rcmp-grc.gc.ca"),
    ("cpc", "Canadian Police College", "CA", "academic", "https://www.cpc-ccp.gc.ca"),
    ("tps", "Toronto Police Service", "CA", "police", "https://www.tps.ca"),
    ("vpd", "Vancouver Police Department", "CA", "police", "https://vpd.ca"),
    ("opp", "Ontario Provincial Police", "CA", "police", "https://www.opp.ca"),
    ("spvm", "Service de police de la Ville de Montréal", "CA", "police", "https://spvm.qc.ca"),
    ("cps", "Calgary Police Service", "CA", "police", "https://www.calgary.ca/cps.html"),
    ("wps", "Winnipeg Police Service", "CA", "police", "https://www.winnipeg.ca/police"),
    (
        "health-canada",
        "Health Canada",
        "CA",
        "ministry",
        "https://www.canada.ca/en/health-canada.html",
    ),
    ("cacp", "Canadian Association of Chiefs of Police", "CA", "ngo", "https://www.cacp.ca"),
    (
        "ccteht",
        "Canadian Centre to End Human Trafficking",
        "CA",
        "ngo",
        "https://www.canadiancentretoendhumantrafficking.ca",
    ),
    ("polizia", "Polizia di Stato", "IT", "police", "https://www.poliziadistato.it"),
    ("carabinieri", "Arma dei Carabinieri", "IT", "police", "https://www.carabinieri.it"),
    (
        "coespu",
        "Center of Excellence for Stability Police Units",
        "IT",
        "international",
        "https://www.coespu.org",
    ),
    ("pn-fr", "Police nationale", "FR", "police", ""),
    (
        "pp-paris",
        "Préfecture de police de Paris",
        "FR",
        "police",
        "https://www.prefecturedepolice.interieur.gouv.fr",
    ),
    ("interpol", "INTERPOL", "FR", "international", "https://www.interpol.int"),
    (
        "interpol-igci",
        "INTERPOL Global Complex for Innovation",
        "SG",
        "international",
        "https://www.interpol.int",
    ),
    ("rtp", "Royal Thai Police", "TH", "police", "https://www.royalthaipolice.go.th"),
    ("lpd-wien", "Vienna Provincial Police Directorate", "AT", "police", ""),
    ("bmi-at", "Federal Ministry of the Interior", "AT", "ministry", "https://www.bmi.gv.at"),
    ("alea", "Airborne Law Enforcement Association", "US", "ngo", "https://www.alea.org"),
    ("pn-co", "Policía Nacional de Colombia", "CO", "police", "https://www.policia.gov.co"),
    ("npas", "National Police Air Service", "GB", "police", ""),
    ("ssc-mx", "Secretaría de Seguridad Ciudadana de la Ciudad de México", "MX", "police", ""),
    ("gn-mx", "Guardia Nacional", "MX", "police", ""),
    ("fgr-mx", "Fiscalía General de la República", "MX", "ministry", "https://www.gob.mx/fgr"),
    ("bpol", "Bundespolizei", "DE", "police", "https://www.bundespolizei.de"),
    ("bka", "Bundeskriminalamt", "DE", "police", "https://www.bka.de"),
    ("bay-pol", "Bavarian State Police", "DE", "police", "https://www.polizei.bayern.de"),
    ("policja", "Polish National Police", "PL", "police", "https://policja.pl"),
    ("nca", "National Crime Agency", "GB", "police", "https://www.nationalcrimeagency.gov.uk"),
    ("met", "Metropolitan Police Service", "GB", "police", "https://www.met.police.uk"),
    ("college-policing", "College of Policing", "GB", "academic", "https://www.college.police.uk"),
    ("police-scotland", "Police Scotland", "GB", "police", "https://www.scotland.police.uk"),
    ("npa-jp", "National Police Agency", "JP", "police", "https://www.npa.go.jp"),
    ("mpd-tokyo", "Tokyo Metropolitan Police Department", "JP", "police", ""),
    ("nsw", "New South Wales Police Force", "AU", "police", "https://www.police.nsw.gov.au"),
    ("qps", "Queensland Police Service", "AU", "police", "https://www.police.qld.gov.au"),
    ("afp", "Australian Federal Police", "AU", "police", "https://www.afp.gov.au"),
    ("europol", "Europol", "NL", "international", "https://www.europol.europa.eu"),
    ("politie", "Dutch National Police", "NL", "police", "https://www.politie.nl"),
    ("nfi", "Netherlands Forensic Institute", "NL", "ministry", "https://www.forensicinstitute.nl"),
    ("pn-es", "Policía Nacional", "ES", "police", "https://www.policia.es"),
    ("guardia-civil", "Guardia Civil", "ES", "police", "https://www.guardiacivil.es"),
    ("mossos", "Mossos d'Esquadra", "ES", "police", ""),
    ("knpa", "Korean National Police Agency", "KR", "police", "https://www.police.go.kr"),
    ("pnc-sv", "Policía Nacional Civil", "SV", "police", ""),
    ("pnc-gt", "Policía Nacional Civil", "GT", "police", ""),
    ("pnp", "Philippine National Police", "PH", "police", "https://www.pnp.gov.ph"),
    ("pf-br", "Polícia Federal", "BR", "police", "https://www.gov.br/pf"),
    ("moi-qa", "Ministry of Interior", "QA", "ministry", ""),
    ("garda", "An Garda Síochána", "IE", "police", "https://www.garda.ie"),
    ("pol-be", "Belgian Federal Police", "BE", "police", ""),
    ("pol-se", "Swedish Police Authority", "SE", "police", "https://polisen.se"),
    ("pol-dk", "Danish National Police", "DK", "police", "https://politi.dk"),
    ("phs-no", "Norwegian Police University College", "NO", "academic", ""),
    ("nzp", "New Zealand Police", "NZ", "police", "https://www.police.govt.nz"),
    ("hta", "Home Team Academy", "SG", "academic", ""),
    ("kasotc", "King Abdullah II Special Operations Training Center", "JO", "military", ""),
    ("psp", "Polícia de Segurança Pública", "PT", "police", "https://www.psp.pt"),
    ("carabineros", "Carabineros de Chile", "CL", "police", ""),
    ("moi-ae", "Ministry of Interior", "AE", "ministry", "https://www.moi.gov.ae"),
]

# ---------------------------------------------------------------------------------------
# The activities
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Spec:
    start: str
    days: int
    where: str  # "CC:City; CC:City"
    title: str
    kind: str
    category: str
    topics: str
    host: str
    organiser: str
    n: int  # number of our employees taking part
    pool: str  # which group of employees goes (see POOLS)
    fund: str  # D department, F foundation, A anonymous via foundation, G federal grant,
    #            H host agency paid, N association, C company sponsor
    direction: str = "outbound"
    cost: int | None = None
    evaluation: str | None = None
    purpose: str | None = None
    justification: str | None = None


S = Spec
SPECS: list[Spec] = [
    # --- Israel: nine activities, 18 employees, $87,000 combined --------------------------
    S(
        "2014-05-11",
        6,
        "IL:Jerusalem",
        "Counter-Terrorism Seminar for Senior Police Executives",
        "seminar",
        "counterterrorism",
        "counterterrorism; intelligence sharing; executive leadership",
        "inp",
        "inp",
        2,
        "israel",
        "A",
        cost=4180,
    ),
    S(
        "2015-03-15",
        5,
        "IL:Tel Aviv",
        "Mass-Casualty Terrorist Incident Response Course",
        "course",
        "counterterrorism",
        "mass-casualty response; emergency medical coordination",
        "inp",
        "mda",
        2,
        "israel",
        "F",
        cost=4960,
    ),
    S(
        "2016-06-05",
        8,
        "IL:Jerusalem; IL:Tel Aviv",
        "Command and Control Counter-Terrorism",
        "course",
        "executive-development",
        "counterterrorism; command and control",
        "inp",
        "inp",
        8,
        "israel",
        "G",
        cost=52470,
        evaluation="none",
        # All the report could say about it: it was meant to promote "executive development".
        purpose="Executive development.",
        justification="",
    ),
    S(
        "2017-02-19",
        5,
        "IL:Tel Aviv",
        "Suspicious Object and Explosive Device Response Exchange",
        "exchange",
        "counterterrorism",
        "explosive ordnance disposal; suspicious objects",
        "inp",
        "inp",
        1,
        "israel",
        "F",
        cost=3240,
    ),
    S(
        "2018-04-22",
        6,
        "IL:Tel Aviv; IL:Jerusalem",
        "Public Transit and Border Crossing Security Site Visit",
        "site_visit",
        "counterterrorism",
        "transit security; border security; passenger screening",
        "inp",
        "inp",
        2,
        "israel",
        "F",
        cost=4620,
    ),
    S(
        "2019-01-13",
        5,
        "IL:Jerusalem",
        "Intelligence-Led Policing Seminar",
        "seminar",
        "counterterrorism",
        "intelligence-led policing; information sharing",
        "inp",
        "inp",
        1,
        "israel",
        "A",
        cost=2870,
    ),
    S(
        "2022-05-15",
        6,
        "IL:Tel Aviv",
        "Counter-Terrorism Leadership Exchange",
        "exchange",
        "counterterrorism",
        "executive leadership; crisis management",
        "inp",
        "inp",
        2,
        "israel",
        "F",
        cost=5410,
    ),
    S(
        "2023-02-26",
        5,
        "IL:Jerusalem",
        "Crisis Negotiation and Hostage Incident Course",
        "course",
        "counterterrorism",
        "crisis negotiation; hostage incidents",
        "inp",
        "inp",
        2,
        "israel",
        "F",
        cost=5980,
    ),
    S(
        "2023-06-18",
        5,
        "IL:Tel Aviv",
        "Cyber-Enabled Terrorism Investigations Seminar",
        "seminar",
        "cybercrime",
        "online radicalisation; cyber investigations; counterterrorism",
        "inp",
        "inp",
        2,
        "israel",
        "F",
        cost=3270,
    ),
    # --- Canada: 28 activities, mostly human trafficking and clandestine drug labs ---------
    S(
        "2014-01-13",
        4,
        "CA:Toronto",
        "Human Trafficking Investigations Course",
        "course",
        "human-trafficking",
        "human trafficking; victim-centred interviewing",
        "tps",
        "tps",
        3,
        "trafficking",
        "G",
    ),
    S(
        "2014-09-15",
        3,
        "CA:Vancouver",
        "Sex Trafficking and Online Advertising Workshop",
        "seminar",
        "human-trafficking",
        "sex trafficking; online advertising; digital evidence",
        "vpd",
        "vpd",
        2,
        "trafficking",
        "G",
    ),
    S(
        "2015-05-04",
        5,
        "CA:Ottawa",
        "Human Trafficking Investigator Course",
        "course",
        "human-trafficking",
        "human trafficking; case building; victim services",
        "rcmp",
        "cpc",
        3,
        "trafficking",
        "G",
    ),
    S(
        "2016-04-18",
        3,
        "CA:Toronto",
        "Canadian Human Trafficking Conference 2016",
        "conference",
        "human-trafficking",
        "human trafficking; survivor support",
        "ccteht",
        "ccteht",
        2,
        "trafficking",
        "F",
    ),
    S(
        "2017-03-20",
        4,
        "CA:Montreal",
        "Labour Trafficking Investigations Seminar",
        "seminar",
        "human-trafficking",
        "labour trafficking; migrant workers",
        "spvm",
        "spvm",
        2,
        "trafficking",
        "D",
    ),
    S(
        "2017-10-16",
        5,
        "CA:Ottawa",
        "Advanced Human Trafficking Investigator Course",
        "course",
        "human-trafficking",
        "human trafficking; financial indicators; wiretap evidence",
        "rcmp",
        "cpc",
        3,
        "trafficking",
        "G",
    ),
    S(
        "2018-06-11",
        3,
        "CA:Calgary",
        "Trafficking Survivor Support and Victim Services Workshop",
        "seminar",
        "human-trafficking",
        "victim services; trauma-informed interviewing",
        "cps",
        "cps",
        2,
        "trafficking",
        "G",
    ),
    S(
        "2019-02-25",
        4,
        "CA:Toronto",
        "Financial Investigation of Trafficking Networks",
        "course",
        "human-trafficking",
        "money laundering; human trafficking",
        "tps",
        "tps",
        2,
        "trafficking",
        "G",
    ),
    S(
        "2019-11-04",
        3,
        "CA:Vancouver",
        "Pacific Human Trafficking Task Force Exchange",
        "exchange",
        "human-trafficking",
        "task force models; cross-border cases",
        "vpd",
        "vpd",
        3,
        "trafficking",
        "H",
    ),
    S(
        "2021-10-18",
        2,
        "CA:Toronto",
        "Canadian Human Trafficking Conference 2021",
        "conference",
        "human-trafficking",
        "human trafficking; online exploitation",
        "ccteht",
        "ccteht",
        2,
        "trafficking",
        "F",
    ),
    S(
        "2022-09-12",
        4,
        "CA:Ottawa",
        "Human Trafficking Investigations Course",
        "course",
        "human-trafficking",
        "human trafficking; victim-centred interviewing",
        "rcmp",
        "cpc",
        3,
        "trafficking",
        "G",
    ),
    S(
        "2023-11-06",
        3,
        "CA:Winnipeg",
        "Indigenous Communities and Human Trafficking Seminar",
        "seminar",
        "human-trafficking",
        "human trafficking; missing persons; community liaison",
        "wps",
        "wps",
        2,
        "trafficking",
        "D",
    ),
    S(
        "2014-06-09",
        5,
        "CA:Ottawa",
        "Clandestine Laboratory Investigator Course",
        "course",
        "clandestine-drug-labs",
        "clandestine labs; methamphetamine; hazardous materials",
        "rcmp",
        "cpc",
        3,
        "druglabs",
        "G",
    ),
    S(
        "2015-09-21",
        4,
        "CA:Vancouver",
        "Synthetic Drug Production and Lab Dismantling Course",
        "course",
        "clandestine-drug-labs",
        "synthetic drugs; lab dismantling",
        "rcmp",
        "rcmp",
        2,
        "druglabs",
        "G",
    ),
    S(
        "2016-09-12",
        3,
        "CA:Toronto",
        "Clandestine Lab Safety and Hazardous Materials Workshop",
        "seminar",
        "clandestine-drug-labs",
        "hazardous materials; officer safety",
        "opp",
        "opp",
        3,
        "druglabs",
        "G",
    ),
    S(
        "2017-05-15",
        5,
        "CA:Ottawa",
        "Clandestine Laboratory Investigator Recertification",
        "course",
        "clandestine-drug-labs",
        "clandestine labs; recertification",
        "rcmp",
        "cpc",
        2,
        "druglabs",
        "D",
    ),
    S(
        "2018-03-19",
        4,
        "CA:Vancouver",
        "Fentanyl Pill Press and Precursor Chemical Course",
        "course",
        "clandestine-drug-labs",
        "fentanyl; pill presses; precursor chemicals",
        "rcmp",
        "rcmp",
        3,
        "druglabs",
        "G",
    ),
    S(
        "2018-11-05",
        3,
        "CA:Calgary",
        "Clandestine Lab Response Exchange",
        "exchange",
        "clandestine-drug-labs",
        "clandestine labs; joint response",
        "cps",
        "cps",
        2,
        "druglabs",
        "H",
    ),
    S(
        "2019-09-23",
        4,
        "CA:Ottawa",
        "Precursor Chemical Diversion Seminar",
        "seminar",
        "clandestine-drug-labs",
        "precursor chemicals; regulatory controls",
        "health-canada",
        "health-canada",
        2,
        "druglabs",
        "G",
    ),
    S(
        "2021-11-15",
        3,
        "CA:Vancouver",
        "Synthetic Opioid Clandestine Lab Course",
        "course",
        "clandestine-drug-labs",
        "synthetic opioids; clandestine labs",
        "rcmp",
        "rcmp",
        2,
        "druglabs",
        "G",
    ),
    S(
        "2022-06-13",
        5,
        "CA:Ottawa",
        "Clandestine Laboratory Investigator Course",
        "course",
        "clandestine-drug-labs",
        "clandestine labs; methamphetamine; hazardous materials",
        "rcmp",
        "cpc",
        3,
        "druglabs",
        "G",
    ),
    S(
        "2023-04-17",
        3,
        "CA:Ottawa",
        "Illicit Drug Analysis and Lab Evidence Workshop",
        "seminar",
        "clandestine-drug-labs",
        "drug analysis; evidence handling",
        "health-canada",
        "health-canada",
        2,
        "druglabs",
        "D",
    ),
    S(
        "2014-10-20",
        5,
        "CA:Ottawa",
        "Executive Development in Policing Course",
        "course",
        "executive-development",
        "executive leadership; strategic planning",
        "cpc",
        "cpc",
        1,
        "executive",
        "D",
    ),
    S(
        "2015-11-02",
        3,
        "CA:Toronto",
        "Major Case Management Course",
        "course",
        "investigative-techniques",
        "major case management; investigative planning",
        "opp",
        "cpc",
        2,
        "investigations",
        "D",
    ),
    S(
        "2016-11-14",
        4,
        "CA:Montreal",
        "Cybercrime Investigations Conference",
        "conference",
        "cybercrime",
        "cybercrime; digital evidence",
        "spvm",
        "spvm",
        2,
        "cyber",
        "F",
    ),
    S(
        "2018-09-24",
        3,
        "CA:Vancouver",
        "Mental Health Crisis Response Exchange",
        "exchange",
        "de-escalation-and-crisis-response",
        "de-escalation; mental health; crisis intervention",
        "vpd",
        "vpd",
        2,
        "community",
        "F",
    ),
    S(
        "2019-06-03",
        4,
        "CA:Toronto",
        "Canadian Association of Chiefs of Police Conference 2019",
        "conference",
        "executive-development",
        "police leadership; public trust",
        "cacp",
        "cacp",
        2,
        "executive",
        "F",
    ),
    S(
        "2022-10-24",
        3,
        "CA:Vancouver",
        "Gang Violence Suppression and Intelligence Seminar",
        "seminar",
        "gangs-and-organised-crime",
        "gang intelligence; violence suppression",
        "vpd",
        "vpd",
        2,
        "gangs",
        "D",
    ),
    # --- Italy and France: Olympics preparation; Interpol in Lyon --------------------------
    S(
        "2019-10-14",
        4,
        "IT:Rome",
        "Major-Event Security Planning Exchange",
        "exchange",
        "major-event-security",
        "major-event security; Olympic preparation; crowd management",
        "polizia",
        "polizia",
        3,
        "events",
        "F",
    ),
    S(
        "2023-05-08",
        5,
        "IT:Vicenza",
        "Stability Policing and Public Order Course",
        "course",
        "crowd-control-public-order",
        "public order; crowd control",
        "carabinieri",
        "coespu",
        2,
        "crowd",
        "F",
    ),
    S(
        "2024-02-12",
        5,
        "IT:Milan; IT:Cortina d'Ampezzo",
        "Milano Cortina 2026 Olympic Security Planning Visit",
        "site_visit",
        "major-event-security",
        "Olympic preparation; venue security; major-event security",
        "polizia",
        "polizia",
        4,
        "events",
        "F",
    ),
    S(
        "2023-03-20",
        5,
        "FR:Paris",
        "Paris 2024 Olympic Security Planning Exchange",
        "exchange",
        "major-event-security",
        "Olympic preparation; major-event security; command centres",
        "pp-paris",
        "pp-paris",
        4,
        "events",
        "F",
    ),
    S(
        "2023-09-11",
        6,
        "FR:Paris; FR:Marseille",
        "Rugby World Cup 2023 Major-Event Security Observation",
        "site_visit",
        "major-event-security",
        "major-event security; fan zones; Olympic preparation",
        "pn-fr",
        "pn-fr",
        3,
        "events",
        "F",
    ),
    S(
        "2024-07-22",
        21,
        "FR:Paris",
        "Paris 2024 Olympic Games Observer Delegation",
        "site_visit",
        "major-event-security",
        "Olympic preparation; major-event security",
        "pp-paris",
        "pp-paris",
        5,
        "events",
        "A",
    ),
    S(
        "2016-04-04",
        5,
        "FR:Lyon",
        "Interpol Specialists Group on Crimes against Children",
        "seminar",
        "crimes-against-children",
        "child sexual exploitation; victim identification",
        "interpol",
        "interpol",
        2,
        "children",
        "G",
    ),
    S(
        "2019-03-25",
        5,
        "FR:Lyon",
        "Interpol Victim Identification Course",
        "course",
        "crimes-against-children",
        "victim identification; child sexual exploitation database",
        "interpol",
        "interpol",
        2,
        "children",
        "G",
    ),
    # --- Crowd control: Royal Thai Police, Austria ------------------------------------------
    S(
        "2018-08-13",
        5,
        "TH:Bangkok",
        "Crowd Control and Public Order Training with the Royal Thai Police",
        "course",
        "crowd-control-public-order",
        "crowd control; public order",
        "rtp",
        "rtp",
        3,
        "crowd",
        "H",
    ),
    S(
        "2022-11-07",
        4,
        "TH:Bangkok",
        "Crowd Management Instructor Exchange",
        "exchange",
        "crowd-control-public-order",
        "crowd control; instructor development",
        "rtp",
        "rtp",
        2,
        "crowd",
        "F",
    ),
    S(
        "2017-06-19",
        4,
        "AT:Vienna",
        "Public Order Policing and Crowd Control Seminar",
        "seminar",
        "crowd-control-public-order",
        "crowd control; public order; demonstrations",
        "lpd-wien",
        "bmi-at",
        2,
        "crowd",
        "F",
    ),
    S(
        "2019-05-20",
        4,
        "AT:Vienna",
        "Managing Large Demonstrations: Crowd Control Exchange",
        "exchange",
        "crowd-control-public-order",
        "crowd control; demonstrations",
        "lpd-wien",
        "lpd-wien",
        3,
        "crowd",
        "D",
    ),
    # --- Police aviation conventions -------------------------------------------------------
    S(
        "2015-10-05",
        4,
        "CO:Bogotá",
        "Latin American Police Aviation Convention",
        "convention",
        "aviation",
        "police aviation; helicopter operations",
        "pn-co",
        "alea",
        2,
        "aviation",
        "N",
    ),
    S(
        "2016-07-11",
        4,
        "GB:Farnborough",
        "European Police Aviation Convention",
        "convention",
        "aviation",
        "police aviation; flight safety",
        "npas",
        "alea",
        2,
        "aviation",
        "C",
    ),
    S(
        "2017-04-24",
        4,
        "MX:Mexico City",
        "International Police Aviation Convention",
        "convention",
        "aviation",
        "police aviation; night-vision operations",
        "ssc-mx",
        "alea",
        2,
        "aviation",
        "C",
    ),
    S(
        "2018-09-17",
        4,
        "DE:Berlin",
        "Police Aviation Convention and Exhibition",
        "convention",
        "aviation",
        "police aviation; maintenance; unmanned aircraft",
        "bpol",
        "alea",
        2,
        "aviation",
        "F",
    ),
    S(
        "2019-09-09",
        4,
        "PL:Warsaw",
        "Police Aviation Convention and Helicopter Safety Forum",
        "convention",
        "aviation",
        "police aviation; flight safety",
        "policja",
        "alea",
        2,
        "aviation",
        "D",
    ),
    # --- Interpol on crimes against children: Singapore and England ------------------------
    S(
        "2017-08-07",
        5,
        "SG:Singapore",
        "Interpol Online Child Sexual Exploitation Investigations Course",
        "course",
        "crimes-against-children",
        "online child sexual exploitation; undercover operations",
        "interpol-igci",
        "interpol",
        2,
        "children",
        "G",
    ),
    S(
        "2022-08-22",
        5,
        "SG:Singapore",
        "Interpol Darknet and Child Abuse Material Course",
        "course",
        "crimes-against-children",
        "darknet; child abuse material",
        "interpol-igci",
        "interpol",
        2,
        "children",
        "G",
    ),
    S(
        "2018-02-12",
        5,
        "GB:London",
        "Interpol Victim Identification Taskforce",
        "course",
        "crimes-against-children",
        "victim identification; image analysis",
        "nca",
        "interpol",
        2,
        "children",
        "G",
    ),
    S(
        "2023-01-16",
        5,
        "GB:London",
        "Interpol Crimes against Children Investigator Training",
        "course",
        "crimes-against-children",
        "child sexual exploitation; offender interviews",
        "nca",
        "interpol",
        2,
        "children",
        "G",
    ),
    # --- Inbound: the UAE Ministry of Interior course at our academy, summer 2023 -----------
    S(
        "2023-07-10",
        26,
        "US:Metro City",
        "Police Academy Course for United Arab Emirates Ministry of Interior Officers",
        "course",
        "academy-and-tactical-training",
        "recruit academy curriculum; use of force; de-escalation; patrol tactics",
        "metro-academy",
        "metro-academy",
        3,
        "academy",
        "D",
        direction="inbound",
        cost=0,
    ),
    # --- The rest of the world -------------------------------------------------------------
    S(
        "2014-08-24",
        3,
        "GB:London",
        "Notting Hill Carnival Public Order Observation",
        "site_visit",
        "crowd-control-public-order",
        "public order; carnival policing",
        "met",
        "met",
        2,
        "crowd",
        "F",
    ),
    S(
        "2015-06-22",
        4,
        "GB:London",
        "London 2012 Olympic Security Legacy Briefing",
        "exchange",
        "major-event-security",
        "Olympic preparation; major-event security",
        "met",
        "met",
        2,
        "events",
        "F",
    ),
    S(
        "2016-10-10",
        4,
        "GB:London",
        "Counter-Terrorism Policing Network Seminar",
        "seminar",
        "counterterrorism",
        "counterterrorism; protective security",
        "met",
        "met",
        2,
        "ct",
        "G",
    ),
    S(
        "2018-05-14",
        10,
        "GB:Ryton-on-Dunsmore",
        "Strategic Command Course",
        "course",
        "executive-development",
        "strategic command; executive leadership",
        "college-policing",
        "college-policing",
        1,
        "executive",
        "D",
    ),
    S(
        "2022-03-21",
        4,
        "GB:Glasgow",
        "Violence Reduction Unit Study Visit",
        "site_visit",
        "community-policing",
        "violence reduction; knife crime; public health approach",
        "police-scotland",
        "police-scotland",
        2,
        "community",
        "F",
    ),
    S(
        "2019-11-18",
        3,
        "GB:London",
        "Hate Crime Investigation and Community Tensions Seminar",
        "seminar",
        "community-policing",
        "hate crime; community tensions",
        "met",
        "met",
        2,
        "community",
        "F",
    ),
    S(
        "2014-11-10",
        4,
        "MX:Mexico City",
        "Kidnapping and Extortion Investigations Seminar",
        "seminar",
        "investigative-techniques",
        "kidnapping; extortion; negotiation",
        "fgr-mx",
        "fgr-mx",
        2,
        "investigations",
        "H",
    ),
    S(
        "2016-02-22",
        3,
        "MX:Tijuana",
        "Cross-Border Fugitive Apprehension Working Group",
        "exchange",
        "investigative-techniques",
        "fugitive apprehension; cross-border cooperation",
        "fgr-mx",
        "fgr-mx",
        2,
        "investigations",
        "D",
    ),
    S(
        "2019-07-15",
        4,
        "MX:Mexico City",
        "Cartel Financing and Money Laundering Investigations",
        "course",
        "gangs-and-organised-crime",
        "cartels; money laundering",
        "fgr-mx",
        "fgr-mx",
        2,
        "gangs",
        "G",
    ),
    S(
        "2021-08-16",
        3,
        "MX:Mexico City",
        "Firearms Trafficking Investigations Working Group",
        "exchange",
        "investigative-techniques",
        "firearms trafficking; tracing",
        "fgr-mx",
        "fgr-mx",
        2,
        "investigations",
        "G",
    ),
    S(
        "2023-06-05",
        4,
        "MX:Guadalajara",
        "FIFA World Cup 2026 Host City Security Planning Meeting",
        "exchange",
        "major-event-security",
        "major-event security; host city planning",
        "gn-mx",
        "gn-mx",
        3,
        "events",
        "F",
    ),
    S(
        "2014-09-29",
        4,
        "DE:Frankfurt",
        "Airport Security and Counter-Terrorism Exchange",
        "exchange",
        "counterterrorism",
        "airport security; counterterrorism",
        "bpol",
        "bpol",
        2,
        "ct",
        "F",
    ),
    S(
        "2016-11-21",
        3,
        "DE:Wiesbaden",
        "Bundeskriminalamt Autumn Conference on Organised Crime",
        "conference",
        "gangs-and-organised-crime",
        "organised crime; international cooperation",
        "bka",
        "bka",
        1,
        "gangs",
        "H",
    ),
    S(
        "2024-06-17",
        8,
        "DE:Munich",
        "UEFA Euro 2024 Major-Event Security Observation",
        "site_visit",
        "major-event-security",
        "major-event security; fan zones; Olympic preparation",
        "bay-pol",
        "bay-pol",
        3,
        "events",
        "F",
    ),
    S(
        "2015-02-16",
        5,
        "JP:Tokyo",
        "Koban Community Policing Study Visit",
        "site_visit",
        "community-policing",
        "koban; community policing; neighbourhood patrol",
        "mpd-tokyo",
        "mpd-tokyo",
        2,
        "community",
        "H",
    ),
    S(
        "2017-11-13",
        4,
        "JP:Tokyo",
        "Earthquake Disaster Response and Police Emergency Management Exchange",
        "exchange",
        "emergency-management",
        "disaster response; continuity of operations",
        "npa-jp",
        "npa-jp",
        2,
        "events",
        "F",
    ),
    S(
        "2019-09-23",
        6,
        "JP:Tokyo; JP:Yokohama",
        "Rugby World Cup 2019 and Tokyo 2020 Security Planning Visit",
        "site_visit",
        "major-event-security",
        "Olympic preparation; major-event security",
        "mpd-tokyo",
        "mpd-tokyo",
        3,
        "events",
        "F",
    ),
    S(
        "2021-07-19",
        3,
        "JP:",
        "Tokyo 2020 Olympic Security Virtual Briefing Series",
        "seminar",
        "major-event-security",
        "Olympic preparation; spectator-free events",
        "npa-jp",
        "npa-jp",
        3,
        "events",
        "D",
        direction="virtual",
        cost=0,
    ),
    S(
        "2016-08-08",
        4,
        "AU:Sydney",
        "Counter-Terrorism and Crowded Places Security Seminar",
        "seminar",
        "counterterrorism",
        "counterterrorism; crowded places",
        "nsw",
        "nsw",
        2,
        "ct",
        "F",
    ),
    S(
        "2018-04-02",
        8,
        "AU:Gold Coast",
        "Commonwealth Games 2018 Major-Event Security Observation",
        "site_visit",
        "major-event-security",
        "major-event security; venue security",
        "qps",
        "qps",
        3,
        "events",
        "F",
    ),
    S(
        "2020-02-17",
        4,
        "AU:Brisbane",
        "Child Exploitation Investigations Workshop",
        "seminar",
        "crimes-against-children",
        "online child sexual exploitation; victim identification",
        "afp",
        "afp",
        2,
        "children",
        "G",
    ),
    S(
        "2023-08-21",
        4,
        "AU:Brisbane",
        "Brisbane 2032 Olympic Security Planning Exchange",
        "exchange",
        "major-event-security",
        "Olympic preparation; major-event security",
        "qps",
        "qps",
        2,
        "events",
        "F",
    ),
    S(
        "2015-04-13",
        3,
        "NL:The Hague",
        "Europol Cybercrime Conference 2015",
        "conference",
        "cybercrime",
        "cybercrime; international cooperation",
        "europol",
        "europol",
        2,
        "cyber",
        "F",
    ),
    S(
        "2016-05-30",
        5,
        "NL:The Hague",
        "Forensic Investigations Course",
        "course",
        "investigative-techniques",
        "forensic science; crime scene management",
        "nfi",
        "nfi",
        2,
        "investigations",
        "D",
    ),
    S(
        "2018-10-08",
        3,
        "NL:The Hague",
        "Europol Police Chiefs Convention",
        "convention",
        "executive-development",
        "police leadership; international cooperation",
        "europol",
        "europol",
        2,
        "executive",
        "H",
    ),
    S(
        "2022-04-04",
        5,
        "NL:Amsterdam",
        "Darknet Marketplace Investigations Course",
        "course",
        "cybercrime",
        "darknet markets; cryptocurrency tracing",
        "politie",
        "politie",
        2,
        "cyber",
        "G",
    ),
    S(
        "2014-04-07",
        4,
        "ES:Madrid",
        "Counter-Terrorism Investigations Seminar",
        "seminar",
        "counterterrorism",
        "counterterrorism; investigations",
        "guardia-civil",
        "guardia-civil",
        2,
        "ct",
        "F",
    ),
    S(
        "2018-01-22",
        3,
        "ES:Barcelona",
        "Vehicle-Ramming Attack Response Seminar",
        "seminar",
        "counterterrorism",
        "vehicle-ramming attacks; hostile vehicle mitigation",
        "mossos",
        "mossos",
        2,
        "ct",
        "F",
    ),
    S(
        "2021-09-20",
        4,
        "ES:Madrid",
        "Public Order Units Exchange",
        "exchange",
        "crowd-control-public-order",
        "public order units; crowd control",
        "pn-es",
        "pn-es",
        2,
        "crowd",
        "D",
    ),
    S(
        "2018-02-12",
        6,
        "KR:Pyeongchang",
        "PyeongChang 2018 Winter Olympics Security Observation",
        "site_visit",
        "major-event-security",
        "Olympic preparation; winter venue security",
        "knpa",
        "knpa",
        3,
        "events",
        "H",
    ),
    S(
        "2019-04-15",
        4,
        "KR:Seoul",
        "Cyber Investigations Exchange",
        "exchange",
        "cybercrime",
        "cyber investigations; ransomware",
        "knpa",
        "knpa",
        2,
        "cyber",
        "D",
    ),
    S(
        "2023-09-04",
        3,
        "KR:Seoul",
        "Crowd Safety and Crowd-Crush Prevention Seminar",
        "seminar",
        "crowd-control-public-order",
        "crowd safety; crowd density",
        "knpa",
        "knpa",
        2,
        "crowd",
        "F",
    ),
    S(
        "2015-08-10",
        4,
        "SV:San Salvador",
        "Transnational Anti-Gang Investigations Exchange",
        "exchange",
        "gangs-and-organised-crime",
        "transnational gangs; intelligence sharing",
        "pnc-sv",
        "pnc-sv",
        2,
        "gangs",
        "G",
    ),
    S(
        "2018-07-09",
        4,
        "SV:San Salvador",
        "Gang Intelligence Sharing Working Group",
        "exchange",
        "gangs-and-organised-crime",
        "gang intelligence; extradition",
        "pnc-sv",
        "pnc-sv",
        2,
        "gangs",
        "G",
    ),
    S(
        "2017-01-23",
        4,
        "GT:Guatemala City",
        "Gang Extortion Investigations Course",
        "course",
        "gangs-and-organised-crime",
        "extortion; gang intelligence",
        "pnc-gt",
        "pnc-gt",
        2,
        "gangs",
        "G",
    ),
    S(
        "2019-10-21",
        4,
        "PH:Manila",
        "Online Sexual Exploitation of Children Workshop",
        "seminar",
        "crimes-against-children",
        "online sexual exploitation of children; livestreamed abuse",
        "pnp",
        "pnp",
        2,
        "children",
        "G",
    ),
    S(
        "2014-06-16",
        6,
        "BR:Rio de Janeiro",
        "FIFA World Cup 2014 Security Observation",
        "site_visit",
        "major-event-security",
        "major-event security; stadium security",
        "pf-br",
        "pf-br",
        2,
        "events",
        "F",
    ),
    S(
        "2016-08-08",
        8,
        "BR:Rio de Janeiro",
        "Rio 2016 Olympic Games Security Observation",
        "site_visit",
        "major-event-security",
        "Olympic preparation; major-event security",
        "pf-br",
        "pf-br",
        3,
        "events",
        "F",
    ),
    S(
        "2022-11-21",
        6,
        "QA:Doha",
        "FIFA World Cup 2022 Major-Event Security Observation",
        "site_visit",
        "major-event-security",
        "major-event security; fan zones",
        "moi-qa",
        "moi-qa",
        3,
        "events",
        "F",
    ),
    S(
        "2017-09-18",
        4,
        "IE:Dublin",
        "Community Engagement Exchange",
        "exchange",
        "community-policing",
        "community engagement; neighbourhood policing",
        "garda",
        "garda",
        2,
        "community",
        "F",
    ),
    S(
        "2016-12-05",
        3,
        "BE:Brussels",
        "Post-Attack Investigations Seminar",
        "seminar",
        "counterterrorism",
        "post-attack investigations; victim identification",
        "pol-be",
        "pol-be",
        2,
        "ct",
        "G",
    ),
    S(
        "2019-08-26",
        4,
        "SE:Stockholm",
        "Dialogue Police and Protest Management Study Visit",
        "site_visit",
        "crowd-control-public-order",
        "dialogue policing; protest management",
        "pol-se",
        "pol-se",
        2,
        "crowd",
        "F",
    ),
    S(
        "2022-05-30",
        3,
        "DK:Copenhagen",
        "Hostile Vehicle Mitigation in Public Spaces Seminar",
        "seminar",
        "major-event-security",
        "hostile vehicle mitigation; public spaces",
        "pol-dk",
        "pol-dk",
        1,
        "events",
        "D",
    ),
    S(
        "2014-10-06",
        4,
        "NO:Oslo",
        "Active Shooter Response and Lessons Learned Seminar",
        "seminar",
        "counterterrorism",
        "active shooter response; lessons learned",
        "phs-no",
        "phs-no",
        2,
        "ct",
        "F",
    ),
    S(
        "2020-01-27",
        4,
        "NZ:Wellington",
        "Mass-Casualty Attack Response Seminar",
        "seminar",
        "counterterrorism",
        "mass-casualty attacks; community reassurance",
        "nzp",
        "nzp",
        2,
        "ct",
        "G",
    ),
    S(
        "2015-07-13",
        10,
        "SG:Singapore",
        "Home Team Academy Leadership Programme",
        "course",
        "executive-development",
        "executive leadership; public safety",
        "hta",
        "hta",
        2,
        "executive",
        "H",
    ),
    S(
        "2016-04-25",
        6,
        "JO:Amman",
        "Annual Warrior Competition",
        "exchange",
        "academy-and-tactical-training",
        "tactical teams; special weapons and tactics",
        "kasotc",
        "kasotc",
        4,
        "crowd",
        "F",
    ),
    S(
        "2023-08-01",
        6,
        "PT:Lisbon",
        "World Youth Day 2023 Major-Event Security Observation",
        "site_visit",
        "major-event-security",
        "major-event security; crowd management",
        "psp",
        "psp",
        2,
        "events",
        "D",
    ),
    S(
        "2017-07-10",
        4,
        "CL:Santiago",
        "Quadrant Community Policing Model Exchange",
        "exchange",
        "community-policing",
        "community policing; patrol beats",
        "carabineros",
        "carabineros",
        2,
        "community",
        "D",
    ),
    S(
        "2017-10-02",
        4,
        "CO:Bogotá",
        "Counter-Narcotics Investigations Exchange",
        "exchange",
        "gangs-and-organised-crime",
        "counter-narcotics; cartels",
        "pn-co",
        "pn-co",
        2,
        "gangs",
        "G",
    ),
    # --- Foreign trainers teaching our staff at home ---------------------------------------
    S(
        "2015-01-26",
        5,
        "US:Metro City",
        "Procedural Justice Instructor Course",
        "course",
        "community-policing",
        "procedural justice; instructor development",
        "metro-academy",
        "college-policing",
        12,
        "community",
        "F",
        direction="foreign_trainers",
    ),
    S(
        "2017-09-25",
        4,
        "US:Metro City",
        "De-escalation Training by Police Scotland Instructors",
        "course",
        "de-escalation-and-crisis-response",
        "de-escalation; tactical communication",
        "metro-academy",
        "police-scotland",
        12,
        "community",
        "F",
        direction="foreign_trainers",
    ),
    S(
        "2019-02-04",
        4,
        "US:Metro City",
        "Crowd Management Training by Dutch National Police Instructors",
        "course",
        "crowd-control-public-order",
        "crowd management; mobile units",
        "metro-academy",
        "politie",
        10,
        "crowd",
        "G",
        direction="foreign_trainers",
    ),
    S(
        "2022-01-24",
        3,
        "US:Metro City",
        "Human Trafficking Indicators Train-the-Trainer Course",
        "course",
        "human-trafficking",
        "human trafficking indicators; instructor development",
        "metro-academy",
        "rcmp",
        10,
        "trafficking",
        "G",
        direction="foreign_trainers",
    ),
    # --- Virtual, during the pandemic -------------------------------------------------------
    S(
        "2020-05-11",
        3,
        "NL:",
        "Europol Webinar Series on Pandemic-Era Cybercrime",
        "seminar",
        "cybercrime",
        "cybercrime; fraud; pandemic",
        "europol",
        "europol",
        3,
        "cyber",
        "D",
        direction="virtual",
        cost=0,
    ),
    S(
        "2020-09-14",
        5,
        "GB:",
        "Online Leadership Programme",
        "course",
        "executive-development",
        "executive leadership; crisis leadership",
        "college-policing",
        "college-policing",
        2,
        "executive",
        "D",
        direction="virtual",
        cost=1200,
    ),
    S(
        "2020-11-09",
        2,
        "AU:",
        "Virtual Counter-Terrorism Roundtable",
        "seminar",
        "counterterrorism",
        "counterterrorism; online radicalisation",
        "afp",
        "afp",
        2,
        "ct",
        "D",
        direction="virtual",
        cost=0,
    ),
    S(
        "2021-03-08",
        2,
        "GB:",
        "Public Order Policing during the Pandemic Virtual Conference",
        "conference",
        "crowd-control-public-order",
        "public order; pandemic restrictions",
        "police-scotland",
        "police-scotland",
        2,
        "crowd",
        "D",
        direction="virtual",
        cost=0,
    ),
]

# ---------------------------------------------------------------------------------------
# People
# ---------------------------------------------------------------------------------------

SWORN_ORDER = [
    "Assistant Chief",
    "Deputy Chief",
    "Commander",
    "Captain III",
    "Captain II",
    "Captain I",
    "Lieutenant II",
    "Lieutenant I",
    "Sergeant II",
    "Sergeant I",
    "Detective III",
    "Detective II",
    "Detective I",
    "Police Officer III",
    "Police Officer II",
]
CIVILIAN_ORDER = [
    "Senior Criminalist",
    "Criminalist II",
    "Senior Management Analyst",
    "Emergency Management Coordinator",
    "Computer Forensics Examiner",
    "Senior Helicopter Mechanic",
    "Management Analyst",
    "Police Service Representative",
]
SENIORITY = {rank: i for i, rank in enumerate(SWORN_ORDER + CIVILIAN_ORDER)}

JUNIOR: dict[str, float] = {
    "Police Officer II": 3,
    "Police Officer III": 3,
    "Detective I": 2,
    "Detective II": 2,
    "Detective III": 1,
    "Sergeant I": 2,
    "Sergeant II": 1,
    "Lieutenant I": 1,
    "Lieutenant II": 1,
}

# pool: (size, units, rank weights)
POOLS: dict[str, tuple[int, list[str], dict[str, float]]] = {
    "israel": (18, [], {}),  # built explicitly below
    "trafficking": (
        32,
        ["Human Trafficking Task Force", "Vice Division", "Juvenile Division"],
        JUNIOR,
    ),
    "druglabs": (
        19,
        [
            "Narcotics Division — Clandestine Laboratory Squad",
            "Hazardous Materials Unit",
            "Scientific Investigation Division",
        ],
        {**JUNIOR, "Senior Criminalist": 1, "Criminalist II": 2},
    ),
    "children": (
        12,
        ["Juvenile Division — Internet Crimes Against Children Unit"],
        {
            "Detective I": 3,
            "Detective II": 3,
            "Detective III": 2,
            "Sergeant II": 1,
            "Lieutenant I": 1,
        },
    ),
    "aviation": (
        8,
        ["Air Support Division"],
        {
            "Police Officer III": 4,
            "Sergeant I": 1,
            "Sergeant II": 1,
            "Lieutenant I": 1,
            "Senior Helicopter Mechanic": 1,
        },
    ),
    "crowd": (
        30,
        ["Metropolitan Division", "Emergency Services Division", "Training Division"],
        {**JUNIOR, "Captain I": 0.5},
    ),
    "events": (
        42,
        [
            "Major Events Group",
            "Emergency Operations Division",
            "Office of Special Operations",
            "Counter-Terrorism and Special Operations Bureau",
        ],
        {
            **JUNIOR,
            "Captain I": 1,
            "Captain II": 0.5,
            "Commander": 0.3,
            "Emergency Management Coordinator": 1,
            "Senior Management Analyst": 0.5,
        },
    ),
    "executive": (
        8,
        [
            "Office of the Chief of Police",
            "Office of Operations",
            "Office of Administrative Services",
        ],
        {
            "Captain II": 2,
            "Captain III": 2,
            "Commander": 2,
            "Deputy Chief": 1,
            "Assistant Chief": 0.5,
        },
    ),
    "ct": (
        15,
        [
            "Counter-Terrorism and Special Operations Bureau",
            "Major Crimes Division",
            "Emergency Services Division",
        ],
        JUNIOR,
    ),
    "gangs": (11, ["Gang and Narcotics Division", "Robbery-Homicide Division"], JUNIOR),
    "community": (
        28,
        [
            "Community Relationship Division",
            "Training Division",
            "Mental Evaluation Unit",
            "Central Area Patrol",
            "Harbor Area Patrol",
        ],
        {**JUNIOR, "Management Analyst": 0.5},
    ),
    "cyber": (
        9,
        ["Commercial Crimes Division — Cyber Crimes Section", "Major Crimes Division"],
        {
            "Detective I": 2,
            "Detective II": 2,
            "Detective III": 1,
            "Sergeant II": 1,
            "Computer Forensics Examiner": 1,
        },
    ),
    "investigations": (
        8,
        ["Robbery-Homicide Division", "Detective Bureau", "Commercial Crimes Division"],
        {
            "Detective I": 2,
            "Detective II": 3,
            "Detective III": 2,
            "Sergeant II": 1,
            "Lieutenant II": 1,
        },
    ),
    "academy": (3, ["Training Division"], {"Police Officer III": 2, "Sergeant II": 1}),
    # Employees who never travelled: the registry is of the department, not of the trips.
    "none": (
        12,
        [
            "Central Area Patrol",
            "Valley Area Patrol",
            "Records and Identification Division",
            "Training Division",
        ],
        {**JUNIOR, "Police Service Representative": 1},
    ),
}

# The Israel group: the eight on "Command and Control Counter-Terrorism" come first.
ISRAEL_GROUP = [
    ("Deputy Chief", "Counter-Terrorism and Special Operations Bureau"),
    ("Commander", "Counter-Terrorism and Special Operations Bureau"),
    ("Captain III", "Major Crimes Division"),
    ("Captain II", "Metropolitan Division"),
    ("Lieutenant II", "Emergency Services Division"),
    ("Lieutenant II", "Major Crimes Division"),
    ("Sergeant II", "Counter-Terrorism and Special Operations Bureau"),
    ("Detective III", "Major Crimes Division"),
    ("Lieutenant I", "Counter-Terrorism and Special Operations Bureau"),
    ("Sergeant II", "Emergency Services Division"),
    ("Sergeant I", "Metropolitan Division"),
    ("Detective III", "Major Crimes Division"),
    ("Detective II", "Major Crimes Division"),
    ("Detective II", "Counter-Terrorism and Special Operations Bureau"),
    ("Police Officer III", "Metropolitan Division"),
    ("Police Officer III", "Emergency Services Division"),
    ("Sergeant I", "Counter-Terrorism and Special Operations Bureau"),
    ("Detective I", "Major Crimes Division"),
]
CC_TITLE = "Command and Control Counter-Terrorism"

FIRST_NAMES = [
    "James",
    "Maria",
    "Jose",
    "Michael",
    "David",
    "Jennifer",
    "Daniel",
    "Carlos",
    "Luis",
    "Angela",
    "Robert",
    "Patricia",
    "Anthony",
    "Christopher",
    "Juan",
    "Jessica",
    "Kevin",
    "Brian",
    "Sarah",
    "Eric",
    "Stephanie",
    "Steven",
    "Laura",
    "Mark",
    "Monica",
    "Jason",
    "Andrew",
    "Michelle",
    "Ricardo",
    "Teresa",
    "Thomas",
    "Linda",
    "Richard",
    "Veronica",
    "Paul",
    "Diana",
    "Raymond",
    "Gabriela",
    "Jorge",
    "Nicole",
    "Edward",
    "Elena",
    "Sean",
    "Karen",
    "Timothy",
    "Rosa",
    "Gregory",
    "Alicia",
    "Victor",
    "Denise",
    "Kenneth",
    "Sandra",
    "Miguel",
    "Hector",
    "Adriana",
    "Peter",
    "Jonathan",
    "Lisa",
    "Martin",
    "Erika",
    "Samuel",
    "Vanessa",
    "Omar",
    "Grace",
    "Derek",
    "Julie",
    "Ivan",
    "Tanya",
    "Marcus",
    "Yolanda",
    "Tyrone",
    "Helen",
    "Minjun",
    "Jiwoo",
    "Kenji",
    "Mei",
    "Hiroshi",
    "Lan",
    "Thanh",
    "Arash",
    "Narges",
    "Tigran",
    "Ani",
    "Oscar",
    "Leticia",
    "Rafael",
    "Claudia",
    "Dennis",
    "Carmen",
    "Frank",
    "Irene",
    "Ramon",
    "Beatriz",
    "Gilbert",
    "Sofia",
    "Wesley",
    "Amanda",
    "Curtis",
    "Renee",
]
LAST_NAMES = [
    "Garcia",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Rodriguez",
    "Perez",
    "Sanchez",
    "Ramirez",
    "Torres",
    "Flores",
    "Rivera",
    "Gomez",
    "Diaz",
    "Reyes",
    "Morales",
    "Cruz",
    "Ortiz",
    "Gutierrez",
    "Chavez",
    "Ramos",
    "Ruiz",
    "Alvarez",
    "Mendoza",
    "Castillo",
    "Jimenez",
    "Moreno",
    "Romero",
    "Herrera",
    "Medina",
    "Aguilar",
    "Vargas",
    "Guzman",
    "Salazar",
    "Delgado",
    "Castro",
    "Contreras",
    "Navarro",
    "Soto",
    "Vega",
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Miller",
    "Davis",
    "Wilson",
    "Anderson",
    "Taylor",
    "Thomas",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Thompson",
    "White",
    "Harris",
    "Clark",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Hill",
    "Green",
    "Adams",
    "Baker",
    "Nelson",
    "Carter",
    "Mitchell",
    "Roberts",
    "Turner",
    "Phillips",
    "Campbell",
    "Parker",
    "Evans",
    "Edwards",
    "Collins",
    "Stewart",
    "Morris",
    "Murphy",
    "Cook",
    "Rogers",
    "Morgan",
    "Cooper",
    "Peterson",
    "Bailey",
    "Reed",
    "Kelly",
    "Howard",
    "Kim",
    "Park",
    "Nguyen",
    "Tran",
    "Chen",
    "Wong",
    "Nakamura",
    "Tanaka",
    "Yamamoto",
    "Patel",
    "Singh",
    "Khan",
    "Sarkisian",
    "Petrosyan",
    "Hovsepian",
    "O'Brien",
    "Sullivan",
    "Murray",
    "Brennan",
    "Washington",
    "Coleman",
    "Brooks",
    "Bell",
    "Hughes",
    "Price",
    "Foster",
    "Sanders",
    "Bryant",
    "Russell",
    "Griffin",
    "Hayes",
    "Myers",
    "Ford",
    "Hamilton",
    "Graham",
    "Wallace",
    "Woods",
    "Cole",
    "West",
    "Jordan",
    "Owens",
    "Reynolds",
    "Fisher",
    "Ellis",
    "Harrison",
    "Gibson",
    "McDonald",
    "Marshall",
]

# Five invented trainees from the UAE Ministry of Interior, and invented foreign instructors.
EXTERNAL_PEOPLE = [
    # key, full name, organisation key, position, country
    ("uae-1", "Saeed Rashed Al Hammadi", "moi-ae", "First Lieutenant", "AE"),
    ("uae-2", "Omar Khalfan Al Ketbi", "moi-ae", "Captain", "AE"),
    ("uae-3", "Hamad Obaid Al Nuaimi", "moi-ae", "Lieutenant", "AE"),
    ("uae-4", "Yousef Salem Al Marri", "moi-ae", "First Lieutenant", "AE"),
    ("uae-5", "Ahmed Juma Al Shamsi", "moi-ae", "Warrant Officer", "AE"),
    ("cop-1", "Gareth Pennington", "college-policing", "Curriculum Lead", "GB"),
    ("cop-2", "Fiona Aldridge", "college-policing", "Senior Trainer", "GB"),
    ("psc-1", "Callum Baird", "police-scotland", "Inspector", "GB"),
    ("psc-2", "Morag Sinclair", "police-scotland", "Sergeant", "GB"),
    ("pol-1", "Joris van Dalen", "politie", "Chief Inspector", "NL"),
    ("pol-2", "Sanne Vermeulen", "politie", "Inspector", "NL"),
    ("rcmp-1", "Danielle Tremblay", "rcmp", "Corporal", "CA"),
    ("rcmp-2", "Kyle Whitehorse", "rcmp", "Sergeant", "CA"),
]
EXTERNAL_PARTICIPATIONS = {
    "Police Academy Course for United Arab Emirates Ministry of Interior Officers": [
        ("uae-1", "trainee"),
        ("uae-2", "trainee"),
        ("uae-3", "trainee"),
        ("uae-4", "trainee"),
        ("uae-5", "trainee"),
    ],
    "Procedural Justice Instructor Course": [("cop-1", "instructor"), ("cop-2", "instructor")],
    "De-escalation Training by Police Scotland Instructors": [
        ("psc-1", "instructor"),
        ("psc-2", "instructor"),
    ],
    "Crowd Management Training by Dutch National Police Instructors": [
        ("pol-1", "instructor"),
        ("pol-2", "instructor"),
    ],
    "Human Trafficking Indicators Train-the-Trainer Course": [
        ("rcmp-1", "instructor"),
        ("rcmp-2", "instructor"),
    ],
}

# ---------------------------------------------------------------------------------------
# Funding
# ---------------------------------------------------------------------------------------

FOUNDATION = "Metro City Police Foundation"
DEPARTMENT = "Metro City Police Department"
GRANTS = {  # category → (programme, grant id pattern with the fiscal year)
    "human-trafficking": (
        "U.S. Department of Justice, Office for Victims of Crime — "
        "Enhanced Collaborative Model Task Force",
        "{fy}-VT-BX-K0{n:02d}",
    ),
    "clandestine-drug-labs": (
        "Office of National Drug Control Policy — High Intensity Drug Trafficking Areas program",
        "G{yy}MC0{n:03d}A",
    ),
    "gangs-and-organised-crime": (
        "Office of National Drug Control Policy — High Intensity Drug Trafficking Areas program",
        "G{yy}MC0{n:03d}A",
    ),
    "crimes-against-children": (
        "U.S. Department of Justice, OJJDP — Internet Crimes Against Children Task Force program",
        "{fy}-MC-FX-K0{n:02d}",
    ),
    "_security": (
        "U.S. Department of Homeland Security — Urban Area Security Initiative",
        "EMW-{fy}-SS-000{n:02d}",
    ),
    "_justice": (
        "U.S. Department of Justice, Bureau of Justice Assistance",
        "{fy}-DG-BX-00{n:02d}",
    ),
}
SECURITY_CATEGORIES = {
    "counterterrorism",
    "executive-development",
    "major-event-security",
    "crowd-control-public-order",
}
PAID_FOR = {
    "D": "transport; lodging; meals; registration",
    "G": "transport; lodging; meals; registration",
    "F": "transport; lodging",
    "A": "transport; lodging; meals",
    "H": "lodging; meals; in_kind",
    "N": "registration; in_kind",
    "C": "registration; lodging",
}
# US dollars per traveller (range) by where the activity was.
PER_PERSON = {
    "CA": (900, 1900),
    "MX": (1200, 2300),
    "CO": (1500, 2600),
    "SV": (1300, 2200),
    "GT": (1300, 2200),
    "CL": (2200, 3400),
    "BR": (2600, 4200),
    "GB": (2600, 4400),
    "FR": (2800, 4600),
    "IT": (2600, 4300),
    "DE": (2500, 4100),
    "AT": (2500, 4000),
    "PL": (2100, 3300),
    "NL": (2500, 4100),
    "ES": (2400, 3900),
    "IE": (2400, 3800),
    "BE": (2500, 3900),
    "SE": (2700, 4300),
    "DK": (2800, 4400),
    "NO": (2900, 4600),
    "PT": (2300, 3700),
    "JP": (3200, 5000),
    "KR": (3000, 4700),
    "TH": (2600, 4000),
    "SG": (3000, 4800),
    "PH": (2500, 3800),
    "AU": (3400, 5400),
    "NZ": (3400, 5400),
    "QA": (3600, 5600),
    "JO": (3000, 4600),
}


@dataclass
class Person:
    pool: str
    rank: str
    unit: str
    first_name: str = ""
    last_name: str = ""
    serial_number: str = ""
    demo_login: str = ""

    @property
    def employment_type(self) -> str:
        return "civilian" if self.rank in CIVILIAN_ORDER else "sworn"


def make_people(rng: random.Random) -> dict[str, list[Person]]:
    pools: dict[str, list[Person]] = {}
    for name, (size, units, weights) in POOLS.items():
        if name == "israel":
            pools[name] = [Person(name, rank, unit) for rank, unit in ISRAEL_GROUP]
            continue
        ranks = list(weights)
        pools[name] = [
            Person(name, rng.choices(ranks, [weights[r] for r in ranks])[0], rng.choice(units))
            for _ in range(size)
        ]
    assert len(pools["israel"]) == 18
    everyone = [p for members in pools.values() for p in members]
    names: set[tuple[str, str]] = set()
    for person in everyone:
        while True:
            candidate = (rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES))
            if candidate not in names:
                names.add(candidate)
                person.first_name, person.last_name = candidate
                break
    # Senior people joined earlier and so carry lower serial numbers.
    serials = sorted(rng.sample(range(21000, 44000), len(everyone)))
    by_seniority = sorted(everyone, key=lambda p: (SENIORITY[p.rank], rng.random()))
    for person, serial in zip(by_seniority, serials, strict=True):
        person.serial_number = str(serial)
    return pools


def assign(
    rng: random.Random, specs: list[Spec], pools: dict[str, list[Person]]
) -> dict[str, list[Person]]:
    """Choose who went on each activity. Within a pool, every member travels at least once
    (so the distinct count is exactly the pool sizes); the rest are repeat travellers."""
    chosen: dict[str, list[Person]] = {}
    by_pool: dict[str, list[Spec]] = defaultdict(list)
    for spec in specs:
        by_pool[spec.pool].append(spec)
    for pool, pool_specs in by_pool.items():
        members = pools[pool]
        used: set[int] = set()
        pool_specs = sorted(pool_specs, key=lambda s: s.start)
        if pool == "israel":
            cc = next(s for s in pool_specs if s.title == CC_TITLE)
            chosen[cc.title] = members[:8]
            used.update(range(8))
            pool_specs = [s for s in pool_specs if s is not cc]
        remaining = sum(s.n for s in pool_specs)
        assert remaining >= len(members) - len(used), f"pool {pool} has too few seats"
        for spec in pool_specs:
            picked: list[int] = []
            for _ in range(spec.n):
                unused = [i for i in range(len(members)) if i not in used]
                repeats = [i for i in sorted(used) if i not in picked]
                must_take_new = len(unused) >= remaining
                if unused and (
                    must_take_new or not repeats or rng.random() < len(unused) / remaining
                ):
                    index = rng.choice(unused)
                else:
                    index = rng.choice(repeats)
                picked.append(index)
                used.add(index)
                remaining -= 1
            chosen[spec.title + spec.start] = [members[i] for i in picked]
        assert len(used) == len(members), f"pool {pool}: {len(used)} of {len(members)} went"
    cc_spec = next(s for s in specs if s.title == CC_TITLE)
    chosen[cc_spec.title + cc_spec.start] = chosen.pop(cc_spec.title)
    return chosen


def participant_role(spec: Spec, person: Person, lead: Person | None) -> str:
    if spec.direction == "inbound":
        return "instructor"
    if person is lead:
        return "delegation_lead"
    return "attendee"


def funding(spec: Spec, grant_counter: Counter[str], cost: int) -> dict[str, str]:
    fy = int(spec.start[:4]) - (0 if spec.start[5:7] >= "10" else 1)
    grant_id = ""
    anonymous = "no"
    if spec.fund == "D":
        funder, funder_type = DEPARTMENT, "department"
    elif spec.fund == "F":
        funder, funder_type = FOUNDATION, "police_foundation"
    elif spec.fund == "A":
        funder, funder_type = f"Undisclosed donor through the {FOUNDATION}", "police_foundation"
        anonymous = "yes"
    elif spec.fund == "G":
        key = (
            spec.category
            if spec.category in GRANTS
            else "_security"
            if spec.category in SECURITY_CATEGORIES
            else "_justice"
        )
        funder, pattern = GRANTS[key]
        funder_type = "federal_grant"
        # One award per programme and fiscal year, numbered in order of first use.
        award = f"{key}:{fy}"
        if award not in grant_counter:
            grant_counter[award] = len(grant_counter) % 40 + 11
        grant_id = pattern.format(fy=fy, yy=str(fy)[2:], n=grant_counter[award])
    elif spec.fund == "H":
        funder, funder_type = ORG_NAMES[spec.host], "other_agency"
    elif spec.fund == "N":
        funder, funder_type = ORG_NAMES[spec.organiser], "nonprofit"
    elif spec.fund == "C":
        funder, funder_type = "Skyline Rotorcraft Inc.", "company"
    else:
        raise ValueError(spec.fund)
    paid_for = PAID_FOR[spec.fund]
    if spec.direction == "inbound":
        paid_for = "in_kind"  # the academy's own instructors and facilities; nothing spent
    elif spec.direction == "virtual":
        paid_for = "registration" if cost else ""
    return {
        "funder": funder,
        "funder_type": funder_type,
        "funder_anonymous": anonymous,
        "grant_id": grant_id,
        "paid_for": paid_for,
    }


ORG_NAMES = {key: name for key, name, *_ in ORGANISATIONS}
CATEGORY_NAMES = {slug: name for slug, name, _ in CATEGORIES}


def cost_for(rng: random.Random, spec: Spec, country: str) -> int:
    if spec.cost is not None:
        return spec.cost
    if spec.direction == "foreign_trainers":
        return round(rng.randint(9000, 24000), -1)
    low, high = PER_PERSON[country]
    per_person = rng.randint(low, high) + spec.days * rng.randint(60, 140)
    return round(per_person * spec.n, -1)


def evaluation_for(rng: random.Random, spec: Spec) -> str:
    """Few reports: mostly a one-line "brief statement" or nothing; a full report only
    now and then after 2021, and less often when someone else paid."""
    if spec.evaluation:
        return spec.evaluation
    outside = spec.fund != "D"
    recent = spec.start >= "2021"
    p_full = (0.3 if not outside else 0.12) if recent else 0.0
    p_none = 0.42 if outside else 0.2
    roll = rng.random()
    if roll < p_full:
        return "full"
    if roll < p_full + p_none:
        return "none"
    return "brief_statement"


KIND_WORDS = {
    "course": "course",
    "seminar": "seminar",
    "conference": "conference",
    "exchange": "exchange",
    "site_visit": "site visit",
    "convention": "convention",
}


def purpose_for(spec: Spec) -> str:
    if spec.purpose:
        return spec.purpose
    host = ORG_NAMES[spec.host]
    topics = [t.strip() for t in spec.topics.split(";")]
    if spec.direction == "inbound":
        return (
            "Academy course at the Metro City Police Academy for five officers of the "
            "United Arab Emirates Ministry of Interior: " + ", ".join(topics) + "."
        )
    if spec.direction == "foreign_trainers":
        return (
            f"Instructors from {ORG_NAMES[spec.organiser]} teach our staff at the academy: "
            + ", ".join(topics)
            + "."
        )
    what = KIND_WORDS[spec.kind]
    lead = (
        f"Attend the {what} hosted by {host}"
        if spec.kind != "exchange"
        else f"Exchange practice with {host}"
    )
    if spec.direction == "virtual":
        lead = f"Take part online in the {what} run by {host}"
    return f"{lead} on {', '.join(topics[:-1]) + ' and ' if len(topics) > 1 else ''}{topics[-1]}."


def justification_for(rng: random.Random, spec: Spec, senior: Person) -> str:
    """The IG found no expectation to justify outside-paid travel: most such rows are blank."""
    if spec.justification is not None:
        return spec.justification
    if spec.fund != "D" and rng.random() < 0.7:
        return ""
    area = CATEGORY_NAMES[spec.category].lower()
    return f"Requested by {senior.unit}; relevant to the unit's current {area} work."


# A rank and the one below it: someone promoted since a trip went as the rank below.
PROMOTED_FROM = {
    "Police Officer III": "Police Officer II",
    "Detective II": "Detective I",
    "Detective III": "Detective II",
    "Sergeant II": "Sergeant I",
    "Lieutenant II": "Lieutenant I",
    "Captain II": "Captain I",
    "Captain III": "Captain II",
    "Criminalist II": "Criminalist I",
}


def promotions(rng: random.Random, everyone: list[Person]) -> dict[str, dt.date]:
    """About a third of those whose rank has a rank below it were promoted during the
    period: serial number → the day of the promotion (trips before it show the old rank)."""
    promoted: dict[str, dt.date] = {}
    first, last = dt.date(2015, 1, 1), dt.date(2024, 6, 30)
    for person in sorted(everyone, key=lambda p: p.serial_number):
        if person.rank in PROMOTED_FROM and rng.random() < 0.35:
            promoted[person.serial_number] = first + dt.timedelta(
                days=rng.randint(0, (last - first).days)
            )
    return promoted


def rank_at(person: Person, day: dt.date, promoted: dict[str, dt.date]) -> str:
    since = promoted.get(person.serial_number)
    return PROMOTED_FROM[person.rank] if since is not None and day < since else person.rank


def record_trail(
    rng: random.Random, spec: Spec, start: dt.date, end: dt.date, travel_records: str
) -> dict[str, str]:
    """What the department's own records show about the request: an approval on file
    (and the day the request was recorded, weeks before the start) or not; a record made
    only after the trip (a trip statement); or, where travel records were destroyed under
    the retention schedule, no date at all."""
    if travel_records != "on_file":
        return {"approval": "not_on_record", "recorded_on": ""}
    if spec.fund == "D" or spec.direction in ("inbound", "foreign_trainers") or rng.random() < 0.6:
        recorded = start - dt.timedelta(days=rng.randint(21, 120))
        return {"approval": "on_file", "recorded_on": recorded.isoformat()}
    recorded = end + dt.timedelta(days=rng.randint(2, 30))
    return {"approval": "not_on_record", "recorded_on": recorded.isoformat()}


def main(out_dir: Path = HERE) -> None:
    rng = random.Random(SEED)
    # Columns added later draw from their own generator, so the older ones stay as written.
    later = random.Random(SEED + 1)
    assert len(SPECS) == 117, len(SPECS)
    keys = {(s.title, s.start) for s in SPECS}
    assert len(keys) == len(SPECS), "title + start date must be unique"
    pools = make_people(rng)
    chosen = assign(rng, SPECS, pools)
    grant_counter: Counter[str] = Counter()
    promoted = promotions(later, [p for members in pools.values() for p in members])

    activities, participations = [], []
    for number, spec in enumerate(sorted(SPECS, key=lambda s: (s.start, s.title)), start=1):
        key = f"A{number:03d}"
        people = chosen[spec.title + spec.start]
        senior = min(people, key=lambda p: (SENIORITY[p.rank], p.serial_number))
        # The most senior of three or more travellers leads the delegation.
        lead = senior if len(people) >= 3 and spec.direction == "outbound" else None
        start = dt.date.fromisoformat(spec.start)
        end = start + dt.timedelta(days=spec.days - 1)
        evaluation = evaluation_for(rng, spec)
        locations = [w.strip() for w in spec.where.split(";")]
        cost = cost_for(rng, spec, locations[0].split(":")[0])
        travel_records = "on_file" if end.year >= 2021 else "destroyed_under_retention"
        activities.append(
            {
                "key": key,
                "title": spec.title,
                "direction": spec.direction,
                "kind": spec.kind,
                "category": spec.category,
                "topics": spec.topics,
                "purpose": purpose_for(spec),
                "justification": justification_for(rng, spec, senior),
                "host": spec.host,
                "organiser": spec.organiser,
                "locations": "; ".join(locations),
                "start_date": start.isoformat(),
                "end_date": end.isoformat(),
                # A full evaluation report lets the coordinator close the file; the others
                # stay "completed" with the report still missing, as the IG found them.
                "status": "closed" if evaluation == "full" else "completed",
                "cost_usd": str(cost),
                **funding(spec, grant_counter, cost),
                "evaluation_report": evaluation,
                # Records before 2021 were deleted under the retention schedule; what is
                # here for them was reconstructed for the IG review.
                "travel_records": travel_records,
                **record_trail(later, spec, start, end, travel_records),
            }
        )
        for person in people:
            participations.append(
                {
                    "activity": key,
                    "serial_number": person.serial_number,
                    "external_person": "",
                    "role": participant_role(spec, person, lead),
                    # As the source lists them on the day: the rank then, not today's.
                    "rank_at_time": rank_at(person, start, promoted),
                    "unit_at_time": person.unit,
                }
            )
        for ext_key, role in EXTERNAL_PARTICIPATIONS.get(spec.title, []):
            participations.append(
                {
                    "activity": key,
                    "serial_number": "",
                    "external_person": ext_key,
                    "role": role,
                    "rank_at_time": "",
                    "unit_at_time": "",
                }
            )

    # The "employee" demo login: the most-travelled investigator of crimes against children.
    trips = Counter(p["serial_number"] for p in participations if p["serial_number"])
    login = max(pools["children"], key=lambda p: (trips[p.serial_number], p.serial_number))
    login.demo_login = "employee"

    everyone = sorted(
        (p for members in pools.values() for p in members), key=lambda p: p.serial_number
    )
    check(activities, participations, everyone)
    write(
        out_dir,
        "categories.csv",
        ["slug", "name", "description"],
        [dict(zip(["slug", "name", "description"], row, strict=True)) for row in CATEGORIES],
    )
    org_fields = ["key", "name", "country", "org_type", "website"]
    write(
        out_dir,
        "organisations.csv",
        org_fields,
        [dict(zip(org_fields, row, strict=True)) for row in ORGANISATIONS],
    )
    write(
        out_dir,
        "people.csv",
        [
            "serial_number",
            "first_name",
            "last_name",
            "rank",
            "unit",
            "employment_type",
            "demo_login",
        ],
        [
            {
                "serial_number": p.serial_number,
                "first_name": p.first_name,
                "last_name": p.last_name,
                "rank": p.rank,
                "unit": p.unit,
                "employment_type": p.employment_type,
                "demo_login": p.demo_login,
            }
            for p in everyone
        ],
    )
    ext_fields = ["key", "full_name", "organisation", "position", "country"]
    write(
        out_dir,
        "external_people.csv",
        ext_fields,
        [dict(zip(ext_fields, row, strict=True)) for row in EXTERNAL_PEOPLE],
    )
    write(out_dir, "activities.csv", list(activities[0]), activities)
    write(out_dir, "participations.csv", list(participations[0]), participations)
    write_vetting(out_dir, everyone)
    for name, (fields, rows) in security_rows().items():
        write(out_dir, name, fields, rows)
    write(out_dir, "approvals.csv", REQUEST_FIELDS, request_rows())
    write(out_dir, "reports.csv", REPORT_FIELDS, report_rows(activities))
    write_funding(out_dir, activities)
    for name, (fields, rows) in outcome_rows().items():
        write(out_dir, name, fields, rows)
    write(out_dir, UNIT_LOG_FILE, UNIT_LOG_HEADERS, unit_log_rows(everyone))


# ---------------------------------------------------------------------------------------
# Foreign contacts, inbound trainees and vetting (ADR 0016)
# ---------------------------------------------------------------------------------------

# Activities entered since the IG review (2025–2026): the trips whose contacts and vetting
# the department now records. key, title, direction, kind, category, topics, host,
# organiser, locations, start, end, status, recorded on, how many employees went.
VETTING_ACTIVITIES = [
    ("V01", "Cybercrime Investigations Conference", "outbound", "conference", "cybercrime",
     "cybercrime; digital evidence", "policja", "policja", "PL:Warsaw",
     "2025-03-10", "2025-03-14", "completed", "2025-01-20", 2),
    ("V02", "Counter-Terrorism Command Seminar", "outbound", "seminar", "counterterrorism",
     "counterterrorism; incident command", "inp", "inp", "IL:Jerusalem",
     "2025-06-02", "2025-06-06", "completed", "2025-04-14", 3),
    ("V03", "Kidnapping Response Course", "outbound", "course", "investigative-techniques",
     "kidnapping; negotiation", "ssc-mx", "ssc-mx", "MX:Mexico City",
     "2025-10-06", "2025-10-10", "completed", "2025-08-25", 2),
    ("V04", "Patrol Tactics Course for Visiting Officers", "inbound", "course",
     "academy-and-tactical-training", "patrol tactics; de-escalation", "metro-academy",
     "metro-academy", "US:Metro City", "2026-12-07", "2026-12-18", "approved", "2026-09-15", 1),
]  # fmt: skip

CONTACT_FIELDS = [
    "key", "activity", "subject", "person", "organisation", "full_name", "person_organisation",
    "position", "country", "circumstance", "met_on", "role_at_time", "email", "phone",
    "reported_on", "registration_number", "registered_on", "sponsor", "recommended_by",
    "recommended_on", "language", "language_level", "notes",
]  # fmt: skip

UAE_INTAKE_NOTE = (
    "Intake reconstructed from the 2023 participant list for the IG review: registration, "
    "embassy recommendation, language assessment and vetting are not on record."
)


def _contact(key: str, activity: str, **values: str) -> dict[str, str]:
    row = dict.fromkeys(CONTACT_FIELDS, "")
    row.update(key=key, activity=activity, subject="contact", **values)
    return row


def _trainee(key: str, activity: str, **values: str) -> dict[str, str]:
    row = dict.fromkeys(CONTACT_FIELDS, "")
    row.update(key=key, activity=activity, subject="trainee", **values)
    return row


def contact_rows() -> list[dict[str, str]]:
    """Contacts and trainees. People are invented; a ``person`` key from
    external_people.csv names one already in the registry, any other key is new."""
    rows = [
        _contact("C01", "V01", person="pl-1", full_name="Tomasz Wieczorek",
                 person_organisation="policja", position="Deputy Head, Cybercrime Bureau",
                 country="PL", circumstance="official_meeting", met_on="2025-03-11",
                 role_at_time="Deputy Head, Cybercrime Bureau", email="t.wieczorek@example.org",
                 reported_on="2025-03-18"),
        _contact("C02", "V01", organisation="policja", country="PL", circumstance="host",
                 met_on="2025-03-10", role_at_time="Host of the conference",
                 reported_on="2025-03-18"),
        # Reported on Thursday 19 June, nine business days after the return on 6 June: late.
        _contact("C03", "V02", person="il-1", full_name="Yael Ben-Ami", person_organisation="inp",
                 position="Chief Superintendent", country="IL", circumstance="trained_us",
                 met_on="2025-06-03", role_at_time="Course director",
                 email="y.benami@example.org", reported_on="2025-06-19",
                 notes="Reported late: the traveller was on leave after the seminar."),
        _contact("C04", "V02", person="il-2", full_name="Avi Mizrahi", person_organisation="inp",
                 position="Superintendent", country="IL", circumstance="fellow_participant",
                 met_on="2025-06-04", role_at_time="Seminar participant",
                 reported_on="2025-06-11"),
        _contact("C05", "V03", person="mx-1", full_name="Luis Hernández Ortega",
                 person_organisation="ssc-mx", position="Commander, Anti-Kidnapping Unit",
                 country="MX", circumstance="trained_us", met_on="2025-10-06",
                 role_at_time="Lead instructor", phone="+52 55 0000 0000",
                 reported_on="2025-10-14"),
        _contact("C06", "V03", person="mx-2", full_name="María Fernanda Ruiz",
                 person_organisation="fgr-mx", position="Federal prosecutor", country="MX",
                 circumstance="official_meeting", met_on="2025-10-08",
                 role_at_time="Prosecutor, kidnapping cases", reported_on="2025-10-15"),
        # Never reported: overdue, and never sent for vetting.
        _contact("C07", "V03", organisation="gn-mx", country="MX",
                 circumstance="fellow_participant", met_on="2025-10-09",
                 role_at_time="Officers attending the course"),
        _trainee("T01", "V04", person="co-1", full_name="Andrés Felipe Castaño",
                 person_organisation="pn-co", position="Capitán", country="CO",
                 registration_number="MCPA-2026-031", registered_on="2026-09-20",
                 sponsor="pn-co", recommended_by="Regional Security Officer, U.S. Embassy Bogotá",
                 recommended_on="2026-09-10", language="English", language_level="2+"),
        _trainee("T02", "V04", person="co-2", full_name="Diana Marcela Rojas",
                 person_organisation="pn-co", position="Teniente", country="CO",
                 registration_number="MCPA-2026-032", registered_on="2026-09-20",
                 sponsor="pn-co", recommended_by="Regional Security Officer, U.S. Embassy Bogotá",
                 recommended_on="2026-09-10", language="English", language_level="2"),
        _trainee("T03", "V04", person="co-3", full_name="Jhon Jairo Mosquera",
                 person_organisation="pn-co", position="Subintendente", country="CO",
                 registration_number="MCPA-2026-033", registered_on="2026-09-22",
                 sponsor="pn-co", recommended_by="Regional Security Officer, U.S. Embassy Bogotá",
                 recommended_on="2026-09-12", language="English", language_level="1+"),
    ]  # fmt: skip
    uae = {"uae-1", "uae-2", "uae-3", "uae-4", "uae-5"}
    uae_people = [p for p in EXTERNAL_PEOPLE if p[0] in uae]
    for number, (key, full_name, org, position, country) in enumerate(uae_people, start=4):
        # What the legacy source shows: who came and from which ministry, nothing more.
        rows.append(
            _trainee(f"T{number:02d}", UAE_COURSE_KEY, person=key, full_name=full_name,
                     person_organisation=org, position=position, country=country,
                     sponsor=org, notes=UAE_INTAKE_NOTE)
        )  # fmt: skip
    return rows


# The 2023 UAE course's key in activities.csv (checked in write_vetting).
UAE_COURSE_KEY = "A109"
VETTING_FIELDS = [
    "key", "subject", "channel", "channel_detail", "sent_on", "reference", "status",
    "decided_on", "expires_on", "source_document", "reason",
]  # fmt: skip


def vetting_rows() -> list[dict[str, str]]:
    """One request per row, in every status; ``status`` is where it stands now (the
    loader replays the decision through the declared table)."""
    rows = [
        ("W01", "C01", "fbi_legat", "Legal Attaché, Warsaw", "2025-03-20", "LEGAT-WAR-25-018",
         "approved", "2025-04-15", "2027-04-15", "Legat reply of 15 April 2025", ""),
        # Approved, and expired since: no longer current.
        ("W02", "C02", "state_department", "", "2025-03-20", "DOS-25-0412",
         "approved", "2025-04-01", "2026-04-01", "State Department letter of 1 April 2025", ""),
        ("W03", "C03", "investc", "", "2025-06-25", "INV-25-11873", "suspended", "2025-08-04", "",
         "INVESTc status notice of 4 August 2025",
         "The channel put the request on hold pending further information."),
        ("W04", "C04", "investc", "", "2025-06-25", "INV-25-11874", "denied", "2025-07-30", "",
         "INVESTc status notice of 30 July 2025",
         "Denied by the channel; no reason was given to the department."),
        ("W05", "C05", "fbi_legat", "Legal Attaché, Mexico City", "2025-10-20",
         "LEGAT-MEX-25-207", "requested", "", "", "", ""),
        ("W06", "C06", "other", "Regional Security Officer, U.S. Embassy Mexico City",
         "2025-10-20", "RSO-MEX-25-33", "cancelled", "2025-11-03", "", "",
         "She moved to another office; no further contact is planned."),
        ("W07", "T01", "investc", "", "2026-10-01", "INV-26-20411", "approved", "2026-11-02",
         "2027-11-02", "INVESTc approval of 2 November 2026", ""),
        ("W08", "T02", "investc", "", "2026-10-15", "INV-26-20530", "requested", "", "", "", ""),
        ("W09", "T03", "investc", "", "2026-10-01", "INV-26-20412", "denied", "2026-11-10", "",
         "INVESTc status notice of 10 November 2026",
         "Denied by the channel; no reason was given to the department."),
    ]  # fmt: skip
    return [dict(zip(VETTING_FIELDS, row, strict=True)) for row in rows]


VETTING_ACTIVITY_FIELDS = [
    "key", "title", "direction", "kind", "category", "topics", "host", "organiser",
    "locations", "start_date", "end_date", "status", "recorded_on", "employees", "trainees",
]  # fmt: skip


def write_vetting(out_dir: Path, everyone: list[Person]) -> None:
    """contacts.csv, vetting.csv and the 2025–2026 activities they were met on, from their
    own generator (SEED + 6) so the files written before do not change."""
    rng = random.Random(SEED + 6)
    sworn = [p for p in everyone if p.employment_type == "sworn"]
    contacts = contact_rows()
    activities = []
    for (key, title, direction, kind, category, topics, host, organiser, where, start, end,
         status, recorded, travellers) in VETTING_ACTIVITIES:  # fmt: skip
        trainees = [c["person"] for c in contacts if c["activity"] == key and c["subject"] ==
                    "trainee"]  # fmt: skip
        activities.append(
            dict(zip(VETTING_ACTIVITY_FIELDS, [
                key, title, direction, kind, category, topics, host, organiser, where, start,
                end, status, recorded,
                "; ".join(sorted(p.serial_number for p in rng.sample(sworn, travellers))),
                "; ".join(trainees),
            ], strict=True))
        )  # fmt: skip
    assert {c["activity"] for c in contacts} <= {a["key"] for a in activities} | {UAE_COURSE_KEY}
    write(out_dir, "vetting_activities.csv", VETTING_ACTIVITY_FIELDS, activities)
    write(out_dir, "contacts.csv", CONTACT_FIELDS, contacts)
    write(out_dir, "vetting.csv", VETTING_FIELDS, vetting_rows())


# --- the country risk register and the new requests' risk assessments (security step) -----
# Broad strokes of the public U.S. Department of State advisories for every country the
# demo activities visit (not the home country): the level system began on 10 January
# 2018; a global level 4 health advisory ran from 19 March to 6 August 2020; a few
# countries changed later. Levels and indicators are illustrative, not a copy of any
# advisory. No random draws: the register is reference data.
ADVISORY_BASELINE: dict[str, tuple[int, str]] = {
    "AT": (1, ""), "AU": (1, ""), "BE": (2, "T"), "BR": (2, "C"), "CA": (1, ""),
    "CL": (1, ""), "CO": (2, "C;T"), "DE": (2, "T"), "DK": (2, "T"), "ES": (2, "T;U"),
    "FR": (2, "T;U"), "GB": (2, "T"), "GT": (3, "C"), "IE": (1, ""), "IL": (2, "T;U"),
    "IT": (2, "T"), "JO": (2, "T"), "JP": (1, ""), "KR": (1, ""), "MX": (2, "C;K"),
    "NL": (2, "T"), "NO": (1, ""), "NZ": (1, ""), "PH": (2, "C;T;U;K"), "PL": (1, ""),
    "PT": (1, ""), "QA": (1, ""), "SE": (1, ""), "SG": (1, ""), "SV": (3, "C"),
    "TH": (1, ""),
}  # fmt: skip
ADVISORY_CHANGES: list[tuple[str, str, int, str]] = [
    ("CL", "2019-11-05", 2, "U"),
    ("IL", "2023-10-14", 3, "T;U"),
    ("SE", "2023-10-24", 2, "T"),
    ("SV", "2023-07-10", 2, "C"),
    ("CO", "2024-05-20", 3, "C;T"),
    ("MX", "2024-08-20", 2, "C;K;T"),
]
GLOBAL_HEALTH = ("2020-03-19", "2020-08-06")
HUMAN_RIGHTS_CONCERNS: list[tuple[str, str]] = [
    ("IL", "Reports of arbitrary detention, including of Palestinians in the West Bank."),
    ("MX", "Reports of enforced disappearances and of torture by security forces."),
    ("CO", "Killings of social leaders and human-rights defenders by armed groups."),
    ("PH", "Reports of extrajudicial killings in the campaign against illegal drugs."),
    ("TH", "Restrictions on freedom of expression under lèse-majesté and computer-crime laws."),
    (
        "QA",
        "Restrictions on the rights of migrant workers, including under the sponsorship system.",
    ),
    ("SV", "Reports of arbitrary arrest and deaths in custody under the state of exception."),
    ("GT", "Threats and violence against journalists and justice officials."),
]
# New requests (entered in Liaison, not legacy records) the security step creates and
# assesses; the 117 legacy activities stay without assessments, as the IG found them.
SECURITY_REQUESTS: list[dict[str, str]] = [
    {"key": "R001", "title": "Counter-Terrorism Command Seminar", "kind": "seminar",
     "category": "counterterrorism", "locations": "IL:Tel Aviv; IL:Jerusalem",
     "start_date": "2027-03-08", "end_date": "2027-03-12", "change_locations": "",
     "purpose": "Learn how the Israel National Police commands multi-agency responses to "
                "mass-casualty attacks, for the department's own incident command training."},
    {"key": "R002", "title": "Clandestine Laboratory Response Course", "kind": "course",
     "category": "clandestine-drug-labs", "locations": "MX:Mexico City",
     "start_date": "2027-04-12", "end_date": "2027-04-16", "change_locations": "",
     "purpose": "Train two narcotics detectives in the safe dismantling of synthetic-drug "
                "laboratories."},
    {"key": "R003", "title": "Police Aviation Safety Convention", "kind": "convention",
     "category": "aviation", "locations": "CO:Bogotá",
     "start_date": "2027-05-17", "end_date": "2027-05-20",
     "change_locations": "CO:Bogotá; CO:Medellín",
     "purpose": "Compare helicopter crew resource management with Latin American air units."},
    {"key": "R004", "title": "Human Trafficking Investigators Exchange", "kind": "exchange",
     "category": "human-trafficking", "locations": "CA:Toronto",
     "start_date": "2027-06-07", "end_date": "2027-06-11", "change_locations": "",
     "purpose": "Exchange case practice on labour-trafficking investigations with Toronto "
                "Police Service investigators."},
]  # fmt: skip
# One row per assessed location (R004 is waiting for the security officer).
RISK_ASSESSMENTS: list[dict[str, str]] = [
    {"request": "R001", "city": "Tel Aviv", "decision": "proceed_with_conditions",
     "concerns": "Rocket fire and attacks on crowded places since October 2023.",
     "mitigations": "Hotel with a shelter; host escorts between sites; daily check-in.",
     "conditions": "No travel to the Gaza border area or the West Bank.",
     "briefings": "defensive_security:2026-11-16:Security Unit; "
                  "counter_intelligence:2026-11-16:Security Unit"},
    {"request": "R001", "city": "Jerusalem", "decision": "proceed_with_conditions",
     "concerns": "Demonstrations and sporadic attacks in the Old City.",
     "mitigations": "Visits to the Old City with host officers only.",
     "conditions": "No travel to the Gaza border area or the West Bank.",
     "briefings": ""},
    {"request": "R002", "city": "Mexico City", "decision": "proceed_with_conditions",
     "concerns": "Express kidnappings and street crime; cartel interest in visiting officers.",
     "mitigations": "Hotel-arranged transport only; no personal devices with case data.",
     "conditions": "Stay within Mexico City; no travel by road between states.",
     "briefings": "defensive_security:2026-11-18:Security Unit; "
                  "counter_intelligence:2026-11-18:Security Unit"},
    {"request": "R003", "city": "Bogotá", "decision": "proceed",
     "concerns": "Street crime and occasional bombings in the capital.",
     "mitigations": "Registered taxis only; travel in pairs after dark.",
     "conditions": "", "briefings": "defensive_security:2026-11-19:Security Unit"},
]  # fmt: skip


def security_rows() -> dict[str, tuple[list[str], list[dict[str, str]]]]:
    """The security step's three files: the register, the new requests, the assessments."""
    source = "U.S. Department of State travel advisory, {day}"
    reference = "https://travel.state.gov/ (advisory of {day})"
    register: list[dict[str, str]] = []

    def level_row(code: str, day: str, level: int, indicators: str, name: str = "") -> None:
        register.append(
            {"country": code, "record": "advisory", "level": str(level),
             "effective_date": day, "indicators": indicators, "text": "",
             "source": name or source.format(day=day),
             "source_reference": reference.format(day=day)}
        )  # fmt: skip

    for code, (level, indicators) in sorted(ADVISORY_BASELINE.items()):
        level_row(code, "2018-01-10", level, indicators)
        level_row(
            code, GLOBAL_HEALTH[0], 4, "H",
            f"U.S. Department of State global level 4 health advisory, {GLOBAL_HEALTH[0]}",
        )  # fmt: skip
        level_row(code, GLOBAL_HEALTH[1], level, indicators)
        for changed, day, new_level, new_indicators in ADVISORY_CHANGES:
            if changed == code:
                level_row(code, day, new_level, new_indicators)
    for code, text in HUMAN_RIGHTS_CONCERNS:
        register.append(
            {"country": code, "record": "concern", "level": "", "effective_date": "",
             "indicators": "", "text": text,
             "source": "U.S. Department of State, 2023 Country Reports on Human Rights Practices",
             "source_reference": "https://www.state.gov/reports/2023-country-reports-on-human-rights-practices/"}
        )  # fmt: skip
    return {
        "country_risk.csv": (list(register[0]), register),
        "security_requests.csv": (list(SECURITY_REQUESTS[0]), SECURITY_REQUESTS),
        "risk_assessments.csv": (list(RISK_ASSESSMENTS[0]), RISK_ASSESSMENTS),
    }


# ---------------------------------------------------------------------------------------
# Requests of 2025–2026, with their approval records (issue 6, ADR 0014)
# ---------------------------------------------------------------------------------------

# One request in every state of the request workflow. ``origin`` "entered": the step
# makes it through the services as the demo sign-ins would (requester, security officer,
# commander, deputy), so its record is live; "imported": a request decided before
# Liaison, loaded with the decisions its paper file shows (``decisions``:
# role|name|rank|YYYY-MM-DD, separated by ";"; empty: approval not on record). The employee
# sign-in takes part in each. Hand-written: no generator, so no other file changes.
REQUEST_FIELDS = [
    "key", "title", "direction", "kind", "category", "topics", "purpose", "host",
    "organiser", "locations", "start_date", "end_date", "estimated_cost", "state",
    "origin", "decisions", "conditions", "reason",
]  # fmt: skip
REQUESTS = [
    ("R01", "Cyber Threat Intelligence Workshop", "outbound", "seminar", "cybercrime",
     "threat intelligence; ransomware", "Learn how partner agencies share threat intelligence.",
     "europol", "europol", "NL:The Hague", "2027-02-08", "2027-02-11", "3900", "draft",
     "entered", "", "", ""),
    ("R02", "Drone Countermeasures Course", "outbound", "course", "aviation",
     "drones; counter-UAS", "Train on detecting and stopping hostile drones at events.",
     "bpol", "bpol", "DE:Berlin", "2027-01-18", "2027-01-22", "6200", "returned",
     "entered", "", "", "Add the course agenda and a breakdown of the cost."),
    ("R03", "Online Child Exploitation Investigations Seminar", "outbound", "seminar",
     "crimes-against-children", "victim identification", "Compare victim identification work.",
     "rcmp", "cpc", "CA:Ottawa", "2027-03-15", "2027-03-18", "2400", "submitted",
     "entered", "", "", ""),
    ("R04", "Airport Interdiction Conference", "outbound", "conference",
     "investigative-techniques", "interdiction; airports", "Learn airport interdiction methods.",
     "guardia-civil", "guardia-civil", "ES:Madrid", "2027-04-12", "2027-04-15", "5100",
     "security_review", "entered", "", "", ""),
    ("R05", "Missing Persons Forensics Course", "outbound", "course",
     "investigative-techniques", "missing persons; forensics", "Train in missing-person forensics.",
     "nca", "college-policing", "GB:London", "2027-05-10", "2027-05-14", "4300", "in_approval",
     "entered", "", "", ""),
    ("R06", "Mass-Casualty Response Study Visit", "outbound", "site_visit",
     "emergency-management", "mass-casualty response; triage",
     "Study how Israeli police and emergency services coordinate at mass-casualty scenes.",
     "inp", "inp", "IL:Jerusalem; IL:Tel Aviv", "2026-12-07", "2026-12-11", "14800", "approved",
     "entered", "", "Defensive security briefing before departure; daily check-in with the "
     "watch commander.", ""),
    ("R07", "Crowd Management Exchange", "outbound", "exchange", "crowd-control-public-order",
     "crowd management", "Exchange crowd-management practice with the Paris prefecture.",
     "pp-paris", "pp-paris", "FR:Paris", "2027-02-22", "2027-02-26", "5600", "denied",
     "entered", "", "", "The state academy offers the same course in March."),
    ("R08", "Fraud Examiners Conference", "outbound", "conference", "investigative-techniques",
     "fraud", "Learn current fraud investigation practice.", "pn-es", "pn-es", "ES:Barcelona",
     "2027-06-07", "2027-06-09", "2900", "withdrawn", "entered", "", "",
     "A family emergency: I cannot travel on these dates."),
    ("R09", "Gang Intelligence Symposium", "outbound", "conference", "gangs-and-organised-crime",
     "gang intelligence", "Compare gang intelligence work.", "politie", "politie",
     "NL:Amsterdam", "2027-03-01", "2027-03-03", "3300", "cancelled", "entered", "", "",
     "The organiser cancelled the symposium."),
    ("R10", "Counter-Drone Operations Course", "outbound", "course", "aviation",
     "counter-UAS", "Operate counter-drone equipment.", "bka", "bka", "DE:Wiesbaden",
     "2026-11-16", "2026-12-04", "7400", "in_progress", "imported",
     "approver|Raymond Castellanos|Commander|2026-10-02", "", ""),
    ("R11", "Human Trafficking Victim Interview Course", "outbound", "course",
     "human-trafficking", "victim-centred interviewing", "Train in victim-centred interviews.",
     "tps", "tps", "CA:Toronto", "2025-05-12", "2025-05-15", "4100", "completed", "imported",
     "approver|Raymond Castellanos|Commander|2025-03-20", "", ""),
    ("R12", "Major Event Security Planning Seminar", "outbound", "seminar",
     "major-event-security", "major events", "Plan security for large events.", "met", "met",
     "GB:London", "2025-09-08", "2025-09-12", "12500", "closed", "imported",
     "approver|Raymond Castellanos|Commander|2025-07-01;"
     "command|Patricia Lindqvist|Deputy Chief|2025-07-03", "", ""),
    ("R13", "Aviation Maintenance Symposium", "outbound", "conference", "aviation",
     "maintenance", "Compare helicopter maintenance practice.", "npas", "npas",
     "GB:Wakefield", "2025-10-20", "2025-10-22", "2100", "completed", "imported", "", "", ""),
]  # fmt: skip


def request_rows() -> list[dict[str, str]]:
    rows = [dict(zip(REQUEST_FIELDS, row, strict=True)) for row in REQUESTS]
    states = {r["state"] for r in rows}
    assert {"draft", "submitted", "security_review", "in_approval", "approved", "denied",
            "in_progress", "withdrawn", "cancelled", "completed", "closed"} <= states  # fmt: skip
    assert all(r["start_date"] >= "2025-01-01" for r in rows)
    return rows


def check(
    activities: list[dict[str, str]], participations: list[dict[str, str]], everyone: list[Person]
) -> None:
    """The published figures, asserted before anything is written."""
    by_key = {a["key"]: a for a in activities}
    assert len(activities) == 117
    assert min(a["start_date"] for a in activities) >= "2014-01-01"
    assert max(a["start_date"] for a in activities) <= "2024-08-01"
    employees = {p["serial_number"] for p in participations if p["serial_number"]}
    assert len(employees) == 243, len(employees)
    assert len(everyone) > 243
    israel = [a for a in activities if a["locations"].startswith("IL:")]
    assert len(israel) == 9
    assert sum(int(a["cost_usd"]) for a in israel) == 87000
    israel_keys = {a["key"] for a in israel}
    israel_people = {
        p["serial_number"]
        for p in participations
        if p["activity"] in israel_keys and p["serial_number"]
    }
    assert len(israel_people) == 18, len(israel_people)
    canada = sum(a["locations"].startswith("CA:") for a in activities) / len(activities)
    assert 0.22 <= canada <= 0.26, canada
    outside = sum(a["funder_type"] != "department" for a in activities) / len(activities)
    assert 0.78 <= outside <= 0.82, outside
    cc = [a for a in activities if a["title"] == CC_TITLE]
    assert len(cc) == 1 and cc[0]["cost_usd"] == "52470"
    assert sum(p["activity"] == cc[0]["key"] for p in participations) == 8
    full = sum(a["evaluation_report"] == "full" for a in activities)
    assert full <= 12, full
    for a in activities:
        # No date where the records were destroyed; a request is recorded before the start.
        assert (a["recorded_on"] == "") == (a["travel_records"] != "on_file"), a["key"]
        if a["approval"] == "on_file":
            assert a["recorded_on"] < a["start_date"], a["key"]
    cc_people = [p for p in participations if p["activity"] == cc[0]["key"]]
    assert sum(p["rank_at_time"] == "Deputy Chief" for p in cc_people) == 1
    assert all(a["key"] in by_key for a in activities)


# ---------------------------------------------------------------------------------------
# Outcomes: decisions, adoptions, follow-ups, alignment reviews (issue 7; ADR 0018)
# ---------------------------------------------------------------------------------------

# Hand-written: no generator, so no other file changes. Recommendations are named by
# (activity key, position): the reports step makes them (``report_source.py``: the full
# recent reports, and the recommendations some legacy one-line statements carried).
OUTCOMES_FIELDS = [
    "key",
    "position",
    "decision",
    "reason",
    "decided_on",
    "kind",
    "what_changed",
    "effective_on",
    "closed_on",
    "closing_reason",
]
OUTCOMES: list[dict[str, str]] = [{'key': 'A109',
  'position': '1',
  'decision': 'adopt',
  'reason': 'Teaching the course showed our own lesson plans state the options but not why: '
            'Directive 16 asks officers to reason their way to the least force.',
  'decided_on': '2023-10-02',
  'kind': 'training_programme',
  'what_changed': "The academy's de-escalation lesson plans give the reasoning behind each "
                  'use-of-force option, with a scenario for each.',
  'effective_on': '2024-01-08',
  'closed_on': '2025-06-30',
  'closing_reason': 'Every academy class since January 2024 has had the revised lessons; '
                    'nothing left to follow up.'},
 {'key': 'A059',
  'position': '1',
  'decision': 'adopt',
  'reason': 'Clears a street quickly with few officers; the Emergency Services Division asked '
            'for it.',
  'decided_on': '2018-11-05',
  'kind': 'tactic',
  'what_changed': 'Mounted and foot units trained to push a crowd back in a closed baton line '
                  'before any dispersal order is given.',
  'effective_on': '2019-03-01',
  'closed_on': '',
  'closing_reason': ''},
 {'key': 'A059',
  'position': '2',
  'decision': 'reject',
  'reason': 'The shields do not meet our equipment standard and would duplicate what the units '
            'carry.',
  'decided_on': '2018-11-05',
  'kind': '',
  'what_changed': '',
  'effective_on': '',
  'closed_on': '',
  'closing_reason': ''},
 {'key': 'A065',
  'position': '1',
  'decision': 'reject',
  'reason': 'Our formations were revised in 2018; the Dutch formations add nothing the '
            'revision did not.',
  'decided_on': '2019-04-10',
  'kind': '',
  'what_changed': '',
  'effective_on': '',
  'closed_on': '',
  'closing_reason': ''},
 {'key': 'A069',
  'position': '1',
  'decision': 'defer',
  'reason': 'No budget this fiscal year; revisit with the 2021 equipment plan.',
  'decided_on': '2019-09-02',
  'kind': '',
  'what_changed': '',
  'effective_on': '',
  'closed_on': '',
  'closing_reason': ''},
 {'key': 'A069',
  'position': '2',
  'decision': 'adopt',
  'reason': "Closes the gap between in-car video and the field commander's view of a crowd.",
  'decided_on': '2019-09-02',
  'kind': 'policy_change',
  'what_changed': 'Field commanders at crowd events record on body-worn video from arrival '
                  'until the last unit leaves.',
  'effective_on': '2020-02-01',
  'closed_on': '',
  'closing_reason': ''},
 {'key': 'A102',
  'position': '1',
  'decision': 'reject',
  'reason': "The Juvenile Division already reaches Interpol's ICSE database through the FBI; "
            'a second connection adds nothing.',
  'decided_on': '2023-05-15',
  'kind': '',
  'what_changed': '',
  'effective_on': '',
  'closed_on': '',
  'closing_reason': ''}]  # fmt: skip

FOLLOW_UPS_FIELDS = ["key", "position", "followed_up_on", "note"]
FOLLOW_UPS: list[dict[str, str]] = [{'key': 'A109',
  'position': '1',
  'followed_up_on': '2024-07-09',
  'note': 'Two academy classes taught with the revised plans; instructors asked for two more '
          'scenarios.'},
 {'key': 'A109',
  'position': '1',
  'followed_up_on': '2025-01-13',
  'note': 'Scenarios added; the in-service de-escalation refresher uses the same plans.'},
 {'key': 'A059',
  'position': '1',
  'followed_up_on': '2019-09-10',
  'note': 'Trained in two divisions; the IG asked for the use-of-force reports of the three '
          'events where it was used.'}]  # fmt: skip

ALIGNMENT_REVIEWS_FIELDS = ["key", "position", "policy", "verdict", "rationale", "reviewed_on"]
ALIGNMENT_REVIEWS: list[dict[str, str]] = [{'key': 'A109',
  'position': '1',
  'policy': 'Use of Force–Tactics Directive 16',
  'verdict': 'aligned',
  'rationale': 'Teaching why each option is chosen is how officers learn to persuade voluntary '
               'compliance before a higher level of force.',
  'reviewed_on': '2024-02-05'},
 {'key': 'A109',
  'position': '1',
  'policy': '130.25',
  'verdict': 'aligned',
  'rationale': 'The plans put the protection of life first in every scenario, as 130.25 asks.',
  'reviewed_on': '2024-02-05'},
 {'key': 'A059',
  'position': '1',
  'policy': 'Use of Force–Tactics Directive 16',
  'verdict': 'conflicts',
  'rationale': 'Pushing a crowd with a baton line before any dispersal order uses force first: '
               'Directive 16 asks officers to consider techniques that persuade voluntary '
               'compliance or avoid a higher level of force. The tactic must not be used as '
               'adopted.',
  'reviewed_on': '2019-04-15'},
 {'key': 'A059',
  'position': '1',
  'policy': '130.25',
  'verdict': 'needs_change',
  'rationale': 'Bystanders and people unable to leave are pushed with everyone else; the '
               'tactic needs a protected exit and a warning before any advance.',
  'reviewed_on': '2019-04-15'}]  # fmt: skip

NOTHING_ADOPTED_FIELDS = ["key", "stated_on", "statement"]
NOTHING_ADOPTED: list[dict[str, str]] = [{'key': 'A102',
  'stated_on': '2023-05-15',
  'statement': "The department already reaches Interpol's ICSE database through the FBI and "
               'its victim-identification practice was reviewed in 2022; nothing was adopted '
               'from this course.'}]  # fmt: skip


def outcome_rows() -> dict[str, tuple[list[str], list[dict[str, str]]]]:
    return {
        "outcomes.csv": (OUTCOMES_FIELDS, OUTCOMES),
        "follow_ups.csv": (FOLLOW_UPS_FIELDS, FOLLOW_UPS),
        "alignment_reviews.csv": (ALIGNMENT_REVIEWS_FIELDS, ALIGNMENT_REVIEWS),
        "nothing_adopted.csv": (NOTHING_ADOPTED_FIELDS, NOTHING_ADOPTED),
    }


def write(out_dir: Path, name: str, fields: list[str], rows: list[dict[str, str]]) -> None:
    with (out_dir / name).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {name}: {len(rows)} rows")


# ---------------------------------------------------------------------------------------
# Funding (ADR 0019): who paid what, from the activities' cost and funder columns
# ---------------------------------------------------------------------------------------

# The registry's funder types, in the funding app's words.
FUNDER_TYPES = {
    "department": "department",
    "police_foundation": "police_foundation",
    "federal_grant": "federal_grant",
    "other_agency": "host_government",
    "nonprofit": "ngo",
    "company": "company",
}
ANONYMOUS_DONOR = f"Undisclosed donor through the {FOUNDATION}"
# How a trip's cost splits over what was paid (normalised over what the row lists).
SHARES = {"transport": 45, "lodging": 35, "meals": 12, "registration": 8, "in_kind": 20}
FUNDER_FIELDS = ["name", "funder_type", "address", "nature_of_business", "country",
                 "pass_through", "sources"]  # fmt: skip
FUNDING_FIELDS = ["key", "funder", "paid_for", "amount", "currency", "grant_identifier",
                  "description", "valuation_method"]  # fmt: skip


def funder_row(name: str, kind: str) -> dict[str, str]:
    if kind == "department":
        address, business, country = "1 Civic Center Plaza, Metro City, CA", "City department", "US"
    elif kind == "police_foundation":
        address, business, country = (
            "250 Harbor Boulevard, Metro City, CA",
            "Charitable support of the police",
            "US",
        )
    elif kind == "federal_grant":
        address, business, country = "Washington, DC", "Federal grant programme", "US"
    elif kind == "company":
        address, business, country = "Long Beach, CA", "Helicopter sales and maintenance", "US"
    elif kind == "anonymous":
        address, business, country = "", "", ""
    elif kind == "ngo":
        address, business, country = "", "Non-profit professional association", "US"
    elif kind == "international_body":
        address, business, country = "", "International police cooperation body", ""
    else:
        address, business, country = "", "Police or public body of the host country", ""
    return {
        "name": name,
        "funder_type": kind,
        "address": address,
        "nature_of_business": business,
        "country": country,
        "pass_through": "yes" if name == FOUNDATION else "no",
        "sources": "",
    }


def write_funding(out_dir: Path, activities: list[dict[str, str]]) -> None:
    """funders.csv and funding.csv. An activity whose source gives no cost (0) has no
    funding on record at all: it gets no row (a gap, not $0)."""
    funders: dict[str, dict[str, str]] = {}
    rows: list[dict[str, str]] = []
    for activity in activities:
        cost = int(activity["cost_usd"] or 0)
        if not cost:
            continue
        name = activity["funder"]
        kind = FUNDER_TYPES[activity["funder_type"]]
        if activity["funder_anonymous"] == "yes":
            name, kind = ANONYMOUS_DONOR, "anonymous"
        elif name in ("Europol", "Interpol", "INTERPOL"):
            kind = "international_body"
        funders.setdefault(name, funder_row(name, kind))
        parts = activity["paid_for"].split("; ") if activity["paid_for"] else ["other"]
        weights = [SHARES.get(p, 10) for p in parts]
        left = cost
        for index, (part, weight) in enumerate(zip(parts, weights, strict=True)):
            amount = left if index == len(parts) - 1 else cost * weight // sum(weights)
            left -= amount
            rows.append({
                "key": activity["key"],
                "funder": name,
                "paid_for": part,
                "amount": f"{amount}.00",
                "currency": "USD",
                "grant_identifier": activity["grant_id"],
                "description": "Course places and instruction" if part in ("in_kind", "other")
                else "",
                "valuation_method": "The host's published course fee" if part == "in_kind"
                else "",
            })  # fmt: skip
    # The foundation passes on its donors' money: it names the one it can.
    funders[FOUNDATION]["sources"] = "Skyline Rotorcraft Inc."
    funders.setdefault("Skyline Rotorcraft Inc.", funder_row("Skyline Rotorcraft Inc.", "company"))
    ordered = sorted(funders.values(), key=lambda f: (f["sources"] != "", f["name"]))
    write(out_dir, "funders.csv", FUNDER_FIELDS, ordered)
    write(out_dir, "funding.csv", FUNDING_FIELDS, rows)


# ---------------------------------------------------------------------------------------
# The training unit's own spreadsheet of 2024–25, imported by the coordinator (the imports
# step; liaison/exchange, ADR 0022): a file in the exchange format (docs/import.md)
# ---------------------------------------------------------------------------------------

UNIT_LOG_FILE = "training-unit-log-2024-25.csv"
UNIT_LOG_SYSTEM = "Training unit log (Excel) 2024–25"
# The exchange format's columns, in its order (liaison/exchange/spec.py HEADERS; a test
# checks they agree). Written here so this script runs without Django.
UNIT_LOG_HEADERS = [
    "source_system", "source_id", "title", "direction", "kind", "category", "topics",
    "purpose", "justification", "start_date", "end_date", "estimated_cost", "status",
    "host_organisation", "organiser_organisation", "locations", "participants", "funding",
    "approvals", "reports", "recorded_at", "not_on_record",
]  # fmt: skip
COMMANDER = "Raymond Castellanos | Commander"  # the demo's commander sign-in
DEPUTY = "Patricia Lindqvist | Deputy Chief"  # the demo's deputy sign-in
# Every trip starts after the Inspector General's period (it ends 1 August 2024), so the
# review's figures do not move. Each traveller is (unit, n-th of its people by serial
# number, role); "by name" leaves the serial number out, as the log does for that row.
UNIT_LOG: list[dict[str, Any]] = [
    {
        "source_id": "TU-2024-031",
        "title": "Crisis Intervention Team Train-the-Trainer",
        "direction": "outbound", "kind": "course",
        "category": "de-escalation-and-crisis-response",
        "topics": "crisis intervention; de-escalation",
        "purpose": "Train two instructors to teach the crisis intervention course at home.",
        "justification": "The academy has no instructor certified for the new curriculum.",
        "start_date": "2024-09-16", "end_date": "2024-09-20", "estimated_cost": "4300.00",
        "status": "closed", "host": "Vancouver Police Department (CA)",
        "organiser": "Vancouver Police Department (CA)", "locations": "CA:Vancouver",
        "travellers": [("Mental Evaluation Unit", 2, "attendee"),
                       ("Training Division", 3, "attendee")],
        "funding": ["Metro City Police Department | department | transport | 1840.00 | USD"
                    " |  |  | 2024-09-03",
                    "Metro City Police Department | department | lodging | 2050.00 | USD"
                    " |  |  | 2024-09-21"],
        "approvals": [f"approval | approver | approved | 2024-08-26T16:30:00+00:00 | {COMMANDER}"],
        "reports": "acknowledged | 2024-10-11 | {0}",
        "recorded_at": "2024-08-19T15:00:00+00:00", "not_on_record": "",
    },
    {
        "source_id": "TU-2024-037",
        "title": "Public Order Commanders Course",
        "direction": "outbound", "kind": "course", "category": "crowd-control-public-order",
        "topics": "public order; command and control",
        "purpose": "See how British forces command crowd events with negotiators first.",
        "justification": "",
        "start_date": "2024-10-07", "end_date": "2024-10-11", "estimated_cost": "6900.00",
        "status": "completed", "host": "College of Policing (GB)",
        "organiser": "College of Policing (GB)", "locations": "GB:Ryton-on-Dunsmore",
        "travellers": [("Major Events Group", 1, "attendee"),
                       ("Major Events Group", 4, "attendee")],
        "funding": ["Metro City Police Foundation | police_foundation | registration | 3200.00"
                    " | USD |  |  | 2024-09-10"],
        "approvals": [],
        "reports": "",
        "recorded_at": "2024-10-18T17:00:00+00:00",
        "not_on_record": "approval; evaluation_report",
    },
    {
        "source_id": "TU-2024-042",
        "title": "Drone Operations for Search and Rescue Seminar",
        "direction": "outbound", "kind": "seminar", "category": "aviation",
        "topics": "unmanned aircraft; search and rescue",
        "purpose": "Compare how police air units fly drones alongside helicopters.",
        "justification": "",
        "start_date": "2024-11-04", "end_date": "2024-11-06", "estimated_cost": "5100.00",
        "status": "closed", "host": "Police Scotland (GB)",
        "organiser": "National Police Air Service (GB)", "locations": "GB:Glasgow",
        "travellers": [("Air Support Division", 1, "attendee"),
                       ("Air Support Division", 2, "by name")],
        "funding": ["Airborne Law Enforcement Association | ngo | registration | 950.00 | USD"
                    " |  |  | 2024-10-01",
                    "Metro City Police Department | department | transport | 2600.00 | USD"
                    " |  |  | 2024-10-20"],
        "approvals": [f"approval | approver | approved | 2024-10-08T18:00:00+00:00 | {COMMANDER}"],
        "reports": "acknowledged | 2024-11-29 | {0}, {1}",
        "recorded_at": "2024-10-02T16:00:00+00:00", "not_on_record": "",
    },
    {
        "source_id": "TU-2024-048",
        "title": "Europol Cybercrime Conference",
        "direction": "outbound", "kind": "conference", "category": "cybercrime",
        "topics": "cybercrime; ransomware",
        "purpose": "Hear how European units trace ransomware payments.",
        "justification": "",
        "start_date": "2024-11-19", "end_date": "2024-11-21", "estimated_cost": "3800.00",
        "status": "completed", "host": "Europol (NL)", "organiser": "Europol (NL)",
        "locations": "NL:The Hague",
        "travellers": [("Commercial Crimes Division — Cyber Crimes Section", 2, "attendee")],
        "funding": ["Europol | international_body | lodging | 1200.00 | USD |  |  | 2024-11-21"
                    " |  | Three nights at the conference hotel"],
        "approvals": [f"approval | approver | approved | 2024-10-28T15:00:00+00:00 | {COMMANDER}"],
        "reports": "",
        "recorded_at": "2024-10-21T16:00:00+00:00", "not_on_record": "evaluation_report",
    },
    {
        "source_id": "TU-2025-003",
        "title": "Human Trafficking Joint Investigation Workshop",
        "direction": "outbound", "kind": "seminar", "category": "human-trafficking",
        "topics": "human trafficking; joint investigations",
        "purpose": "Agree with Canadian investigators how to share cross-border leads.",
        "justification": "",
        "start_date": "2025-01-27", "end_date": "2025-01-29", "estimated_cost": "3900.00",
        "status": "closed", "host": "Toronto Police Service (CA)",
        "organiser": "Canadian Centre to End Human Trafficking (CA)",
        "locations": "CA:Toronto",
        "travellers": [("Human Trafficking Task Force", 2, "delegation_lead"),
                       ("Human Trafficking Task Force", 3, "attendee"),
                       ("Human Trafficking Task Force", 4, "attendee")],
        "funding": ["U.S. Department of Justice, Office for Victims of Crime — Enhanced "
                    "Collaborative Model Task Force | federal_grant | transport | 2400.00 | USD"
                    " |  |  | 2025-01-10 | 2024-VT-BX-K027"],
        "approvals": [f"approval | approver | approved | 2025-01-06T17:00:00+00:00 | {COMMANDER}"],
        "reports": "acknowledged | 2025-02-21 | {0}",
        "recorded_at": "2024-12-16T16:00:00+00:00", "not_on_record": "",
    },
    {
        "source_id": "TU-2025-009",
        "title": "Forensic Evidence Recovery Exchange",
        "direction": "outbound", "kind": "exchange", "category": "investigative-techniques",
        "topics": "forensic science; crime scene management",
        "purpose": "Work a week beside Dutch forensic teams at major crime scenes.",
        "justification": "",
        "start_date": "2025-03-10", "end_date": "2025-03-14", "estimated_cost": "5600.00",
        "status": "completed", "host": "Netherlands Forensic Institute (NL)",
        "organiser": "Dutch National Police (NL)", "locations": "NL:The Hague",
        "travellers": [("Scientific Investigation Division", 3, "attendee"),
                       ("Scientific Investigation Division", 4, "attendee")],
        "funding": [],
        "approvals": [],
        "reports": "submitted | 2025-04-04 | {0}",
        "recorded_at": "2025-03-21T16:00:00+00:00", "not_on_record": "approval; funding",
    },
    {
        "source_id": "TU-2025-014",
        "title": "Gang Intervention Strategies Seminar",
        "direction": "outbound", "kind": "seminar", "category": "gangs-and-organised-crime",
        "topics": "gangs; prevention",
        "purpose": "Learn from Salvadoran police how they work with schools against recruitment.",
        "justification": "",
        "start_date": "2025-04-07", "end_date": "2025-04-09", "estimated_cost": "4700.00",
        "status": "completed", "host": "Policía Nacional Civil (SV)",
        "organiser": "Policía Nacional Civil (SV)", "locations": "SV:San Salvador",
        "travellers": [("Gang and Narcotics Division", 1, "delegation_lead"),
                       ("Gang and Narcotics Division", 3, "attendee"),
                       ("Gang and Narcotics Division", 4, "attendee")],
        "funding": ["Metro City Police Department | department | transport | 4700.00 | USD"
                    " |  |  | 2025-03-20"],
        "approvals": [f"approval | approver | approved | 2025-03-12T16:00:00+00:00 | {COMMANDER}",
                      f"approval | command | approved | 2025-03-14T16:00:00+00:00 | {DEPUTY}"],
        "reports": "",
        "recorded_at": "2025-03-03T16:00:00+00:00", "not_on_record": "",
    },
    {
        "source_id": "TU-2025-020",
        "title": "Emergency Management Tabletop Exchange",
        "direction": "inbound", "kind": "exchange", "category": "emergency-management",
        "topics": "emergency management; earthquakes",
        "purpose": "Host New Zealand planners for a joint earthquake exercise.",
        "justification": "",
        "start_date": "2025-05-12", "end_date": "2025-05-14", "estimated_cost": "",
        "status": "completed", "host": "Metro City Police Academy (US)",
        "organiser": "New Zealand Police (NZ)", "locations": "US:Metro City",
        "travellers": [("Emergency Operations Division", 1, "instructor"),
                       ("Emergency Operations Division", 3, "presenter")],
        "funding": [],
        "approvals": [f"approval | approver | approved | 2025-04-21T16:00:00+00:00 | {COMMANDER}"],
        "reports": "",
        "recorded_at": "2025-04-14T16:00:00+00:00", "not_on_record": "funding",
    },
    {
        "source_id": "TU-2025-026",
        "title": "Online Child Exploitation Investigators Course",
        "direction": "outbound", "kind": "course", "category": "crimes-against-children",
        "topics": "online child exploitation; victim identification",
        "purpose": "Learn the victim identification methods of the Australian centre.",
        "justification": "",
        "start_date": "2025-06-02", "end_date": "2025-06-06", "estimated_cost": "8200.00",
        "status": "closed", "host": "Australian Federal Police (AU)",
        "organiser": "Australian Federal Police (AU)", "locations": "AU:Brisbane",
        "travellers": [("Juvenile Division — Internet Crimes Against Children Unit", 1,
                        "attendee"),
                       ("Juvenile Division — Internet Crimes Against Children Unit", 4,
                        "attendee")],
        "funding": ["U.S. Department of Justice, OJJDP — Internet Crimes Against Children Task "
                    "Force program | federal_grant | transport | 5200.00 | USD |  |  | "
                    "2025-05-15 | 2024-MC-FX-K031"],
        "approvals": [f"approval | approver | approved | 2025-05-05T16:00:00+00:00 | {COMMANDER}"],
        "reports": "acknowledged | 2025-06-27 | {0}, {1}",
        "recorded_at": "2025-04-28T16:00:00+00:00", "not_on_record": "",
    },
    {
        "source_id": "TU-2025-031",
        "title": "Police Instructor Development Virtual Course",
        "direction": "virtual", "kind": "course", "category": "academy-and-tactical-training",
        "topics": "instructor development",
        "purpose": "Bring the academy's instructors up to the Irish training standard.",
        "justification": "",
        "start_date": "2025-06-16", "end_date": "2025-06-20", "estimated_cost": "600.00",
        "status": "completed", "host": "An Garda Síochána (IE)", "organiser": "",
        "locations": "IE:",
        "travellers": [("Training Division", 1, "attendee"),
                       ("Training Division", 2, "attendee")],
        "funding": ["Metro City Police Department | department | registration | 600.00 | USD"
                    " |  |  | 2025-06-01"],
        "approvals": [],
        "reports": "",
        "recorded_at": "2025-06-23T16:00:00+00:00",
        "not_on_record": "approval; evaluation_report",
    },
]  # fmt: skip


def unit_log_rows(everyone: list[Person]) -> list[dict[str, str]]:
    """The unit log in the exchange format: participants from the demo's people (the
    log's rank and unit are today's: every trip is recent)."""
    by_unit: dict[str, list[Person]] = {}
    for person in sorted(everyone, key=lambda p: p.serial_number):
        by_unit.setdefault(person.unit, []).append(person)
    rows = []
    for entry in UNIT_LOG:
        assert entry["start_date"] > "2024-08-01", "after the IG's period"
        travellers = [(by_unit[unit][n - 1], role) for unit, n, role in entry["travellers"]]
        cells = []
        for person, role in travellers:
            serial = "" if role == "by name" else person.serial_number
            name = f"{person.first_name} {person.last_name}"
            role = "attendee" if role == "by name" else role
            cells.append(f"{serial} | {name} | {person.rank} | {person.unit} |  | {role}")
        serials = [p.serial_number for p, _ in travellers]
        rows.append(
            {
                "source_system": UNIT_LOG_SYSTEM,
                "source_id": entry["source_id"],
                **{k: entry[k] for k in ("title", "direction", "kind", "category", "topics",
                                         "purpose", "justification", "start_date", "end_date",
                                         "estimated_cost", "status", "locations",
                                         "recorded_at", "not_on_record")},
                "host_organisation": entry["host"],
                "organiser_organisation": entry["organiser"],
                "participants": "; ".join(cells),
                "funding": "; ".join(entry["funding"]),
                "approvals": "; ".join(entry["approvals"]),
                "reports": entry["reports"].format(*serials),
            }
        )  # fmt: skip
    return rows


if __name__ == "__main__":
    main()
