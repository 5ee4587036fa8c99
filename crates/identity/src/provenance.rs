//! Where an identity fact came from. Only facts from a trusted source carry weight: link
//! a VNeID sign-in, enter a signed record, count in the VNeID batch.

/// Who supplied a person's citizen ID.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CccdSource {
    /// Typed by its holder: a claim, until an administrator confirms it.
    SelfClaimed,
    /// From the ward's resident list.
    Import,
    /// Entered or confirmed by an administrator who saw the card.
    Administrator,
    /// Vouched for by the national identity provider at sign-in.
    Vneid,
}

impl CccdSource {
    pub fn as_str(self) -> &'static str {
        match self {
            CccdSource::SelfClaimed => "self",
            CccdSource::Import => "import",
            CccdSource::Administrator => "administrator",
            CccdSource::Vneid => "vneid",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [
            CccdSource::SelfClaimed,
            CccdSource::Import,
            CccdSource::Administrator,
            CccdSource::Vneid,
        ]
        .into_iter()
        .find(|s| s.as_str() == value)
    }

    /// Whether the ID may identify the person to anyone else.
    pub fn is_trusted(self) -> bool {
        self != CccdSource::SelfClaimed
    }
}

/// Who set a fact about a person that is not their identity (the target group).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FactSource {
    /// Declared by the person, once.
    SelfDeclared,
    Administrator,
    Import,
}

impl FactSource {
    pub fn as_str(self) -> &'static str {
        match self {
            FactSource::SelfDeclared => "self",
            FactSource::Administrator => "administrator",
            FactSource::Import => "import",
        }
    }
}

/// How a record's holder was identified, for the record to say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdentityEvidence {
    /// Signed in through VNeID at the given assurance level.
    Vneid { assurance: Option<String> },
    /// Listed by the ward, or confirmed by an administrator who saw the card.
    WardRegister,
}
