//! Reading the question banks of the curriculum folder: `courses/<code>/questions.toml`
//! for every course, checked against the framework's competencies and the question
//! rules ([`crate::rules`]). Every problem is reported with its file and line, all at
//! once, so an editor fixes a folder in one pass.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use hocvuso_kernel::TargetGroup;
use hocvuso_kernel::content_file::{ContentReader, FileError, line_at};
use serde::Deserialize;
use toml::Spanned;

use crate::dto::{QuestionDraft, QuestionType};
use crate::rules;

/// One problem in a question bank's files: `file:line: message`.
pub type BankError = FileError;

/// One course's question bank, as read from the content folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bank {
    pub course_code: String,
    /// The course's `pass_mark` (percent).
    pub pass_mark: u32,
    pub target_groups: Vec<TargetGroup>,
    pub questions: Vec<QuestionDraft>,
}

#[derive(Deserialize)]
struct FrameworkCodes {
    competencies: Vec<CompetencyCode>,
}

#[derive(Deserialize)]
struct CompetencyCode {
    code: String,
}

/// The part of `course.toml` a bank needs; the courses crate checks the rest.
#[derive(Deserialize)]
struct Manifest {
    pass_mark: Spanned<i64>,
    target_groups: Spanned<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct QuestionsFile {
    #[serde(default)]
    questions: Vec<Spanned<RawQuestion>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuestion {
    id: Spanned<String>,
    competency: Spanned<String>,
    level: Spanned<i32>,
    #[serde(rename = "type")]
    kind: Spanned<String>,
    prompt: Spanned<String>,
    options: Option<Spanned<Vec<String>>>,
    answer: Option<Spanned<Vec<u32>>>,
    answer_bool: Option<Spanned<bool>>,
    accepted: Option<Spanned<Vec<String>>>,
    diacritics_insensitive: Option<bool>,
    explanation: Spanned<String>,
}

/// The byte ranges of the file's parts: what precedes the first `[[questions]]`, then
/// each question from its header. Parsed one by one, one question's wrong value does
/// not hide the errors of the others.
fn question_parts(text: &str) -> Vec<(usize, usize)> {
    let mut starts = vec![0];
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        if line.trim() == "[[questions]]" && at > 0 {
            starts.push(at);
        }
        at += line.len();
    }
    let mut ends: Vec<usize> = starts.iter().skip(1).copied().collect();
    ends.push(text.len());
    starts.into_iter().zip(ends).collect()
}

/// Reads and checks every course's bank under `content_dir`.
pub fn load_banks(content_dir: &Path) -> Result<Vec<Bank>, Vec<BankError>> {
    let mut reader = ContentReader::new(content_dir);
    let framework_path = content_dir.join("framework/competencies.toml");
    let competencies: HashSet<String> = reader
        .read(&framework_path)
        .and_then(|text| reader.toml::<FrameworkCodes>(&framework_path, &text, 1))
        .map(|f| f.competencies.into_iter().map(|c| c.code).collect())
        .unwrap_or_default();

    let courses_dir = content_dir.join("courses");
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
    let mut banks = Vec::new();
    for folder in folders {
        if let Some(bank) = load_bank(&mut reader, &folder, &competencies) {
            banks.push(bank);
        }
    }
    if reader.is_clean() {
        Ok(banks)
    } else {
        Err(reader.into_errors())
    }
}

fn load_bank(
    reader: &mut ContentReader,
    folder: &Path,
    competencies: &HashSet<String>,
) -> Option<Bank> {
    let course_code = folder
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let manifest_path = folder.join("course.toml");
    let manifest_text = reader.read(&manifest_path)?;
    let manifest: Manifest = reader.toml(&manifest_path, &manifest_text, 1)?;
    let pass_mark = match u32::try_from(*manifest.pass_mark.get_ref()) {
        Ok(mark) if mark <= 100 => mark,
        _ => {
            let line = line_at(&manifest_text, manifest.pass_mark.span().start);
            reader.error(&manifest_path, Some(line), "pass_mark must be 0 to 100");
            0
        }
    };
    let mut target_groups = Vec::new();
    for group in manifest.target_groups.get_ref() {
        match TargetGroup::parse(group) {
            Some(g) => target_groups.push(g),
            None => {
                let line = line_at(&manifest_text, manifest.target_groups.span().start);
                reader.error(
                    &manifest_path,
                    Some(line),
                    format!("unknown target group {group:?}"),
                );
            }
        }
    }

    let path = folder.join("questions.toml");
    if !path.exists() {
        reader.error(&path, None, "missing: every course needs a question bank");
        return None;
    }
    let text = reader.read(&path)?;
    // Syntax first: a broken file cannot be cut into questions reliably.
    let _: toml::Table = reader.toml(&path, &text, 1)?;
    let mut raws = Vec::new();
    for (start, end) in question_parts(&text) {
        let part: Option<QuestionsFile> = reader.toml(
            &path,
            text.get(start..end).unwrap_or_default(),
            line_at(&text, start),
        );
        for raw in part.map(|p| p.questions).unwrap_or_default() {
            raws.push((start, raw));
        }
    }
    if raws.is_empty() && reader.is_clean() {
        reader.error(&path, None, "the bank has no [[questions]]");
    }
    let mut seen = HashSet::new();
    let mut questions = Vec::new();
    for (offset, raw) in raws {
        let table_line = line_at(&text, offset + raw.span().start);
        let raw = raw.into_inner();
        let code = raw.id.get_ref().clone();
        let at = |span: std::ops::Range<usize>| Some(line_at(&text, offset + span.start));
        if !seen.insert(code.clone()) {
            reader.error(
                &path,
                at(raw.id.span()),
                format!("question id {code:?} appears twice"),
            );
        }
        let Some(kind) = QuestionType::parse(raw.kind.get_ref()) else {
            reader.error(
                &path,
                at(raw.kind.span()),
                format!(
                    "question {code}: unknown type {:?} (single_choice, multiple_choice, true_false, ordering, short_answer)",
                    raw.kind.get_ref()
                ),
            );
            continue;
        };
        // The line of each field, to point a broken rule at it; a missing field is
        // reported at the question's [[questions]] header.
        let line_of = |field: &str| -> Option<usize> {
            let span = match field {
                "code" => Some(raw.id.span()),
                "competency" => Some(raw.competency.span()),
                "level" => Some(raw.level.span()),
                "prompt" => Some(raw.prompt.span()),
                "explanation" => Some(raw.explanation.span()),
                "options" => raw.options.as_ref().map(Spanned::span),
                "answer" => raw.answer.as_ref().map(Spanned::span),
                "answer_bool" => raw.answer_bool.as_ref().map(Spanned::span),
                "accepted" => raw.accepted.as_ref().map(Spanned::span),
                _ => None,
            };
            Some(span.map_or(table_line, |s| line_at(&text, offset + s.start)))
        };
        let draft = QuestionDraft {
            code: code.clone(),
            competency: raw.competency.get_ref().clone(),
            level: *raw.level.get_ref(),
            kind,
            prompt: raw.prompt.get_ref().clone(),
            options: raw
                .options
                .clone()
                .map(Spanned::into_inner)
                .unwrap_or_default(),
            answer: raw
                .answer
                .clone()
                .map(Spanned::into_inner)
                .unwrap_or_default(),
            answer_bool: raw.answer_bool.clone().map(Spanned::into_inner),
            accepted: raw
                .accepted
                .clone()
                .map(Spanned::into_inner)
                .unwrap_or_default(),
            diacritics_insensitive: raw.diacritics_insensitive.unwrap_or(false),
            explanation: raw.explanation.get_ref().clone(),
        };
        let violations = rules::check(&draft, competencies.contains(&draft.competency));
        for violation in &violations {
            let field = if violation.field == "code" {
                "id"
            } else {
                violation.field
            };
            reader.error(
                &path,
                line_of(violation.field),
                format!("question {code}: {field}: {}", violation.en),
            );
        }
        if violations.is_empty() {
            questions.push(draft);
        }
    }
    Some(Bank {
        course_code,
        pass_mark,
        target_groups,
        questions,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    pub fn shipped() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content")
    }

    fn render(errors: &[BankError]) -> String {
        errors
            .iter()
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn the_shipped_banks_load_cleanly_with_at_least_ten_questions_each() {
        let banks = load_banks(&shipped()).unwrap_or_else(|e| panic!("{}", render(&e)));
        assert!(banks.len() >= 10, "{} banks", banks.len());
        for bank in &banks {
            assert!(
                bank.questions.len() >= 10,
                "{} has {} questions",
                bank.course_code,
                bank.questions.len()
            );
            assert!(!bank.target_groups.is_empty());
        }
        let kinds: HashSet<QuestionType> = banks
            .iter()
            .flat_map(|b| b.questions.iter().map(|q| q.kind))
            .collect();
        assert_eq!(kinds.len(), 5, "every question type is used");
    }

    fn folder_with(questions: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        std::fs::create_dir_all(root.join("framework")).expect("dir");
        std::fs::copy(
            shipped().join("framework/competencies.toml"),
            root.join("framework/competencies.toml"),
        )
        .expect("copy");
        let course = root.join("courses/bad-course");
        std::fs::create_dir_all(&course).expect("dir");
        std::fs::write(
            course.join("course.toml"),
            "code = \"bad-course\"\ntitle = \"T\"\ntarget_groups = [\"citizen\"]\npass_mark = 70\n",
        )
        .expect("write");
        std::fs::write(course.join("questions.toml"), questions).expect("write");
        dir
    }

    #[test]
    fn errors_name_the_file_and_line() {
        let dir = folder_with(
            r#"[[questions]]
id = "q01"
competency = "9.9"
level = 2
type = "single_choice"
prompt = "P"
options = ["A", "B"]
answer = [0, 1]
explanation = "E"

[[questions]]
id = "q01"
competency = "4.2"
level = 1
type = "true_false"
prompt = "P"
explanation = ""

[[questions]]
id = "q03"
competency = "4.2"
level = 1
type = "essay"
prompt = "P"
explanation = "E"

[[questions]]
id = "q04"
competency = "4.2"
level = "one"
type = "ordering"
prompt = "P"
explanation = "E"
"#,
        );
        let errors = load_banks(dir.path()).expect_err("invalid");
        let rendered = render(&errors);
        let file = "courses/bad-course/questions.toml";
        for expected in [
            format!("{file}:3: question q01: competency: Not a competency"),
            format!("{file}:8: question q01: answer: A single-choice question has exactly one"),
            format!("{file}:12: question id \"q01\" appears twice"),
            format!("{file}:11: question q01: answer_bool: A true/false question needs"),
            format!("{file}:17: question q01: explanation: An explanation"),
            format!("{file}:23: question q03: unknown type \"essay\""),
            format!("{file}:30: invalid type: string \"one\""),
        ] {
            assert!(rendered.contains(&expected), "{expected}\nin\n{rendered}");
        }
    }

    #[test]
    fn a_course_without_a_bank_is_reported() {
        let dir = folder_with("");
        std::fs::remove_file(dir.path().join("courses/bad-course/questions.toml")).expect("rm");
        let errors = load_banks(dir.path()).expect_err("invalid");
        assert_eq!(
            errors[0].to_string(),
            "courses/bad-course/questions.toml: missing: every course needs a question bank"
        );
    }
}
