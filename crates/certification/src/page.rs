//! The page a scanned QR code opens: Vietnamese, plain HTML and a little CSS, no
//! JavaScript, light enough for a cheap phone on a weak connection.

use askama::Template;

use crate::CertificationError;
use crate::dto::{Verification, VerificationStatus};

#[derive(Template)]
#[template(path = "verify.html")]
struct VerifyPage<'a> {
    status: &'static str,
    heading: &'static str,
    explanation: &'static str,
    holder_name: Option<&'a str>,
    course_title: Option<&'a str>,
    competencies: Vec<String>,
    issued_on: Option<String>,
    replaced_by: Option<&'a str>,
    newer_url: String,
    issuer: &'a str,
    code: &'a str,
    qr: Option<String>,
}

fn wording(status: VerificationStatus) -> (&'static str, &'static str) {
    match status {
        VerificationStatus::Valid => (
            "✔ Chứng nhận hợp lệ",
            "Chứng nhận này do nền tảng cấp và đang có hiệu lực.",
        ),
        VerificationStatus::Revoked => (
            "✘ Chứng nhận đã bị thu hồi",
            "Chứng nhận này đã bị đơn vị cấp thu hồi và không còn giá trị.",
        ),
        VerificationStatus::Expired => (
            "Chứng nhận đã hết hạn",
            "Chứng nhận này là thật nhưng đã quá thời hạn hiệu lực.",
        ),
        VerificationStatus::NotFound => (
            "Không tìm thấy chứng nhận",
            "Không có chứng nhận nào mang mã này. Hãy kiểm tra lại từng ký tự.",
        ),
        VerificationStatus::BadSignature => (
            "✘ Chứng nhận không xác thực được",
            "Chữ ký số của chứng nhận này không khớp: có thể nó đã bị sửa đổi.",
        ),
    }
}

/// The HTML page for a verification by code; `qr_target` is the page's own address.
pub fn render(
    verification: &Verification,
    issuer: &str,
    qr_target: Option<&str>,
) -> Result<String, CertificationError> {
    let (heading, explanation) = wording(verification.status);
    let competencies = verification
        .credential
        .as_ref()
        .map(|claims| crate::credential::summary(claims).competencies)
        .unwrap_or_default();
    let qr = match qr_target {
        Some(url) if verification.status != VerificationStatus::NotFound => Some(
            hocvuso_certificate_pdf::qr_svg(url)
                .map_err(|e| CertificationError::Pdf(e.to_string()))?,
        ),
        _ => None,
    };
    let replaced_by = verification.replaced_by.as_deref();
    VerifyPage {
        status: verification.status.as_str(),
        heading,
        explanation,
        holder_name: verification.holder_name.as_deref(),
        course_title: verification.course_title.as_deref(),
        competencies,
        issued_on: verification
            .issued_at
            .map(|at| at.format("%d/%m/%Y").to_string()),
        replaced_by,
        newer_url: replaced_by
            .map(|code| format!("/v/{}", code.replace('-', "")))
            .unwrap_or_default(),
        issuer,
        code: verification.code.as_deref().unwrap_or_default(),
        qr,
    }
    .render()
    .map_err(|e| CertificationError::Corrupt(e.to_string()))
}
