"""Signed action links: bound to one ticket, action and agency, and only for their lifetime."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from chalicelib.domain.links import ExpiredLinkError, InvalidLinkError, SignedLink

NOW = datetime(2026, 11, 22, 6, 0, tzinfo=timezone.utc)
LINK = SignedLink.issue("X1", "acknowledge", "DINKES", NOW, timedelta(days=14))


def test_a_fresh_link_verifies_and_carries_its_expiry():
    LINK.verify("secret", LINK.signature("secret"), NOW + timedelta(days=13))
    url = LINK.url("https://k", "secret")
    assert url.startswith("https://k/tickets/X1/acknowledge?agency=DINKES&exp=") and f"exp={LINK.expires}" in url


@pytest.mark.parametrize("other", [
    SignedLink("X2", "acknowledge", "DINKES", LINK.expires), SignedLink("X1", "resolve", "DINKES", LINK.expires),
    SignedLink("X1", "acknowledge", "DISHUB", LINK.expires), SignedLink("X1", "acknowledge", "DINKES", LINK.expires + 1),
])
def test_a_signature_cannot_be_moved_to_another_ticket_action_agency_or_expiry(other):
    with pytest.raises(InvalidLinkError):
        other.verify("secret", LINK.signature("secret"), NOW)


@pytest.mark.parametrize("sig", ["", "0" * 64, "é" * 64, "\udcff", "ﬀ" * 10])
def test_any_wrong_signature_is_invalid_not_an_error(sig):
    with pytest.raises(InvalidLinkError):
        LINK.verify("secret", sig, NOW)


def test_another_secret_does_not_verify():
    with pytest.raises(InvalidLinkError):
        LINK.verify("other", LINK.signature("secret"), NOW)


def test_a_link_stops_working_when_its_lifetime_is_over():
    with pytest.raises(ExpiredLinkError):
        LINK.verify("secret", LINK.signature("secret"), NOW + timedelta(days=14))
