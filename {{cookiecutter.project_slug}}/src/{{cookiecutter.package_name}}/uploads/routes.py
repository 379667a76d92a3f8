from __future__ import annotations

import uuid
from http import HTTPStatus

from fastapi import APIRouter, status

{% if cookiecutter.use_background_jobs == "y" -%}
from {{ cookiecutter.package_name }}.api.deps import CurrentUser, JobsDep, SettingsDep, UploadsDep
{% else -%}
from {{ cookiecutter.package_name }}.api.deps import CurrentUser, SettingsDep, UploadsDep
{% endif -%}
from {{ cookiecutter.package_name }}.api.fields import PageQuery
from {{ cookiecutter.package_name }}.core.errors import documented
from {{ cookiecutter.package_name }}.uploads import service, storage
from {{ cookiecutter.package_name }}.uploads.models import Upload
from {{ cookiecutter.package_name }}.uploads.schemas import (
    DownloadLink,
    PresignedUpload,
    UploadCreate,
    UploadPage,
    UploadRead,
)

router = APIRouter(
    prefix="/uploads", tags=["uploads"], responses=documented(HTTPStatus.UNAUTHORIZED)
)
# Another user's upload is a 404 too; 409 is an upload not in the state the call needs.
# (503, S3{% if cookiecutter.use_background_jobs == "y" %} or the job queue{% endif %} unreachable or no bucket configured, every API route documents.)
NOT_FOUND = documented(HTTPStatus.NOT_FOUND)
NOT_FOUND_OR_CONFLICT = documented(HTTPStatus.NOT_FOUND, HTTPStatus.CONFLICT)


@router.post("", status_code=status.HTTP_201_CREATED)
async def start_upload(
    data: UploadCreate, user: CurrentUser, uploads: UploadsDep, settings: SettingsDep
) -> PresignedUpload:
    return await service.start_upload(uploads, settings, user, data)


@router.post(
    "/{upload_id}/complete",
    response_model=UploadRead,
    responses=NOT_FOUND_OR_CONFLICT,
)
{%- if cookiecutter.use_background_jobs == "y" %}
async def complete_upload(
    upload_id: uuid.UUID,
    user: CurrentUser,
    uploads: UploadsDep,
    settings: SettingsDep,
    jobs: JobsDep,
) -> Upload:
    upload = await service.get_upload(uploads, user, upload_id)
    return await service.complete_upload(uploads, settings, upload, jobs)
{%- else %}
async def complete_upload(
    upload_id: uuid.UUID, user: CurrentUser, uploads: UploadsDep, settings: SettingsDep
) -> Upload:
    upload = await service.get_upload(uploads, user, upload_id)
    return await service.complete_upload(uploads, settings, upload)
{%- endif %}


@router.get("")
async def list_uploads(user: CurrentUser, uploads: UploadsDep, page: PageQuery) -> UploadPage:
    found, next_cursor = await service.list_uploads(uploads, user, page)
    return UploadPage(
        items=[UploadRead.model_validate(upload) for upload in found],
        limit=page.limit,
        next_cursor=next_cursor,
    )


@router.get("/{upload_id}", response_model=UploadRead, responses=NOT_FOUND)
async def get_upload(upload_id: uuid.UUID, user: CurrentUser, uploads: UploadsDep) -> Upload:
    return await service.get_upload(uploads, user, upload_id)


@router.get("/{upload_id}/download", responses=NOT_FOUND_OR_CONFLICT)
async def download_upload(
    upload_id: uuid.UUID, user: CurrentUser, uploads: UploadsDep, settings: SettingsDep
) -> DownloadLink:
    upload = await service.get_upload(uploads, user, upload_id)
    return DownloadLink(
        url=service.download_url(settings, upload),
        expires_in=storage.DOWNLOAD_URL_EXPIRES_SECONDS,
    )
