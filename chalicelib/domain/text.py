"""Normalising what citizens write, before routing: case, links, mentions, slang, repeated letters,
reduplication ("anak2"), numbers, a light Indonesian/Javanese stemmer, and the character n-grams
that let the router recognise a word through typos ("jalan", "jlan", "jalaan")."""
from __future__ import annotations

import re
from functools import lru_cache

from chalicelib.domain.datafiles import load_yaml

_URL = re.compile(r"https?://\S+|www\.\S+")
_MENTION = re.compile(r"@(\w+)")
_HASHTAG = re.compile(r"#(\w+)")
_REDUPLICATION = re.compile(r"\b([a-z]{2,})2\b")
_REPEATS = re.compile(r"([a-z])\1{2,}")
_WORD = re.compile(r"[a-z0-9]+")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_OWN_HASHTAGS = {"kemalajateng", "laporgub", "jateng", "jawatengah"}

_PARTICLES = ("lah", "kah", "pun", "nya", "ku", "mu")
_SUFFIXES = ("kan", "an", "i")
_PREFIXES = ("meng", "meny", "mem", "men", "me", "peng", "peny", "pem", "pen", "per", "pe",
             "ber", "be", "ter", "te", "di", "ke", "se", "nge", "ng", "ka", "ke")
_VOWELS = set("aiueo")


@lru_cache(maxsize=1)
def _slang() -> dict[str, str]:
    return load_yaml("slang.yaml")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light stemmer: good enough that 'dibuang', 'membuang' and 'buangnya' share 'buang'."""
    if len(word) <= 4 or not word.isalpha():
        return word
    w = word
    for particle in _PARTICLES:
        if w.endswith(particle) and len(w) - len(particle) >= 4:
            w = w[: -len(particle)]
            break
    if w.endswith("ne") and len(w) >= 6 and w[-3] in _VOWELS:  # Javanese -ne: banyune -> banyu
        w = w[:-2]
    for suffix in _SUFFIXES:
        if w.endswith(suffix) and len(w) - len(suffix) >= 4:
            w = w[: -len(suffix)]
            break
    for prefix in _PREFIXES:
        if w.startswith(prefix) and len(w) - len(prefix) >= 4:
            rest = w[len(prefix):]
            if prefix in ("meny", "peny"):
                rest = "s" + rest
            w = rest
            break
    return w


def mentions(text: str) -> list[str]:
    return [m.lower() for m in _MENTION.findall(text)]


def normalize(text: str) -> list[str]:
    """The words of a tweet, normalised; mentions and the campaign hashtag are left out."""
    text = _URL.sub(" ", text)
    text = _MENTION.sub(" ", text)
    text = _HASHTAG.sub(lambda m: " " if m.group(1).lower() in _OWN_HASHTAGS else " " + _CAMEL.sub(" ", m.group(1)), text)
    text = text.lower()
    text = _REDUPLICATION.sub(r"\1 \1", text)
    text = _REPEATS.sub(r"\1", text)
    slang = _slang()
    words: list[str] = []
    for raw in _WORD.findall(text):
        if raw.isdigit():
            words.append("num")
            continue
        words.extend(str(slang.get(raw, raw)).split())
    return words


def char_ngrams(words: list[str], low: int, high: int) -> list[str]:
    """Character n-grams inside word boundaries, each word padded with a space: exactly what
    scikit-learn's `analyzer="char_wb"` yields for the words joined by spaces."""
    grams: list[str] = []
    for word in words:
        padded = f" {word} "
        length = len(padded)
        for n in range(low, high + 1):
            grams.extend(padded[i:i + n] for i in range(max(1, length - n + 1)))
            if length <= n:  # a short word counts once, however large n gets
                break
    return grams
