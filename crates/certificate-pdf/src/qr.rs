//! The verification QR code: as module rectangles for the PDF and as an SVG document.

use qrcode::render::svg;
use qrcode::{Color, EcLevel, QrCode};

use crate::PdfError;

/// Light modules around the symbol, as ISO/IEC 18004 requires for reliable scanning.
pub(crate) const QUIET_ZONE: usize = 4;

/// Level M survives a smudged or creased printout (~15 % damage) while keeping a
/// verification URL at a version small enough to print at ~110 pt.
const EC_LEVEL: EcLevel = EcLevel::M;

/// A QR code as dark horizontal runs, in module units, quiet zone included.
pub(crate) struct Modules {
    /// Modules per side, quiet zone included.
    pub(crate) side: usize,
    /// `(x, y, length)` of each run of dark modules; every run is one module high.
    pub(crate) runs: Vec<(usize, usize, usize)>,
}

pub(crate) fn modules(data: &str) -> Result<Modules, PdfError> {
    let code = QrCode::with_error_correction_level(data, EC_LEVEL)?;
    let width = code.width();
    let colors = code.to_colors();
    let mut runs = Vec::new();
    for (y, row) in colors.chunks(width).enumerate() {
        let mut x = 0;
        while x < width {
            if row[x] == Color::Dark {
                let start = x;
                while x < width && row[x] == Color::Dark {
                    x += 1;
                }
                // Horizontal runs instead of single squares: fewer path segments, and
                // no hairline seams between neighbouring modules in some viewers.
                runs.push((start + QUIET_ZONE, y + QUIET_ZONE, x - start));
            } else {
                x += 1;
            }
        }
    }
    Ok(Modules {
        side: width + 2 * QUIET_ZONE,
        runs,
    })
}

pub(crate) fn svg(data: &str) -> Result<String, PdfError> {
    let code = QrCode::with_error_correction_level(data, EC_LEVEL)?;
    Ok(code
        .render::<svg::Color<'_>>()
        .quiet_zone(true)
        .module_dimensions(8, 8)
        .build())
}

#[cfg(test)]
mod tests {
    use super::*;

    const URL: &str = "https://hocvuso.vn/v/7KQ2M9XH4D";

    #[test]
    fn runs_reproduce_the_module_matrix() {
        let code = QrCode::with_error_correction_level(URL, EcLevel::M).expect("encodes");
        let width = code.width();
        let m = modules(URL).expect("encodes");
        assert_eq!(m.side, width + 2 * QUIET_ZONE);

        let mut drawn = vec![false; m.side * m.side];
        for &(x, y, w) in &m.runs {
            for cell in &mut drawn[y * m.side + x..y * m.side + x + w] {
                assert!(!*cell, "runs overlap");
                *cell = true;
            }
        }
        for y in 0..m.side {
            for x in 0..m.side {
                let inside = (QUIET_ZONE..QUIET_ZONE + width).contains(&x)
                    && (QUIET_ZONE..QUIET_ZONE + width).contains(&y);
                let expected = inside && code[(x - QUIET_ZONE, y - QUIET_ZONE)] == Color::Dark;
                assert_eq!(drawn[y * m.side + x], expected, "module ({x}, {y})");
            }
        }
    }

    #[test]
    fn svg_is_a_standalone_document_of_the_right_size() {
        let svg = svg(URL).expect("encodes");
        let width = QrCode::with_error_correction_level(URL, EcLevel::M)
            .expect("encodes")
            .width();
        assert!(svg.starts_with("<?xml"));
        assert!(svg.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.trim_end().ends_with("</svg>"));
        let side = (width + 2 * QUIET_ZONE) * 8;
        assert!(
            svg.contains(&format!("viewBox=\"0 0 {side} {side}\"")),
            "{svg}"
        );
    }

    #[test]
    fn oversized_data_is_an_error_not_a_panic() {
        assert!(matches!(svg(&"x".repeat(5000)), Err(PdfError::Qr(_))));
    }
}
