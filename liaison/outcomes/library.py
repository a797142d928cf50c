"""The first entries of a policy library: the department policies and training
commitments of seed 002 (the department's answers to community inquiries on training and
practice). ``load_policy_library`` (a fresh install) and the demo both load these through
``services.policy_library_load``; the library is per agency (ADR 0018).

The seed quotes the text of the manual sections; directives, special orders and the
bulletin are cited by name (and a date where the seed gives one). The seed gives no
links, so ``source_url`` is left for a reviewer to fill in.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

SOURCE = "Department answers to community inquiries on training and practice (seed 002)."

CORE_VALUES = [
    ("110.10", "Service to Our Communities",
     "We are dedicated to enhancing public safety and reducing the fear and the incidence "
     "of crime; we work in partnership with the people in our communities and serve all "
     "with equal dedication."),
    ("110.20", "Reverence for the Law",
     "We must always exercise integrity in the use of the power and authority given to us "
     "by the people, and obey and support the letter and the spirit of the law."),
    ("110.30", "Commitment to Leadership",
     "The Department should be a leader in law enforcement, and each individual a leader "
     "in his or her area of responsibility."),
    ("110.40", "Integrity in All We Say and Do",
     "Integrity is our standard: honest, ethical behaviour in all our interactions; our "
     "actions will match our words."),
    ("110.50", "Respect for People",
     "We treat all people with respect and dignity, show concern and empathy for the "
     "victims of crime and treat violators of the law with fairness and dignity."),
    ("110.60", "Quality Through Continuous Improvement",
     "We strive for the highest level of quality in all aspects of our work, value "
     "innovation and proactively seek new and better ways to serve."),
]  # fmt: skip

SEED_002: list[dict[str, Any]] = [
    {
        "identifier": "Use of Force–Tactics Directive 16",
        "title": "Tactical De-Escalation Techniques",
        "summary": (
            "When officers must detain or arrest a suspect who is uncooperative, resisting, "
            "may flee or poses a danger, they are to consider tactics and techniques that "
            "persuade the suspect to comply voluntarily or mitigate the need for a higher "
            "level of force, resolving the situation safely. De-escalation is part of all "
            "training on critical decision-making and potential uses of force. " + SOURCE
        ),
        "effective_from": dt.date(2016, 10, 1),
    },
    {
        "identifier": "130.25",
        "title": "Reverence for Human Life",
        "summary": (
            "Reverence for human life is the primary consideration in developing tactics and "
            "strategies. When an operation subjects a victim, witness or other innocent "
            "person to potential injury or death, the primary objective is to protect that "
            "person: no arrest, conviction or piece of evidence outweighs the value of human "
            "life. (Department Manual.) " + SOURCE
        ),
    },
    {
        "identifier": "105",
        "title": "Mission",
        "summary": (
            "To safeguard the lives and property of the people we serve, reduce the "
            "incidence and fear of crime, and enhance public safety while working with the "
            "diverse communities to improve their quality of life, with honour, integrity "
            "and the highest ethical standards. (Department Manual.) " + SOURCE
        ),
    },
    *[
        {
            "identifier": ident,
            "title": f"Core Values: {title}",
            "summary": f"{text} (Department Manual.) {SOURCE}",
        }
        for ident, title, text in CORE_VALUES
    ],
    {
        "identifier": "345",
        "title": "Policy Prohibiting Biased Policing",
        "summary": (
            "Discriminatory conduct on the basis of actual or perceived race, religion, "
            "colour, ethnicity, national origin, age, gender, gender identity or expression, "
            "sexual orientation, disability, immigration or employment status, English "
            "language fluency or homeless circumstance is prohibited in any law enforcement "
            "activity; contacts must rest on legitimate, articulable facts. Employees who "
            "become aware of biased policing must report it. (Department Manual, Volume I, "
            "Section 345.) " + SOURCE
        ),
    },
    {
        "identifier": "Special Order 12",
        "title": "Body Worn Video and Digital In-Car Video: activation and de-activation",
        "summary": (
            "Officers activate their Body Worn Video before initiating any investigative or "
            "enforcement activity involving a member of the public (as soon as practical and "
            "safe when they cannot at once) and record until it has ended. A failed or late "
            "activation requires a documented explanation reviewed by supervision. " + SOURCE
        ),
        "effective_from": dt.date(2015, 4, 28),
    },
    {
        "identifier": "Special Order 45",
        "title": "Body Worn Video and Digital In-Car Video",
        "summary": "The Department's Body Worn Video policy, Special Order 45. " + SOURCE,
    },
    {
        "identifier": "Training Bulletin: Procedural Justice",
        "title": "Procedural Justice Training Bulletin",
        "summary": (
            "The source document for Principled Policing courses (implicit bias awareness, "
            "procedural justice, the historical impact of policing) and for promotional "
            "examinations; procedural justice is integral to training throughout the "
            "Department. " + SOURCE
        ),
        "effective_from": dt.date(2020, 4, 1),
    },
]

DE_ESCALATION = SEED_002[0]["identifier"]
