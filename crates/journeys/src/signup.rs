//! Registering, alone or into a class: with a class's sign-up code the new learner takes
//! one of its places (administration), gets an account (identity), and is put in the
//! class and its unit.

use hocvuso_administration::signups::{OpenSignupsRequest, SignupWindow};
use hocvuso_identity::dto::{RegisterRequest, TokenResponse};
use hocvuso_kernel::Principal;
use uuid::Uuid;

use crate::{JourneyResult, Platform};

impl Platform {
    /// Creates a learner's account; with `class_code`, into that class.
    pub async fn register(&self, request: RegisterRequest) -> JourneyResult<TokenResponse> {
        let Some(code) = request.class_code.clone() else {
            return Ok(self.identity.register(request).await?);
        };
        let signup = self.administration.claim_signup(&code).await?;
        let mut session = match self.identity.register(request).await {
            Ok(session) => session,
            Err(refused) => {
                // The place goes back: a mistyped password must not use up the class.
                self.administration.release_signup(&code).await?;
                return Err(refused.into());
            }
        };
        let person = session.user.id;
        self.identity
            .place_signed_up(person, signup.unit_id)
            .await?;
        self.administration.join_signed_up(&signup, person).await?;
        session.user.unit_id = Some(signup.unit_id);
        tracing::info!(user_id = %person, class_id = %signup.class_id, "registered into a class");
        Ok(session)
    }

    /// Opens a sign-up window for a class the caller manages.
    pub async fn open_signups(
        &self,
        principal: &Principal,
        class_id: Uuid,
        request: OpenSignupsRequest,
    ) -> JourneyResult<SignupWindow> {
        Ok(self
            .administration
            .open_signups(principal, class_id, request)
            .await?)
    }
}
