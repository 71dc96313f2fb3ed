"""The agency directory: codes, names, contact channels and SLA hours of the agencies, and the
regency/city governments that get copies, loaded from data."""
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
    copy_region: bool = False


@dataclass(frozen=True)
class RegionOffice:
    code: str
    name: str
    email: str

    @property
    def topic(self) -> str:
        return f"region-{self.code}"


class Directory:
    def __init__(self, agencies: dict[str, Agency], regions: dict[str, RegionOffice] | None = None,
                 triage_confidence: float = 0.5) -> None:
        self._agencies = agencies
        self.regions = regions or {}
        self.triage_confidence = triage_confidence

    @classmethod
    def from_mapping(cls, data: dict, regions: dict | None = None) -> "Directory":
        defaults = data.get("defaults", {})
        agencies = {
            code: Agency(
                code=code,
                name=entry["name"],
                topic=entry["topic"],
                email=entry["email"],
                response_hours=float(entry.get("response_hours", defaults.get("response_hours", 24))),
                resolve_hours=float(entry.get("resolve_hours", defaults.get("resolve_hours", 120))),
                copy_region=bool(entry.get("copy_region", False)),
            )
            for code, entry in data["agencies"].items()
        }
        offices = {code: RegionOffice(code, entry["name"], entry["email"]) for code, entry in (regions or {}).items()}
        return cls(agencies, offices, float(defaults.get("triage_confidence", 0.5)))

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
def load_directory() -> Directory:
    agencies = yaml.safe_load((DATA_DIR / "agencies.yaml").read_text(encoding="utf-8"))
    regions = yaml.safe_load((DATA_DIR / "regions.yaml").read_text(encoding="utf-8"))["regions"]
    return Directory.from_mapping(agencies, regions)
