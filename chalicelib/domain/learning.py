"""A small multinomial logistic regression on sparse features: trained offline in pure Python,
used in Lambda as a dictionary of weights (no ML runtime in the package)."""
from __future__ import annotations

import math
import random
from dataclasses import dataclass


@dataclass
class SoftmaxModel:
    classes: list[str]
    bias: list[float]
    weights: dict[str, dict[int, float]]  # feature -> {class index: weight}, zeros left out

    def scores(self, features: dict[str, float]) -> list[float]:
        scores = list(self.bias)
        for feature, value in features.items():
            for index, weight in self.weights.get(feature, {}).items():
                scores[index] += weight * value
        return scores

    def probabilities(self, features: dict[str, float]) -> list[float]:
        scores = self.scores(features)
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        total = sum(exps)
        return [e / total for e in exps]

    def contributions(self, features: dict[str, float], label: str) -> list[tuple[str, float]]:
        """Which features pushed towards `label`, strongest first."""
        index = self.classes.index(label)
        found = [(f, self.weights[f].get(index, 0.0) * v) for f, v in features.items() if f in self.weights]
        return sorted((item for item in found if item[1] > 0), key=lambda item: -item[1])

    def to_dict(self) -> dict:
        return {"classes": self.classes, "bias": [round(b, 4) for b in self.bias],
                "weights": {f: {str(i): round(w, 4) for i, w in ws.items()} for f, ws in self.weights.items()}}

    @classmethod
    def from_dict(cls, data: dict) -> "SoftmaxModel":
        return cls(data["classes"], data["bias"],
                   {f: {int(i): w for i, w in ws.items()} for f, ws in data["weights"].items()})


def train(examples: list[tuple[dict[str, float], str, float]], classes: list[str], epochs: int = 30,
          learning_rate: float = 0.5, l2: float = 1e-4, prune_below: float = 0.02, seed: int = 13) -> SoftmaxModel:
    """AdaGrad on the cross-entropy; `examples` are (features, label, sample weight)."""
    k = len(classes)
    index = {c: i for i, c in enumerate(classes)}
    weights: dict[str, list[float]] = {}
    squares: dict[str, list[float]] = {}
    bias, bias_squares = [0.0] * k, [1e-8] * k
    order = list(range(len(examples)))
    rng = random.Random(seed)
    for _ in range(epochs):
        rng.shuffle(order)
        for position in order:
            features, label, sample_weight = examples[position]
            scores = list(bias)
            for feature, value in features.items():
                row = weights.get(feature)
                if row:
                    for c in range(k):
                        scores[c] += row[c] * value
            top = max(scores)
            exps = [math.exp(s - top) for s in scores]
            total = sum(exps)
            target = index[label]
            grads = [sample_weight * (e / total - (1.0 if c == target else 0.0)) for c, e in enumerate(exps)]
            for c in range(k):
                bias_squares[c] += grads[c] ** 2
                bias[c] -= learning_rate * grads[c] / math.sqrt(bias_squares[c])
            for feature, value in features.items():
                row = weights.setdefault(feature, [0.0] * k)
                sq = squares.setdefault(feature, [1e-8] * k)
                for c in range(k):
                    g = grads[c] * value + l2 * row[c]
                    sq[c] += g * g
                    row[c] -= learning_rate * g / math.sqrt(sq[c])
    pruned = {f: {c: w for c, w in enumerate(row) if abs(w) >= prune_below} for f, row in weights.items()}
    return SoftmaxModel(classes, bias, {f: ws for f, ws in pruned.items() if ws})
