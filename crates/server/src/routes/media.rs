//! Lesson media: upload (multipart, streamed) and download (with byte ranges, so a
//! video can be sought and a broken download resumed).

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, ByteRangeSpec, ContentEncoding, HeaderValue};
use actix_web::{HttpMessage, HttpRequest, HttpResponse, get, post, web};
use bytes::Bytes;
use futures_util::StreamExt;
use hocvuso_courses::direct::{DirectUpload, DirectUploadRequest, MediaLink};
use hocvuso_courses::entity::{course, lesson_media};
use hocvuso_courses::media::{MediaRole, MediaView, Upload};
use hocvuso_kernel::Problem;
use hocvuso_kernel::problem::ProblemBody;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::auth::{Authenticated, authenticate};
use crate::error::{ApiError, ApiResult, missing_file};
use crate::extract::ValidJson;
use crate::state::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(upload)
        .service(start_direct_upload)
        .service(finish_direct_upload)
        .service(download)
        .service(link);
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct UploadQuery {
    /// `main` (the lesson's video, audio, image or PDF slides), `captions` (WebVTT) or `attachment`.
    role: MediaRole,
}

/// Uploads a lesson file as `multipart/form-data` (field `file`). The type is sniffed from
/// the bytes and checked against an allow-list; the size is limited (`http.upload_limit`).
#[utoipa::path(
    tag = "authoring",
    security(("bearer" = [])),
    params(("id" = Uuid, Path), ("lesson_id" = Uuid, Path), UploadQuery),
    request_body(content_type = "multipart/form-data", description = "A form with one file field named `file`"),
    responses(
        (status = CREATED, body = MediaView),
        (status = BAD_REQUEST, body = ProblemBody, content_type = "application/problem+json", description = "`file_missing`"),
        (status = FORBIDDEN, body = ProblemBody, content_type = "application/problem+json"),
        (status = PAYLOAD_TOO_LARGE, body = ProblemBody, content_type = "application/problem+json"),
        (status = UNSUPPORTED_MEDIA_TYPE, body = ProblemBody, content_type = "application/problem+json", description = "`media_type_not_allowed`"),
    )
)]
#[post("/authoring/courses/{id}/lessons/{lesson_id}/media")]
async fn upload(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<(Uuid, Uuid)>,
    query: web::Query<UploadQuery>,
    mut form: Multipart,
) -> ApiResult<HttpResponse> {
    let (id, lesson_id) = path.into_inner();
    let course = state.editable_course(&caller.0, id).await?;
    while let Some(field) = form.next().await {
        let mut field = field.map_err(|e| {
            ApiError(Problem::bad_request(
                "malformed_multipart",
                format!("Biểu mẫu tải lên không hợp lệ: {e}"),
                format!("Malformed upload form: {e}"),
            ))
        })?;
        let disposition = field.content_disposition().cloned();
        if disposition.as_ref().and_then(|d| d.get_name()) != Some("file") {
            continue;
        }
        let file_name = disposition
            .as_ref()
            .and_then(|d| d.get_filename())
            .unwrap_or("file")
            .to_owned();
        // The multipart stream lives on this worker's thread; the store may need to move
        // bytes across threads, so they pass through a small bounded channel.
        let (sender, receiver) = tokio::sync::mpsc::channel::<std::io::Result<Bytes>>(4);
        actix_web::rt::spawn(async move {
            while let Some(chunk) = field.next().await {
                let chunk = chunk.map_err(|e| std::io::Error::other(e.to_string()));
                let failed = chunk.is_err();
                if sender.send(chunk).await.is_err() || failed {
                    break;
                }
            }
        });
        let body = futures_util::stream::unfold(receiver, |mut receiver| async move {
            receiver.recv().await.map(|chunk| (chunk, receiver))
        });
        let stored = state
            .courses
            .attach_media(
                state.blobs.as_ref(),
                &course,
                lesson_id,
                Upload {
                    role: query.role,
                    file_name,
                    body: Box::pin(body),
                },
                state.settings.http.upload_limit,
            )
            .await?;
        return Ok(HttpResponse::Created().json(stored));
    }
    Err(missing_file())
}

/// A media file and its course, if the caller may see it: anyone for published courses,
/// only editors for drafts (hidden, not forbidden: drafts do not exist for anyone else).
async fn visible_media(
    state: &AppState,
    req: &HttpRequest,
    id: Uuid,
) -> ApiResult<(lesson_media::Model, course::Model)> {
    let (media, course) = state.courses.media_course(id).await?;
    if course.status != "published" {
        let principal = authenticate(req)
            .await
            .map_err(|_| ApiError(Problem::not_found()))?;
        if !state.may_edit_course(&principal, course.owner_id).await? {
            return Err(ApiError(Problem::not_found()));
        }
    }
    Ok((media, course))
}

/// Starts a direct upload to the object store: answers a presigned `PUT` URL (with the
/// headers to send) and an upload id to complete afterwards. Only with S3 storage; a
/// server storing files on disk answers 409 `direct_upload_unsupported`.
#[utoipa::path(
    tag = "authoring",
    security(("bearer" = [])),
    params(("id" = Uuid, Path), ("lesson_id" = Uuid, Path)),
    request_body = DirectUploadRequest,
    responses(
        (status = CREATED, body = DirectUpload),
        (status = BAD_REQUEST, body = ProblemBody, content_type = "application/problem+json"),
        (status = FORBIDDEN, body = ProblemBody, content_type = "application/problem+json"),
        (status = NOT_FOUND, body = ProblemBody, content_type = "application/problem+json"),
        (status = CONFLICT, body = ProblemBody, content_type = "application/problem+json", description = "`direct_upload_unsupported`"),
    )
)]
#[post("/authoring/courses/{id}/lessons/{lesson_id}/media/uploads")]
async fn start_direct_upload(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<(Uuid, Uuid)>,
    ValidJson(body): ValidJson<DirectUploadRequest>,
) -> ApiResult<HttpResponse> {
    let (id, lesson_id) = path.into_inner();
    let course = state.editable_course(&caller.0, id).await?;
    let started = state
        .courses
        .start_direct_upload(
            state.blobs.as_ref(),
            &course,
            lesson_id,
            body,
            state.settings.presign_ttl(),
            state.settings.http.upload_limit,
        )
        .await?;
    Ok(HttpResponse::Created().json(started))
}

/// Completes a direct upload: the server reads the file back from the store, checks its
/// size and type (sniffed from the bytes), records its SHA-256 and attaches it to the
/// lesson. A refused file is deleted.
#[utoipa::path(
    tag = "authoring",
    security(("bearer" = [])),
    params(("id" = Uuid, Path), ("lesson_id" = Uuid, Path), ("upload_id" = Uuid, Path)),
    responses(
        (status = CREATED, body = MediaView),
        (status = FORBIDDEN, body = ProblemBody, content_type = "application/problem+json"),
        (status = NOT_FOUND, body = ProblemBody, content_type = "application/problem+json"),
        (status = CONFLICT, body = ProblemBody, content_type = "application/problem+json", description = "`upload_not_received`"),
        (status = GONE, body = ProblemBody, content_type = "application/problem+json", description = "`upload_expired`"),
        (status = PAYLOAD_TOO_LARGE, body = ProblemBody, content_type = "application/problem+json"),
        (status = UNSUPPORTED_MEDIA_TYPE, body = ProblemBody, content_type = "application/problem+json", description = "`media_type_not_allowed`"),
    )
)]
#[post("/authoring/courses/{id}/lessons/{lesson_id}/media/uploads/{upload_id}/complete")]
async fn finish_direct_upload(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<(Uuid, Uuid, Uuid)>,
) -> ApiResult<HttpResponse> {
    let (id, lesson_id, upload_id) = path.into_inner();
    let course = state.editable_course(&caller.0, id).await?;
    let recorded = state
        .courses
        .finish_direct_upload(
            state.blobs.as_ref(),
            &course,
            lesson_id,
            upload_id,
            state.settings.http.upload_limit,
        )
        .await?;
    Ok(HttpResponse::Created().json(recorded))
}

/// Where to fetch a lesson file: a presigned URL straight to the object store when
/// storage is S3 (`direct: true`, valid until `expires_at`), else this API's own URL.
#[utoipa::path(
    tag = "catalog",
    params(("id" = Uuid, Path)),
    responses(
        (status = OK, body = MediaLink),
        (status = NOT_FOUND, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
#[get("/media/{id}/link")]
async fn link(
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let (media, _) = visible_media(&state, &req, *id).await?;
    let link = state
        .courses
        .media_link(state.blobs.as_ref(), &media, state.settings.presign_ttl())
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .json(link))
}

/// Downloads a lesson file. Honours a single `Range: bytes=…` (206 with `Content-Range`;
/// 416 when outside the file). Files of unpublished courses only for their editors.
#[utoipa::path(
    tag = "catalog",
    params(("id" = Uuid, Path)),
    responses(
        (status = OK, description = "The whole file, as the type its bytes were sniffed as on upload", content(
            ("video/*"), ("audio/*"), ("image/*"), ("application/pdf"), ("text/vtt"),
        )),
        (status = PARTIAL_CONTENT, description = "The requested byte range", content(
            ("video/*"), ("audio/*"), ("image/*"), ("application/pdf"), ("text/vtt"),
        )),
        (status = NOT_FOUND, body = ProblemBody, content_type = "application/problem+json"),
        (status = RANGE_NOT_SATISFIABLE, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
#[get("/media/{id}")]
async fn download(
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let (media, course) = visible_media(&state, &req, *id).await?;
    let size = u64::try_from(media.size).unwrap_or_default();
    let range = match req.get_header::<header::Range>() {
        Some(header::Range::Bytes(specs)) if specs.len() == 1 => {
            match specs
                .first()
                .and_then(|spec: &ByteRangeSpec| spec.to_satisfiable_range(size))
            {
                Some((start, end)) => Some(start..end + 1),
                None => {
                    let problem = hocvuso_courses::CoursesError::RangeNotSatisfiable { size };
                    // Built here for its Content-Range header, in the client's language.
                    let mut response = crate::error::problem_response(
                        &Problem::from(problem),
                        crate::middleware::lang_of(&req),
                        Some(req.path()),
                    );
                    if let Ok(value) = HeaderValue::from_str(&format!("bytes */{size}")) {
                        response.headers_mut().insert(header::CONTENT_RANGE, value);
                    }
                    return Ok(response);
                }
            }
        }
        // Several ranges at once: answering with the whole file is allowed, and simpler for clients.
        _ => None,
    };
    let partial = range.is_some();
    let read = state
        .courses
        .read_media(state.blobs.as_ref(), &media, range)
        .await?;
    let mut response = HttpResponse::build(if partial {
        StatusCode::PARTIAL_CONTENT
    } else {
        StatusCode::OK
    });
    response
        .insert_header((header::CONTENT_TYPE, media.content_type.as_str()))
        .insert_header((header::ACCEPT_RANGES, "bytes"))
        .insert_header(header::ETag(header::EntityTag::new_strong(
            media.sha256.clone(),
        )))
        // A draft's files are its editors' alone: no shared cache keeps them.
        .insert_header((
            header::CACHE_CONTROL,
            if course.status == "published" {
                "public, max-age=86400"
            } else {
                "private, no-store"
            },
        ))
        // Media is already compressed; compressing again would also break byte ranges.
        .insert_header(ContentEncoding::Identity)
        .no_chunking(read.range.end - read.range.start);
    if partial {
        response.insert_header((
            header::CONTENT_RANGE,
            format!(
                "bytes {}-{}/{}",
                read.range.start,
                read.range.end - 1,
                read.size
            ),
        ));
    }
    Ok(response.streaming(read.body))
}
