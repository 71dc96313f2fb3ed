"""Secrets read once per container and again after their maximum age."""
from __future__ import annotations

from chalicelib.adapters.secrets import SecretReader


class _SecretsManager:
    def __init__(self) -> None:
        self.values = {"link": "first", "x": '{"bearer_token": "b"}'}
        self.reads = 0

    def get_secret_value(self, SecretId: str) -> dict:  # noqa: N803 (botocore's parameter name)
        self.reads += 1
        return {"SecretString": self.values[SecretId]}


def test_a_secret_is_read_once_until_it_is_older_than_its_max_age():
    client, now = _SecretsManager(), [0.0]
    reader = SecretReader(client, max_age=300, clock=lambda: now[0])
    assert reader.text("link") == "first" and reader.text("link") == "first"
    assert client.reads == 1
    client.values["link"] = "rotated"
    now[0] = 299.0
    assert reader.text("link") == "first"
    now[0] = 300.0
    assert reader.text("link") == "rotated" and client.reads == 2


def test_a_json_secret_is_decoded():
    assert SecretReader(_SecretsManager()).json("x") == {"bearer_token": "b"}
