"""The public web form on the embedded stack, over HTTP: a complaint with a photo, a place and an e-mail
address becomes one ticket on the same workflow; the photo is stored without its metadata; the citizen
gets the ticket number on screen and by e-mail, then the answer and the resolution by e-mail; the status
page shows progress without personal data; bad input is answered 400 with the form and a reason."""
from __future__ import annotations

import io
import re

import requests
from PIL import Image

from tests.stack.conftest import wait_until
from tests.stack.helpers import execution_status, link, repo, waiting


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (3000, 1500), (120, 90, 60))
    exif = Image.Exif()
    exif[0x010F] = "KameraWarga"  # Make
    exif[0x8825] = {1: "S", 2: (7.0, 0.0, 0.0), 3: "E", 4: (110.0, 25.0, 0.0)}  # GPS: Semarang
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def form_id(stack) -> str:
    page = requests.get(f"{stack.api_url}/lapor", timeout=10)
    assert page.status_code == 200 and 'lang="id"' in page.text and "Kecamatan" in page.text
    return re.search(r'name="form_id" value="([A-Z2-7]{12})"', page.text).group(1)


def file(stack, fields: dict, photo: bytes | None = None) -> requests.Response:
    files = {"photo": ("foto.jpg", photo, "image/jpeg")} if photo is not None else {"photo": ("", b"", "application/octet-stream")}
    return requests.post(f"{stack.api_url}/lapor", data=fields, files=files, timeout=30)


def test_a_web_complaint_with_photo_and_place_is_heard_back_by_email(stack):
    email = "sri.warga@mail.example"
    fields = {"form_id": form_id(stack), "text": "Jalan berlubang besar di depan pasar, sudah dua motor jatuh",
              "regency": "3374", "kecamatan": "Tembalang", "contact": email, "privacy": "public"}
    done = file(stack, fields, jpeg_with_gps())
    assert done.status_code == 201, done.text
    ticket_id = re.search(r'class="ticket">(WEB[A-Z2-7]{12})<', done.text).group(1)
    assert file(stack, fields, jpeg_with_gps()).status_code == 201  # sent twice: still one ticket
    wait_until(lambda: waiting(ticket_id))
    ticket = repo.get(ticket_id)
    assert (ticket.channel, ticket.regency, ticket.kecamatan, ticket.author) == ("web", "3374", "Tembalang", email)
    assert ticket.classification.region == "3374" and ticket.agency == "DPUBMCK"
    stored = Image.open(io.BytesIO(stack.photo(ticket.photo)))
    assert stored.format == "JPEG" and max(stored.size) == 2048 and not stored.getexif()
    assert b"KameraWarga" not in stack.photo(ticket.photo)

    wait_until(lambda: stack.mailbox(email))
    assert ticket_id in stack.mailbox(email)[0][0] and f"/lapor/status/{ticket_id}" in stack.mailbox(email)[0][1]
    answer = "Tim kami perbaiki Kamis ini. Info lanjut hubungi 081122334455."
    assert requests.post(link(stack, ticket_id, "answer", ticket.agency), data={"text": answer}, timeout=10).ok
    wait_until(lambda: len(stack.mailbox(email)) == 2 and waiting(ticket_id))
    assert requests.post(link(stack, ticket_id, "resolve", ticket.agency), data={"note": "Sudah ditambal."},
                         timeout=10).ok
    wait_until(lambda: execution_status(stack, ticket_id) == "SUCCEEDED" and len(stack.mailbox(email)) == 3)
    bodies = [body for _, body in stack.mailbox(email)]
    assert "Tim kami perbaiki" in bodies[1] and "Sudah ditambal" in bodies[2]

    page = requests.get(f"{stack.api_url}/lapor/status/{ticket_id}", timeout=10)
    assert page.status_code == 200 and "Selesai" in page.text and "Tim kami perbaiki" in page.text
    for personal in (email, "081122334455", "Jalan berlubang"):
        assert personal not in page.text


def test_bad_input_is_answered_400_with_the_form_and_the_reason(stack):
    base = {"form_id": form_id(stack), "text": "Lampu jalan mati di Jalan Pemuda", "contact": ""}
    cases = [({**base, "text": "pendek"}, None, "10-4000"),
             ({**base, "contact": "bukan kontak"}, None, "Nomor telepon tidak valid"),
             ({**base, "regency": "3374", "kecamatan": "Bumiayu"}, None, "tidak ada di"),
             ({**base, "privacy": "rahasia-sekali"}, None, "kerahasiaan"),
             (base, b"bukan gambar sama sekali", "bukan foto"),
             ({**base, "form_id": "x"}, None, "muat ulang")]
    for fields, photo, reason in cases:
        response = file(stack, fields, photo)
        assert response.status_code == 400 and reason in response.text, (fields, response.text[:300])
        assert 'role="alert"' in response.text
    assert requests.get(f"{stack.api_url}/lapor/status/WEBtidakada", timeout=10).status_code == 404
