import datetime

from ninja import Field, Query, Router, Schema
from ninja.errors import ValidationError as NinjaValidationError

from knotwork.assessment import coding

router = Router(tags=["assessment"])

SEARCH_LIMIT = 50


class CodeSearchQuery(Schema):
    q: str = Field(
        ...,
        min_length=1,
        max_length=coding.QUERY_LIMIT,
        description="A code with or without its dot (M7918, m79.1), or words of its description in any order",
    )
    on: datetime.date | None = Field(None, description="Date of service (default: today); lists codes valid on it")
    limit: int = Field(20, ge=1, le=SEARCH_LIMIT)


class CodeOut(Schema):
    code: str
    description: str
    group: str
    billable: bool = Field(..., description="false for a heading with more specific codes below it")
    valid_from: int | None = Field(..., description="First fiscal year it may be billed (FY2026: 1 Oct 2025 on)")
    valid_to: int | None = Field(..., description="Last fiscal year it may be billed; null: still valid")
    usable: bool = Field(..., description="May be used on the date of service asked for")
    message: str = Field(..., description="Why it may not be used, with the codes to use instead")
    note: str


class CodeSearchOut(Schema):
    release: str = Field(..., description="The code set in use, e.g. ICD-10-CM FY2026")
    fiscal_year: int
    on: datetime.date
    stale: bool = Field(..., description="A newer fiscal year than the code set's has begun on the date asked")
    results: list[CodeOut]


@router.get(
    "/codes/icd10",
    response=CodeSearchOut,
    url_name="search_icd10_codes",
    summary="Search the clinic's ICD-10-CM codes",
    description="Ranked: the exact code, codes starting with it, then codes whose description holds every word. "
    "Only codes valid on the date of service are listed, except an exact code, listed with the reason it is refused.",
)
def search_icd10_codes(request, params: Query[CodeSearchQuery]):
    text = params.q.strip()
    if not any(ch.isalnum() for ch in text) or any(not ch.isprintable() for ch in text):
        message = "Type letters or digits of a code or a description."
        raise NinjaValidationError([{"loc": ["query", "q"], "msg": message, "type": "value_error"}])
    on = params.on or coding.today()
    code_set = coding.get_code_set()
    matches = coding.search(text, on=on, limit=params.limit, codes=code_set)
    return {
        "release": code_set.name,
        "fiscal_year": code_set.fiscal_year,
        "on": on,
        "stale": coding.is_stale(on, code_set),
        "results": [
            {
                "code": m.code.code,
                "description": m.code.description,
                "group": m.code.group,
                "billable": m.code.billable,
                "valid_from": m.code.valid_from,
                "valid_to": m.code.valid_to,
                "usable": m.usable,
                "message": m.message,
                "note": m.code.note,
            }
            for m in matches
        ],
    }
