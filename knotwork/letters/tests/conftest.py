import pytest


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    """Each test's documents in its own folder, never in var/media."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    return tmp_path
