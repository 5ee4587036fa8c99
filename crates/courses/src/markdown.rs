//! Lesson Markdown: to sanitised HTML (what a client can put straight into a page), and
//! to plain-text sections (what search and the assistant read).

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};

/// Where a lesson's own files are served; the only place its images may come from.
const OWN_MEDIA: &str = "/api/v1/media/";

/// Lesson HTML keeps what lessons need and nothing a page could be turned against its
/// reader with: links only to `https` (or relative), images only from the lesson's own
/// media — a remote image would tell a stranger who reads which lesson, when, from where.
pub fn to_safe_html(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut unsafe_html, Parser::new_ext(markdown, options));
    ammonia::Builder::default()
        .url_schemes(std::collections::HashSet::from(["https"]))
        .attribute_filter(|element, attribute, value| match (element, attribute) {
            ("img", "src") if !value.starts_with(OWN_MEDIA) => None,
            _ => Some(value.into()),
        })
        .clean(&unsafe_html)
        .to_string()
}

/// A part of a lesson under one heading (the part before the first heading has none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub heading: Option<String>,
    pub blocks: Vec<Block>,
}

/// A paragraph, a list item or a table row, as plain text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub text: String,
    /// Items of one list share a number (unique within the lesson); steps are items of
    /// a numbered list.
    pub list: Option<u32>,
    pub numbered: bool,
}

impl Section {
    pub fn text(&self) -> String {
        let mut text = String::new();
        for block in &self.blocks {
            text.push_str(&block.text);
            text.push('\n');
        }
        text
    }
}

/// The lesson as sections of plain-text blocks; emphasis and links keep their words.
pub fn sections(markdown: &str) -> Vec<Section> {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let mut sections = vec![Section {
        heading: None,
        blocks: Vec::new(),
    }];
    let mut text = String::new();
    let mut heading: Option<String> = None;
    // Open lists, innermost last: (number, numbered).
    let mut lists: Vec<(u32, bool)> = Vec::new();
    let mut lists_seen = 0u32;
    let flush = |text: &mut String, sections: &mut Vec<Section>, lists: &[(u32, bool)]| {
        let block = text.split_whitespace().collect::<Vec<_>>().join(" ");
        text.clear();
        if block.is_empty() {
            return;
        }
        let list = lists.last().copied();
        if let Some(section) = sections.last_mut() {
            section.blocks.push(Block {
                text: block,
                list: list.map(|(n, _)| n),
                numbered: list.is_some_and(|(_, numbered)| numbered),
            });
        }
    };
    for event in Parser::new_ext(markdown, options) {
        match event {
            Event::Start(Tag::Heading { level, .. }) if level <= HeadingLevel::H3 => {
                flush(&mut text, &mut sections, &lists);
                heading = Some(String::new());
            }
            Event::End(TagEnd::Heading(_)) if heading.is_some() => {
                let title = heading.take().unwrap_or_default();
                sections.push(Section {
                    heading: Some(title.trim().to_owned()),
                    blocks: Vec::new(),
                });
            }
            Event::Start(Tag::List(first)) => {
                flush(&mut text, &mut sections, &lists);
                lists_seen += 1;
                lists.push((lists_seen, first.is_some()));
            }
            Event::End(TagEnd::List(_)) => {
                flush(&mut text, &mut sections, &lists);
                lists.pop();
            }
            Event::Start(Tag::Item) => flush(&mut text, &mut sections, &lists),
            Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::TableRow | TagEnd::TableHead) => {
                flush(&mut text, &mut sections, &lists)
            }
            Event::Text(t) | Event::Code(t) => match heading.as_mut() {
                Some(title) => title.push_str(&t),
                None => text.push_str(&t),
            },
            Event::End(TagEnd::TableCell) => text.push_str(" · "),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    flush(&mut text, &mut sections, &lists);
    sections.retain(|s| !s.blocks.is_empty());
    sections
}

/// The lesson as plain text, one block a line.
pub fn plain_text(markdown: &str) -> String {
    let mut text = String::with_capacity(markdown.len());
    for section in sections(markdown) {
        if let Some(heading) = &section.heading {
            text.push_str(heading);
            text.push('\n');
        }
        text.push_str(&section.text());
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_https_and_images_only_our_own() {
        let html = to_safe_html(
            "[a](https://dichvucong.gov.vn) [b](http://evil.example) [c](javascript:alert(1)) \
             [d](ftp://x.example)\n\n![ok](/api/v1/media/0193/file) ![tracker](https://evil.example/p.gif)",
        );
        assert!(
            html.contains(r#"href="https://dichvucong.gov.vn""#),
            "{html}"
        );
        for gone in ["http://evil", "javascript:", "ftp://", "evil.example/p.gif"] {
            assert!(!html.contains(gone), "{gone} in {html}");
        }
        assert!(html.contains(r#"src="/api/v1/media/0193/file""#), "{html}");
    }

    #[test]
    fn renders_and_strips_scripts() {
        let html = to_safe_html(
            "## Ghi nhớ\n\n1. Bước **một**\n\n<script>alert(1)</script><a href=\"javascript:x()\">x</a>",
        );
        assert!(html.contains("<h2>Ghi nhớ</h2>"));
        assert!(html.contains("<strong>một</strong>"));
        assert!(!html.contains("<script"));
        assert!(!html.contains("javascript:"));
    }

    #[test]
    fn splits_into_sections_of_blocks() {
        let sections = sections(
            "Mở đầu **quan trọng**\nvà tiếp.\n\n## Cài đặt\n\n1. Mở *CH Play*.\n2. Tìm `VNeID`.\n\nXong.\n\n## Ghi nhớ\n\n- Không chia sẻ mã OTP.\n",
        );
        assert_eq!(sections.len(), 3);
        assert_eq!(sections[0].heading, None);
        assert_eq!(sections[0].blocks[0].text, "Mở đầu quan trọng và tiếp.");
        assert_eq!(sections[1].heading.as_deref(), Some("Cài đặt"));
        let steps: Vec<_> = sections[1]
            .blocks
            .iter()
            .map(|b| (b.text.as_str(), b.list, b.numbered))
            .collect();
        assert_eq!(
            steps,
            [
                ("Mở CH Play.", Some(1), true),
                ("Tìm VNeID.", Some(1), true),
                ("Xong.", None, false)
            ]
        );
        assert_eq!(sections[2].blocks[0].list, Some(2));
        assert!(!sections[2].blocks[0].numbered);
        assert!(
            plain_text("## Bảo mật\n\n1. Đặt **mật khẩu** mạnh\n")
                .contains("Bảo mật\nĐặt mật khẩu mạnh\n")
        );
    }
}
