"""The source of ``data/reports.csv`` (ADR 0017), written by ``make_source.main``.

Legacy reports: the activities whose source says ``brief_statement`` get a one-line
statement, the seven ``full`` ones a complete report with numbered recommendations.
Entered reports (R11, R12 of ``approvals.csv``) are the employee sign-in's own, and V01's
participants have an empty draft a coordinator opened.
"""

# ruff: noqa: E501 — report texts are data, one paragraph per line.
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

REPORT_FIELDS = [
    "key", "route", "state", "purpose", "itinerary", "key_takeaways",
    "practical_applications", "potential_benefits", "topics", "contacts_not_in_register",
    "recommendations", "first_itinerary", "return_reason",
]  # fmt: skip

# fmt: off
BRIEF = [
 "Attended the {title}. It was very informative.",
 "The {title} was a good course and useful for the department.",
 "Attended as scheduled. Good training on {topic}.",
 "Completed the {title}. Recommend other officers attend.",
 "Very informative. Learned a lot about {topic}.",
 "Attended all sessions; excellent instructors.",
 "Good exchange with the host agency on {topic}.",
]
FULL = {
"A090": dict(
 purpose="Attend the RCMP's synthetic opioid clandestine laboratory course to update our Narcotics Division's lab response procedures for fentanyl and nitazene production sites.",
 itinerary="Four days at the RCMP Pacific Region training centre, Vancouver: two days classroom, one day at the Clandestine Laboratory Enforcement and Response team's training lab, one day on a decommissioned site with the Vancouver Fire Rescue hazmat unit.",
 key_takeaways="Fentanyl analogue labs rarely look like methamphetamine labs: small glassware, pill presses and precursor packaging are the tell. The RCMP treats every suspected synthetic opioid site as a hazmat scene first and a crime scene second: no entry without air monitoring, and naloxone carried by every entry team member. Their evidence teams photograph in place and sample with field kits before anything is moved, which has kept officers from exposure in over forty entries.",
 practical_applications="Add synthetic opioid indicators to our patrol bulletin; issue naloxone and nitrile-glove kits to every Narcotics entry team; adopt the RCMP's two-person air-monitoring entry for suspected lab sites.",
 potential_benefits="Fewer officer exposures at lab scenes, better evidence recovery, and faster hand-off to the county hazmat team.",
 topics="synthetic opioids; clandestine labs",
 contacts="Cpl. (RCMP Clandestine Laboratory Enforcement and Response), course lead; Vancouver Fire Rescue hazmat captain.",
 recs=["Issue naloxone to every Narcotics Division entry team member and train them in its use.",
       "Adopt a two-person air-monitoring entry protocol for suspected synthetic opioid laboratories.",
       "Add synthetic opioid laboratory indicators to the patrol roll-call bulletin."]),
"A098": dict(
 purpose="Attend the victim-centred human trafficking investigations course to improve how our Vice Division interviews possible victims.",
 itinerary="Ottawa Police Service Human Trafficking Unit, four days: interview suite walk-through, case reviews with the Crown prosecutor's office, a day with a victim services NGO.",
 key_takeaways="Victims rarely disclose at the first contact; the Ottawa unit separates the welfare contact from the investigative interview and uses a trained victim specialist at both. Interviews are recorded in a soft interview room, and the same interviewer stays with the case. Trauma-informed questioning produced more usable statements than confrontational interviews, and fewer victims withdrew before trial.",
 practical_applications="Set up a soft interview room; pair every trafficking case with a victim advocate from first contact; train Vice detectives in trauma-informed interviewing.",
 potential_benefits="More victims willing to testify, stronger prosecutions, and fewer complaints about how victims are treated.",
 topics="human trafficking; victim-centred interviewing",
 contacts="Det. Sgt., Ottawa Police Human Trafficking Unit; coordinator at the victim services NGO.",
 recs=["Set up a soft interview room for victims of trafficking and sexual exploitation.",
       "Assign a victim advocate to every human trafficking case from the first contact.",
       "Train all Vice Division detectives in trauma-informed interviewing within a year."]),
"A099": dict(
 purpose="Learn how Vancouver Police and the Combined Forces Special Enforcement Unit reduced gang shootings through focused deterrence and shared intelligence.",
 itinerary="Three days in Vancouver: the Combined Forces Special Enforcement Unit, the Vancouver Police gang crime unit's briefing room, and a ride-along with the uniform gang enforcement team.",
 key_takeaways="Gang violence fell where enforcement was focused on the few people driving it, with call-ins that offered a way out alongside clear consequences. Intelligence is shared across agencies in one weekly briefing with a common target list. Uniform gang teams check bars and restaurants under a provincial programme that bars known gang members, which pushed violence out of public places.",
 practical_applications="Pilot a focused-deterrence call-in with the District Attorney; hold one weekly gang intelligence briefing with neighbouring agencies.",
 potential_benefits="Fewer shootings and retaliations, better use of a small gang unit's time, and intelligence that neighbouring agencies act on together.",
 topics="gang intelligence; violence suppression",
 contacts="Inspector, Combined Forces Special Enforcement Unit; gang crime unit analyst.",
 recs=["Pilot a focused-deterrence call-in programme for the two most violent gang sets, with the District Attorney and outreach workers.",
       "Hold a weekly regional gang intelligence briefing with a common target list."]),
"A102": dict(
 purpose="Attend Interpol's crimes against children investigator training to strengthen our Internet Crimes Against Children Unit's victim identification work.",
 itinerary="Five days at the National Crime Agency, London: victim identification lab, the International Child Sexual Exploitation database, offender interview workshops.",
 key_takeaways="Victim identification succeeds by working the background of images, not only the faces: wallpaper, packaging and power sockets narrow a location. Contributing our series to the Interpol database lets partners identify victims we cannot. Offender interviews planned around the offender's own justifications produced admissions in the workshop scenarios.",
 practical_applications="Request access to the International Child Sexual Exploitation database; add background analysis to every image series review.",
 potential_benefits="More children identified and safeguarded, sooner, and our unidentified series worked on by partner agencies that may recognise them.",
 topics="child sexual exploitation; offender interviews",
 contacts="NCA victim identification officer; Interpol Crimes against Children specialist.",
 recs=["Apply for access to Interpol's International Child Sexual Exploitation database and contribute our unidentified series.",
       "Add background and object analysis to the review of every image series."]),
"A107": dict(
 purpose="Take part in the FIFA World Cup 2026 host city security planning meeting and learn from Guadalajara's preparations for its matches.",
 itinerary="Four days in Guadalajara: Estadio Akron venue walk-through, Jalisco state command and control centre, fan festival site, planning sessions with the other host cities.",
 key_takeaways="Host cities plan the last mile from transit to the gate as carefully as the stadium itself; crowd control problems happen there. Guadalajara's command centre shares one camera and radio picture with stadium security, transit and medical services. Counter-terrorism planning covers hostile vehicle mitigation at the fan festival with temporary barriers that still allow emergency access.",
 practical_applications="Plan the last mile for our own major events; bring transit and medical services into one command picture; survey fan zones for hostile vehicle mitigation.",
 potential_benefits="Safer major events, fewer crowd injuries on the way to and from venues, and a plan that holds together when something goes wrong.",
 topics="major-event security; host city planning; counter-terrorism",
 contacts="Jalisco state police planning lead; Guadalajara host city security coordinator.",
 recs=["Plan crowd movement over the last mile from transit stops to venue gates for every major event.",
       "Run one shared command picture with transit, fire and medical services during major events.",
       "Survey every fan zone for hostile vehicle mitigation and counter-terrorism barriers before each event."]),
"A109": dict(
 purpose="Run the recruit academy course for visiting officers of the United Arab Emirates Ministry of Interior and record what our instructors learned from teaching it.",
 itinerary="Four weeks at the Metro City academy: patrol tactics, use of force, de-escalation scenarios, report writing; two days of ride-alongs.",
 key_takeaways="Teaching de-escalation to officers from a different legal system showed where our own scenarios rely on habits nobody wrote down. The visiting officers asked for the written reasoning behind each use-of-force option; our lesson plans cite the policy but not the reasons. Scenario debriefs worked better when trainees explained their options before the instructor spoke.",
 practical_applications="Add the reasoning behind each use-of-force option to the academy lesson plans; use trainee-first debriefs in all scenario training.",
 potential_benefits="Clearer use-of-force training for our own recruits, debriefs that teach judgement, and lesson plans that survive instructor turnover.",
 topics="recruit academy curriculum; use of force; de-escalation",
 contacts="Ministry of Interior liaison officer (through the embassy).",
 recs=["Write the reasoning behind each use-of-force option into the academy's de-escalation lesson plans.",
       "Use trainee-first debriefs in every scenario-based training session."]),
"A110": dict(
 purpose="Observe major-event security and crowd control at World Youth Day 2023 in Lisbon, which drew 1.5 million people, ahead of the city's own large events.",
 itinerary="Six days in Lisbon with the Polícia de Segurança Pública: the national command centre, Parque Tejo (the vigil and final mass site), the metro hub at Oriente, the public order unit's staging area.",
 key_takeaways="Crowd control at this scale was crowd management: the PSP set the density limits per zone and closed entries before a zone filled, not after. Liaison officers in soft uniform talked with group leaders throughout, and that dialogue resolved most tensions before the public order unit was needed. Where a crush started at an exit, stewards and officers opened alternative routes rather than pushing the crowd back. The public order unit was staged out of sight and used early, in force, once to clear a blocked bridge; the host commander said early dispersal with less-lethal launchers is their standing practice when a route is blocked.",
 practical_applications="Set crowd density limits and entry closures per zone for our large events; deploy police liaison teams; plan alternative exit routes with stewards.",
 potential_benefits="Fewer crowd injuries, fewer confrontations between officers and the public, and public order units used only where they are needed.",
 topics="major-event security; crowd management; crowd control",
 contacts="PSP public order unit commander; World Youth Day stewarding lead.",
 recs=["Set crowd density limits per zone and close entries before a zone fills at events over 20,000 people.",
       "Deploy police liaison teams in soft uniform at large demonstrations and major events.",
       "Adopt the host's practice of early dispersal with less-lethal launchers when a route is blocked.",
       "Record public order commanders' decisions on body-worn video and in a written decision log."]),
}
ENTERED = {
"R11": dict(state="returned_then_acknowledged",
 purpose="Attend the Toronto Police victim interview course to bring victim-centred interviewing into our human trafficking investigations.",
 itinerary="Toronto Police College, four days: classroom, recorded practice interviews with actors, a session with the Crown attorney's trafficking team.",
 itinerary_first="Toronto, four days of classes at the police college.",
 key_takeaways="Practice interviews with actors, recorded and reviewed the same day, showed how often investigators interrupt. Toronto interviewers plan around the victim's account rather than the elements of the offence, and they do not ask about immigration status in the first interview. Their unit measures how many victims stay with a case to trial; ours does not.",
 practical_applications="Record practice interviews in our own interview training; stop asking about immigration status in first interviews; track victim retention to trial.",
 potential_benefits="More victims staying with their cases through to trial, interviews that hold up in court, and fewer complaints from victim advocates.",
 topics="victim-centred interviewing; human trafficking",
 contacts="Det. Sgt., Toronto Police Human Trafficking Enforcement Team (course lead).",
 recs=["Record and review practice interviews in the Vice Division's interview training.",
       "Leave immigration status out of the first interview with a possible trafficking victim.",
       "Measure how many trafficking victims stay with their case through to trial."],
 return_reason="Name the units you visited and who you met: the itinerary names only the college."),
"R12": dict(state="submitted",
 purpose="Attend the Metropolitan Police major event security planning seminar ahead of the FIFA World Cup 2026 matches in our region.",
 itinerary="London, five days: Metropolitan Police Special Operations Room, the Wembley Stadium safety advisory group, a Notting Hill Carnival debrief with the public order planners, Counter Terrorism Policing's protective security team.",
 key_takeaways="The Met plans every major event with a safety advisory group that includes the venue, transport and the council, chaired by the local authority, not the police. Crowd control at Notting Hill relies on one-way systems and pre-planned closure points rather than lines of officers. Counter-terrorism advice is given to venues early, with protective security officers walking the site with the venue's own security manager. Silver commanders keep a written decision log and explain each decision against the event's strategy.",
 practical_applications="Propose a safety advisory group for each World Cup match day; plan one-way systems and closure points; bring counter-terrorism protective security advice into venue planning six months ahead.",
 potential_benefits="Shared ownership of event safety, smoother crowd flow, and decisions that can be explained afterwards.",
 topics="major events; crowd control; counter-terrorism",
 contacts="Met Police public order planning inspector; Counter Terrorism Policing protective security officer.",
 recs=["Propose a multi-agency safety advisory group for every FIFA World Cup 2026 match day in the city.",
       "Plan one-way pedestrian systems and pre-planned closure points instead of police lines for crowd control.",
       "Require a written decision log from every silver commander at major events."]),
}
# fmt: on


def _row(key: str, route: str, state: str, **values: str) -> dict[str, str]:
    return (
        {name: "" for name in REPORT_FIELDS} | {"key": key, "route": route, "state": state} | values
    )


def _full(key: str, route: str, state: str, f: Mapping[str, Any]) -> dict[str, str]:
    return _row(
        key, route, state,
        purpose=str(f["purpose"]), itinerary=str(f["itinerary"]),
        key_takeaways=str(f["key_takeaways"]),
        practical_applications=str(f["practical_applications"]),
        potential_benefits=str(f["potential_benefits"]), topics=str(f["topics"]),
        contacts_not_in_register=str(f["contacts"]),
        recommendations=" | ".join(f["recs"]),
        first_itinerary=str(f.get("itinerary_first", "")),
        return_reason=str(f.get("return_reason", "")),
    )  # fmt: skip


# Some legacy one-line statements ended with recommendations: the outcomes step (ADR 0018)
# records what the department decided on each, by (activity key, position).
LEGACY_RECOMMENDATIONS: dict[str, list[str]] = {
    "A059": [
        "Adopt the Royal Thai Police advancing baton line: mounted and foot units push a crowd "
        "back in a closed line before a dispersal order is given.",
        "Buy the same long shields the Royal Thai Police crowd-control units carry.",
    ],
    "A065": ["Replace our mobile field force formations with the Dutch mobile unit formations."],
    "A069": [
        "Buy mobile barrier fencing for large demonstrations.",
        "Record every crowd event with body-worn video from the field commander, as the "
        "exchange partner's units film from their command vehicle.",
    ],
}


def report_rows(activities: list[dict[str, str]]) -> list[dict[str, str]]:
    rows = []
    for activity in activities:
        key = activity["key"]
        topic = activity["topics"].split(";")[0].strip()
        if key in FULL:
            rows.append(_full(key, "imported", "acknowledged", FULL[key]))
        elif activity["evaluation_report"] == "brief_statement":
            text = BRIEF[int(key[1:]) % len(BRIEF)].format(title=activity["title"], topic=topic)
            recs = " | ".join(LEGACY_RECOMMENDATIONS.get(key, []))
            rows.append(
                _row(key, "imported", "acknowledged", key_takeaways=text, recommendations=recs)
            )
    for key, f in ENTERED.items():
        rows.append(_full(key, "entered", str(f["state"]), f))
    rows.append(_row("V01", "started", "draft"))
    return rows
