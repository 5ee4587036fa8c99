//! Classes: created by trainers and administrators, filled with people of a unit,
//! enrolled in courses together, with in-person sessions, attendance and progress.

use actix_web::{HttpResponse, delete, get, post, put, web};
use hocvuso_administration::classes::{
    AttendanceRequest, ClassView, CreateClassRequest, CreateSessionRequest, MemberAttendance,
    PeopleRequest, PersonOutcome, SessionView,
};
use hocvuso_enrollment::enrol::EnrollmentView;
use hocvuso_kernel::problem::ProblemBody;
use hocvuso_kernel::{Principal, Problem, Role};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::Validate;

use crate::audit::{Audited, audit};
use crate::auth::Authenticated;
use crate::error::ApiResult;
use crate::extract::ValidJson;
use crate::state::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(create_class)
        .service(list_classes)
        .service(get_class)
        .service(add_members)
        .service(remove_member)
        .service(enrol_class)
        .service(create_session)
        .service(list_sessions)
        .service(record_attendance)
        .service(class_progress);
}

const MANAGERS: &[Role] = &[Role::Admin, Role::Trainer];

fn class_write(action: &'static str, class: &ClassView) -> Audited {
    Audited {
        action,
        subject_kind: "class",
        subject_id: Some(class.id),
        unit_id: Some(class.unit_id),
    }
}

async fn audited<T: Serialize>(
    state: &AppState,
    who: &Principal,
    action: &'static str,
    class_id: Uuid,
    after: &T,
) -> ApiResult<()> {
    let what = Audited {
        action,
        subject_kind: "class",
        subject_id: Some(class_id),
        unit_id: Some(state.administration.class_unit(who, class_id).await?),
    };
    audit(state, who, what, None::<()>, Some(after)).await
}

/// Creates a class in a unit: administrators in their units, trainers in their own
/// unit and the units below it (audited).
#[utoipa::path(
    tag = "classes",
    security(("bearer" = [])),
    request_body = CreateClassRequest,
    responses(
        (status = CREATED, body = ClassView),
        (status = BAD_REQUEST, body = ProblemBody, content_type = "application/problem+json", description = "`unknown_unit`: not a unit you may teach or administer in"),
        (status = FORBIDDEN, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
#[post("/classes")]
async fn create_class(
    state: web::Data<AppState>,
    caller: Authenticated,
    ValidJson(body): ValidJson<CreateClassRequest>,
) -> ApiResult<HttpResponse> {
    let who = caller.require(MANAGERS)?;
    let class = state.administration.create_class(who, body).await?;
    audit(
        &state,
        who,
        class_write("class.create", &class),
        None::<()>,
        Some(&class),
    )
    .await?;
    Ok(HttpResponse::Created().json(class))
}

/// The classes you manage.
#[utoipa::path(
    tag = "classes",
    security(("bearer" = [])),
    responses((status = OK, body = Vec<ClassView>))
)]
#[get("/classes")]
async fn list_classes(
    state: web::Data<AppState>,
    caller: Authenticated,
) -> ApiResult<web::Json<Vec<ClassView>>> {
    let who = caller.require(MANAGERS)?;
    Ok(web::Json(state.administration.classes(who).await?))
}

#[utoipa::path(
    tag = "classes",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = OK, body = ClassView),
        (status = NOT_FOUND, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
#[get("/classes/{id}")]
async fn get_class(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<ClassView>> {
    let who = caller.require(MANAGERS)?;
    Ok(web::Json(state.administration.class(who, *id).await?))
}

/// Adds people of the class's unit (or below it), up to 1,000 at once; each gets its
/// own outcome: `added`, `already_member`, or `rejected` with `not_in_class_unit`.
#[utoipa::path(
    tag = "classes",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = PeopleRequest,
    responses(
        (status = OK, body = Vec<PersonOutcome>),
        (status = NOT_FOUND, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
#[post("/classes/{id}/members")]
async fn add_members(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<Uuid>,
    ValidJson(body): ValidJson<PeopleRequest>,
) -> ApiResult<web::Json<Vec<PersonOutcome>>> {
    let who = caller.require(MANAGERS)?;
    let outcomes = state
        .administration
        .add_members(who, *id, &body.user_ids)
        .await?;
    audited(&state, who, "class.members_add", *id, &outcomes).await?;
    Ok(web::Json(outcomes))
}

#[utoipa::path(
    tag = "classes",
    security(("bearer" = [])),
    params(("id" = Uuid, Path), ("user_id" = Uuid, Path)),
    responses(
        (status = NO_CONTENT),
        (status = NOT_FOUND, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
#[delete("/classes/{id}/members/{user_id}")]
async fn remove_member(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<(Uuid, Uuid)>,
) -> ApiResult<HttpResponse> {
    let who = caller.require(MANAGERS)?;
    let (id, person) = path.into_inner();
    state.administration.remove_member(who, id, person).await?;
    audited(&state, who, "class.member_remove", id, &person).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
struct EnrolClassRequest {
    /// A course code.
    #[validate(length(min = 1, max = 64))]
    course: String,
}

/// Enrols every member in a course: each gets `enrolled`, or `rejected` with the code a
/// learner would get (`course_not_for_your_group`, `target_group_unknown`, …).
#[utoipa::path(
    tag = "classes",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = EnrolClassRequest,
    responses(
        (status = OK, body = Vec<PersonOutcome>),
        (status = NOT_FOUND, body = ProblemBody, content_type = "application/problem+json", description = "an unknown class or course"),
    )
)]
#[post("/classes/{id}/enrolments")]
async fn enrol_class(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<Uuid>,
    ValidJson(body): ValidJson<EnrolClassRequest>,
) -> ApiResult<web::Json<Vec<PersonOutcome>>> {
    let who = caller.require(MANAGERS)?;
    let members = state.administration.class_members(who, *id).await?;
    let plan = super::learning::published_plan(&state, &body.course).await?;
    let mut outcomes = Vec::with_capacity(members.len());
    for member in members {
        match state
            .learning
            .enrol(member.id, member.target_group, &plan)
            .await
        {
            Ok(()) => {
                super::assessment::after_enrolment(&state, member.id).await?;
                outcomes.push(PersonOutcome {
                    user_id: member.id,
                    result: "enrolled",
                    code: None,
                });
            }
            Err(e) => {
                let problem = Problem::from(e);
                if problem.is_server_error() {
                    return Err(problem.into());
                }
                outcomes.push(PersonOutcome {
                    user_id: member.id,
                    result: "rejected",
                    code: Some(problem.code.into_owned()),
                });
            }
        }
    }
    state
        .administration
        .record_class_course(who, *id, plan.course_id)
        .await?;
    audited(&state, who, "class.enrol", *id, &outcomes).await?;
    Ok(web::Json(outcomes))
}

/// Schedules (or records) an in-person session.
#[utoipa::path(
    tag = "classes",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = CreateSessionRequest,
    responses(
        (status = CREATED, body = SessionView),
        (status = NOT_FOUND, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
#[post("/classes/{id}/sessions")]
async fn create_session(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<Uuid>,
    ValidJson(body): ValidJson<CreateSessionRequest>,
) -> ApiResult<HttpResponse> {
    let who = caller.require(MANAGERS)?;
    let session = state.administration.create_session(who, *id, body).await?;
    audited(&state, who, "class.session_create", *id, &session).await?;
    Ok(HttpResponse::Created().json(session))
}

/// Sessions, oldest first, with who was present.
#[utoipa::path(
    tag = "classes",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = OK, body = Vec<SessionView>),
        (status = NOT_FOUND, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
#[get("/classes/{id}/sessions")]
async fn list_sessions(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<Vec<SessionView>>> {
    let who = caller.require(MANAGERS)?;
    Ok(web::Json(state.administration.sessions(who, *id).await?))
}

/// Records who was present at a session (the list replaces an earlier one); everyone
/// listed must be a member (`not_a_member`).
#[utoipa::path(
    tag = "classes",
    security(("bearer" = [])),
    params(("id" = Uuid, Path), ("session_id" = Uuid, Path)),
    request_body = AttendanceRequest,
    responses(
        (status = OK, body = SessionView),
        (status = BAD_REQUEST, body = ProblemBody, content_type = "application/problem+json", description = "`not_a_member`"),
        (status = NOT_FOUND, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
#[put("/classes/{id}/sessions/{session_id}/attendance")]
async fn record_attendance(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<(Uuid, Uuid)>,
    ValidJson(body): ValidJson<AttendanceRequest>,
) -> ApiResult<web::Json<SessionView>> {
    let who = caller.require(MANAGERS)?;
    let (id, session) = path.into_inner();
    let recorded = state
        .administration
        .record_attendance(who, id, session, &body.present)
        .await?;
    audited(&state, who, "class.attendance", id, &recorded).await?;
    Ok(web::Json(recorded))
}

#[derive(Debug, Serialize, ToSchema)]
struct MemberProgress {
    #[serde(flatten)]
    attendance: MemberAttendance,
    /// The member's enrolments in the class's courses.
    courses: Vec<EnrollmentView>,
}

#[derive(Debug, Serialize, ToSchema)]
struct ClassProgress {
    class: ClassView,
    sessions: usize,
    members: Vec<MemberProgress>,
}

/// The class's progress: per member, sessions attended and their progress in each of
/// the class's courses.
#[utoipa::path(
    tag = "classes",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = OK, body = ClassProgress),
        (status = NOT_FOUND, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
#[get("/classes/{id}/progress")]
async fn class_progress(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<ClassProgress>> {
    let who = caller.require(MANAGERS)?;
    let (class, sessions, members) = state.administration.class_attendance(who, *id).await?;
    let mut rows = Vec::with_capacity(members.len());
    for attendance in members {
        let courses = state
            .learning
            .my_courses(attendance.person.id, &super::learning::Plans(&state))
            .await?
            .into_iter()
            .filter(|c| class.course_ids.contains(&c.course_id))
            .collect();
        rows.push(MemberProgress {
            attendance,
            courses,
        });
    }
    Ok(web::Json(ClassProgress {
        class,
        sessions,
        members: rows,
    }))
}
