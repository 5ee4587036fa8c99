//! The passages of the published lessons, ranked for a question by BM25 (tantivy) over
//! Vietnamese syllables folded to ASCII, with adjacent question syllables that stand
//! together in a passage ("lừa đảo", "mật khẩu") counting extra, and words typed with
//! diacritics that match exactly counting a little more.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use hocvuso_courses::Courses;
use hocvuso_courses::corpus::{Fresh, PublishedLesson};
use hocvuso_courses::markdown::Block;
use hocvuso_courses::search::{TOKENIZER, vietnamese_analyzer};
use hocvuso_kernel::TargetGroup;
use tantivy::collector::TopDocs;
use tantivy::query::{
    BooleanQuery, BoostQuery, DisjunctionMaxQuery, Occur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{FAST, Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions};
use tantivy::tokenizer::{LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer};
use tantivy::{Index, IndexReader, TantivyDocument, Term};
use unicode_normalization::UnicodeNormalization;

use crate::AssistantError;
use crate::text::{Word, content_words, hyphen_joined, words, written_out};

const EXACT_TOKENIZER: &str = "vi_exact";
/// How rare (summed BM25 idf) two adjacent words must be to tell a topic.
const TELLING_PAIR: f32 = 2.5;
/// How much more a lesson of a course open to the learner's group counts.
const FOR_YOUR_GROUP: f32 = 1.25;
/// Passages read per question before they are grouped by lesson.
const CANDIDATES: usize = 40;

/// A lesson the assistant can cite.
#[derive(Debug)]
pub struct Lesson {
    pub course_code: String,
    pub course_title: String,
    pub slug: String,
    pub title: String,
    pub has_easy_read: bool,
    pub target_groups: Vec<TargetGroup>,
}

/// A part of a lesson under one heading.
#[derive(Debug)]
pub struct Passage {
    pub lesson: usize,
    pub heading: Option<String>,
    pub blocks: Vec<Block>,
    /// The words of each block and of the heading, read once when built.
    pub block_words: Vec<Vec<Word>>,
    pub heading_words: Vec<Word>,
    words: WordSets,
}

/// The words of a text, as written and folded.
#[derive(Debug, Default)]
struct WordSets {
    exact: HashSet<String>,
    folded: HashSet<String>,
    /// Adjacent syllables, folded: the two-syllable words of the text ("mat khau").
    pairs: HashSet<(String, String)>,
}

impl WordSets {
    fn add(&mut self, text: &str) {
        let list = words(text);
        for pair in list.windows(2) {
            self.pairs
                .insert((pair[0].folded.clone(), pair[1].folded.clone()));
        }
        for word in list {
            self.folded.insert(word.folded);
            self.exact.insert(word.exact);
        }
    }

    /// As typed: exactly when typed with diacritics.
    fn has(&self, word: &Word) -> bool {
        if word.has_diacritics() {
            self.exact.contains(&word.exact)
        } else {
            self.folded.contains(&word.folded)
        }
    }
}

#[derive(Clone, Copy)]
struct Fields {
    passage: Field,
    course: Field,
    title: Field,
    heading: Field,
    body: Field,
    body_exact: Field,
}

/// The published lessons as one server holds them.
pub struct Corpus {
    pub lessons: Vec<Lesson>,
    pub passages: Vec<Passage>,
    reader: IndexReader,
    fields: Fields,
    /// Passage of each document, by segment then document id.
    passage_of: Vec<Vec<u32>>,
    /// Passages each folded syllable appears in.
    document_frequency: HashMap<String, u32>,
    /// Every syllable of the lessons as written.
    exact_vocabulary: HashSet<String>,
}

/// A lesson that answers a question, with its passages from the best.
#[derive(Debug, Clone)]
pub struct LessonHit {
    pub lesson: usize,
    pub score: f32,
    pub passages: Vec<usize>,
    /// What its best passage says of the question.
    pub support: Support,
}

/// How much of a question a passage says.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Support {
    /// The share of the question's topic words, weighted by how rare they are, that the
    /// passage has (as typed: exactly when typed with diacritics).
    pub coverage: f32,
    /// Two adjacent topic words of the question stand together in the passage: they
    /// speak of the same thing ("mật khẩu", "chữ ký"), not of two that share a word.
    pub phrase: bool,
}

impl Support {
    /// Enough to answer from: most of the question, or a good part of it with a
    /// two-syllable word of it in place.
    pub fn answers(&self) -> bool {
        self.coverage >= 0.6 || (self.coverage >= 0.3 && self.phrase)
    }
}

/// What the lessons hold for a question.
pub struct Retrieval {
    pub corpus: Arc<Corpus>,
    /// Best first.
    pub lessons: Vec<LessonHit>,
    /// What the best lesson's best passage says of the question: little when the
    /// lessons do not speak of what was asked.
    pub support: Support,
    pub words: Vec<Word>,
}

#[derive(Clone, Default)]
pub struct PassageIndex {
    built: Arc<Fresh<Corpus>>,
}

fn index_error(e: impl std::fmt::Display) -> AssistantError {
    AssistantError::Index(e.to_string())
}

fn schema() -> (Schema, Fields) {
    let text = |tokenizer: &str| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(tokenizer)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
    };
    let mut builder = Schema::builder();
    let fields = Fields {
        passage: builder.add_u64_field("passage", FAST),
        course: builder.add_text_field("course", text(TOKENIZER)),
        title: builder.add_text_field("title", text(TOKENIZER)),
        heading: builder.add_text_field("heading", text(TOKENIZER)),
        body: builder.add_text_field("body", text(TOKENIZER)),
        body_exact: builder.add_text_field("body_exact", text(EXACT_TOKENIZER)),
    };
    (builder.build(), fields)
}

fn nfc(text: &str) -> String {
    text.nfc().collect()
}

fn build(published: Vec<PublishedLesson>) -> Result<Corpus, AssistantError> {
    let (schema, fields) = schema();
    let index = Index::create_in_ram(schema);
    index
        .tokenizers()
        .register(TOKENIZER, vietnamese_analyzer());
    index.tokenizers().register(
        EXACT_TOKENIZER,
        TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(60))
            .filter(LowerCaser)
            .build(),
    );
    let mut writer = index
        .writer_with_num_threads(1, 30_000_000)
        .map_err(index_error)?;
    let mut lessons = Vec::with_capacity(published.len());
    let mut passages = Vec::new();
    let mut document_frequency: HashMap<String, u32> = HashMap::new();
    let mut exact_vocabulary = HashSet::new();
    for lesson in published {
        let number = lessons.len();
        for (position, section) in lesson.sections.into_iter().enumerate() {
            let mut body = section.text();
            if position == 0 {
                body = format!("{}\n{body}", lesson.summary);
            }
            body = format!("{body}\n{}", hyphen_joined(&body));
            let heading = section.heading.clone().unwrap_or_default();
            let mut passage_words = WordSets::default();
            passage_words.add(&format!("{} {heading}\n{body}", lesson.title));
            exact_vocabulary.extend(passage_words.exact.iter().cloned());
            let distinct: HashSet<String> = words(&format!("{} {heading} {body}", lesson.title))
                .into_iter()
                .map(|w| w.folded)
                .collect();
            for word in distinct {
                *document_frequency.entry(word).or_default() += 1;
            }
            let mut doc = TantivyDocument::default();
            doc.add_u64(fields.passage, passages.len() as u64);
            doc.add_text(fields.course, &lesson.course_title);
            doc.add_text(
                fields.title,
                format!("{} {}", lesson.title, hyphen_joined(&lesson.title)),
            );
            doc.add_text(fields.heading, &heading);
            doc.add_text(fields.body_exact, nfc(&format!("{heading}\n{body}")));
            doc.add_text(fields.body, &body);
            writer.add_document(doc).map_err(index_error)?;
            passages.push(Passage {
                lesson: number,
                block_words: section.blocks.iter().map(|b| words(&b.text)).collect(),
                heading_words: words(&heading),
                heading: section.heading,
                blocks: section.blocks,
                words: passage_words,
            });
        }
        lessons.push(Lesson {
            course_code: lesson.course_code,
            course_title: lesson.course_title,
            slug: lesson.slug,
            title: lesson.title,
            has_easy_read: lesson.has_easy_read,
            target_groups: lesson.target_groups,
        });
    }
    writer.commit().map_err(index_error)?;
    let reader = index.reader().map_err(index_error)?;
    reader.reload().map_err(index_error)?;
    let mut passage_of = Vec::new();
    for segment in reader.searcher().segment_readers() {
        let column = segment.fast_fields().u64("passage").map_err(index_error)?;
        passage_of.push(
            (0..segment.max_doc())
                .map(|doc| column.first(doc).unwrap_or_default() as u32)
                .collect(),
        );
    }
    Ok(Corpus {
        lessons,
        passages,
        reader,
        fields,
        passage_of,
        document_frequency,
        exact_vocabulary,
    })
}

impl Corpus {
    /// BM25's inverse document frequency of a folded syllable; a syllable no passage has
    /// weighs the most.
    pub fn rarity(&self, folded: &str) -> f32 {
        let n = self.passages.len() as f32;
        let df = self.document_frequency.get(folded).copied().unwrap_or(0) as f32;
        (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
    }

    /// Whether some lesson has the word (as typed, when typed with diacritics), or what
    /// it is short for.
    pub fn knows(&self, word: &Word) -> bool {
        let known = if word.has_diacritics() {
            self.exact_vocabulary.contains(&word.exact)
        } else {
            self.document_frequency.contains_key(&word.folded)
        };
        known
            || written_out(word).is_some_and(|long| {
                long.iter()
                    .all(|w| self.document_frequency.contains_key(*w))
            })
    }

    /// How much a topic word tells: its rarity, or that of what it is short for.
    fn weight(&self, word: &Word) -> f32 {
        match written_out(word) {
            Some(long) if !self.document_frequency.contains_key(&word.folded) => {
                long.iter().map(|w| self.rarity(w)).sum::<f32>() / long.len() as f32
            }
            _ => self.rarity(&word.folded),
        }
    }

    /// Adjacent topic words of the question that tell what it is about: not pairs so
    /// common in the lessons that they say nothing ("điện thoại").
    fn telling_pairs<'a>(
        &'a self,
        question: &'a [Word],
        topic: &'a [Word],
    ) -> impl Iterator<Item = &'a [Word]> + 'a {
        let is_topic = move |w: &Word| topic.iter().any(|t| t.folded == w.folded);
        question.windows(2).filter(move |pair| {
            is_topic(&pair[0])
                && is_topic(&pair[1])
                && self.rarity(&pair[0].folded) + self.rarity(&pair[1].folded) >= TELLING_PAIR
        })
    }

    /// Each topic word and each pair of adjacent topic words counts once, where it
    /// matches best (title, heading or text), plus a little for its other matches: a
    /// passage that has more of the question beats one that repeats part of it.
    fn query(&self, question: &[Word], topic: &[Word]) -> BooleanQuery {
        let f = self.fields;
        let term = |field: Field, text: &str| Term::from_field_text(field, text);
        let best_of = |queries: Vec<(Box<dyn Query>, f32)>| -> (Occur, Box<dyn Query>) {
            let boosted: Vec<Box<dyn Query>> = queries
                .into_iter()
                .map(|(q, boost)| Box::new(BoostQuery::new(q, boost)) as Box<dyn Query>)
                .collect();
            (
                Occur::Should,
                Box::new(DisjunctionMaxQuery::with_tie_breaker(boosted, 0.2)),
            )
        };
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for word in topic {
            let mut fields: Vec<(Box<dyn Query>, f32)> = [
                (f.title, 2.0),
                (f.heading, 1.5),
                (f.body, 1.0),
                (f.course, 0.3),
            ]
            .into_iter()
            .map(|(field, boost)| {
                let query: Box<dyn Query> = Box::new(TermQuery::new(
                    term(field, &word.folded),
                    IndexRecordOption::WithFreqs,
                ));
                (query, boost)
            })
            .collect();
            if word.has_diacritics() {
                fields.push((
                    Box::new(TermQuery::new(
                        term(f.body_exact, &word.exact),
                        IndexRecordOption::WithFreqs,
                    )),
                    1.2,
                ));
            }
            if let Some(long) = written_out(word) {
                for (field, boost) in [(f.title, 2.0), (f.heading, 1.5), (f.body, 1.0)] {
                    let query: Box<dyn Query> = match long {
                        [single] => Box::new(TermQuery::new(
                            term(field, single),
                            IndexRecordOption::WithFreqs,
                        )),
                        _ => Box::new(PhraseQuery::new(
                            long.iter().map(|w| term(field, w)).collect(),
                        )),
                    };
                    fields.push((query, boost));
                }
            }
            clauses.push(best_of(fields));
        }
        for pair in self.telling_pairs(question, topic) {
            let phrases = [(f.title, 2.0), (f.heading, 1.5), (f.body, 1.0)]
                .into_iter()
                .map(|(field, boost)| {
                    let query: Box<dyn Query> = Box::new(PhraseQuery::new(vec![
                        term(field, &pair[0].folded),
                        term(field, &pair[1].folded),
                    ]));
                    (query, boost)
                })
                .collect();
            clauses.push(best_of(phrases));
        }
        BooleanQuery::new(clauses)
    }

    /// How much of the question one passage says.
    fn support(&self, passage: usize, question: &[Word], topic: &[Word]) -> Support {
        let Some(passage) = self.passages.get(passage) else {
            return Support::default();
        };
        let (mut found, mut all) = (0.0, 0.0);
        for word in topic {
            let weight = self.weight(word);
            all += weight;
            let has_long = || {
                written_out(word)
                    .is_some_and(|long| long.iter().all(|w| passage.words.folded.contains(*w)))
            };
            if passage.words.has(word) || has_long() {
                found += weight;
            }
        }
        let phrase = self.telling_pairs(question, topic).any(|pair| {
            passage
                .words
                .pairs
                .contains(&(pair[0].folded.clone(), pair[1].folded.clone()))
        });
        Support {
            coverage: if all > 0.0 { found / all } else { 0.0 },
            phrase,
        }
    }
}

impl PassageIndex {
    async fn corpus(&self, courses: &Courses) -> Result<Arc<Corpus>, AssistantError> {
        self.built
            .get(courses, || async {
                let published = courses.published_lessons().await?;
                tokio::task::spawn_blocking(move || build(published))
                    .await
                    .map_err(index_error)?
            })
            .await
    }

    /// The lessons that best answer `question`, at most `limit`; lessons of courses
    /// open to the learner's `group` rank a little higher.
    pub async fn retrieve(
        &self,
        courses: &Courses,
        question: &str,
        group: Option<TargetGroup>,
        limit: usize,
    ) -> Result<Retrieval, AssistantError> {
        let corpus = self.corpus(courses).await?;
        let (lessons, words) = corpus.rank(question, group, limit)?;
        let support = lessons.first().map(|hit| hit.support).unwrap_or_default();
        Ok(Retrieval {
            corpus,
            lessons,
            support,
            words,
        })
    }
}

impl Corpus {
    /// The lessons that best answer `question`, at most `limit`, and its topic words.
    fn rank(
        &self,
        question: &str,
        group: Option<TargetGroup>,
        limit: usize,
    ) -> Result<(Vec<LessonHit>, Vec<Word>), AssistantError> {
        let question_words = words(question);
        let topic = content_words(question);
        if topic.is_empty() || self.passages.is_empty() {
            return Ok((Vec::new(), topic));
        }
        let query = self.query(&question_words, &topic);
        let top = self
            .reader
            .searcher()
            .search(&query, &TopDocs::with_limit(CANDIDATES).order_by_score())
            .map_err(index_error)?;
        let mut by_lesson: Vec<LessonHit> = Vec::new();
        for (score, address) in top {
            let Some(&passage) = self
                .passage_of
                .get(address.segment_ord as usize)
                .and_then(|docs| docs.get(address.doc_id as usize))
            else {
                continue;
            };
            let passage = passage as usize;
            let Some(lesson) = self.passages.get(passage).map(|p| p.lesson) else {
                continue;
            };
            match by_lesson.iter_mut().find(|hit| hit.lesson == lesson) {
                // A lesson that answers in several places is a better answer, but its best
                // passage counts most.
                Some(hit) => {
                    if hit.passages.len() == 1 {
                        hit.score += 0.3 * score;
                    }
                    hit.passages.push(passage);
                }
                None => by_lesson.push(LessonHit {
                    lesson,
                    score,
                    passages: vec![passage],
                    support: Support::default(),
                }),
            }
        }
        for hit in &mut by_lesson {
            // Words of a question that a lesson answers stand together in one passage;
            // the same words scattered over a lesson are a coincidence.
            hit.support = hit
                .passages
                .iter()
                .map(|&p| self.support(p, &question_words, &topic))
                .fold(Support::default(), |best, s| {
                    if (s.answers(), s.coverage) > (best.answers(), best.coverage) {
                        s
                    } else {
                        best
                    }
                });
            // A lesson whose best passage says more of the question answers it better
            // than one that says a part of it many times ("quên mật khẩu VNeID" is
            // about VNeID).
            hit.score *= 0.5 + hit.support.coverage;
            if group.is_some_and(|g| {
                self.lessons
                    .get(hit.lesson)
                    .is_some_and(|l| l.target_groups.contains(&g))
            }) {
                hit.score *= FOR_YOUR_GROUP;
            }
        }
        by_lesson.sort_by(|a, b| b.score.total_cmp(&a.score));
        by_lesson.truncate(limit);
        Ok((by_lesson, topic))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::path::Path;

    use hocvuso_courses::markdown::sections;

    use super::*;

    /// The shipped curriculum as the database would give it.
    pub(crate) fn shipped() -> Corpus {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content");
        let curriculum = hocvuso_courses::content::load(&dir).expect("the shipped curriculum");
        let lessons = curriculum
            .courses
            .iter()
            .flat_map(|course| {
                course.lessons.iter().map(|l| PublishedLesson {
                    course_code: course.manifest.code.clone(),
                    course_title: course.manifest.title.clone(),
                    slug: l.slug.clone(),
                    title: l.front.title.clone(),
                    summary: l.front.summary.clone(),
                    sections: sections(&l.body),
                    has_easy_read: l.easy_read.is_some(),
                    target_groups: course
                        .manifest
                        .target_groups
                        .iter()
                        .filter_map(|g| TargetGroup::parse(g))
                        .collect(),
                })
            })
            .collect();
        build(lessons).expect("index")
    }

    /// `cargo test -p hocvuso-assistant -- --ignored --nocapture explain`: how each
    /// question of the quality set ranks and how much of it the best lesson covers.
    #[test]
    #[ignore = "a diagnostic, not a check"]
    fn explain() {
        let corpus = Arc::new(shipped());
        let set: toml::Value =
            toml::from_str(include_str!("../../../tests/data/assistant-eval.toml")).expect("set");
        let ask = |question: &str| {
            let (hits, topic) = corpus.rank(question, None, 10).expect("ranked");
            let support = hits.first().map(|h| h.support).unwrap_or_default();
            let coverage = support.coverage;
            let answers = support.answers();
            // The passage of the best lesson that says most of the question.
            let question_words = words(question);
            let best = hits.first().and_then(|h| {
                h.passages
                    .iter()
                    .copied()
                    .find(|&p| corpus.support(p, &question_words, &topic) == support)
                    .map(|p| &corpus.passages[p])
            });
            let seen: Vec<usize> = hits.iter().map(|h| h.lesson).collect();
            let weights: Vec<String> = topic
                .iter()
                .map(|w| {
                    let found = best.is_some_and(|p| p.words.has(w));
                    format!(
                        "{}{}:{:.1}{}",
                        if found { "+" } else { "" },
                        w.exact,
                        corpus.rarity(&w.folded),
                        if corpus.knows(w) { "" } else { "?" }
                    )
                })
                .collect();
            (seen, coverage, weights, answers)
        };
        for extra in std::env::var("EXPLAIN")
            .unwrap_or_default()
            .split('|')
            .filter(|q| !q.is_empty())
        {
            let (lessons, coverage, weights, answers) = ask(extra);
            let names: Vec<&str> = lessons
                .iter()
                .take(3)
                .map(|&l| corpus.lessons[l].slug.as_str())
                .collect();
            println!(
                "{coverage:.2} {answers} {extra} {names:?} [{}]",
                weights.join(" ")
            );
        }
        for (kind, wanted) in [("questions", true), ("uncovered", false)] {
            for q in set[kind].as_array().expect("list") {
                let question = q["question"].as_str().expect("question");
                let (lessons, coverage, weights, answers) = ask(question);
                let rank = if wanted {
                    let slug = q["lesson"].as_str().expect("lesson");
                    lessons
                        .iter()
                        .position(|&l| corpus.lessons[l].slug == slug)
                        .map(|r| r + 1)
                } else {
                    None
                };
                println!(
                    "{coverage:.2} {} rank {rank:?} {question} [{}]",
                    if answers { "ANSWERS" } else { "silent" },
                    weights.join(" ")
                );
            }
        }
    }
}
