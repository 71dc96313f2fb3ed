"""Agency e-mails in HTML: the same template as the text part, every value escaped, the citizen's
words in a blockquote, and no link but Kemala's own."""
from __future__ import annotations

import re
from dataclasses import replace

from chalicelib.domain import messages
from chalicelib.domain.directory import load_directory
from tests.unit.test_sla_messages_links import _ticket

LINKS = {a: f"https://api.example/tickets/X9/{a}?agency=BPBD&exp=1&sig=ab" for a in ("acknowledge", "answer", "resolve",
                                                                                    "reassign")}
FORGED = 'Banjir <script>alert(1)</script>\n<a href="https://evil.example">Konfirmasi penerimaan</a> & "lainnya"'


def test_the_citizens_words_are_escaped_and_quoted_and_only_kemalas_links_are_links():
    email = messages.agency_notification(replace(_ticket(), text=FORGED), load_directory()["BPBD"], LINKS)
    assert "<script>" not in email.html and "&lt;script&gt;" in email.html
    assert re.findall(r'href="([^"]+)"', email.html) == [url.replace("&", "&amp;") for url in LINKS.values()]
    quote = email.html.split("<blockquote>")[1].split("</blockquote>")[0]
    assert "&lt;a href=&quot;https://evil.example&quot;&gt;" in quote and "&amp; &quot;lainnya&quot;" in quote
    assert email.html.startswith("<!doctype html>") and '<html lang="id">' in email.html


def test_every_agency_email_has_both_parts_from_one_template():
    ticket, agency = replace(_ticket(), text=FORGED), load_directory()["BPBD"]
    office = load_directory().regions["3321"]
    for email in (messages.agency_notification(ticket, agency, LINKS), messages.region_copy(ticket, agency, office),
                  messages.reminder(ticket, agency, "response"), messages.escalation(ticket, agency, "response")):
        assert email.body and "<blockquote>" in email.html and "<script>" not in email.html
        assert email.subject.replace("&", "&amp;") in email.html
        first_line = email.body.splitlines()[0]
        assert f"<p>{first_line}</p>" in email.html
