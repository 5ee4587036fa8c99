//! End-to-end checks on the produced PDF, read back with lopdf.

use chrono::NaiveDate;
use hocvuso_certificate_pdf::{CertificateFace, qr_svg, render_pdf};
use lopdf::{Document, Object};

fn vietnamese_face() -> CertificateFace {
    CertificateFace {
        holder_name: "Nguyễn Thị Hường Đặng Vũ Trọng Bảo".to_owned(),
        course_title:
            "Nhận diện và phòng tránh lừa đảo trực tuyến: giữ vững lòng tin, bảo vệ cộng đồng"
                .to_owned(),
        competencies: vec![
            "4.2 Bảo vệ dữ liệu cá nhân và quyền riêng tư".to_owned(),
            "4.1 Bảo vệ thiết bị trước phần mềm độc hại".to_owned(),
            "2.5 Ứng xử văn minh trên mạng: những điều cần lưu ý, tránh gây tổn thương".to_owned(),
        ],
        level: 3,
        score_percent: 85,
        issued_on: NaiveDate::from_ymd_opt(2026, 11, 29).expect("valid date"),
        issuer_name: "Phường An Biên — Nền tảng Bình dân học vụ số".to_owned(),
        verification_code: "7KQ2M-9XH4D".to_owned(),
        verification_url: "https://hocvuso.vn/v/7KQ2M9XH4D".to_owned(),
    }
}

fn number(o: &Object) -> f32 {
    match o {
        Object::Integer(i) => *i as f32,
        Object::Real(r) => *r,
        other => panic!("not a number: {other:?}"),
    }
}

fn single_page(doc: &Document) -> lopdf::ObjectId {
    let pages = doc.get_pages();
    assert_eq!(pages.len(), 1, "expected exactly one page");
    *pages.get(&1).expect("page 1")
}

/// Text with whitespace runs collapsed: extractors differ in where they put breaks.
fn flat(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn one_landscape_page_with_embedded_fonts_and_extractable_vietnamese() {
    let face = vietnamese_face();
    let pdf = render_pdf(&face).expect("renders");
    assert!(pdf.starts_with(b"%PDF-"));
    assert!(pdf.len() < 60_000, "certificate is {} bytes", pdf.len());

    let doc = Document::load_mem(&pdf).expect("lopdf parses the output");
    let page = doc
        .get_object(single_page(&doc))
        .and_then(Object::as_dict)
        .expect("page dictionary");
    let media_box: Vec<f32> = page
        .get(b"MediaBox")
        .and_then(Object::as_array)
        .expect("MediaBox on the page")
        .iter()
        .map(number)
        .collect();
    assert_eq!(media_box, vec![0.0, 0.0, 842.0, 595.0]);

    let descriptors_with_files = doc
        .objects
        .values()
        .filter_map(|o| o.as_dict().ok())
        .filter(|d| d.has(b"FontFile2") || d.has(b"FontFile3"))
        .count();
    assert_eq!(descriptors_with_files, 2, "regular and bold embedded");

    let text = flat(&doc.extract_text(&[1]).expect("text extraction"));
    for expected in [
        face.holder_name.as_str(),
        face.course_title.as_str(),
        face.verification_code.as_str(),
        "GIẤY CHỨNG NHẬN",
        "4.2 Bảo vệ dữ liệu cá nhân và quyền riêng tư",
        "Điểm bài kiểm tra cuối khoá: 85%",
        "ngày 29 tháng 11 năm 2026",
        "Phường An Biên — Nền tảng Bình dân học vụ số",
        face.verification_url.as_str(),
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} missing from extracted text:\n{text}"
        );
    }
}

#[test]
fn overlong_content_still_fits_on_one_page() {
    let mut face = vietnamese_face();
    face.holder_name =
        "Tôn Nữ Hoàng Phương Thảo Nguyễn Phước Vĩnh Bảo Quốc Trưởng Hiếu Đức".repeat(2);
    face.course_title = "Sử dụng dịch vụ công trực tuyến, thanh toán không dùng tiền mặt và bảo vệ tài khoản ngân hàng số của gia đình ".repeat(4);
    face.competencies = (1..=12)
        .map(|i| format!("{i}.{i} Năng lực số thứ {i}: khai thác, đánh giá và quản lý dữ liệu, thông tin và nội dung số một cách có trách nhiệm"))
        .collect();
    face.issuer_name = "Ủy ban nhân dân ".repeat(20);

    let pdf = render_pdf(&face).expect("renders");
    let doc = Document::load_mem(&pdf).expect("lopdf parses the output");
    let text = flat(&doc.extract_text(&[1]).expect("text extraction"));
    assert!(text.contains("và 7 năng lực khác"), "{text}");
    assert!(text.contains("1.1 Năng lực số thứ 1"), "{text}");
    assert!(
        !text.contains("6.6 Năng lực"),
        "only five items and a summary line: {text}"
    );
    assert!(text.contains(&face.verification_code));
}

#[test]
fn empty_fields_do_not_break_rendering() {
    let mut face = vietnamese_face();
    face.competencies.clear();
    face.course_title.clear();
    face.holder_name.clear();
    let pdf = render_pdf(&face).expect("renders");
    single_page(&Document::load_mem(&pdf).expect("parses"));
}

#[test]
fn qr_svg_is_an_svg_document() {
    let svg = qr_svg("https://hocvuso.vn/v/7KQ2M9XH4D").expect("encodes");
    assert!(svg.starts_with("<?xml"));
    assert!(svg.contains("<svg ") && svg.ends_with("</svg>"));
    assert!(svg.contains("<path"), "modules are drawn");
}

#[test]
fn rendering_is_deterministic() {
    let face = vietnamese_face();
    assert_eq!(
        render_pdf(&face).expect("renders"),
        render_pdf(&face).expect("renders")
    );
}
