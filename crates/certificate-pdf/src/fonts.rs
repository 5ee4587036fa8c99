//! The embedded typefaces, and text measurement that agrees with what is drawn.
//!
//! krilla keeps its shaper private, so text is shaped here with rustybuzz (the shaper
//! krilla itself uses) and handed to krilla as positioned glyphs: the widths used for
//! centring and wrapping are then exactly the widths drawn, kerning and marks included.

use std::sync::LazyLock;

use krilla::text::{Font, GlyphId, KrillaGlyph};

const REGULAR_TTF: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
const BOLD_TTF: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");

const ELLIPSIS: char = '…';

/// A font as krilla embeds it plus the same bytes parsed for shaping.
pub(crate) struct Typeface {
    pdf: Font,
    shaper: rustybuzz::Face<'static>,
}

// Parsing the fonts is the costliest step of a render; do it once per process.
static REGULAR: LazyLock<Option<Typeface>> = LazyLock::new(|| Typeface::load(REGULAR_TTF));
static BOLD: LazyLock<Option<Typeface>> = LazyLock::new(|| Typeface::load(BOLD_TTF));

pub(crate) fn regular() -> Result<&'static Typeface, crate::PdfError> {
    REGULAR.as_ref().ok_or(crate::PdfError::Font("DejaVu Sans"))
}

pub(crate) fn bold() -> Result<&'static Typeface, crate::PdfError> {
    BOLD.as_ref()
        .ok_or(crate::PdfError::Font("DejaVu Sans Bold"))
}

impl Typeface {
    fn load(bytes: &'static [u8]) -> Option<Self> {
        Some(Self {
            pdf: Font::new(bytes.into(), 0)?,
            shaper: rustybuzz::Face::from_slice(bytes, 0)?,
        })
    }

    /// A cheap handle (an `Arc`) for krilla.
    pub(crate) fn pdf_font(&self) -> Font {
        self.pdf.clone()
    }

    /// Whether the font maps `c` to a real glyph.
    #[cfg(test)]
    pub(crate) fn covers(&self, c: char) -> bool {
        self.shaper.glyph_index(c).is_some_and(|g| g.0 != 0)
    }

    /// Shapes one left-to-right line. Advances and offsets are in ems, as krilla wants.
    pub(crate) fn shape(&self, text: &str) -> Vec<KrillaGlyph> {
        let mut buffer = rustybuzz::UnicodeBuffer::new();
        buffer.push_str(text);
        buffer.set_direction(rustybuzz::Direction::LeftToRight);
        buffer.guess_segment_properties();
        let output = rustybuzz::shape(&self.shaper, &[], buffer);
        let infos = output.glyph_infos();
        let positions = output.glyph_positions();
        let upem = self.shaper.units_per_em() as f32;

        let mut glyphs = Vec::with_capacity(infos.len());
        for (i, (info, pos)) in infos.iter().zip(positions).enumerate() {
            let start = info.cluster as usize;
            // A cluster's text runs up to the next cluster's start; krilla writes it into
            // the ToUnicode map, which is what makes the diacritics copyable/searchable.
            let end = infos[i..]
                .iter()
                .map(|next| next.cluster as usize)
                .find(|&c| c != start)
                .unwrap_or(text.len());
            glyphs.push(KrillaGlyph::new(
                GlyphId::new(info.glyph_id),
                pos.x_advance as f32 / upem,
                pos.x_offset as f32 / upem,
                pos.y_offset as f32 / upem,
                pos.y_advance as f32 / upem,
                start..end,
                None,
            ));
        }
        glyphs
    }

    /// Width in points of `text` set at `size` points.
    pub(crate) fn width(&self, text: &str, size: f32) -> f32 {
        self.shape(text).iter().map(|g| g.x_advance).sum::<f32>() * size
    }

    /// `text` cut at the end and marked with "…" so that it fits in `max_width`.
    pub(crate) fn ellipsize(&self, text: &str, size: f32, max_width: f32) -> String {
        if self.width(text, size) <= max_width {
            return text.to_owned();
        }
        // Cutting between words reads better, unless that throws away much of the line
        // (one long word such as a URL): then cut between characters.
        let words: Vec<&str> = text.split_whitespace().collect();
        for n in (1..words.len()).rev() {
            let candidate = format!("{}{ELLIPSIS}", words[..n].join(" "));
            let width = self.width(&candidate, size);
            if width <= max_width {
                if width >= max_width * 2.0 / 3.0 {
                    return candidate;
                }
                break;
            }
        }
        let mut cut = text.trim_end().to_owned();
        while !cut.is_empty() {
            cut.pop();
            let candidate = format!("{}{ELLIPSIS}", cut.trim_end());
            if self.width(&candidate, size) <= max_width {
                return candidate;
            }
        }
        ELLIPSIS.to_string()
    }

    /// Greedy word wrap into at most `max_lines` lines; the last line ends in "…" when
    /// text is left over. Words wider than a whole line are broken between characters.
    pub(crate) fn wrap(
        &self,
        text: &str,
        size: f32,
        max_width: f32,
        max_lines: usize,
    ) -> Vec<String> {
        let mut lines: Vec<String> = Vec::new();
        let mut current = String::new();
        for word in text.split_whitespace() {
            let candidate = if current.is_empty() {
                word.to_owned()
            } else {
                format!("{current} {word}")
            };
            if self.width(&candidate, size) <= max_width {
                current = candidate;
                continue;
            }
            if !current.is_empty() {
                lines.push(std::mem::take(&mut current));
            }
            current = self.break_long_word(word, size, max_width, &mut lines);
        }
        if !current.is_empty() {
            lines.push(current);
        }

        if lines.len() > max_lines {
            let rest = lines.split_off(max_lines - 1).join(" ");
            // Force the mark even if the joined rest happens to fit.
            let marked = self.ellipsize(&format!("{rest}{ELLIPSIS}"), size, max_width);
            lines.push(marked);
        }
        lines
    }

    /// Pushes full-width pieces of `word` onto `lines` and returns the remainder.
    fn break_long_word(
        &self,
        word: &str,
        size: f32,
        max_width: f32,
        lines: &mut Vec<String>,
    ) -> String {
        let mut piece = String::new();
        for c in word.chars() {
            piece.push(c);
            if self.width(&piece, size) > max_width && piece.chars().count() > 1 {
                piece.pop();
                lines.push(std::mem::take(&mut piece));
                piece.push(c);
            }
        }
        piece
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_keeps_lines_within_width_and_marks_leftovers() {
        let face = regular().expect("font loads");
        let text = "Nhận diện và phòng tránh lừa đảo trực tuyến ".repeat(6);
        let lines = face.wrap(&text, 17.0, 300.0, 3);
        assert_eq!(lines.len(), 3);
        for line in &lines {
            assert!(face.width(line, 17.0) <= 300.0, "{line:?} too wide");
        }
        assert!(lines[2].ends_with(ELLIPSIS));
        assert!(lines[0].starts_with("Nhận diện"));
    }

    #[test]
    fn wrap_breaks_a_word_longer_than_the_line() {
        let face = bold().expect("font loads");
        let lines = face.wrap(&"ữ".repeat(80), 12.0, 100.0, 10);
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| face.width(l, 12.0) <= 100.0));
        assert_eq!(lines.concat(), "ữ".repeat(80));
    }

    /// The 134 Vietnamese letters that carry a diacritic: 12 vowels × 6 tones, less the
    /// six bare vowels, plus đ; lower and upper case.
    fn vietnamese_letters() -> Vec<char> {
        use unicode_normalization::UnicodeNormalization;
        let vowels = "aăâeêioôơuưy";
        let tones = ['\0', '\u{300}', '\u{301}', '\u{309}', '\u{303}', '\u{323}'];
        let mut lower = vec!['đ'];
        for v in vowels.chars() {
            for &t in &tones {
                let letter: Vec<char> = if t == '\0' {
                    vec![v]
                } else {
                    [v, t].into_iter().nfc().collect()
                };
                assert_eq!(letter.len(), 1, "{v}+{t:?} has a precomposed form");
                if !"aeiouy".contains(letter[0]) {
                    lower.push(letter[0]);
                }
            }
        }
        let upper: Vec<char> = lower.iter().flat_map(|c| c.to_uppercase()).collect();
        let all: Vec<char> = lower.into_iter().chain(upper).collect();
        assert_eq!(all.len(), 134);
        all
    }

    #[test]
    fn both_fonts_cover_every_vietnamese_letter() {
        let letters = vietnamese_letters();
        assert!(letters.contains(&'ỗ') && letters.contains(&'Ữ') && letters.contains(&'ặ'));
        for (name, face) in [("regular", regular()), ("bold", bold())] {
            let face = face.expect("font loads");
            let missing: String = letters.iter().filter(|&&c| !face.covers(c)).collect();
            assert!(missing.is_empty(), "{name} lacks {missing}");
            // What is drawn goes through the shaper; it must not fall back to .notdef either.
            let text: String = letters.iter().collect();
            assert!(face.shape(&text).iter().all(|g| g.glyph_id.to_u32() != 0));
        }
        // The check itself can fail: DejaVu has no Hangul.
        assert!(!regular().expect("font loads").covers('한'));
    }

    #[test]
    fn short_text_is_left_alone() {
        let face = regular().expect("font loads");
        assert_eq!(face.wrap("Mức 1", 12.0, 500.0, 2), vec!["Mức 1"]);
        assert_eq!(face.ellipsize("Mức 1", 12.0, 500.0), "Mức 1");
        let cut = face.ellipsize("Đơn vị cấp rất dài ".repeat(10).as_str(), 12.0, 80.0);
        assert!(cut.ends_with(ELLIPSIS) && face.width(&cut, 12.0) <= 80.0);
    }

    #[test]
    fn ellipsis_prefers_word_boundaries_but_not_at_any_price() {
        let face = regular().expect("font loads");
        let text = "Ủy ban nhân dân phường Thủ Dầu Một tỉnh Bình Dương";
        let max = face.width(text, 11.0) - 5.0;
        let cut = face.ellipsize(text, 11.0, max);
        assert_eq!(cut, "Ủy ban nhân dân phường Thủ Dầu Một tỉnh Bình…");

        let url = "Xem https://hocvuso.vn/xac-minh/chung-nhan/7KQ2M9XH4D?ngon-ngu=vi";
        let max = face.width(url, 11.0) - 20.0;
        let cut = face.ellipsize(url, 11.0, max);
        assert!(cut.starts_with("Xem https://hocvuso.vn/xac-minh/"), "{cut}");
        assert!(cut.ends_with(ELLIPSIS) && face.width(&cut, 11.0) <= max);
    }
}
