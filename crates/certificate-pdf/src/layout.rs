//! Where everything sits on the page. krilla's coordinates start top left with y
//! growing downwards; a text position is its baseline.

use chrono::Datelike;
use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{Path, PathBuilder, Point, Rect};
use krilla::metadata::{DateTime, Metadata};
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, FillRule, Stroke};
use krilla::surface::Surface;

use crate::fonts::{self, Typeface};
use crate::{CertificateFace, PdfError, qr};

const PAGE_W: f32 = 842.0;
const PAGE_H: f32 = 595.0;
const CENTRE: f32 = PAGE_W / 2.0;
/// Width for the centred lines, kept well inside the frames.
const CENTRED_W: f32 = 640.0;

/// Left column (competencies, level, date, issuer) and the QR block to its right.
const LEFT_X: f32 = 72.0;
const LEFT_W: f32 = 580.0;
const QR_SIZE: f32 = 110.0;
const QR_RIGHT: f32 = PAGE_W - 62.0;
const QR_TOP: f32 = 408.0;

const MAX_TITLE_LINES: usize = 3;
const MAX_COMPETENCY_LINES: usize = 6;

const NAVY: Colour = (22, 44, 92);
const RED: Colour = (168, 24, 38);
const GOLD: Colour = (186, 146, 58);
const GREY: Colour = (80, 88, 104);

pub(crate) fn render(face: &CertificateFace) -> Result<Vec<u8>, PdfError> {
    let regular = fonts::regular()?;
    let bold = fonts::bold()?;
    let settings = PageSettings::from_wh(PAGE_W, PAGE_H)
        .ok_or_else(|| PdfError::Write("invalid page size".to_owned()))?;

    let mut document = Document::new();
    document.set_metadata(metadata(face));
    let mut page = document.start_page_with(settings);
    let mut surface = page.surface();
    let mut pen = Pen {
        surface: &mut surface,
        regular,
        bold,
    };

    pen.frames();
    pen.body(face);
    pen.qr_block(face)?;

    surface.finish();
    page.finish();
    document
        .finish()
        .map_err(|e| PdfError::Write(format!("{e:?}")))
}

fn metadata(face: &CertificateFace) -> Metadata {
    let d = face.issued_on;
    // Dating the file by the issue date keeps re-renders of one certificate identical.
    let created = DateTime::new(u16::try_from(d.year()).unwrap_or(1970))
        .month(u8::try_from(d.month()).unwrap_or(1))
        .day(u8::try_from(d.day()).unwrap_or(1));
    Metadata::new()
        .title(format!("Giấy chứng nhận — {}", face.holder_name))
        .description(face.course_title.clone())
        .language("vi".to_owned())
        .creator("Hocvuso — Bình dân học vụ số".to_owned())
        .creation_date(created)
}

/// The date as Vietnamese official documents write it (Nghị định 30/2020/NĐ-CP):
/// days below 10 and the months 1 and 2 take a leading zero.
pub(crate) fn vietnamese_date(date: chrono::NaiveDate) -> String {
    let month = if date.month() <= 2 {
        format!("{:02}", date.month())
    } else {
        date.month().to_string()
    };
    format!("ngày {:02} tháng {month} năm {}", date.day(), date.year())
}

struct Pen<'s, 'p> {
    surface: &'s mut Surface<'p>,
    regular: &'static Typeface,
    bold: &'static Typeface,
}

type Colour = (u8, u8, u8);

/// Font, size and colour of a piece of text.
#[derive(Clone, Copy)]
struct Style {
    font: &'static Typeface,
    size: f32,
    colour: Colour,
}

impl Style {
    fn width(self, text: &str) -> f32 {
        self.font.width(text, self.size)
    }

    fn ellipsize(self, text: &str, max_width: f32) -> String {
        self.font.ellipsize(text, self.size, max_width)
    }
}

#[derive(Clone, Copy)]
enum Align {
    Left,
    Centre,
    Right,
}

impl Pen<'_, '_> {
    fn regular(&self, size: f32, colour: Colour) -> Style {
        Style {
            font: self.regular,
            size,
            colour,
        }
    }

    fn bold(&self, size: f32, colour: Colour) -> Style {
        Style {
            font: self.bold,
            size,
            colour,
        }
    }

    /// Draws one line; `x` is its left end, centre or right end depending on `align`.
    fn text(&mut self, style: Style, (x, y): (f32, f32), align: Align, text: &str) {
        let glyphs = style.font.shape(text);
        let width = glyphs.iter().map(|g| g.x_advance).sum::<f32>() * style.size;
        let start = match align {
            Align::Left => x,
            Align::Centre => x - width / 2.0,
            Align::Right => x - width,
        };
        self.surface.set_stroke(None);
        self.surface.set_fill(Some(fill(style.colour)));
        self.surface.draw_glyphs(
            Point::from_xy(start, y),
            &glyphs,
            style.font.pdf_font(),
            text,
            style.size,
            false,
        );
    }

    fn centred(&mut self, style: Style, y: f32, text: &str) {
        let text = style.ellipsize(text, CENTRED_W);
        self.text(style, (CENTRE, y), Align::Centre, &text);
    }

    fn left(&mut self, style: Style, y: f32, text: &str) {
        let text = style.ellipsize(text, LEFT_W);
        self.text(style, (LEFT_X, y), Align::Left, &text);
    }

    fn frames(&mut self) {
        self.rect_outline(16.0, 2.5, NAVY);
        self.rect_outline(24.0, 0.75, GOLD);
    }

    fn rect_outline(&mut self, inset: f32, width: f32, colour: Colour) {
        let Some(path) = rect_path(Rect::from_ltrb(
            inset,
            inset,
            PAGE_W - inset,
            PAGE_H - inset,
        )) else {
            return;
        };
        self.surface.set_fill(None);
        self.surface.set_stroke(Some(Stroke {
            paint: rgb::Color::new(colour.0, colour.1, colour.2).into(),
            width,
            ..Default::default()
        }));
        self.surface.draw_path(&path);
        self.surface.set_stroke(None);
    }

    fn filled(&mut self, rect: Option<Rect>, colour: Colour) {
        if let Some(path) = rect_path(rect) {
            self.surface.set_fill(Some(fill(colour)));
            self.surface.draw_path(&path);
        }
    }

    fn body(&mut self, face: &CertificateFace) {
        self.centred(self.bold(30.0, RED), 86.0, "GIẤY CHỨNG NHẬN");
        let subtitle = "Hoàn thành khoá học kỹ năng số — Bình dân học vụ số";
        self.centred(self.regular(12.5, GREY), 110.0, subtitle);
        self.filled(
            Rect::from_ltrb(CENTRE - 70.0, 122.0, CENTRE + 70.0, 122.8),
            GOLD,
        );

        self.centred(self.regular(13.0, NAVY), 152.0, "Chứng nhận");
        // Long names shrink before they are cut: a name should stay whole where possible.
        let mut name = self.bold(28.0, NAVY);
        while name.size > 16.0 && name.width(&face.holder_name) > CENTRED_W {
            name.size -= 1.0;
        }
        self.centred(name, 190.0, &face.holder_name);

        self.centred(self.regular(13.0, NAVY), 218.0, "đã hoàn thành khoá học");
        let title = self.bold(17.0, RED);
        let mut y = 244.0;
        for line in title
            .font
            .wrap(&face.course_title, title.size, CENTRED_W, MAX_TITLE_LINES)
        {
            self.centred(title, y, &line);
            y += 23.0;
        }

        // Competencies follow the title rather than a fixed line, so a one-line title
        // leaves no hole; with three title lines and six items they still end above the
        // facts block, which stays anchored to the bottom.
        self.competencies(&face.competencies, y + 18.0);

        let facts = format!(
            "Trình độ: Mức {}     Điểm bài kiểm tra cuối khoá: {}%",
            face.level, face.score_percent
        );
        self.left(self.bold(11.0, NAVY), 462.0, &facts);
        let body = self.regular(11.0, NAVY);
        self.left(
            body,
            484.0,
            &format!("Cấp {}", vietnamese_date(face.issued_on)),
        );
        self.left(body, 502.0, &format!("Đơn vị cấp: {}", face.issuer_name));
    }

    fn competencies(&mut self, items: &[String], top: f32) {
        if items.is_empty() {
            return;
        }
        self.left(self.bold(11.0, NAVY), top, "Năng lực số đạt được:");
        let shown = if items.len() > MAX_COMPETENCY_LINES {
            MAX_COMPETENCY_LINES - 1
        } else {
            items.len()
        };
        let mut lines: Vec<String> = items[..shown]
            .iter()
            .map(|c| format!("•  {}", c.trim()))
            .collect();
        if shown < items.len() {
            lines.push(format!("…  và {} năng lực khác", items.len() - shown));
        }
        let style = self.regular(10.5, GREY);
        for (i, line) in lines.iter().enumerate() {
            let line = style.ellipsize(line, LEFT_W - 8.0);
            let at = (LEFT_X + 8.0, top + 18.0 + 15.0 * i as f32);
            self.text(style, at, Align::Left, &line);
        }
    }

    fn qr_block(&mut self, face: &CertificateFace) -> Result<(), PdfError> {
        let modules = qr::modules(&face.verification_url)?;
        let unit = QR_SIZE / modules.side as f32;
        let (left, top) = (QR_RIGHT - QR_SIZE, QR_TOP);

        // The quiet zone must be light even if the page is printed on tinted paper.
        self.filled(
            Rect::from_xywh(left, top, QR_SIZE, QR_SIZE),
            (255, 255, 255),
        );
        let mut pb = PathBuilder::new();
        for &(x, y, w) in &modules.runs {
            let (x, y, w) = (x as f32 * unit, y as f32 * unit, w as f32 * unit);
            if let Some(r) = Rect::from_xywh(left + x, top + y, w, unit) {
                pb.push_rect(r);
            }
        }
        if let Some(path) = pb.finish() {
            self.surface.set_fill(Some(fill((0, 0, 0))));
            self.surface.draw_path(&path);
        }

        let code = format!("Mã xác minh: {}", face.verification_code);
        self.under_qr(self.bold(8.5, NAVY), top + QR_SIZE + 12.0, &code);
        self.under_qr(
            self.regular(6.5, NAVY),
            top + QR_SIZE + 22.0,
            &face.verification_url,
        );
        Ok(())
    }

    /// Centred under the QR code, or flush with its right edge when wider, so that long
    /// URLs grow into the free space on the left rather than over the frame.
    fn under_qr(&mut self, style: Style, y: f32, text: &str) {
        let text = style.ellipsize(text, 300.0);
        if style.width(&text) <= QR_SIZE + 40.0 {
            self.text(style, (QR_RIGHT - QR_SIZE / 2.0, y), Align::Centre, &text);
        } else {
            self.text(style, (QR_RIGHT, y), Align::Right, &text);
        }
    }
}

fn rect_path(rect: Option<Rect>) -> Option<Path> {
    let mut pb = PathBuilder::new();
    pb.push_rect(rect?);
    pb.finish()
}

fn fill(colour: Colour) -> Fill {
    Fill {
        paint: rgb::Color::new(colour.0, colour.1, colour.2).into(),
        opacity: NormalizedF32::ONE,
        rule: FillRule::NonZero,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_follow_the_official_style() {
        let d = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).expect("valid date");
        assert_eq!(
            vietnamese_date(d(2026, 11, 29)),
            "ngày 29 tháng 11 năm 2026"
        );
        assert_eq!(vietnamese_date(d(2027, 2, 3)), "ngày 03 tháng 02 năm 2027");
        assert_eq!(vietnamese_date(d(2027, 5, 14)), "ngày 14 tháng 5 năm 2027");
    }
}
