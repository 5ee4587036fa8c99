//! Full-text search over course titles, summaries and lesson text, ranked by BM25
//! (tantivy), Vietnamese-aware: text and queries are folded to ASCII, so "bao mat" finds
//! "bảo mật".
//!
//! The index lives in memory and is built from the database, so every server of a
//! deployment has one and none needs shared disk. A server checks at most every few
//! seconds whether published content changed and rebuilds when it did.

use std::sync::Arc;

use hocvuso_kernel::db::Db;
use serde::Serialize;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, QueryParser};
use tantivy::schema::{
    Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions, Value,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer,
};
use tantivy::{Index, IndexReader, TantivyDocument, Term, doc};
use utoipa::ToSchema;

use crate::CoursesError;
use crate::corpus::{Fresh, published};
use crate::markdown::plain_text;

/// The name `vietnamese_analyzer` is registered under.
pub const TOKENIZER: &str = "vi_folded";

/// Syllables, lower-cased and folded to ASCII ("Điện thoại" → "dien", "thoai"): what
/// learners type without diacritics matches what lessons write with them.
pub fn vietnamese_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(60))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchHit {
    /// `course` or `lesson`.
    pub kind: &'static str,
    pub course_code: String,
    pub lesson_slug: Option<String>,
    pub title: String,
    /// A passage around the matched words; matches are wrapped in `<b>`, other text escaped.
    pub snippet_html: String,
    pub score: f32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchResults {
    pub query: String,
    pub hits: Vec<SearchHit>,
}

#[derive(Clone, Copy)]
struct Fields {
    kind: Field,
    course_code: Field,
    lesson_slug: Field,
    title: Field,
    body: Field,
}

struct Built {
    index: Index,
    reader: IndexReader,
    fields: Fields,
}

/// The search index of one server.
#[derive(Clone, Default)]
pub struct SearchIndex {
    built: Arc<Fresh<Built>>,
}

fn schema() -> (Schema, Fields) {
    let folded = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(TOKENIZER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
        .set_stored();
    let mut builder = Schema::builder();
    let fields = Fields {
        kind: builder.add_text_field("kind", STRING | STORED),
        course_code: builder.add_text_field("course_code", STRING | STORED),
        lesson_slug: builder.add_text_field("lesson_slug", STRING | STORED),
        title: builder.add_text_field("title", folded.clone()),
        body: builder.add_text_field("body", folded),
    };
    (builder.build(), fields)
}

fn search_error(e: impl std::fmt::Display) -> CoursesError {
    CoursesError::Search(e.to_string())
}

async fn build(db: &Db) -> Result<Built, CoursesError> {
    let (courses, lessons) = published(db).await?;
    tokio::task::spawn_blocking(move || {
        let (schema, fields) = schema();
        let index = Index::create_in_ram(schema);
        index
            .tokenizers()
            .register(TOKENIZER, vietnamese_analyzer());
        let mut writer = index
            .writer_with_num_threads(1, 20_000_000)
            .map_err(search_error)?;
        let code_of: std::collections::HashMap<_, _> =
            courses.iter().map(|c| (c.id, c.code.clone())).collect();
        for c in &courses {
            writer
                .add_document(doc!(
                    fields.kind => "course",
                    fields.course_code => c.code.clone(),
                    fields.lesson_slug => "",
                    fields.title => c.title.clone(),
                    fields.body => c.summary.clone(),
                ))
                .map_err(search_error)?;
        }
        for l in &lessons {
            let code = code_of.get(&l.course_id).cloned().unwrap_or_default();
            writer
                .add_document(doc!(
                    fields.kind => "lesson",
                    fields.course_code => code,
                    fields.lesson_slug => l.slug.clone(),
                    fields.title => l.title.clone(),
                    fields.body => format!("{}\n{}", l.summary, plain_text(&l.body)),
                ))
                .map_err(search_error)?;
        }
        writer.commit().map_err(search_error)?;
        let reader = index.reader().map_err(search_error)?;
        reader.reload().map_err(search_error)?;
        Ok(Built {
            index,
            reader,
            fields,
        })
    })
    .await
    .map_err(search_error)?
}

/// The folded syllables of `text`, as the index sees them.
fn analyse(index: &Index, text: &str) -> Vec<String> {
    let Some(mut analyzer) = index.tokenizers().get(TOKENIZER) else {
        return Vec::new();
    };
    let mut stream = analyzer.token_stream(text);
    let mut tokens = Vec::new();
    while let Some(token) = stream.next() {
        tokens.push(token.text.clone());
    }
    tokens
}

impl SearchIndex {
    pub async fn search(
        &self,
        db: &Db,
        query: &str,
        limit: usize,
    ) -> Result<SearchResults, CoursesError> {
        let built = self.built.get_with(db, || build(db)).await?;
        let fields = built.fields;
        let mut parser = QueryParser::for_index(&built.index, vec![fields.title, fields.body]);
        parser.set_field_boost(fields.title, 2.0);
        // Learners type plain words, not query syntax: a stray quote must not fail.
        let (words, _) = parser.parse_query_lenient(query);
        // Vietnamese words are made of syllables ("lừa đảo", "điện thoại"): adjacent query
        // syllables that stand together in a text rank it higher than scattered ones.
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Should, words)];
        let syllables = analyse(&built.index, query);
        for pair in syllables.windows(2) {
            for (field, boost) in [(fields.title, 3.0), (fields.body, 1.5)] {
                let phrase = PhraseQuery::new(vec![
                    Term::from_field_text(field, &pair[0]),
                    Term::from_field_text(field, &pair[1]),
                ]);
                clauses.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(Box::new(phrase), boost)),
                ));
            }
        }
        let parsed = BooleanQuery::new(clauses);
        let searcher = built.reader.searcher();
        let top = searcher
            .search(&parsed, &TopDocs::with_limit(limit.max(1)).order_by_score())
            .map_err(search_error)?;
        let mut snippets =
            SnippetGenerator::create(&searcher, &parsed, fields.body).map_err(search_error)?;
        snippets.set_max_num_chars(220);
        let text = |doc: &TantivyDocument, field: Field| {
            doc.get_first(field)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_owned()
        };
        let mut hits = Vec::with_capacity(top.len());
        for (score, address) in top {
            let doc: TantivyDocument = searcher.doc(address).map_err(search_error)?;
            let slug = text(&doc, fields.lesson_slug);
            hits.push(SearchHit {
                kind: if text(&doc, fields.kind) == "course" {
                    "course"
                } else {
                    "lesson"
                },
                course_code: text(&doc, fields.course_code),
                lesson_slug: (!slug.is_empty()).then_some(slug),
                title: text(&doc, fields.title),
                snippet_html: snippets.snippet_from_doc(&doc).to_html(),
                score,
            });
        }
        Ok(SearchResults {
            query: query.to_owned(),
            hits,
        })
    }
}
