"""How far routing confidence can be trusted: reliability bins, expected calibration error, and
coverage/accuracy at candidate triage thresholds (used by training and by bench/routing.py)."""
from __future__ import annotations

THRESHOLDS = [round(0.30 + 0.05 * i, 2) for i in range(12)] + [0.9, 0.92, 0.94, 0.96, 0.98, 0.99]  # 0.30 .. 0.99


def reliability(confidences: list[float], correct: list[bool], bins: int = 10) -> list[dict]:
    """Per confidence bin: how many, their mean confidence, and how many were right."""
    rows = []
    for b in range(bins):
        low, high = b / bins, (b + 1) / bins
        inside = [(c, ok) for c, ok in zip(confidences, correct) if low <= c < high or (b == bins - 1 and c == 1.0)]
        if inside:
            rows.append({"bin": f"{low:.1f}-{high:.1f}", "n": len(inside),
                         "confidence": sum(c for c, _ in inside) / len(inside),
                         "accuracy": sum(ok for _, ok in inside) / len(inside)})
    return rows


def expected_calibration_error(confidences: list[float], correct: list[bool], bins: int = 10) -> float:
    """The gap between confidence and accuracy, averaged over bins weighted by their size."""
    total = len(confidences)
    return sum(row["n"] / total * abs(row["confidence"] - row["accuracy"])
               for row in reliability(confidences, correct, bins)) if total else 0.0


def coverage_table(confidences: list[float], correct: list[bool], thresholds: list[float] = THRESHOLDS) -> list[dict]:
    """At each threshold: the share auto-routed (confidence at or above it) and how many of those were right."""
    rows = []
    for threshold in thresholds:
        kept = [ok for c, ok in zip(confidences, correct) if c >= threshold]
        rows.append({"threshold": threshold, "coverage": round(len(kept) / max(1, len(confidences)), 3),
                     "accuracy": round(sum(kept) / max(1, len(kept)), 3)})
    return rows
