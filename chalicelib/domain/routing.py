"""Complaint classification: which agency, where, how urgent, how sure, and why.

A tweet is normalised (`text.py`), figurative uses of trigger words are dropped ("banjir promo"),
and it becomes sparse features: its words, their stems, word pairs, the lexicon phrases it contains
(`data/routing_lexicon.yaml`) and which agencies those phrases belong to, urgency cues and
mentions. Two small logistic-regression models (`data/routing_model.json`, built by
`python -m chalicelib.cli train`) turn the features into an agency with a probability (the
confidence) and an urgency level. The region comes from the gazetteer (`places.py`). The evidence
is the phrases and place names that weighed most, for the agency admin to see.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

import yaml

from chalicelib.domain.directory import DATA_DIR
from chalicelib.domain.learning import SoftmaxModel
from chalicelib.domain.places import locate
from chalicelib.domain.text import mentions, normalize, stem
from chalicelib.domain.tickets import Classification

MODEL_PATH = DATA_DIR / "routing_model.json"
_MAX_PHRASE_WORDS = 4
_MAX_AGENCY_HITS = 3


@dataclass(frozen=True)
class Lexicon:
    agency_phrases: dict[str, frozenset[str]]  # normalised phrase (and its stemmed form) -> agencies
    urgency_phrases: dict[str, str]            # normalised phrase -> EMERGENCY | HIGH
    figurative: tuple[tuple[str, ...], ...]
    raw_agency_phrases: dict[str, list[str]]   # as written, for building pseudo-examples


def _forms(phrase: str) -> list[str]:
    words = normalize(phrase)
    return list(dict.fromkeys([" ".join(words), " ".join(stem(w) for w in words)]))


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    data = yaml.safe_load((DATA_DIR / "routing_lexicon.yaml").read_text(encoding="utf-8"))
    agency_phrases: dict[str, set[str]] = {}
    for agency, phrases in data["agencies"].items():
        for phrase in phrases:
            for form in _forms(str(phrase)):
                agency_phrases.setdefault(form, set()).add(agency)
    urgency_phrases = {}
    for level, phrases in data["urgency"].items():
        for phrase in phrases:
            for form in _forms(str(phrase)):
                urgency_phrases.setdefault(form, level)
    figurative = tuple(tuple(normalize(p)) for p in data["figurative"])
    return Lexicon({k: frozenset(v) for k, v in agency_phrases.items()}, urgency_phrases, figurative,
                   {agency: [str(p) for p in phrases] for agency, phrases in data["agencies"].items()})


def _drop_figurative(words: list[str], figurative: tuple[tuple[str, ...], ...]) -> list[str]:
    """The words without the given phrases (figurative uses of trigger words, place names)."""
    kept, i = [], 0
    while i < len(words):
        for phrase in figurative:
            if tuple(words[i:i + len(phrase)]) == phrase:
                i += len(phrase)
                break
        else:
            kept.append(words[i])
            i += 1
    return kept


def featurize(text: str, lexicon: Lexicon, place_words: list[str] | None = None) -> dict[str, float]:
    """Sparse features of a tweet. Place names are left out of its topic words (they say where,
    not what: "Pantai Bandengan" is no fishpond), so pass the places `locate` found."""
    if place_words is None:
        place_words = locate(text).mentioned
    # A place's own name goes ("Bandengan", "Kliwon"); words the lexicon knows stay ("pelabuhan", "pasar").
    names = {word for place in place_words for word in normalize(place)
             if word not in lexicon.agency_phrases and word not in lexicon.urgency_phrases}
    words = [w for w in _drop_figurative(normalize(text), lexicon.figurative) if w not in names]
    stems = [stem(w) for w in words]
    features: dict[str, float] = {}
    for word, word_stem in zip(words, stems):
        features["w:" + word] = 1.0
        if word_stem != word:
            features["s:" + word_stem] = 1.0
    for first, second in zip(words, words[1:]):
        features[f"b:{first}_{second}"] = 1.0
    agency_hits: dict[str, int] = {}
    for sequence in (words, stems):
        for n in range(1, _MAX_PHRASE_WORDS + 1):
            for i in range(len(sequence) - n + 1):
                phrase = " ".join(sequence[i:i + n])
                agencies = lexicon.agency_phrases.get(phrase)
                if agencies and "L:" + phrase not in features:
                    features["L:" + phrase] = 1.0
                    for agency in agencies:
                        agency_hits[agency] = agency_hits.get(agency, 0) + 1
                level = lexicon.urgency_phrases.get(phrase)
                if level:
                    features["U:" + level] = features.get("U:" + level, 0.0) + 1.0
    for agency, hits in agency_hits.items():
        features["A:" + agency] = float(min(hits, _MAX_AGENCY_HITS))
    for handle in mentions(text):
        features["m:" + handle] = 1.0
    if text.count("!") >= 2:
        features["x:exclaim"] = 1.0
    if "?" in text:
        features["x:question"] = 1.0
    if len(words) <= 4:
        features["x:short"] = 1.0
    return features


def _readable(feature: str) -> str | None:
    kind, _, value = feature.partition(":")
    if kind in ("L", "w", "s"):
        return value
    if kind == "b":
        return value.replace("_", " ")
    return None


@dataclass
class Router:
    lexicon: Lexicon
    agency_model: SoftmaxModel
    urgency_model: SoftmaxModel

    def classify(self, text: str) -> Classification:
        location = locate(text)
        features = featurize(text, self.lexicon, location.mentioned)
        probabilities = self.agency_model.probabilities(features)
        best = max(range(len(probabilities)), key=probabilities.__getitem__)
        agency = self.agency_model.classes[best]
        urgency_probabilities = self.urgency_model.probabilities(features)
        urgency = self.urgency_model.classes[max(range(len(urgency_probabilities)), key=urgency_probabilities.__getitem__)]
        evidence: list[str] = []
        for feature, _ in self.agency_model.contributions(features, agency):
            word = _readable(feature)
            if word and not any(word in seen for seen in evidence):
                evidence.append(word)
            if len(evidence) == 4:
                break
        evidence += [f"lokasi: {place}" for place in dict.fromkeys(location.evidence)]
        return Classification(agency=agency, region=location.code, urgency=urgency,
                              confidence=round(probabilities[best], 3), evidence=evidence)


@lru_cache(maxsize=1)
def default_router() -> Router:
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    return Router(load_lexicon(), SoftmaxModel.from_dict(data["agency"]), SoftmaxModel.from_dict(data["urgency"]))


def classify(text: str) -> Classification:
    return default_router().classify(text)
