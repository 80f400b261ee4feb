"""Keep bearer tokens out of the logs: a link's token is in its address, and Django logs the addresses it answers.

Patient links (`/p/<token>/`), staff invitations (`/join/<token>/`) and calendar feeds (`/schedule/feed/<token>.ics`)
carry a credential in their path. The server's access log and Django's warnings for 4xx answers (a used link, the
guessing limit) would otherwise write the token, still valid, to a file that many people can read.
"""

import logging
import re

# The pages a patient link opens after its first request have fixed names; anything else after /p/ is a token.
TOKEN_IN_PATH = re.compile(
    r"(/p/)(?!(?:care|intake|consent|check-in)/)[^/\s\"?]+"  # a patient link
    r"|(/join/)[^/\s\"?]+"  # a staff invitation
    r"|(/feed/)[^/\s\"?]+?(?=\.ics)"  # a practitioner's calendar feed
)
REDACTED = "[token]"


def redact(text: str) -> str:
    """The text with every token that stands in a link's path replaced."""
    return TOKEN_IN_PATH.sub(lambda match: next(group for group in match.groups() if group) + REDACTED, text)


class RedactTokens(logging.Filter):
    """A logging filter (settings.LOGGING) that writes the message with tokens replaced, whatever its arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg = cleaned
            record.args = ()
        return True
