"""Makes Chalice's deployment.zip fit for fast cold starts: `python -m infra.lambda_zip ZIP`.

`chalice package` downloads every transitive dependency of requirements.txt, so PynamoDB brings
boto3's core (botocore, 80% of the zip) although the Lambda Python runtime already has it. This
step removes the distributions the runtime provides (`RUNTIME_PROVIDED`; requirements-dev.txt pins
them to the runtime's versions for the local stack and tests) and adds bytecode: Lambda's code
directory is read-only, so without `.pyc` files in the zip every cold start compiles every module
again. The bytecode is hash-based and unchecked: a zip's timestamps cannot invalidate it. The
YAML data files are added as JSON too (`chalicelib/data/precomputed/`), which loads without a YAML
parser, and the routing lexicon as built (its phrases normalised and stemmed: 40 ms less at a cold start).
"""
from __future__ import annotations

import argparse
import compileall
import json
import py_compile
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

RUNTIME_PROVIDED = ("boto3", "botocore", "s3transfer", "jmespath")
LAMBDA_PYTHON = (3, 11)  # the runtime chalice chooses from this interpreter


def _provided_by_runtime(name: str) -> bool:
    top = name.split("/", 1)[0].lower()
    return any(top == package or (top.startswith(f"{package}-") and top.endswith(".dist-info"))
               for package in RUNTIME_PROVIDED)


def _write_json(target: Path, data: object) -> None:
    target.parent.mkdir(exist_ok=True)
    target.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def precompute(task: Path) -> None:
    """Each `chalicelib/data/*.yaml` of the unpacked package also as JSON, for `datafiles.load_yaml`;
    and the routing lexicon as the router matches it (its phrases normalised and stemmed), for
    `routing.load_lexicon`."""
    from chalicelib.domain.datafiles import DATA_DIR, parse_yaml, precomputed_path
    from chalicelib.domain.routing import LEXICON_FORMS, build_lexicon, lexicon_as_data

    data = task / "chalicelib" / "data"
    for source in sorted(data.glob("*.yaml")):
        _write_json(data / precomputed_path(source.name).relative_to(DATA_DIR),
                    parse_yaml(source.read_text(encoding="utf-8")))
    lexicon = build_lexicon(parse_yaml((data / "routing_lexicon.yaml").read_text(encoding="utf-8")))
    _write_json(data / LEXICON_FORMS.relative_to(DATA_DIR), lexicon_as_data(lexicon))


def slim(zip_path: Path) -> None:
    """Rewrites the zip in place: runtime-provided distributions out, bytecode in."""
    if sys.version_info[:2] != LAMBDA_PYTHON:
        raise SystemExit(f"bytecode must be compiled by Python {LAMBDA_PYTHON}, not {sys.version_info[:2]}")
    with tempfile.TemporaryDirectory() as tmp:
        staging = Path(tmp) / "task"
        with zipfile.ZipFile(zip_path) as archive:
            members = [m for m in archive.infolist() if not _provided_by_runtime(m.filename)]
            archive.extractall(staging, members)
            modes = {m.filename: m.external_attr for m in members}
        precompute(staging)
        compileall.compile_dir(staging, quiet=1, workers=0, ddir="/var/task",
                               invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
        rebuilt = Path(tmp) / "deployment.zip"
        with zipfile.ZipFile(rebuilt, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
            for path in sorted(p for p in staging.rglob("*") if p.is_file()):
                name = path.relative_to(staging).as_posix()
                info = zipfile.ZipInfo.from_file(path, name)
                info.external_attr = modes.get(name, 0o644 << 16)
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, path.read_bytes())
        shutil.move(rebuilt, zip_path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("zip", type=Path)
    slim(parser.parse_args().zip)


if __name__ == "__main__":
    main()
