//! Registries of the stable codes problems carry.
//!
//! Clients branch on a problem's `code` (and on the `code` of each invalid field), so
//! the codes are part of the API. Each crate that makes problems declares all of its
//! codes once, with [`error_codes!`](crate::error_codes): an enum whose variants are
//! the codes. A problem takes its code from there (`Problem::new(409,
//! IdentityErrorCode::PhoneTaken, …)`), never from a second literal, and every
//! registry can be listed, so a test can check that what the API documents exists.
//!
//! The kernel's own registry, [`KernelErrorCode`], holds the generic codes every crate
//! shares: `not_found`, `forbidden`, `internal_error`, `validation_failed` and the field
//! codes of validator's built-in rules.

use std::borrow::Cow;

/// A registry of problem codes, as [`error_codes!`](crate::error_codes) declares one.
pub trait ErrorCode: Copy + Eq + std::fmt::Debug + 'static {
    /// Every code of the registry, in declaration order.
    const ALL: &'static [Self];

    /// The code as clients see it.
    fn as_str(self) -> &'static str;

    /// Whether this is the code of an invalid field (a `FieldError`'s, inside a
    /// problem's `errors`) rather than the `code` of a problem itself.
    fn is_field(self) -> bool;

    /// The registry's code spelled `code`, if it has one.
    fn from_code(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|c| c.as_str() == code)
    }

    /// Why the registry is broken (a code that is not `snake_case`, or declared twice);
    /// empty when it is sound. Each crate's tests assert this is empty.
    fn faults() -> Vec<String> {
        let mut faults = Vec::new();
        for (i, code) in Self::ALL.iter().enumerate() {
            let code = code.as_str();
            if !is_code(code) {
                faults.push(format!("`{code}` is not snake_case"));
            }
            if Self::ALL[..i]
                .iter()
                .any(|earlier| earlier.as_str() == code)
            {
                faults.push(format!("`{code}` is declared twice"));
            }
        }
        faults
    }
}

/// Declares a registry of problem codes: an enum whose variants are the codes, each
/// spelled once, in two groups: the `code`s of problems, then the codes of invalid
/// fields (a [`FieldError`](crate::FieldError)'s `code`, inside a problem's `errors`).
/// A code that is both (a problem that names its field with its own code) is a
/// problem code.
///
/// ```
/// hocvuso_kernel::error_codes! {
///     /// Every code of the demo domain.
///     pub enum DemoErrorCode {
///         problem {
///             /// 409: the thing exists already.
///             Taken = "thing_taken",
///         }
///         field {
///             /// `name`: empty.
///             NameRequired = "name_required",
///         }
///     }
/// }
///
/// use hocvuso_kernel::Problem;
/// let problem = Problem::new(409, DemoErrorCode::Taken, "Đã có.", "Already there.");
/// assert_eq!(problem.code, "thing_taken");
/// let all: Vec<_> = DemoErrorCode::iter().map(DemoErrorCode::as_str).collect();
/// assert_eq!(all, ["thing_taken", "name_required"]);
/// assert_eq!(DemoErrorCode::from_code("name_required"), Some(DemoErrorCode::NameRequired));
/// assert!(DemoErrorCode::NameRequired.is_field() && !DemoErrorCode::Taken.is_field());
/// ```
///
/// The enum implements [`ErrorCode`], `Display` (the code) and `Into<Cow<'static, str>>`,
/// so it goes wherever a [`Problem`](crate::Problem) or a
/// [`FieldError`](crate::FieldError) takes a code.
#[macro_export]
macro_rules! error_codes {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            problem {
                $( $(#[$problem_meta:meta])* $problem:ident = $problem_code:literal, )*
            }
            field {
                $( $(#[$field_meta:meta])* $field:ident = $field_code:literal, )*
            }
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        $vis enum $name {
            $( $(#[$problem_meta])* $problem, )*
            $( $(#[$field_meta])* $field, )*
        }

        #[allow(dead_code)]
        impl $name {
            /// Every code of the registry, in declaration order.
            pub const ALL: &'static [Self] = &[$(Self::$problem,)* $(Self::$field,)*];

            /// The code as clients see it.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Self::$problem => $problem_code,)*
                    $(Self::$field => $field_code,)*
                }
            }

            /// Whether this is the code of an invalid field rather than of a problem.
            pub const fn is_field(self) -> bool {
                match self {
                    $(Self::$problem => false,)*
                    $(Self::$field => true,)*
                }
            }

            /// Every code of the registry, in declaration order.
            pub fn iter() -> impl Iterator<Item = Self> {
                Self::ALL.iter().copied()
            }

            /// The registry's code spelled `code`, if it has one.
            pub fn from_code(code: &str) -> Option<Self> {
                <Self as $crate::problem::codes::ErrorCode>::from_code(code)
            }
        }

        impl $crate::problem::codes::ErrorCode for $name {
            const ALL: &'static [Self] = $name::ALL;

            fn as_str(self) -> &'static str {
                $name::as_str(self)
            }

            fn is_field(self) -> bool {
                $name::is_field(self)
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::convert::From<$name> for ::std::borrow::Cow<'static, str> {
            fn from(code: $name) -> Self {
                ::std::borrow::Cow::Borrowed(code.as_str())
            }
        }
    };
}

crate::error_codes! {
    /// The generic codes every crate shares.
    pub enum KernelErrorCode {
        problem {
            /// 404, [`Problem::not_found`](crate::Problem::not_found).
            NotFound = "not_found",
            /// 401, [`Problem::unauthorized`](crate::Problem::unauthorized).
            Unauthorized = "unauthorized",
            /// 403, [`Problem::forbidden`](crate::Problem::forbidden).
            Forbidden = "forbidden",
            /// 500, [`Problem::internal`](crate::Problem::internal).
            InternalError = "internal_error",
            /// 503, [`Problem::unavailable`](crate::Problem::unavailable).
            ServiceUnavailable = "service_unavailable",
            /// 400 with every invalid field,
            /// [`validation::invalid_input`](super::validation::invalid_input).
            ValidationFailed = "validation_failed",
            /// 400, a pagination cursor that does not decode
            /// ([`decode_cursor`](crate::pagination::decode_cursor)).
            InvalidCursor = "invalid_cursor",
        }
        // The codes of validator's built-in rules, which `#[validate(...)]` attributes
        // give a field unless they name a code of their own.
        field {
            /// A string or list outside its length bounds.
            Length = "length",
            /// A number outside its bounds.
            Range = "range",
            /// Not an email address.
            Email = "email",
            /// Not a URL.
            Url = "url",
            /// A required field missing.
            Required = "required",
        }
    }
}

/// Whether `s` has the shape of a code: `snake_case` ASCII (`not_found`, `cccd_format`).
pub fn is_code(s: &str) -> bool {
    !s.is_empty()
        && s.split('_').all(|word| {
            !word.is_empty()
                && word
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
        && s.starts_with(|c: char| c.is_ascii_lowercase())
}

/// The registered spelling of `code`, a code chosen where the error was made (the rule
/// a field broke, the check an answer failed): looked up in the registry `C`, then in
/// the kernel's.
///
/// A code in neither is missing from its registry: debug builds panic, so the first
/// test that reaches it fails; release builds log it and send the code as it is.
pub fn registered<C: ErrorCode>(code: &str) -> Cow<'static, str> {
    if let Some(found) = C::from_code(code) {
        return Cow::Borrowed(found.as_str());
    }
    if let Some(found) = KernelErrorCode::from_code(code) {
        return Cow::Borrowed(found.as_str());
    }
    let registry = std::any::type_name::<C>();
    if cfg!(debug_assertions) {
        panic!("problem code `{code}` is in no registry: declare it in {registry}");
    }
    tracing::error!(code, registry, "problem code missing from its registry");
    Cow::Owned(code.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kernel_registry_is_sound() {
        assert_eq!(KernelErrorCode::faults(), Vec::<String>::new());
    }

    #[test]
    fn a_code_is_snake_case() {
        for code in ["not_found", "cccd_format", "length", "a1_b2"] {
            assert!(is_code(code), "{code}");
        }
        for not in [
            "",
            "_a",
            "a_",
            "a__b",
            "Not_found",
            "1a",
            "a-b",
            "/v/{code}",
            "x y",
        ] {
            assert!(!is_code(not), "{not}");
        }
    }

    #[test]
    fn runtime_codes_resolve_to_their_registry() {
        assert_eq!(
            registered::<KernelErrorCode>("length"),
            KernelErrorCode::Length.as_str()
        );
        assert_eq!(
            KernelErrorCode::from_code("not_found"),
            Some(KernelErrorCode::NotFound)
        );
        assert_eq!(KernelErrorCode::from_code("no_such_code"), None);
        assert_eq!(KernelErrorCode::Forbidden.to_string(), "forbidden");
        assert!(KernelErrorCode::Length.is_field());
        assert!(!KernelErrorCode::ValidationFailed.is_field());
    }

    #[test]
    #[should_panic(expected = "in no registry")]
    #[cfg(debug_assertions)]
    fn an_unregistered_runtime_code_fails_loudly_in_tests() {
        registered::<KernelErrorCode>("no_such_code");
    }
}
