"""Pure-Python inference for the routing models, trained offline with scikit-learn
(`services/training.py`): Lambda reads weights, it needs no ML runtime.

A text becomes a sparse vector in blocks (its word-level terms, its character n-grams); each block
is what scikit-learn's `TfidfVectorizer(sublinear_tf=True, norm="l2")` makes of it, times the
block's weight, so a 1,500-character complaint and a 20-word tweet land on the same scale. Linear
softmax models (agency, urgency) score the vector; probabilities are temperature-scaled.

The artifact is compact JSON: the vocabulary as one list of terms and the float32 arrays (idf,
coefficients) as base64, so loading is a JSON parse and a few `array.frombytes`.
"""
from __future__ import annotations

import base64
import math
import sys
from array import array
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from operator import itemgetter, mul

Vector = dict[int, float]  # column -> value


def pack(values: Iterable[float]) -> str:
    """float32, little-endian, base64."""
    packed = array("f", values)
    if sys.byteorder == "big":
        packed.byteswap()
    return base64.b64encode(packed.tobytes()).decode("ascii")


def unpack(text: str) -> array:
    values = array("f")
    values.frombytes(base64.b64decode(text))
    if sys.byteorder == "big":
        values.byteswap()
    return values


@dataclass(frozen=True)
class Vectorizer:
    """Blocks of terms -> one sparse vector: per block, (1 + log tf) * idf, L2-normalised, times its weight."""
    columns: list[dict[str, int]]  # per block: term -> column
    weights: list[float]           # per block
    idf: array                     # per column

    def transform(self, blocks: Sequence[Iterable[str]]) -> Vector:
        vector: Vector = {}
        for columns, weight, terms in zip(self.columns, self.weights, blocks):
            counts = Counter(columns[t] for t in terms if t in columns)
            values = {j: (1.0 + math.log(n)) * self.idf[j] for j, n in counts.items()}
            norm = math.sqrt(sum(v * v for v in values.values()))
            if norm:
                scale = weight / norm
                vector.update((j, v * scale) for j, v in values.items())
        return vector

    def to_dict(self) -> dict:
        return {"blocks": [{"weight": w, "terms": sorted(c, key=c.__getitem__)} for c, w in zip(self.columns, self.weights)],
                "idf": pack(self.idf)}

    @classmethod
    def from_dict(cls, data: dict) -> "Vectorizer":
        columns, start = [], 0
        for block in data["blocks"]:
            columns.append({term: start + i for i, term in enumerate(block["terms"])})
            start += len(block["terms"])
        return cls(columns, [b["weight"] for b in data["blocks"]], unpack(data["idf"]))


@dataclass(frozen=True)
class LinearModel:
    """A multinomial logistic regression: scores = intercept + coef . x; softmax(scores / temperature)."""
    classes: list[str]
    intercept: list[float]
    coef: list[array]    # per class, one weight per column
    temperature: float = 1.0

    def scores(self, vector: Vector) -> list[float]:
        columns, values = list(vector), list(vector.values())
        # itemgetter is the fast gather, but wants a column and returns a bare float for one
        pick = itemgetter(*columns) if len(columns) > 1 else (lambda row: [row[j] for j in columns])
        return [b + sum(map(mul, values, pick(row))) for b, row in zip(self.intercept, self.coef)]

    def probabilities(self, scores: list[float]) -> list[float]:
        top = max(scores)
        exps = [math.exp((s - top) / self.temperature) for s in scores]
        total = sum(exps)
        return [e / total for e in exps]

    def contributions(self, vector: Vector, label: str) -> list[tuple[int, float]]:
        """The columns that pushed towards `label`, strongest first."""
        row = self.coef[self.classes.index(label)]
        found = ((j, row[j] * v) for j, v in vector.items())
        return sorted((item for item in found if item[1] > 0), key=lambda item: -item[1])

    def to_dict(self) -> dict:
        return {"classes": self.classes, "intercept": list(self.intercept), "temperature": self.temperature,
                "coef": pack(w for row in self.coef for w in row)}

    @classmethod
    def from_dict(cls, data: dict) -> "LinearModel":
        flat = unpack(data["coef"])
        width = len(flat) // len(data["classes"])
        return cls(data["classes"], data["intercept"],
                   [flat[i * width:(i + 1) * width] for i in range(len(data["classes"]))], data["temperature"])
