"""The container's botocore loader: no scan of every service directory, the same answers."""
import pytest
from botocore.exceptions import DataNotFoundError

from chalicelib.adapters import clients


def test_a_client_is_built_without_listing_every_service(monkeypatch):
    monkeypatch.setattr("botocore.loaders.Loader.list_available_services",
                        lambda *args: pytest.fail("the loader listed every service"))
    client = clients.new_session().create_client("sns", region_name="ap-southeast-3")
    assert client.meta.service_model.service_name == "sns"


def test_a_wrong_service_name_still_fails():
    with pytest.raises(DataNotFoundError):
        clients.new_session().create_client("no-such-service", region_name="ap-southeast-3")
