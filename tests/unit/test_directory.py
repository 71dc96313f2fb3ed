from pathlib import Path

import yaml

from chalicelib.domain.directory import load_directory

TAXONOMY = Path(__file__).resolve().parents[3] / "shared" / "spec" / "taxonomy.yaml"


def test_directory_codes_are_exactly_the_taxonomy_codes():
    taxonomy = yaml.safe_load(TAXONOMY.read_text())
    assert sorted(load_directory().codes()) == sorted(taxonomy["agencies"])


def test_every_agency_has_a_topic_and_a_positive_sla():
    topics = [agency.topic for agency in load_directory()]
    assert len(topics) == len(set(topics))
    assert all(agency.response_hours > 0 for agency in load_directory())
