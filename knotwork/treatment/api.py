from uuid import UUID

from ninja import Router, Status

from knotwork.treatment import selectors, services
from knotwork.treatment.schemas import HoldIn, PointOut

router = Router(tags=["treatment"])


@router.post("/treatment/points/{uuid:point_id}/holds", response={201: PointOut}, summary="Save one hold as it ends")
def record_hold(request, point_id: UUID, payload: HoldIn):
    point = selectors.get_point(request.auth, point_id)
    hold = services.record_hold(point=point, by=request.auth, **payload.dict())
    # The point as the service saved it (released or not); its holds are read once for the answer.
    return Status(201, hold.point)
