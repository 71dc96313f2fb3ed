"""The agency directory: codes, names, contact channels and SLA hours, loaded from data."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
TRIAGE = "TRIAGE"


class UnknownAgencyError(KeyError):
    """An agency code that the directory does not list."""


@dataclass(frozen=True)
class Agency:
    code: str
    name: str
    topic: str
    email: str
    response_hours: float
    resolve_hours: float
    partner: bool = False


class Directory:
    def __init__(self, agencies: dict[str, Agency]) -> None:
        self._agencies = agencies

    @classmethod
    def from_mapping(cls, data: dict) -> "Directory":
        defaults = data.get("defaults", {})
        agencies = {
            code: Agency(
                code=code,
                name=entry["name"],
                topic=entry["topic"],
                email=entry["email"],
                response_hours=float(entry.get("response_hours", defaults.get("response_hours", 24))),
                resolve_hours=float(entry.get("resolve_hours", defaults.get("resolve_hours", 120))),
                partner=bool(entry.get("partner", False)),
            )
            for code, entry in data["agencies"].items()
        }
        return cls(agencies)

    def __getitem__(self, code: str) -> Agency:
        try:
            return self._agencies[code]
        except KeyError:
            raise UnknownAgencyError(code) from None

    def __contains__(self, code: object) -> bool:
        return code in self._agencies

    def __iter__(self):
        return iter(self._agencies.values())

    def codes(self) -> list[str]:
        return list(self._agencies)


@lru_cache(maxsize=1)
def load_directory(path: Path = DATA_DIR / "agencies.yaml") -> Directory:
    return Directory.from_mapping(yaml.safe_load(path.read_text(encoding="utf-8")))
