"""No bearer token reaches the logs through an address Django writes down."""

import logging

import pytest

from knotwork.core.logs import RedactTokens, redact


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Too Many Requests: /p/Zq3v-9Xk_abcDEF12345/", "Too Many Requests: /p/[token]/"),
        ('"GET /p/Zq3v-9Xk_abcDEF12345/ HTTP/1.1" 302 0', '"GET /p/[token]/ HTTP/1.1" 302 0'),
        ("Gone: /join/abcDEF1234567890xyz/", "Gone: /join/[token]/"),
        ('"GET /schedule/feed/abcDEF1234567890.ics HTTP/1.1" 200', '"GET /schedule/feed/[token].ics HTTP/1.1" 200'),
    ],
)
def test_tokens_in_link_addresses_are_replaced(line, expected):
    assert redact(line) == expected


@pytest.mark.parametrize(
    "line",
    [
        '"GET /p/care/diary/ HTTP/1.1" 200',
        '"GET /p/intake/ HTTP/1.1" 200',
        '"POST /p/check-in/ HTTP/1.1" 302',
        '"GET /p/consent/ HTTP/1.1" 200',
        '"GET /patients/3f1c2d9e-0000-4000-8000-000000000000/ HTTP/1.1" 200',
    ],
)
def test_addresses_without_a_token_are_left_alone(line):
    assert redact(line) == line


def test_the_log_filter_rewrites_a_record_built_from_arguments():
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "%s: %s", ("Gone", "/p/secret123/"), None
    )
    assert RedactTokens().filter(record) is True
    assert record.getMessage() == "Gone: /p/[token]/"


def test_the_console_handler_and_the_access_log_use_the_filter(settings):
    assert "redact_tokens" in settings.LOGGING["handlers"]["console"]["filters"]
    assert settings.LOGGING["loggers"]["django.server"]["handlers"] == ["console"]
