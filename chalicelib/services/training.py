"""Rebuilding the routing model from labelled examples: the shipped training tweets, the
lexicon's phrases (as small examples of their agency), and the corrections agencies and the triage
desk made (stored labels weigh most: a person read the complaint)."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from chalicelib.domain.directory import load_directory
from chalicelib.domain.learning import SoftmaxModel, train
from chalicelib.domain.routing import Lexicon, featurize

URGENCY_LEVELS = ["EMERGENCY", "HIGH", "NORMAL"]
PHRASE_WEIGHT = 0.3
CORRECTION_WEIGHT = 2.0


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def build_models(tweets: list[dict], corrections: list[dict], lexicon: Lexicon) -> tuple[SoftmaxModel, SoftmaxModel]:
    agencies = load_directory().codes()
    agency_examples, urgency_examples = [], []
    for tweet in tweets:
        features = featurize(tweet["text"], lexicon)
        agency_examples.append((features, tweet["agency"], 1.0))
        if tweet.get("urgency"):
            urgency_examples.append((features, tweet["urgency"], 1.0))
    for agency, phrases in lexicon.raw_agency_phrases.items():
        for phrase in phrases:
            agency_examples.append((featurize(phrase, lexicon), agency, PHRASE_WEIGHT))
    for correction in corrections:
        agency_examples.append((featurize(correction["text"], lexicon), correction["agency"], CORRECTION_WEIGHT))
    unknown = {label for _, label, _ in agency_examples} - set(agencies)
    if unknown:
        raise ValueError(f"labels not in the agency directory: {sorted(unknown)}")
    agency_model = train(agency_examples, agencies)
    urgency_model = train(urgency_examples, URGENCY_LEVELS, epochs=20)
    return agency_model, urgency_model


def write_model(path: Path, agency_model: SoftmaxModel, urgency_model: SoftmaxModel, tweets: list[dict],
                corrections: list[dict]) -> None:
    path.write_text(json.dumps({
        "trained_on": {"tweets": len(tweets), "corrections": len(corrections),
                       "per_agency": dict(sorted(Counter(t["agency"] for t in tweets + corrections).items()))},
        "agency": agency_model.to_dict(), "urgency": urgency_model.to_dict(),
    }, separators=(",", ":")), encoding="utf-8")
