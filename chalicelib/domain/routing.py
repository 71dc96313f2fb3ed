"""Complaint classification: which agency, where, how urgent, how sure, and why.

A complaint (a tweet or a long web-form text) is normalised (`text.py`), figurative uses of
trigger words are dropped ("banjir promo"), and it becomes two blocks of terms: its words, their
stems, word pairs, the lexicon phrases it contains (`data/routing_lexicon.yaml`) with the agencies
and urgency levels they point to, mentions; and the character n-grams of its words, which survive
typos. Two logistic-regression models (`data/routing_model.json`, trained with scikit-learn by
`python -m chalicelib.cli train`, read here in pure Python by `learning.py`) turn them into an
agency with a calibrated probability (the confidence) and an urgency level. The region comes from
the gazetteer (`places.py`). The evidence is the phrases and place names that weighed most, for
the agency admin to see.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from chalicelib.domain.datafiles import PRECOMPUTED, load_yaml
from chalicelib.domain.directory import DATA_DIR
from chalicelib.domain.learning import LinearModel, Vector, Vectorizer
from chalicelib.domain.places import locate
from chalicelib.domain.text import char_ngrams, mentions, normalize, stem
from chalicelib.domain.tickets import Classification

MODEL_PATH = DATA_DIR / "routing_model.json"
LEXICON_FORMS = PRECOMPUTED / "routing_lexicon.forms.json"  # written by `make package` (infra/lambda_zip.py)
_MAX_PHRASE_WORDS = 4


@dataclass(frozen=True)
class Lexicon:
    agency_phrases: dict[str, frozenset[str]]  # normalised phrase (and its stemmed form) -> agencies
    urgency_phrases: dict[str, str]            # normalised phrase -> EMERGENCY | HIGH
    figurative: tuple[tuple[str, ...], ...]
    raw_agency_phrases: dict[str, list[str]]   # as written, for building pseudo-examples


def _forms(phrase: str) -> list[str]:
    words = normalize(phrase)
    return list(dict.fromkeys([" ".join(words), " ".join(stem(w) for w in words)]))


def build_lexicon(data: dict) -> Lexicon:
    """The lexicon as the router matches it, from routing_lexicon.yaml: every phrase normalised and
    stemmed (1,600 phrases: about 40 ms, which the package spends once, see `load_lexicon`)."""
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


def lexicon_as_data(lexicon: Lexicon) -> dict:
    """A built lexicon as JSON data (what `make package` ships as LEXICON_FORMS)."""
    return {"agency_phrases": {k: sorted(v) for k, v in sorted(lexicon.agency_phrases.items())},
            "urgency_phrases": lexicon.urgency_phrases, "figurative": [list(f) for f in lexicon.figurative],
            "raw_agency_phrases": lexicon.raw_agency_phrases}


def lexicon_from_data(data: dict) -> Lexicon:
    return Lexicon({k: frozenset(v) for k, v in data["agency_phrases"].items()}, data["urgency_phrases"],
                   tuple(tuple(f) for f in data["figurative"]), data["raw_agency_phrases"])


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    """Built from routing_lexicon.yaml, or in the Lambda package read as built (LEXICON_FORMS)."""
    if LEXICON_FORMS.exists():
        return lexicon_from_data(json.loads(LEXICON_FORMS.read_text(encoding="utf-8")))
    return build_lexicon(load_yaml("routing_lexicon.yaml"))


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


@dataclass(frozen=True)
class Document:
    """What the models read of a text: its word-level terms (words, stems, word pairs, lexicon
    phrases and the agencies and urgency levels they point to, mentions, punctuation cues) and its
    topic words, whose character n-grams make the second block."""
    terms: list[str]
    words: list[str]

    @property
    def text(self) -> str:
        """The topic words as one string, what scikit-learn's char_wb analyzer reads in training."""
        return " ".join(self.words)

    @property
    def cues(self) -> list[str]:
        """The agencies and urgency levels the lexicon's phrases point to: the third block, which
        carries over to writers whose other words the model never saw."""
        return [term for term in self.terms if term.startswith(("A:", "U:"))]


def featurize(text: str, lexicon: Lexicon, place_words: list[str] | None = None) -> Document:
    """The terms of a text. Place names are left out of its topic words (they say where, not
    what: "Pantai Bandengan" is no fishpond), so pass the places `locate` found."""
    if place_words is None:
        place_words = locate(text).mentioned
    # A place's own name goes ("Bandengan", "Kliwon"); words the lexicon knows stay ("pelabuhan", "pasar").
    names = {word for place in place_words for word in normalize(place)
             if word not in lexicon.agency_phrases and word not in lexicon.urgency_phrases}
    words = [w for w in _drop_figurative(normalize(text), lexicon.figurative) if w not in names]
    stems = [stem(w) for w in words]
    terms = ["w:" + w for w in words]
    terms += ["s:" + s for w, s in zip(words, stems) if s != w]
    terms += [f"b:{first}_{second}" for first, second in zip(words, words[1:])]
    seen: set[str] = set()
    for sequence in (words, stems):
        for n in range(1, _MAX_PHRASE_WORDS + 1):
            for i in range(len(sequence) - n + 1):
                phrase = " ".join(sequence[i:i + n])
                agencies = lexicon.agency_phrases.get(phrase)
                if agencies and phrase not in seen:
                    seen.add(phrase)
                    terms.append("L:" + phrase)
                    terms += ["A:" + agency for agency in agencies]
                level = lexicon.urgency_phrases.get(phrase)
                if level:
                    terms.append("U:" + level)
    terms += ["m:" + handle for handle in mentions(text)]
    if text.count("!") >= 2:
        terms.append("x:exclaim")
    if "?" in text:
        terms.append("x:question")
    return Document(terms, words)


def _readable(term: str) -> str | None:
    kind, _, value = term.partition(":")
    if kind in ("L", "w", "s"):
        return value
    if kind == "b":
        return value.replace("_", " ")
    return None


@dataclass
class Router:
    lexicon: Lexicon
    vectorizer: Vectorizer
    agency_model: LinearModel
    urgency_model: LinearModel
    char_ngrams: tuple[int, int]
    emergency_at: float  # EMERGENCY once its probability reaches this (chosen for recall in training)
    word_terms: dict[int, str]  # column -> term of the word block, for the evidence

    def vectorize(self, document: Document) -> Vector:
        blocks = [document.terms, char_ngrams(document.words, *self.char_ngrams), document.cues]
        return self.vectorizer.transform(blocks[:len(self.vectorizer.columns)])

    def classify(self, text: str) -> Classification:
        location = locate(text)
        vector = self.vectorize(featurize(text, self.lexicon, location.mentioned))
        probabilities = self.agency_model.probabilities(self.agency_model.scores(vector))
        best = max(range(len(probabilities)), key=probabilities.__getitem__)
        agency = self.agency_model.classes[best]
        urgency = self.urgency(self.urgency_model.probabilities(self.urgency_model.scores(vector)))
        return Classification(agency=agency, region=location.code, urgency=urgency,
                              confidence=round(probabilities[best], 3),
                              evidence=self._evidence(vector, agency) + [f"lokasi: {p}" for p in dict.fromkeys(location.evidence)])

    def urgency(self, probabilities: list[float]) -> str:
        by_level = dict(zip(self.urgency_model.classes, probabilities))
        if by_level["EMERGENCY"] >= self.emergency_at:
            return "EMERGENCY"
        return max((level for level in by_level if level != "EMERGENCY"), key=by_level.__getitem__)

    def _evidence(self, vector: Vector, agency: str) -> list[str]:
        """Up to four words or phrases that weighed most for the agency, the lexicon's phrases first
        (what the agency admin recognises: "longsor", not "barusan")."""
        evidence: list[str] = []
        contributions = self.agency_model.contributions(vector, agency)
        ranked = sorted(contributions, key=lambda item: not self.word_terms.get(item[0], "").startswith("L:"))
        for column, _ in ranked:
            word = _readable(self.word_terms.get(column, ""))
            if word and not any(word in seen for seen in evidence):
                evidence.append(word)
            if len(evidence) == 4:
                break
        return evidence


def load_router(path: Path = MODEL_PATH) -> Router:
    data = json.loads(path.read_text(encoding="utf-8"))
    vectorizer = Vectorizer.from_dict(data["vectorizer"])
    return Router(load_lexicon(), vectorizer, LinearModel.from_dict(data["agency"]), LinearModel.from_dict(data["urgency"]),
                  tuple(data["char_ngrams"]), data["emergency_at"],
                  {column: term for term, column in vectorizer.columns[0].items()})


@lru_cache(maxsize=1)
def default_router() -> Router:
    return load_router()


def classify(text: str) -> Classification:
    return default_router().classify(text)
