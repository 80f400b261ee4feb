"""Documents in S3-compatible object storage: moto's server on loopback stands in for the clinic's bucket.

The same service and selector as on disk, through django-storages' S3Storage configured as production configures
it (config/settings.py with STORAGE_BACKEND=s3): the file goes up under its random key and comes back unchanged.
"""

import socket

import pytest

from knotwork.documents import selectors, services
from knotwork.documents.tests.factories import image_bytes, pdf_bytes
from knotwork.patients.tests.factories import PatientFactory

BUCKET = "knotwork-test-documents"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    """moto's S3 server on 127.0.0.1 (a free port), for this module's tests."""
    try:
        from moto.server import ThreadedMotoServer
    except ImportError as missing:  # pragma: no cover - moto[server] is a dev dependency
        pytest.skip(f"moto's server mode is not installed ({missing}); pip install 'moto[server]'")
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    try:
        server.start()
    except OSError as error:  # pragma: no cover - no loopback socket in this sandbox
        pytest.skip(f"moto's S3 server could not start on 127.0.0.1:{port}: {error}")
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3_storage(settings, s3_endpoint):
    import boto3

    credentials = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing", "region_name": "us-east-1"}
    client = boto3.client("s3", endpoint_url=s3_endpoint, **credentials)
    client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_endpoint,
                "region_name": "us-east-1",
                "access_key": "testing",
                "secret_key": "testing",
                "default_acl": None,
                "querystring_auth": True,
                "file_overwrite": False,
                "location": "knotwork",
            },
        },
    }
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


@pytest.mark.django_db
def test_a_document_goes_to_the_bucket_and_comes_back(s3_storage, clinic_a, front_desk):
    patient = PatientFactory(clinic=clinic_a, last_name="Quill")
    content = pdf_bytes("Imaging report")
    document = services.upload_document(
        patient=patient, content=content, filename="MRI Quill.pdf", kind="imaging", by=front_desk
    )
    keys = [item["Key"] for item in s3_storage.list_objects_v2(Bucket=BUCKET)["Contents"]]
    assert keys == [f"knotwork/{document.storage_key}"]
    assert "Quill" not in keys[0]
    stored = s3_storage.get_object(Bucket=BUCKET, Key=keys[0])
    assert stored["Body"].read() == content
    with selectors.read_document(front_desk, document, shown_in="test") as read_back:
        assert read_back.read() == content


@pytest.mark.django_db
def test_a_refused_upload_leaves_nothing_in_the_bucket(s3_storage, clinic_a, owner, front_desk):
    from knotwork.core.errors import ClinicRuleError
    from knotwork.documents.tests.factories import red_flag_referral

    patient = PatientFactory(clinic=clinic_a)
    referral = red_flag_referral(patient, owner)
    services.upload_document(
        patient=patient, content=image_bytes("PNG"), filename="a.png", kind="imaging", referral=referral, by=front_desk
    )
    with pytest.raises(ClinicRuleError):  # the referral is closed: the second upload is undone, file and all
        services.upload_document(
            patient=patient, content=pdf_bytes(), filename="b.pdf", kind="imaging", referral=referral, by=front_desk
        )
    assert len(s3_storage.list_objects_v2(Bucket=BUCKET)["Contents"]) == 1
