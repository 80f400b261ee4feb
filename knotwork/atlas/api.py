"""Read-only, public atlas endpoints: reference data only, never patient data."""

from ninja import Query, Router
from ninja.errors import ValidationError as NinjaValidationError

from knotwork.atlas import selectors
from knotwork.atlas.schemas import AtlasReferralOut, MuscleFilter, MuscleOut, MuscleSummaryOut, ReferralQuery
from knotwork.atlas.serializers import muscle_dict, muscle_summary_dict, referral_dict

router = Router(tags=["atlas"], auth=None)


def _invalid(field: str, message: str) -> NinjaValidationError:
    return NinjaValidationError([{"loc": ["query", field], "msg": message, "type": "value_error"}])


@router.get(
    "/atlas/muscles", response=list[MuscleSummaryOut], summary="Muscles of the atlas", operation_id="listMuscles"
)
def list_muscles(request, filters: Query[MuscleFilter]):
    if filters.region and filters.region not in selectors.get_atlas().regions:
        raise _invalid("region", f"Unknown body region: {filters.region}")
    muscles = selectors.list_muscles(query=filters.q, region=filters.region, group=filters.group)
    return [muscle_summary_dict(m) for m in muscles]


@router.get(
    "/atlas/muscles/{muscle_id}",
    response=MuscleOut,
    summary="One muscle: sites, zones, notes, sources",
    operation_id="getMuscle",
)
def get_muscle(request, muscle_id: str):
    return muscle_dict(selectors.get_muscle(muscle_id))


@router.get(
    "/atlas/referrals",
    response=list[AtlasReferralOut],
    summary="Rank muscles for a pain drawing",
    operation_id="rankReferrals",
)
def referrals(request, params: Query[ReferralQuery]):
    drawing = {}
    for text in params.region:
        try:
            drawn = selectors.parse_drawn_region(text)
        except ValueError as error:
            raise _invalid("region", str(error)) from error
        drawing[drawn.region] = drawn.intensity
    try:
        results = selectors.rank_referrals(drawing, top=params.top)
    except selectors.UnknownRegions as error:
        raise _invalid("region", str(error)) from error
    return [referral_dict(r) for r in results]
