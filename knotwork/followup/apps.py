from django.apps import AppConfig


class FollowupConfig(AppConfig):
    name = "knotwork.followup"
    label = "followup"
    verbose_name = "Follow-up"
