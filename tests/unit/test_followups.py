"""The words that reopen a ticket, the ticket numbers a message quotes, and how senders are read."""
import pytest

from chalicelib.domain.followups import quoted_ticket, says_not_fixed
from chalicelib.domain.senders import InvalidSenderError, parse, sender_of


@pytest.mark.parametrize("text", ["Belum diperbaiki", "blm ada perbaikan pak", "Jalannya masih rusak",
                                  "Tidak ada perbaikan sama sekali", "banjir lagi tadi malam"])
def test_says_not_fixed(text):
    assert says_not_fixed(text)


@pytest.mark.parametrize("text", ["Sudah beres, terima kasih", "Mantap sudah diperbaiki", "Lampunya menyala"])
def test_thanks_do_not_reopen(text):
    assert not says_not_fixed(text)


def test_a_quoted_ticket_number_is_found_in_capitals():
    assert quoted_ticket("tiket smsabcdefgh2345 masih rusak") == "SMSABCDEFGH2345"
    assert quoted_ticket("X1862000000000000011 belum") == "X1862000000000000011"
    assert quoted_ticket("nomor 0812345678 belum") is None


def test_senders_are_one_person_across_sms_web_and_app():
    assert sender_of("sms", "+6281234500001") == sender_of("web", "+6281234500001") == ("phone", "+6281234500001")
    assert sender_of("x", "Sri_Brebes") == ("x", "sri_brebes") and sender_of("web", None) is None
    assert parse("phone", "0812 3450 0001") == ("phone", "+6281234500001")
    assert parse("email", "Sri@Contoh.ID") == ("email", "sri@contoh.id")
    with pytest.raises(InvalidSenderError):
        parse("email", "0812345678")
    with pytest.raises(InvalidSenderError):
        parse("x", "bukan akun!")
