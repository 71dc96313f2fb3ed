"""The agency directory: codes, names, contact channels, X accounts and SLA hours per urgency of the
agencies, and the regency/city governments that get copies, loaded from data."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from chalicelib.domain.sla import URGENCY_LEVELS, Hours

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
TRIAGE = "TRIAGE"


class UnknownAgencyError(KeyError):
    """An agency code that the directory does not list."""


@dataclass(frozen=True)
class Agency:
    code: str
    name: str
    topic: str  # SNS topics: agency-<topic> (alerts), agency-<topic>-head (its head), agency-<topic>-duty (paging)
    email: str
    head_email: str
    duty_phone: str
    sla: dict[str, Hours]  # per urgency level
    ladder_hours: float
    x_handles: tuple[str, ...] = ()
    copy_region: bool = False

    @property
    def head_topic(self) -> str:
        return f"{self.topic}-head"

    @property
    def duty_topic(self) -> str:
        return f"{self.topic}-duty"


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

        def hours(entry: dict) -> dict[str, Hours]:
            merged = {level: {**defaults["sla"][level], **entry.get("sla", {}).get(level, {})} for level in URGENCY_LEVELS}
            return {level: Hours(float(h["response"]), float(h["resolution"])) for level, h in merged.items()}

        agencies = {
            code: Agency(
                code=code,
                name=entry["name"],
                topic=entry["topic"],
                email=entry["email"],
                head_email=entry.get("head_email", f"kepala-{entry['email']}"),
                duty_phone=str(entry.get("duty_phone", defaults["duty_phone"])),
                sla=hours(entry),
                ladder_hours=float(entry.get("ladder_hours", defaults["ladder_hours"])),
                x_handles=tuple(entry.get("x", ())),
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

    def agency_of_handle(self, handle: str) -> str | None:
        """The agency whose X account this is (handles compare without case), or None."""
        wanted = handle.lower()
        return next((a.code for a in self if wanted in {h.lower() for h in a.x_handles}), None)

    def x_handles(self) -> list[str]:
        return [handle for agency in self for handle in agency.x_handles]


@lru_cache(maxsize=1)
def load_directory() -> Directory:
    from chalicelib.domain.datafiles import load_yaml  # datafiles takes DATA_DIR from this module

    agencies = load_yaml("agencies.yaml")
    regions = load_yaml("regions.yaml")["regions"]
    return Directory.from_mapping(agencies, regions)
