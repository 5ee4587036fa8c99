//! Lesson Markdown to HTML, sanitised: what a client can put straight into a page.

use pulldown_cmark::{Options, Parser, html};

pub fn to_safe_html(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut unsafe_html, Parser::new_ext(markdown, options));
    ammonia::clean(&unsafe_html)
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
