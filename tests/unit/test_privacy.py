"""Masking of phone numbers, NIK and e-mail addresses; reading a contact."""
import pytest

from chalicelib.domain.privacy import InvalidContactError, contact, mask


@pytest.mark.parametrize("planted", ["081234567890", "0812-3456-7890", "+62 812 3456 7890", "6281234567890",
                                     "3374011203980001", "3374 0112 0398 0001", "sri.rahayu@mail.co.id"])
def test_personal_data_is_masked(planted):
    masked = mask(f"Jalan rusak di Tembalang, hubungi {planted} ya")
    assert planted not in masked and "Jalan rusak di Tembalang" in masked and "[" in masked


def test_ids_times_and_ordinary_numbers_are_left_alone():
    text = "Tiket X1862000000000000001 jam 13.05 WIB, RT 03 RW 07, 2 km, Rp 50.000, kode 3374"
    assert mask(text) == text


@pytest.mark.parametrize("typed, expected", [("0812 3456 7890", "+6281234567890"), ("+6281234567890", "+6281234567890"),
                                             ("Sri@Mail.co.id", "sri@mail.co.id"), ("  ", None)])
def test_a_typed_contact_is_read(typed, expected):
    assert contact(typed) == expected


@pytest.mark.parametrize("typed", ["bukan kontak", "12", "sri@", "@mail.com"])
def test_a_contact_that_is_neither_is_refused(typed):
    with pytest.raises(InvalidContactError):
        contact(typed)
