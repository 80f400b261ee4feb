"""The API's shared contract, for every operation whoever wrote it (docs/api.md):

- stable operation ids: explicit, unique, camelCase (a client generator names its methods after them);
- every 4xx an operation can give is declared as application/problem+json with the Problem schema, and the errors
  the API actually answers are exactly that;
- every list is a cursor page (`cursor`, `limit`, `updated_since` in, `items` and `next_cursor` out);
- docs/api.md names every operation id and shows a curl example for its method and path.
"""

import re
import typing
from pathlib import Path

import jsonschema
import pytest
from django.test import Client, override_settings
from pydantic import BaseModel

from config.api import api
from knotwork.accounts.services import create_api_key
from knotwork.core.api import EVERY_OPERATION, OPERATION_ID, PROBLEM_SCHEMA, PROBLEM_TYPE, KnotworkAPI, camel_case
from knotwork.core.policy import SystemActor
from knotwork.patients.tests.factories import PatientFactory

DOCS = Path(__file__).resolve().parent.parent / "docs" / "api.md"
METHODS = {"get", "post", "put", "patch", "delete"}
# Reference data shipped with Knotwork (the muscle atlas and its referral ranking), not rows a clinic writes: there is
# no change to keep in step with.
REFERENCE = "/api/v1/atlas/"


def _operations(schema: dict) -> list[tuple[str, str, dict]]:
    return [
        (path, method, operation)
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
        if method in METHODS
    ]


@pytest.fixture(scope="module")
def schema() -> dict:
    return api.get_openapi_schema()


def test_every_operation_sets_its_id_explicitly():
    # An id from the function's name changes when the function is renamed; an explicit one is a promise.
    missing = [
        f"{operation.view_func.__module__}.{operation.view_func.__name__}"
        for _prefix, router in api._routers
        for path_view in router.path_operations.values()
        for operation in path_view.operations
        if not operation.operation_id
    ]
    assert not missing, f"Give these operations operation_id=: {missing}"


def test_operation_ids_are_unique_and_camel_case(schema):
    ids = [operation["operationId"] for _path, _method, operation in _operations(schema)]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    assert [i for i in ids if not OPERATION_ID.match(i)] == []


def test_without_an_explicit_id_the_id_is_the_camel_case_of_the_function_not_its_module():
    lone = KnotworkAPI(urls_namespace="contract-test")

    @lone.get("/things")
    def list_patient_check_ins(request):
        return []

    ids = [o["operationId"] for _p, _m, o in _operations(lone.get_openapi_schema(path_prefix=""))]
    assert ids == ["listPatientCheckIns"]
    assert camel_case("get_icd10_code") == "getIcd10Code"


def _models_of(annotation, found: dict[str, set]) -> None:
    """Every pydantic model an annotation holds, by the name the OpenAPI document gives it."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in found.setdefault(annotation.__name__, set()):
            return
        found[annotation.__name__].add(annotation)
        for field in annotation.model_fields.values():
            _models_of(field.annotation, found)
        return
    for argument in typing.get_args(annotation):
        _models_of(argument, found)


def test_every_schema_name_in_the_document_stands_for_one_class():
    # The document names a schema after its class; two classes of one name (two apps' `DiagnosisOut`) become one
    # entry, and every operation of the other class is then documented with the wrong shape.
    found: dict[str, set] = {}
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in [*(operation.models or []), *operation.response_models.values()]:
                    _models_of(model, found)
    shared = {
        name: sorted(f"{c.__module__}.{c.__qualname__}" for c in ours)
        for name, classes in found.items()
        if len(ours := [c for c in classes if c.__module__.startswith("knotwork.")]) > 1
    }
    assert shared == {}, "Rename one of each pair (the document keeps only one schema of a name)"


def test_every_operation_declares_its_errors_as_problem_json(schema):
    assert schema["components"]["schemas"]["Problem"]["required"] == ["type", "title", "status"]
    undeclared = []
    for path, method, operation in _operations(schema):
        expected = set(EVERY_OPERATION)
        if operation.get("requestBody"):
            expected.add(400)
        if method != "get":
            expected.add(409)
        responses = {int(status): answer for status, answer in operation["responses"].items()}
        for status in sorted(expected):
            content = responses.get(status, {}).get("content", {})
            if content.get(PROBLEM_TYPE, {}).get("schema") != {"$ref": "#/components/schemas/Problem"}:
                undeclared.append(f"{method.upper()} {path} {status}")
        assert "Retry-After" in responses[429]["headers"]
    assert undeclared == []


def test_every_list_is_a_cursor_page_with_updated_since(schema):
    components = schema["components"]["schemas"]
    lists = []
    for path, method, operation in _operations(schema):
        ref = operation["responses"].get(200, {}).get("content", {}).get("application/json", {}).get("schema", {})
        answer = components.get(ref.get("$ref", "").rsplit("/", 1)[-1], ref)
        if path.startswith(REFERENCE):
            continue
        if answer.get("type") == "array" or "items" in answer.get("properties", {}):
            lists.append(f"{method.upper()} {path}")
            parameters = {p["name"] for p in operation.get("parameters", [])}
            assert {"cursor", "limit", "updated_since"} <= parameters, f"{method.upper()} {path}: {parameters}"
            assert {"page", "page_size", "offset"}.isdisjoint(parameters), f"{method.upper()} {path}"
            assert set(answer["properties"]) == {"items", "next_cursor"}, f"{method.upper()} {path}"
    assert "GET /api/v1/patients" in lists
    assert "GET /api/v1/appointments" in lists


# --- the errors the API answers are the ones it declares -----------------------------------------


def _problem(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM_TYPE
    body = response.json()
    jsonschema.validate(body, PROBLEM_SCHEMA)
    assert body["status"] == status
    assert "instance" not in body  # the request's own address, with its ids: never echoed
    return body


def _key_client(clinic, **choices) -> Client:
    _key, token = create_api_key(clinic=clinic, by=SystemActor("test"), **{"name": "Contract", **choices})
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def test_actual_errors_are_problem_json_of_the_declared_schema(client, clinic_a, clinic_b):
    patients = "/api/v1/patients"
    refused = _problem(Client(HTTP_AUTHORIZATION="Bearer kw_00000000_nope").get(patients), 401)
    assert refused["title"] == "API key refused"
    assert _problem(client.get(patients), 401)["title"] == "Sign in required"
    reader = _key_client(clinic_a, scope="read")
    new = {"first_name": "Ola", "last_name": "Brandt", "date_of_birth": "1980-02-03"}
    assert "may only read" in _problem(reader.post(patients, new, "application/json"), 403)["detail"]
    writer = _key_client(clinic_a, name="Writer", scope="write", role="front_desk")
    elsewhere = PatientFactory(clinic=clinic_b)
    _problem(writer.get(f"{patients}/{elsewhere.public_id}"), 404)
    invalid = _problem(writer.post(patients, {**new, "date_of_birth": "someday"}, "application/json"), 422)
    assert [e["field"] for e in invalid["errors"]] == ["date_of_birth"]
    _problem(writer.get(patients, {"updated_since": "yesterday"}), 422)
    assert writer.post(patients, new, "application/json").status_code == 201
    duplicate = _problem(writer.post(patients, new, "application/json"), 409)
    assert "allow_duplicate" in duplicate["detail"]
    unreadable = writer.generic("POST", patients, b"first_name=Ola", content_type="application/x-www-form-urlencoded")
    _problem(unreadable, 400)
    _problem(writer.get("/api/v1/no-such-thing"), 404)


@override_settings(API_KEY_RATE_LIMIT=2)
def test_past_a_keys_rate_limit_the_answer_is_a_declared_429_with_retry_after(clinic_a):
    api_client = _key_client(clinic_a, scope="read")
    assert [api_client.get("/api/v1/patients").status_code for _ in range(2)] == [200, 200]
    limited = api_client.get("/api/v1/patients")
    body = _problem(limited, 429)
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert "try again in" in body["detail"]


# --- docs/api.md covers every operation -----------------------------------------------------------


def _curl_commands(text: str) -> list[str]:
    """Each curl command of the document, its continuation lines joined."""
    joined = re.sub(r"\\\n\s*", " ", text)
    return [line.strip() for line in joined.splitlines() if line.strip().startswith("curl ")]


def _method_of(command: str) -> str:
    explicit = re.search(r"(?:^|\s)-X\s+([A-Z]+)", command)
    if explicit:
        return explicit.group(1).lower()
    if re.search(r"\s-G(\s|$)", command):
        return "get"
    if re.search(r"\s(-d|--data|--data-binary|--data-raw|-F|--form)\s", command):
        return "post"
    return "get"


def _path_pattern(path: str) -> re.Pattern:
    parts = re.split(r"\{[^}]+\}", path)
    return re.compile("[^/\\s?]+".join(re.escape(part) for part in parts) + r"(?=[\s?'\"]|$)")


def test_docs_name_every_operation_and_show_a_curl_example_for_it(schema):
    text = DOCS.read_text()
    commands = [(_method_of(c), c) for c in _curl_commands(text)]
    unnamed, without_example = [], []
    for path, method, operation in _operations(schema):
        if f"`{operation['operationId']}`" not in text:
            unnamed.append(operation["operationId"])
        pattern = _path_pattern(path)
        if not any(m == method and pattern.search(c) for m, c in commands):
            without_example.append(f"{operation['operationId']}: {method.upper()} {path}")
    assert unnamed == [], "docs/api.md does not name these operation ids"
    assert without_example == [], "docs/api.md has no curl example for these operations"


def test_a_page_number_on_a_cursor_list_is_refused_not_ignored(client, clinic_a):
    # A client of the page-numbered list would otherwise get the first page again and again.
    api_client = _key_client(clinic_a, scope="read")
    for name in ("page", "page_size", "offset"):
        body = _problem(api_client.get("/api/v1/patients", {name: 2}), 422)
        assert [e["field"] for e in body["errors"]] == [name]
        assert "next_cursor" in body["errors"][0]["message"]
    _problem(api_client.get("/api/v1/patients", {"limit": 201}), 422)
    _problem(api_client.get("/api/v1/patients", {"limit": 0}), 422)
