from django.apps import AppConfig


class MessagingConfig(AppConfig):
    """Messages to patients (email today, text messages later) behind one function, and the record of each attempt."""

    name = "knotwork.messaging"
    label = "messaging"
    verbose_name = "Patient messages"
