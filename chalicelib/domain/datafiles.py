"""Reading the routing data files fast: libyaml's C loader when PyYAML has it (its wheels do), the
pure-Python one otherwise. Parsing the lexicon is most of a cold start with the pure-Python loader."""
from __future__ import annotations

from typing import Any

import yaml

from chalicelib.domain.directory import DATA_DIR

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(name: str) -> Any:
    return yaml.load((DATA_DIR / name).read_text(encoding="utf-8"), Loader=_LOADER)  # noqa: S506 (a safe loader)
