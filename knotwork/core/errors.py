"""Errors every floor raises: defined on the ground so that any app, and the API's error handlers, can name them."""


class ClinicRuleError(Exception):
    """A change the clinic's rules forbid; the message is for the person who asked."""
