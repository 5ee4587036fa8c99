//! Writes `target/sample-certificate.pdf` (and the QR SVG beside it) for looking at,
//! and prints its size and the time one render takes.
//!
//! `cargo run -p hocvuso-certificate-pdf --example sample_certificate [--release]`

use std::path::PathBuf;
use std::time::Instant;

use hocvuso_certificate_pdf::{CertificateFace, qr_svg, render_pdf};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let face = CertificateFace {
        holder_name: "Nguyễn Thị Hường".to_owned(),
        course_title: "Nhận diện và phòng tránh lừa đảo trực tuyến".to_owned(),
        competencies: vec![
            "4.2 Bảo vệ dữ liệu cá nhân và quyền riêng tư".to_owned(),
            "4.1 Bảo vệ thiết bị và nội dung số".to_owned(),
            "2.2 Chia sẻ thông tin qua công nghệ số một cách an toàn".to_owned(),
            "1.2 Đánh giá dữ liệu, thông tin và nội dung số: nhận biết tin giả, tin lừa đảo"
                .to_owned(),
        ],
        level: 1,
        score_percent: 85,
        issued_on: chrono::NaiveDate::from_ymd_opt(2026, 11, 29).ok_or("bad date")?,
        issuer_name: "Phường An Biên — Nền tảng Bình dân học vụ số".to_owned(),
        verification_code: "7KQ2M-9XH4D".to_owned(),
        verification_url: "https://hocvuso.vn/v/7KQ2M9XH4D".to_owned(),
    };

    // The first render pays for parsing the fonts; time the steady state separately.
    let first = Instant::now();
    let pdf = render_pdf(&face)?;
    let first = first.elapsed();
    let rounds: u32 = 20;
    let steady = Instant::now();
    for _ in 0..rounds {
        render_pdf(&face)?;
    }
    let steady = steady.elapsed() / rounds;

    // The worst case too: every field longer than the layout has room for.
    let long = CertificateFace {
        holder_name: "Tôn Nữ Hoàng Phương Thảo Nguyễn Phước Vĩnh Bảo Quốc Trưởng Hiếu Đức".to_owned(),
        course_title: "Sử dụng dịch vụ công trực tuyến, thanh toán không dùng tiền mặt và bảo vệ tài khoản ngân hàng số của gia đình ".repeat(3),
        competencies: (1..=12)
            .map(|i| format!("{i}.{i} Khai thác, đánh giá và quản lý dữ liệu, thông tin và nội dung số một cách có trách nhiệm, an toàn"))
            .collect(),
        issuer_name: "Ủy ban nhân dân phường Thủ Dầu Một — Trung tâm Chuyển đổi số tỉnh Bình Dương — Nền tảng Bình dân học vụ số".to_owned(),
        verification_url: "https://hocvuso.vn/xac-minh/chung-nhan/7KQ2M9XH4D?ngon-ngu=vi&nguon=ban-in".to_owned(),
        ..face.clone()
    };

    let target = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target");
    std::fs::create_dir_all(&target)?;
    std::fs::write(target.join("sample-certificate.pdf"), &pdf)?;
    std::fs::write(
        target.join("sample-certificate-long.pdf"),
        render_pdf(&long)?,
    )?;
    std::fs::write(
        target.join("sample-qr.svg"),
        qr_svg(&face.verification_url)?,
    )?;
    println!(
        "sample-certificate.pdf: {} bytes; first render {first:?}, then {steady:?} per render",
        pdf.len()
    );
    Ok(())
}
