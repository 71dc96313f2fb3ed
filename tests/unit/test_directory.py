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
    for agency in load_directory():
        for level in ("EMERGENCY", "HIGH", "NORMAL"):
            hours = agency.sla[level]
            assert 0 < hours.response <= hours.resolution, (agency.code, level)
        assert agency.sla["EMERGENCY"].response <= agency.sla["HIGH"].response <= agency.sla["NORMAL"].response


def test_agency_handles_are_found_without_case_and_belong_to_one_agency():
    directory = load_directory()
    assert directory.agency_of_handle("DinkesJateng") == "DINKES"
    assert directory.agency_of_handle("KemalaJateng") is None
    handles = [h.lower() for h in directory.x_handles()]
    assert len(handles) == len(set(handles))
