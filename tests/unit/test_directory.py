from pathlib import Path

import pytest
import yaml

from chalicelib.domain.directory import DATA_DIR, load_directory

SHARED_TAXONOMY = Path(__file__).resolve().parents[3] / "shared" / "spec" / "taxonomy.yaml"


def test_directory_codes_are_exactly_the_taxonomy_codes():
    taxonomy = yaml.safe_load((DATA_DIR / "taxonomy.yaml").read_text())
    assert sorted(load_directory().codes()) == sorted(taxonomy["agencies"])


@pytest.mark.skipif(not SHARED_TAXONOMY.exists(), reason="../shared is not beside this checkout")
def test_shipped_taxonomy_is_the_shared_spec():
    assert (DATA_DIR / "taxonomy.yaml").read_text() == SHARED_TAXONOMY.read_text()


def test_every_agency_has_a_topic_and_a_positive_sla():
    topics = [agency.topic for agency in load_directory()]
    assert len(topics) == len(set(topics))
    assert all(agency.response_hours > 0 for agency in load_directory())
