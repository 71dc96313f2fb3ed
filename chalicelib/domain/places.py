"""Where a complaint's problem is: a Kemendagri regency/city code of Central Java, OUTSIDE, or None.

Place names come from the Kemendagri gazetteer (`data/gazetteer.json`: regencies, kecamatan,
villages, and every place outside the province) and a curated list of towns, landmarks and
colloquial names (`data/places_extra.yaml`). Each mention found in the tweet votes for its
regency; the words around it change its weight: "di/nang/kec." before a place mean the problem is
there, "wong/asal/beralamat" only say where the reporter comes from (long complaints give the
reporter's address first, the problem's place after). The regency with most votes wins.

A name several regencies share (a kecamatan "Kaliwungu", a village "Krapyak", "Semarang" without
"kota"/"kab.") goes to the regency the text's other places name; failing that, to the one people
mostly mean (`shared_name_defaults`) or else the most populous (`population`, places_extra.yaml).
"""
from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from chalicelib.domain.datafiles import load_yaml
from chalicelib.domain.directory import DATA_DIR

OUTSIDE = "OUTSIDE"
_WORD = re.compile(r"[A-Za-z0-9]+")
_REDUPLICATION = re.compile(r"\b([A-Za-z]{2,})2\b")  # "alun2" -> "alun alun"
_NOISE = re.compile(r"https?://\S+|@\w+|#\w+")
_JOIN = re.compile(r"[-\u2013\u2014/]")
_MAX_WORDS = 4
_EXPLICIT_REGENCY = {"kota", "kab", "kabupaten", "pemkab", "pemkot"}
_EXPLICIT_DISTRICT = {"kec", "kecamatan"}
_RURAL_CUES = {"desa", "ds", "dusun", "dukuh", "dsn"}  # a city (kota) has kelurahan, no desa or dusun
_VILLAGE_CUES = _RURAL_CUES | {"kelurahan", "kel", "kampung"}
# "Gumelem Kulon", "Gumelem Wetan": the village pair's own name ("Gumelem") names them too
_SIDES = {"kulon", "wetan", "lor", "kidul", "tengah", "utara", "selatan", "timur", "barat"}
_RIVER_CUES = {"kali", "sungai", "bengawan", "kanal"}  # a river named after a place runs through others too
_CUE_WORDS = _EXPLICIT_REGENCY | _EXPLICIT_DISTRICT | _VILLAGE_CUES | _RIVER_CUES
# A regency named outright outweighs a kecamatan of the same name elsewhere ("Pasar Kliwon Kudus").
SENDER_WEIGHT = 0.45  # "Saya warga X": the sender's home (chosen on the training files' region labels)
_VILLAGE_KINDS = ("village", "bare_village")
_KIND_WEIGHT = {"alias": 2.0, "regency": 2.2, "district": 2.0, "outside": 2.0, "village": 1.5, "bare_village": 1.0}


@dataclass(frozen=True)
class Place:
    kind: str  # alias | regency | district | outside | village
    codes: tuple[str, ...]


@dataclass(frozen=True)
class Gazetteer:
    names: dict[str, Place]
    villages: dict[str, tuple[str, ...]]
    districts: dict[str, tuple[str, ...]]
    kota_of: dict[str, str]       # bare shared name -> kota code
    kabupaten_of: dict[str, str]  # bare name -> kabupaten code
    population: dict[str, int]    # regency/city code -> inhabitants (thousands)
    shared_name_defaults: dict[str, str]  # shared name -> the regency people mostly mean by it
    needs_cue: frozenset[str]
    location_cues: frozenset[str]
    origin_cues: frozenset[str]
    sender_cues: frozenset[str]


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    data = json.loads((DATA_DIR / "gazetteer.json").read_text(encoding="utf-8"))
    extra = load_yaml("places_extra.yaml")
    names: dict[str, Place] = {}
    for name in data["outside"]:
        names[name] = Place("outside", (OUTSIDE,))
    for name, codes in data["districts"].items():
        names[name] = Place("district", tuple(codes))
    kota_of, kabupaten_of = {}, {}
    for code, full in data["regencies"].items():
        kind, _, bare = full.partition(" ")
        bare = bare.lower()
        (kota_of if kind == "Kota" else kabupaten_of)[bare] = code
    for bare in set(kota_of) | set(kabupaten_of):
        codes = tuple(c for c in (kabupaten_of.get(bare), kota_of.get(bare)) if c)
        names[bare] = Place("regency", codes)
    for name, code in extra["aliases"].items():
        names[name] = Place("alias", (code,))
    villages = {k: tuple(v) for k, v in data["villages"].items()}
    for name, codes in list(villages.items()):
        base, _, side = name.rpartition(" ")
        if side in _SIDES and base not in names:
            villages[base] = tuple(dict.fromkeys(villages.get(base, ()) + codes))
    return Gazetteer(
        names=names, villages=villages,
        districts={k: tuple(v) for k, v in data["districts"].items()},
        kota_of=kota_of, kabupaten_of=kabupaten_of, population={str(k): v for k, v in extra["population"].items()},
        shared_name_defaults=extra["shared_name_defaults"],
        needs_cue=frozenset(extra["needs_cue"]), location_cues=frozenset(extra["location_cues"]),
        origin_cues=frozenset(extra["origin_cues"]), sender_cues=frozenset(extra["sender_cues"]),
    )


@dataclass(frozen=True)
class _Mention:
    surface: str
    codes: tuple[str, ...]
    weight: float
    needs_support: bool
    kind: str
    start: int = 0
    end: int = 0
    joined: bool = False  # joined to the word before it by a dash or slash: one end of a route


@dataclass(frozen=True)
class Location:
    code: str | None          # Kemendagri regency/city code, OUTSIDE, or None
    evidence: list[str]       # the place words that decided it
    mentioned: list[str]      # every place phrase found, decided or not


def _mentions(text: str, gaz: Gazetteer) -> list[_Mention]:
    cleaned = _REDUPLICATION.sub(r"\1 \1", _NOISE.sub(" ", text))
    spans = list(_WORD.finditer(cleaned))
    words = [m.group() for m in spans]
    # "Purwokerto–Cilacap", "Ajibarang/Bumiayu": a word joined to the one before it by a dash or slash
    joined = [k > 0 and bool(_JOIN.search(cleaned[spans[k - 1].end():m.start()])) for k, m in enumerate(spans)]
    lower = [w.lower() for w in words]
    found: list[_Mention] = []
    i = 0
    while i < len(words):
        for n in range(min(_MAX_WORDS, len(words) - i), 0, -1):
            phrase = " ".join(lower[i:i + n])
            mention = _mention_at(phrase, words[i], lower[max(0, i - 3):i], gaz)
            if mention:
                found.append(_Mention(mention.surface, mention.codes, mention.weight, mention.needs_support,
                                      mention.kind, i, i + n, joined[i]))
                i += n
                break
        else:
            i += 1
    return found


def _mention_at(phrase: str, first_word: str, before: list[str], gaz: Gazetteer) -> _Mention | None:
    """The place `phrase` names given the words `before` it, or None. After "desa"/"kel." it is the
    village, not the kecamatan of the same name ("Kel. Mojosongo"), and after "desa"/"dusun" not a
    city's quarter of the same name ("Dusun Tlogosari", not Semarang's Tlogosari)."""
    prev = before[-1] if before else ""
    alias = phrase in gaz.names and gaz.names[phrase].kind == "alias"
    city_alias = alias and all(code[2] == "7" for code in gaz.names[phrase].codes)
    if prev in _VILLAGE_CUES and phrase in gaz.villages and (not alias or prev in _RURAL_CUES and city_alias):
        place = Place("village", gaz.villages[phrase])
    else:
        place = gaz.names.get(phrase)
    if place is None and phrase in gaz.villages and first_word[:1].isupper() and phrase not in gaz.needs_cue \
            and (" " in phrase or prev in gaz.location_cues) and phrase not in _CUE_WORDS:
        place = Place("bare_village", gaz.villages[phrase])  # "Rob di Panjang Wetan": a village without "desa"
    if place and place.kind == "regency" and prev in _EXPLICIT_DISTRICT and phrase in gaz.districts:
        place = Place("district", gaz.districts[phrase])  # "Kec. Rembang" (Purbalingga) is no regency
    if place is None:
        return None
    default = gaz.shared_name_defaults.get(phrase)
    named = gaz.names[phrase].codes if place.kind == "village" and phrase in gaz.names else ()
    if named and gaz.names[phrase].kind == "district":
        # a kecamatan's seat mostly bears its name ("Desa Pucakwangi", Kec. Pucakwangi), listed or not
        place = Place(place.kind, tuple(dict.fromkeys(place.codes + named)))
    urban = prev in {"kelurahan", "kel"}
    # A kelurahan is mostly urban, so a city's ("Kel. Mojosongo": Solo's); a village that shares its
    # kecamatan's or regency's name lies there ("Kel. Sukoharjo"); then the name's default, then
    # the most populous.
    codes = tuple(sorted(place.codes, key=lambda code: (not (urban and code[2] == "7"), code not in named,
                                                        code != default, -gaz.population.get(code, 0))))
    weight = _KIND_WEIGHT[place.kind]
    explicit = prev in _EXPLICIT_REGENCY or prev in _EXPLICIT_DISTRICT
    if place.kind == "regency" and len(codes) > 1:
        if prev in {"kota", "pemkot"}:
            codes = (gaz.kota_of[phrase],)
        elif prev in {"kab", "kabupaten", "pemkab"}:
            codes = (gaz.kabupaten_of[phrase],)
    if explicit:
        weight += 1.0
    elif prev in _RIVER_CUES:
        weight *= 0.5
    elif prev in gaz.location_cues:
        weight *= 1.5
    if any(word in gaz.origin_cues for word in before):
        weight *= 0.3
    elif any(word in gaz.sender_cues for word in before):
        weight *= SENDER_WEIGHT
    capitalised = first_word[:1].isupper()
    # A capitalised regency name mid-sentence ("nelayan Batang") is a proper noun, not the word.
    cued = explicit or capitalised and (prev in gaz.location_cues or prev in _RIVER_CUES
                                        or (place.kind == "regency" and bool(before)))
    return _Mention(phrase, codes, weight, needs_support=phrase in gaz.needs_cue and not cued, kind=place.kind)


def _qualified(mentions: list[_Mention], gaz: Gazetteer) -> list[_Mention]:
    """Drops a place that the regency named right after it contradicts ("Pasar Kliwon Kudus"); two
    regencies in a row, or two places joined by a dash, are a route ("jalan Boyolali-Klaten",
    "Purwokerto–Cilacap"), both kept, unless the first is also a kecamatan of the second
    ("Karanganyar Demak": the kecamatan, in Demak)."""
    kept = []
    for i, mention in enumerate(mentions):
        following = mentions[i + 1] if i + 1 < len(mentions) else None
        if following and following.kind == "regency" and following.start == mention.end and not following.joined:
            if mention.kind == "regency" and set(gaz.districts.get(mention.surface, ())) & set(following.codes):
                continue
            if following.kind != mention.kind and not set(following.codes) & set(mention.codes):
                continue
        kept.append(mention)
    return kept


def locate(text: str, gaz: Gazetteer | None = None) -> Location:
    """Where the problem is, the place words that decided it, and every place named."""
    gaz = gaz or load_gazetteer()
    found = _mentions(text, gaz)
    mentions = _qualified(found, gaz)
    # another place abroad does not vouch for a word that may be no place at all ("bali": come back)
    supported = {m.codes[0] for m in mentions if not m.needs_support and len(m.codes) == 1} - {OUTSIDE}
    # a village name none of the named kecamatan/regencies/landmarks agree with is another village
    anchors = {m.codes[0] for m in mentions
               if not m.needs_support and len(m.codes) == 1 and m.kind not in _VILLAGE_KINDS}
    scores: dict[str, float] = defaultdict(float)
    evidence: dict[str, list[str]] = defaultdict(list)
    for position, mention in enumerate(mentions):
        if mention.needs_support and not supported.intersection(mention.codes):
            continue
        if mention.kind in _VILLAGE_KINDS and anchors and not anchors.intersection(mention.codes):
            continue
        # A shared name goes to the regencies the other places name, else leans to the most
        # populous and still supports the others; between equal mentions the first one named
        # wins ("jalur Purwokerto-Purbalingga").
        codes = tuple(c for c in mention.codes if c in supported) or mention.codes
        for rank, code in enumerate(codes):
            share = mention.weight if rank == 0 else mention.weight * 0.9 / len(codes)
            share -= 0.01 * position
            scores[code] += share
            evidence[code].append(mention.surface)
    mentioned = [m.surface for m in found if not m.needs_support]
    if not scores:
        return Location(None, [], mentioned)
    best = max(scores, key=lambda code: scores[code])
    return Location(best, evidence[best], mentioned)


@lru_cache(maxsize=1)
def regencies_with_kecamatan() -> dict[str, tuple[str, tuple[str, ...]]]:
    """Regency/city code -> (its name, its kecamatan in title case, sorted): what a form's place pickers offer."""
    data = json.loads((DATA_DIR / "gazetteer.json").read_text(encoding="utf-8"))
    kecamatan: dict[str, list[str]] = defaultdict(list)
    for name, codes in data["districts"].items():
        for code in codes:
            kecamatan[code].append(name.title())
    return {code: (full, tuple(sorted(kecamatan[code]))) for code, full in sorted(data["regencies"].items())}
