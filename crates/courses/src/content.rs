//! Reading the curriculum folder (`content/`, see its README): the framework and the
//! courses, parsed and cross-checked. Every problem is reported with its file and line,
//! all of them at once, so an editor can fix a folder in one pass.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use data_encoding::HEXLOWER;
use hocvuso_kernel::TargetGroup;
use hocvuso_kernel::content_file::{ContentReader, FileError, line_of};
use serde::Deserialize;
use sha2::{Digest, Sha256};

pub const AUDIENCES: [&str; 3] = ["elderly", "disability", "small_trader"];

/// One problem in a curriculum file: `file:line: message`.
pub type ContentError = FileError;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Framework {
    pub domains: Vec<DomainDef>,
    pub competencies: Vec<CompetencyDef>,
    pub levels: Vec<LevelDef>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DomainDef {
    pub code: String,
    pub name: String,
    pub name_en: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompetencyDef {
    pub code: String,
    pub domain: String,
    pub name: String,
    pub name_en: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LevelDef {
    pub level: i32,
    pub tier: String,
    pub tier_name: String,
    pub description: String,
    pub description_en: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CourseManifest {
    pub code: String,
    pub title: String,
    pub title_en: Option<String>,
    pub summary: String,
    pub summary_en: Option<String>,
    pub target_groups: Vec<String>,
    #[serde(default)]
    pub audiences: Vec<String>,
    pub level: i32,
    pub competencies: Vec<String>,
    pub estimated_minutes: i32,
    #[serde(default = "yes")]
    pub sequential: bool,
    pub pass_mark: i32,
    pub modules: Vec<ModuleDef>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModuleDef {
    pub code: String,
    pub title: String,
    pub lessons: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LessonFront {
    pub title: String,
    pub kind: String,
    pub competencies: Vec<String>,
    pub level: i32,
    pub estimated_minutes: i32,
    pub summary: String,
    /// When the facts in the lesson that go stale (laws, hotline numbers, the steps of an
    /// app) were last checked against their sources, as `YYYY-MM`.
    #[serde(default)]
    pub checked: Option<String>,
    /// Where those facts come from: a law's number and title, an official page's address.
    #[serde(default)]
    pub sources: Vec<String>,
}

/// Whether `value` is a `YYYY-MM` month.
fn is_month(value: &str) -> bool {
    chrono::NaiveDate::parse_from_str(&format!("{value}-01"), "%Y-%m-%d").is_ok()
        && value.len() == 7
}

#[derive(Debug, Clone)]
pub struct LessonSource {
    pub slug: String,
    pub module_code: String,
    pub front: LessonFront,
    pub body: String,
    pub easy_read: Option<String>,
}

#[derive(Debug, Clone)]
pub struct CourseSource {
    pub manifest: CourseManifest,
    pub lessons: Vec<LessonSource>,
    /// SHA-256 over every file of the course, to skip unchanged re-imports.
    pub hash: String,
}

#[derive(Debug, Clone)]
pub struct Curriculum {
    pub framework: Framework,
    pub courses: Vec<CourseSource>,
    /// Codes kept for later releases (`reserved-course-codes.txt`), besides the
    /// courses' own.
    pub reserved: Vec<String>,
}

/// The codes of `reserved-course-codes.txt`: one per line, `#` starts a comment; a
/// folder without the file reserves only its courses' codes.
fn reserved_codes(reader: &mut ContentReader, root: &Path) -> Vec<String> {
    let path = root.join("reserved-course-codes.txt");
    if !path.exists() {
        return Vec::new();
    }
    let Some(text) = reader.read(&path) else {
        return Vec::new();
    };
    text.lines()
        .map(|line| line.split('#').next().unwrap_or_default().trim())
        .filter(|code| !code.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Reads and checks the whole folder.
pub fn load(root: &Path) -> Result<Curriculum, Vec<ContentError>> {
    let mut reader = ContentReader::new(root);
    let framework_path = root.join("framework/competencies.toml");
    let framework: Option<Framework> = reader
        .read(&framework_path)
        .and_then(|text| reader.toml(&framework_path, &text, 1));
    let competency_codes: HashSet<String> = framework
        .iter()
        .flat_map(|f| f.competencies.iter().map(|c| c.code.clone()))
        .collect();
    if let Some(framework) = &framework {
        let domains: HashSet<&str> = framework.domains.iter().map(|d| d.code.as_str()).collect();
        for competency in &framework.competencies {
            if !domains.contains(competency.domain.as_str()) {
                reader.error(
                    &framework_path,
                    None,
                    format!(
                        "competency {} names unknown domain {}",
                        competency.code, competency.domain
                    ),
                );
            }
        }
    }

    let mut courses = Vec::new();
    let courses_dir = root.join("courses");
    let mut folders: Vec<PathBuf> = match std::fs::read_dir(&courses_dir) {
        Ok(entries) => entries
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.is_dir())
            .collect(),
        Err(e) => {
            reader.error(&courses_dir, None, format!("cannot list courses: {e}"));
            Vec::new()
        }
    };
    folders.sort();
    for folder in folders {
        if let Some(course) = load_course(&mut reader, &folder, &competency_codes) {
            courses.push(course);
        }
    }
    let reserved = reserved_codes(&mut reader, root);
    match framework {
        Some(framework) if reader.is_clean() => Ok(Curriculum {
            framework,
            courses,
            reserved,
        }),
        _ => Err(reader.into_errors()),
    }
}

fn load_course(
    reader: &mut ContentReader,
    folder: &Path,
    competencies: &HashSet<String>,
) -> Option<CourseSource> {
    let manifest_path = folder.join("course.toml");
    let manifest_text = reader.read(&manifest_path)?;
    let manifest: CourseManifest = reader.toml(&manifest_path, &manifest_text, 1)?;
    let mut hasher = Sha256::new();
    hasher.update(manifest_text.as_bytes());
    let at = |needle: &str| line_of(&manifest_text, needle);

    let folder_name = folder
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    if manifest.code != folder_name {
        reader.error(
            &manifest_path,
            at("code"),
            format!(
                "code {:?} differs from the folder name {folder_name:?}",
                manifest.code
            ),
        );
    }
    if manifest.code.is_empty()
        || !manifest
            .code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        reader.error(
            &manifest_path,
            at("code"),
            "code must be lowercase ASCII letters, digits and dashes",
        );
    }
    if manifest.target_groups.is_empty() {
        reader.error(
            &manifest_path,
            at("target_groups"),
            "at least one target group is required",
        );
    }
    for group in &manifest.target_groups {
        if TargetGroup::parse(group).is_none() {
            reader.error(
                &manifest_path,
                at("target_groups"),
                format!("unknown target group {group:?}"),
            );
        }
    }
    for audience in &manifest.audiences {
        if !AUDIENCES.contains(&audience.as_str()) {
            reader.error(
                &manifest_path,
                at("audiences"),
                format!("unknown audience {audience:?}"),
            );
        }
    }
    if !(1..=8).contains(&manifest.level) {
        reader.error(&manifest_path, at("level"), "level must be 1 to 8");
    }
    if !(0..=100).contains(&manifest.pass_mark) {
        reader.error(
            &manifest_path,
            at("pass_mark"),
            "pass_mark must be 0 to 100",
        );
    }
    if manifest.estimated_minutes <= 0 {
        reader.error(
            &manifest_path,
            at("estimated_minutes"),
            "estimated_minutes must be positive",
        );
    }
    for code in &manifest.competencies {
        if !competencies.contains(code) {
            reader.error(
                &manifest_path,
                at("competencies"),
                format!("unknown competency {code:?}"),
            );
        }
    }

    let lessons_dir = folder.join("lessons");
    let mut on_disk: BTreeMap<String, PathBuf> = BTreeMap::new();
    if let Ok(entries) = std::fs::read_dir(&lessons_dir) {
        for path in entries.filter_map(|e| e.ok()).map(|e| e.path()) {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            if let Some(stem) = name.strip_suffix(".md").filter(|s| !s.ends_with(".easy")) {
                on_disk.insert(stem.to_owned(), path);
            }
        }
    }
    let mut module_codes = HashSet::new();
    let mut listed = HashSet::new();
    let mut lessons = Vec::new();
    for module in &manifest.modules {
        if !module_codes.insert(module.code.clone()) {
            reader.error(
                &manifest_path,
                at(&module.code),
                format!("module {:?} appears twice", module.code),
            );
        }
        for slug in &module.lessons {
            if !listed.insert(slug.clone()) {
                reader.error(
                    &manifest_path,
                    at(slug),
                    format!("lesson {slug:?} is listed twice"),
                );
                continue;
            }
            let Some(path) = on_disk.get(slug).cloned() else {
                reader.error(
                    &manifest_path,
                    at(slug),
                    format!("lesson {slug:?} has no file lessons/{slug}.md"),
                );
                continue;
            };
            if let Some(lesson) =
                load_lesson(reader, &path, slug, &module.code, competencies, &mut hasher)
            {
                lessons.push(lesson);
            }
        }
    }
    for (slug, path) in &on_disk {
        if !listed.contains(slug) {
            reader.error(
                path,
                None,
                "this lesson is not listed in any module of course.toml",
            );
        }
    }
    if lessons.is_empty() {
        reader.error(
            &manifest_path,
            at("modules"),
            "a course needs at least one lesson",
        );
    }
    Some(CourseSource {
        manifest,
        lessons,
        hash: HEXLOWER.encode(&hasher.finalize()),
    })
}

/// Splits `+++` front matter from the body; returns the front matter, the line where it
/// starts, and the body.
fn split_front_matter(text: &str) -> Option<(&str, &str)> {
    let rest = text
        .strip_prefix("+++\n")
        .or_else(|| text.strip_prefix("+++\r\n"))?;
    let end = rest.find("\n+++")?;
    let body = rest[end + 4..].trim_start_matches(['\r', '\n']);
    Some((&rest[..=end], body))
}

fn load_lesson(
    reader: &mut ContentReader,
    path: &Path,
    slug: &str,
    module_code: &str,
    competencies: &HashSet<String>,
    hasher: &mut Sha256,
) -> Option<LessonSource> {
    let text = reader.read(path)?;
    hasher.update(text.as_bytes());
    let Some((front_text, body)) = split_front_matter(&text) else {
        reader.error(
            path,
            Some(1),
            "a lesson starts with front matter between +++ lines",
        );
        return None;
    };
    let front: LessonFront = reader.toml(path, front_text, 2)?;
    if front.kind != "text" {
        reader.error(
            path,
            line_of(&text, "kind"),
            format!(
                "kind {:?}: shipped lessons are text; media lessons are uploaded by trainers",
                front.kind
            ),
        );
    }
    for code in &front.competencies {
        if !competencies.contains(code) {
            reader.error(
                path,
                line_of(&text, "competencies"),
                format!("unknown competency {code:?}"),
            );
        }
    }
    if !(1..=8).contains(&front.level) {
        reader.error(path, line_of(&text, "level"), "level must be 1 to 8");
    }
    if let Some(checked) = &front.checked
        && !is_month(checked)
    {
        reader.error(
            path,
            line_of(&text, "checked"),
            format!("checked {checked:?}: write the month the facts were checked, YYYY-MM"),
        );
    }
    if front.checked.is_some() && front.sources.is_empty() {
        reader.error(
            path,
            line_of(&text, "checked"),
            "a checked lesson names its sources (sources = [\"Luật số 91/2025/QH15\", …])",
        );
    }
    if body.trim().is_empty() {
        reader.error(path, None, "the lesson has no body");
    }
    let easy_path = path.with_file_name(format!("{slug}.easy.md"));
    let easy_read = if easy_path.exists() {
        let easy_text = reader.read(&easy_path)?;
        hasher.update(easy_text.as_bytes());
        match split_front_matter(&easy_text) {
            Some((easy_front, easy_body)) => {
                let _: LessonFront = reader.toml(&easy_path, easy_front, 2)?;
                Some(easy_body.to_owned())
            }
            None => {
                reader.error(
                    &easy_path,
                    Some(1),
                    "an easy-read lesson starts with front matter between +++ lines",
                );
                None
            }
        }
    } else {
        None
    };
    Some(LessonSource {
        slug: slug.to_owned(),
        module_code: module_code.to_owned(),
        front,
        body: body.to_owned(),
        easy_read,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shipped() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content")
    }

    #[test]
    fn the_shipped_curriculum_loads_cleanly() {
        let curriculum = match load(&shipped()) {
            Ok(c) => c,
            Err(errors) => panic!(
                "content errors:\n{}",
                errors
                    .iter()
                    .map(|e| e.to_string())
                    .collect::<Vec<_>>()
                    .join("\n")
            ),
        };
        assert_eq!(curriculum.framework.competencies.len(), 24);
        assert_eq!(curriculum.framework.levels.len(), 8);
        assert!(curriculum.courses.len() >= 8);
        let lessons: usize = curriculum.courses.iter().map(|c| c.lessons.len()).sum();
        assert!(lessons >= 60, "{lessons} lessons");
        for course in &curriculum.courses {
            for lesson in &course.lessons {
                let words = lesson.body.split_whitespace().count();
                assert!(
                    words >= 150,
                    "{}/{} has {words} words",
                    course.manifest.code,
                    lesson.slug
                );
                assert!(!lesson.front.competencies.is_empty());
            }
        }
        let groups: HashSet<&str> = curriculum
            .courses
            .iter()
            .flat_map(|c| c.manifest.target_groups.iter().map(String::as_str))
            .collect();
        assert_eq!(groups.len(), 4, "every target group has a course");
    }

    #[test]
    fn errors_name_the_file_and_line() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        std::fs::create_dir_all(root.join("framework")).expect("dir");
        std::fs::copy(
            shipped().join("framework/competencies.toml"),
            root.join("framework/competencies.toml"),
        )
        .expect("copy");
        let course = root.join("courses/bad-course");
        std::fs::create_dir_all(course.join("lessons")).expect("dir");
        std::fs::write(
            course.join("course.toml"),
            "code = \"bad-course\"\ntitle = \"T\"\nsummary = \"S\"\ntarget_groups = [\"farmers\"]\nlevel = 9\ncompetencies = [\"9.9\"]\nestimated_minutes = 10\npass_mark = 70\n\n[[modules]]\ncode = \"m\"\ntitle = \"M\"\nlessons = [\"01-a\", \"02-missing\"]\n",
        )
        .expect("write");
        std::fs::write(course.join("lessons/01-a.md"), "+++\ntitle = \"A\"\nkind = \"text\"\ncompetencies = [\"1.1\"]\nlevel = \"one\"\nestimated_minutes = 5\nsummary = \"s\"\n+++\nBody.\n").expect("write");
        std::fs::write(course.join("lessons/03-orphan.md"), "+++\n+++\n").expect("write");
        let errors = load(root).expect_err("invalid");
        let rendered: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
        let has = |needle: &str| rendered.iter().any(|e| e.contains(needle));
        assert!(
            has("courses/bad-course/course.toml:4: unknown target group \"farmers\""),
            "{rendered:#?}"
        );
        assert!(
            has("courses/bad-course/course.toml:5: level must be 1 to 8"),
            "{rendered:#?}"
        );
        assert!(
            has("course.toml:6: unknown competency \"9.9\""),
            "{rendered:#?}"
        );
        assert!(has("lesson \"02-missing\" has no file"), "{rendered:#?}");
        assert!(
            has("courses/bad-course/lessons/01-a.md:5:"),
            "{rendered:#?}"
        );
        assert!(
            has("03-orphan.md: this lesson is not listed"),
            "{rendered:#?}"
        );
    }

    #[test]
    fn a_checked_lesson_says_when_in_months_and_from_where() {
        assert!(is_month("2026-12"));
        for bad in ["2026-13", "12/2026", "2026-1", "2026-12-01", ""] {
            assert!(!is_month(bad), "{bad}");
        }
        let front: LessonFront = toml::from_str(
            "title = \"A\"\nkind = \"text\"\ncompetencies = [\"1.1\"]\nlevel = 1\nestimated_minutes = 5\nsummary = \"s\"\nchecked = \"2026-12\"\nsources = [\"Luật số 91/2025/QH15\"]\n",
        )
        .expect("front matter with checked and sources");
        assert_eq!(front.checked.as_deref(), Some("2026-12"));
        assert_eq!(front.sources.len(), 1);
    }
}
