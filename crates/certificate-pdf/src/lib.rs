//! Course-completion certificates of the Bình dân học vụ số platform, rendered as a
//! one-page A4-landscape PDF with a verification QR code, plus the same QR code as SVG
//! for the web verification page.
//!
//! The fonts (DejaVu Sans and DejaVu Sans Bold, see `fonts/LICENSE-DejaVu.txt`) are
//! compiled into the binary because servers and CI have no system fonts; krilla embeds
//! only the glyphs a certificate uses.

mod fonts;
mod layout;
mod qr;

/// What a certificate shows. All text is Vietnamese and arbitrary Unicode (NFC).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateFace {
    /// e.g. "Nguyễn Thị Hường"
    pub holder_name: String,
    /// e.g. "Nhận diện và phòng tránh lừa đảo trực tuyến"
    pub course_title: String,
    /// Lines like "4.2 Bảo vệ dữ liệu cá nhân và quyền riêng tư".
    pub competencies: Vec<String>,
    /// Course level 1..=8, shown as "Mức 1".
    pub level: u8,
    /// Final quiz score.
    pub score_percent: u32,
    /// Shown as "ngày 29 tháng 11 năm 2026".
    pub issued_on: chrono::NaiveDate,
    /// e.g. "Phường An Biên — Nền tảng Bình dân học vụ số"
    pub issuer_name: String,
    /// Shown as given, e.g. "7KQ2M-9XH4D".
    pub verification_code: String,
    /// The QR code encodes this; it is also printed in small type.
    pub verification_url: String,
}

/// Why a certificate or QR code could not be produced.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// A compiled-in font could not be parsed (a broken build, not bad input).
    #[error("the embedded font {0} could not be loaded")]
    Font(&'static str),
    /// krilla refused to write the document (font embedding or page setup failed).
    #[error("could not write the PDF: {0}")]
    Write(String),
    /// The data does not fit in any QR code version at error-correction level M.
    #[error("could not encode the QR code: {0}")]
    Qr(#[from] qrcode::types::QrError),
}

/// One A4-landscape page (842 × 595 pt) PDF.
pub fn render_pdf(face: &CertificateFace) -> Result<Vec<u8>, PdfError> {
    layout::render(face)
}

/// The QR code of `data` as a standalone SVG document (for an HTML page, to inline),
/// error-correction level M, with a quiet zone.
pub fn qr_svg(data: &str) -> Result<String, PdfError> {
    qr::svg(data)
}
