"""Kemala's logger masks personal data in every part of a log line."""
import io
import json
import logging

from chalicelib.bootstrap import MaskingFormatter


def test_phone_numbers_niks_and_emails_never_reach_the_log():
    from aws_lambda_powertools import Logger

    stream = io.StringIO()
    log = Logger(service="test-masking", logger_formatter=MaskingFormatter(), logger_handler=logging.StreamHandler(stream))
    log.info("SMS dari 081234567890", extra={"text": "NIK 3374011203980001, mail sri@mail.example", "ticket": "X186"})
    try:
        raise ValueError("cannot send to +6281234567890")
    except ValueError:
        log.exception("send failed")
    output = stream.getvalue()
    for planted in ("081234567890", "3374011203980001", "sri@mail.example", "+6281234567890"):
        assert planted not in output
    first = json.loads(output.splitlines()[0])
    assert first["message"] == "SMS dari [nomor telepon]" and first["ticket"] == "X186"
