"""The web form (`/lapor`) and the app API (`/app/v1`) on in-memory fakes: one example per server error
or wrong answer the fuzzing (tests/fuzzing.py) found, each now a 4xx with a message in Indonesian
(the app API's in its own `{"error", "field"}` format) or the right page."""
from __future__ import annotations

import io
import json

import pytest
from PIL import Image

from tests.fakes import APP_KEY
from tests.functional.test_http import api  # noqa: F401  (the fixture)

APP = {"X-Api-Key": APP_KEY, "Content-Type": "application/json"}
TEXT = "Jalan provinsi di Ungaran berlubang besar, sudah dua motor jatuh"


def refusal(response) -> dict:
    return json.loads(response.body)


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 3), (10, 200, 30)).save(out, format="PNG")
    return out.getvalue()


def multipart(fields: dict, photo: bytes) -> tuple[dict, bytes]:
    parts = [f'--b\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode() for name, value in fields.items()]
    parts.append(b'--b\r\nContent-Disposition: form-data; name="photo"; filename="foto.png"\r\n'
                 b"Content-Type: image/png\r\n\r\n" + photo + b"\r\n--b--\r\n")
    return {"Content-Type": "multipart/form-data; boundary=b"}, b"".join(parts)


def test_a_web_complaint_with_a_photo_is_filed_and_its_photo_stored_clean(api):
    http, fakes = api
    headers, body = multipart({"form_id": "ABCDEFGH2345", "text": TEXT}, png())
    response = http.post("/lapor", headers=headers, body=body)
    assert response.status_code == 201 and "WEBABCDEFGH2345" in response.body.decode()
    assert Image.open(io.BytesIO(fakes.photos.stored["WEBABCDEFGH2345.jpg"])).format == "JPEG"


@pytest.mark.parametrize("route", ["/lapor", "/app/v1/complaints"])
def test_a_photo_that_is_not_an_image_is_refused_with_the_reason(api, route):
    http, fakes = api
    if route == "/lapor":
        headers, body = multipart({"form_id": "ABCDEFGH2345", "text": TEXT}, b"GIF89a not a photo")
        response = http.post(route, headers=headers, body=body)
        assert response.status_code == 400 and "Berkas bukan foto yang dapat dibaca" in response.body.decode()
    else:
        response = http.post(route, headers=APP, body=json.dumps(
            {"request_id": "android-0001", "text": TEXT, "photo_base64": "R0lGODlhAQABAAAAACw="}).encode())
        assert response.status_code == 400 and refusal(response)["field"] == "photo"
    assert not fakes.photos.stored and len(fakes.tickets.rows) == 4


@pytest.mark.parametrize("body", [b"{", b"[" * 60000, b"null", b'"teks"'])
def test_the_app_api_refuses_a_body_that_is_not_a_json_object_in_its_format(api, body):
    http, _ = api
    response = http.post("/app/v1/complaints", headers=APP, body=body)
    assert response.status_code == 400 and "JSON" in refusal(response)["error"]


def test_the_app_api_refuses_text_with_a_lone_surrogate(api):
    http, fakes = api
    response = http.post("/app/v1/complaints", headers=APP,
                         body=b'{"request_id": "android-0002", "text": "Jalan rusak parah di Salatiga \\ud800"}')
    assert response.status_code == 400 and refusal(response) == {"error": "'text' berisi karakter yang tidak sah",
                                                                  "field": "text"}
    assert len(fakes.tickets.rows) == 4
