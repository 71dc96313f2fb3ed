"""Reading the data files administrators edit (YAML) fast.

The package holds each file also as JSON (`data/precomputed/<stem>.json`, written by
`infra/lambda_zip.py` when the zip is built and checked against the YAML by the packaging test):
a JSON parse takes a fraction of a millisecond and needs no YAML library at a cold start. From
the source tree (tests, the local stack) the YAML is read with libyaml's C loader when PyYAML has
it (its wheels do), the pure-Python one otherwise.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from chalicelib.domain.directory import DATA_DIR

PRECOMPUTED = DATA_DIR / "precomputed"


def precomputed_path(name: str) -> Path:
    return PRECOMPUTED / f"{Path(name).stem}.json"


def parse_yaml(text: str) -> Any:
    import yaml

    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 (a safe loader)


def load_yaml(name: str) -> Any:
    precomputed = precomputed_path(name)
    if precomputed.exists():
        return json.loads(precomputed.read_text(encoding="utf-8"))
    return parse_yaml((DATA_DIR / name).read_text(encoding="utf-8"))
