"""/api/v1/pipelines: the pipelines and their stages (read only; set up in the settings)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Path, Router

from accord.api.errors import error_responses
from accord.api.schemas.common import Id
from accord.api.schemas.sales import PipelineOut
from accord.sales.models import Pipeline
from accord.sales.selectors import pipeline_get, pipelines_all

router = Router(tags=["pipelines"])


@router.get(
    "",
    response={200: list[PipelineOut], **error_responses(401)},
    operation_id="pipelines_list",
    summary="List pipelines with their stages",
)
def pipelines_list(request: HttpRequest) -> list[Pipeline]:
    return pipelines_all()


@router.get(
    "/{id}",
    response={200: PipelineOut, **error_responses(401, 404)},
    operation_id="pipelines_get",
    summary="Get a pipeline with its stages",
)
def pipelines_get(request: HttpRequest, id: Path[Id]) -> Pipeline:
    return pipeline_get(pk=id)
