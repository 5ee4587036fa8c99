//! Sign-up windows: in the community hall, forty residents on one Wi-Fi register at once,
//! and the per-address limit that keeps strangers from creating accounts in bulk would
//! refuse half of them. The class's trainer opens a window instead — a short code,
//! valid for a few hours, for so many people — and registering with it puts each
//! person in the class (and the class's unit). The code bounds what it lets in; guesses
//! at codes are still limited per address.

use chrono::{DateTime, Duration, Utc};
use data_encoding::BASE32_NOPAD;
use hocvuso_kernel::{Principal, time::now};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use crate::entity::{class, class_member, class_signup};
use crate::{Administration, AdministrationError};

#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
pub struct OpenSignupsRequest {
    /// How long the code works, in hours (a session in the hall).
    #[validate(range(min = 1, max = 12, code = "signup_hours"))]
    #[schema(minimum = 1, maximum = 12)]
    pub hours: u32,
    /// How many people may register with it.
    #[validate(range(min = 1, max = 200, code = "signup_count"))]
    #[schema(minimum = 1, maximum = 200)]
    pub max_signups: u32,
}

/// An open sign-up window; read `code` out or write it on the board.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SignupWindow {
    /// Eight letters and digits, shown as `ABCD-EF23`; case and hyphens are forgiven.
    pub code: String,
    pub class_id: Uuid,
    pub expires_at: DateTime<Utc>,
    pub max_signups: u32,
}

/// Where a claimed sign-up puts its person.
#[derive(Debug, Clone, Copy)]
pub struct ClaimedSignup {
    pub class_id: Uuid,
    pub unit_id: Uuid,
}

/// A code as people type it: letters and digits only, upper case.
fn normalised(input: &str) -> String {
    input
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

fn shown(code: &str) -> String {
    match (code.get(..4), code.get(4..)) {
        (Some(head), Some(tail)) => format!("{head}-{tail}"),
        _ => code.to_owned(),
    }
}

fn invalid_code() -> AdministrationError {
    AdministrationError::InvalidField {
        field: "class_code",
        code: "class_code_invalid",
        vi: "Mã đăng ký lớp không đúng, đã hết hạn hoặc đã đủ người. Hãy hỏi lại giảng viên.",
        en: "The class code is wrong, has expired or is full. Ask the trainer again.",
    }
}

impl Administration {
    /// Opens a sign-up window for a class its caller manages.
    pub async fn open_signups(
        &self,
        principal: &Principal,
        class_id: Uuid,
        request: OpenSignupsRequest,
    ) -> Result<SignupWindow, AdministrationError> {
        let found = self.managed_class(principal, class_id).await?;
        // 40 random bits: guessing one of a few open codes takes billions of tries,
        // and tries are limited per address.
        let random = Uuid::new_v4();
        let code = BASE32_NOPAD.encode(&random.as_bytes()[..5]);
        let expires_at = now() + Duration::hours(i64::from(request.hours));
        class_signup::ActiveModel {
            code: Set(code.clone()),
            class_id: Set(found.id),
            opened_by: Set(principal.user_id),
            expires_at: Set(expires_at),
            max_signups: Set(i32::try_from(request.max_signups).unwrap_or(i32::MAX)),
            used: Set(0),
            created_at: Set(now()),
        }
        .insert(&self.db)
        .await?;
        Ok(SignupWindow {
            code: shown(&code),
            class_id: found.id,
            expires_at,
            max_signups: request.max_signups,
        })
    }

    /// Takes one place of the window `input` names, atomically: of two people taking
    /// the last place, one gets it.
    pub async fn claim_signup(&self, input: &str) -> Result<ClaimedSignup, AdministrationError> {
        let code = normalised(input);
        let taken = class_signup::Entity::update_many()
            .col_expr(
                class_signup::Column::Used,
                Expr::col(class_signup::Column::Used).add(1),
            )
            .filter(class_signup::Column::Code.eq(code.as_str()))
            .filter(class_signup::Column::ExpiresAt.gt(now()))
            .filter(
                Expr::col(class_signup::Column::Used)
                    .lt(Expr::col(class_signup::Column::MaxSignups)),
            )
            .exec(&self.db)
            .await?;
        if taken.rows_affected == 0 {
            return Err(invalid_code());
        }
        let window = class_signup::Entity::find_by_id(code.as_str())
            .one(&self.db)
            .await?
            .ok_or_else(invalid_code)?;
        let found = class::Entity::find_by_id(window.class_id)
            .one(&self.db)
            .await?
            .ok_or_else(invalid_code)?;
        Ok(ClaimedSignup {
            class_id: found.id,
            unit_id: found.unit_id,
        })
    }

    /// Gives back a place taken by a registration that then failed.
    pub async fn release_signup(&self, input: &str) -> Result<(), AdministrationError> {
        class_signup::Entity::update_many()
            .col_expr(
                class_signup::Column::Used,
                Expr::col(class_signup::Column::Used).sub(1),
            )
            .filter(class_signup::Column::Code.eq(normalised(input)))
            .filter(class_signup::Column::Used.gt(0))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Puts a person who registered with a class's code into the class.
    pub async fn join_signed_up(
        &self,
        signup: &ClaimedSignup,
        person: Uuid,
    ) -> Result<(), AdministrationError> {
        class_member::ActiveModel {
            class_id: Set(signup.class_id),
            user_id: Set(person),
            added_at: Set(now()),
        }
        .insert(&self.db)
        .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_forgiven_their_case_and_hyphens() {
        assert_eq!(normalised(" abcd-ef23 "), "ABCDEF23");
        assert_eq!(shown("ABCDEF23"), "ABCD-EF23");
    }
}
