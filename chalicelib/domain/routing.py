"""Complaint classification: which agency, where, how urgent, and why.

Keyword rules (data in `data/routing_rules.yaml`) score each agency by the phrases a complaint
contains; the best-scoring agency wins, and a complaint that matches nothing goes to the triage
desk. Regions are found by the names of Central Java's regencies and cities.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import yaml

from chalicelib.domain.directory import DATA_DIR, TRIAGE
from chalicelib.domain.tickets import Classification

_TOKEN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_NOISE = re.compile(r"https?://\S+|@\w+|#\w+")


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(_NOISE.sub(" ", text.lower()))


def _phrase_in(phrase: str, padded: str) -> bool:
    return f" {phrase} " in padded


@dataclass(frozen=True)
class Rules:
    agency_phrases: dict[str, list[str]]
    urgency_phrases: dict[str, list[str]]
    region_names: dict[str, str]


@lru_cache(maxsize=1)
def load_rules() -> Rules:
    rules = yaml.safe_load((DATA_DIR / "routing_rules.yaml").read_text(encoding="utf-8"))
    regions = yaml.safe_load((DATA_DIR / "regions.yaml").read_text(encoding="utf-8"))["regions"]
    names = {}
    for code, name in regions.items():
        kind, _, place = name.partition(" ")
        key = place.lower()
        # A bare name shared by a kabupaten and a kota (Semarang, Magelang...) means the kabupaten.
        if kind == "Kota" and key in names:
            names[f"kota {key}"] = code
        else:
            names.setdefault(key, code)
            if kind == "Kota":
                names[f"kota {key}"] = code
    return Rules(rules["agencies"], rules["urgency"], names)


def classify(text: str, rules: Rules | None = None) -> Classification:
    rules = rules or load_rules()
    padded = " " + " ".join(tokens(text)) + " "
    scores: dict[str, list[str]] = {}
    for agency, phrases in rules.agency_phrases.items():
        hits = [p for p in phrases if _phrase_in(p, padded)]
        if hits:
            scores[agency] = hits
    if scores:
        agency = max(scores, key=lambda code: sum(len(p.split()) for p in scores[code]))
        evidence = scores[agency]
        total = sum(len(hits) for hits in scores.values())
        confidence = round(len(evidence) / total, 2)
    else:
        agency, evidence, confidence = TRIAGE, [], 0.0
    region = _region(padded, rules)
    urgency = next(
        (level for level in ("EMERGENCY", "HIGH") if any(_phrase_in(p, padded) for p in rules.urgency_phrases[level])),
        "NORMAL",
    )
    return Classification(agency=agency, region=region, urgency=urgency, confidence=confidence, evidence=evidence)


def _region(padded: str, rules: Rules) -> str | None:
    found = [(name, code) for name, code in rules.region_names.items() if _phrase_in(name, padded)]
    if not found:
        return None
    # The longest name wins, so "kota tegal" beats "tegal".
    return max(found, key=lambda item: len(item[0]))[1]
