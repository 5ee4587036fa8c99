//! The extractive answer: the passage blocks of the best lesson that say most of what
//! was asked (a whole list when the best block is a step of one), and the lessons cited.

use std::collections::HashSet;

use hocvuso_courses::markdown::Block;

use crate::dto::Citation;
use crate::index::{Corpus, Retrieval};
use crate::text::{Word, asks_how, words};

/// Lessons cited at most.
pub const CITED: usize = 3;
/// A lesson is cited only when it ranks near the best one.
const CITED_FRACTION: f32 = 0.25;
/// Steps of a procedure quoted at most.
const LIST_ITEMS: usize = 8;
const BLOCK_CHARS: usize = 500;
const EXCERPT_CHARS: usize = 200;

fn shortened(text: &str, limit: usize) -> String {
    if text.chars().count() <= limit {
        return text.to_owned();
    }
    let cut: String = text.chars().take(limit).collect();
    // End at a word, not inside one.
    let cut = cut.rsplit_once(' ').map(|(head, _)| head).unwrap_or(&cut);
    format!("{cut}…")
}

/// How much of the question a block says: the rarity of each topic word it has, and as
/// much again for each pair of question words it has side by side.
fn block_score(corpus: &Corpus, block_words: &[Word], topic: &[Word]) -> f32 {
    let exact: HashSet<&str> = block_words.iter().map(|w| w.exact.as_str()).collect();
    let folded: HashSet<&str> = block_words.iter().map(|w| w.folded.as_str()).collect();
    let has = |w: &Word| {
        if w.has_diacritics() {
            exact.contains(w.exact.as_str())
        } else {
            folded.contains(w.folded.as_str())
        }
    };
    let mut score: f32 = topic
        .iter()
        .filter(|w| has(w))
        .map(|w| corpus.rarity(&w.folded))
        .sum();
    for pair in topic.windows(2) {
        let together = block_words
            .windows(2)
            .any(|b| b[0].folded == pair[0].folded && b[1].folded == pair[1].folded);
        if together {
            score += corpus.rarity(&pair[1].folded);
        }
    }
    score
}

fn quoted(blocks: &[&Block]) -> String {
    let mut text = String::new();
    let mut step = 0;
    for block in blocks {
        if !text.is_empty() {
            text.push('\n');
        }
        let body = shortened(&block.text, BLOCK_CHARS);
        match (block.list, block.numbered) {
            (Some(_), true) => {
                step += 1;
                text.push_str(&format!("{step}. {body}"));
            }
            (Some(_), false) => text.push_str(&format!("- {body}")),
            (None, _) => {
                step = 0;
                text.push_str(&body);
            }
        }
    }
    text
}

/// The blocks that answer best, in lesson order. A block under a heading that names
/// the question's words counts more, and so do the steps of a procedure when the
/// question asks how.
fn best_blocks<'a>(
    corpus: &'a Corpus,
    passages: &[usize],
    topic: &[Word],
    how: bool,
) -> Vec<&'a Block> {
    let mut best: Option<(f32, usize, usize)> = None;
    for (rank, &passage) in passages.iter().take(3).enumerate() {
        let Some(p) = corpus.passages.get(passage) else {
            continue;
        };
        let heading = block_score(corpus, &p.heading_words, topic);
        for (i, block) in p.blocks.iter().enumerate() {
            let first_passage = if rank == 0 { 1.1 } else { 1.0 };
            let own = p.block_words.get(i).map_or(&[][..], Vec::as_slice);
            // A procedure answers "how" as a whole: its steps together say it.
            let said = match block.list {
                Some(list) if how && block.numbered => {
                    let steps: Vec<Word> = p
                        .blocks
                        .iter()
                        .zip(&p.block_words)
                        .filter(|(b, _)| b.list == Some(list))
                        .flat_map(|(_, w)| w.iter().cloned())
                        .collect();
                    block_score(corpus, &steps, topic) * 2.0
                }
                _ => block_score(corpus, own, topic),
            };
            let score = (said + 0.5 * heading) * first_passage;
            if best.is_none_or(|(s, _, _)| score > s) {
                best = Some((score, passage, i));
            }
        }
    }
    let Some((score, passage, index)) = best else {
        return Vec::new();
    };
    let Some((blocks, passage_words)) = corpus
        .passages
        .get(passage)
        .map(|p| (&p.blocks, &p.block_words))
    else {
        return Vec::new();
    };
    let chosen = &blocks[index];
    if let Some(list) = chosen.list {
        // A step alone is no answer to "how do I…": quote the whole procedure, and the
        // sentence that introduces it.
        let first = blocks
            .iter()
            .position(|b| b.list == Some(list))
            .unwrap_or(index);
        let mut picked: Vec<&Block> = Vec::new();
        if let Some(intro) = first.checked_sub(1).and_then(|i| blocks.get(i))
            && intro.list.is_none()
            && intro.text.ends_with(':')
        {
            picked.push(intro);
        }
        picked.extend(
            blocks
                .iter()
                .filter(|b| b.list == Some(list))
                .take(LIST_ITEMS),
        );
        return picked;
    }
    let mut picked = vec![(index, chosen)];
    let runner_up = blocks
        .iter()
        .enumerate()
        .filter(|(i, b)| *i != index && b.list.is_none())
        .map(|(i, _)| {
            let own = passage_words.get(i).map_or(&[][..], Vec::as_slice);
            (block_score(corpus, own, topic), i)
        })
        .max_by(|a, b| a.0.total_cmp(&b.0));
    if let Some((second, i)) = runner_up
        && second >= 0.6 * score
        && second > 0.0
    {
        picked.push((i, &blocks[i]));
    }
    picked.sort_by_key(|(i, _)| *i);
    picked.into_iter().map(|(_, b)| b).collect()
}

/// The lessons to cite, best first, each with its best passage.
pub fn citations(retrieval: &Retrieval) -> Vec<Citation> {
    let corpus = &retrieval.corpus;
    let top = retrieval.lessons.first().map(|h| h.score).unwrap_or(0.0);
    retrieval
        .lessons
        .iter()
        .filter(|hit| hit.score >= CITED_FRACTION * top)
        .take(CITED)
        .filter_map(|hit| {
            let lesson = corpus.lessons.get(hit.lesson)?;
            let passage = hit.passages.first().and_then(|&p| corpus.passages.get(p))?;
            let excerpt = passage
                .blocks
                .iter()
                .map(|b| b.text.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            Some((lesson, passage, excerpt))
        })
        .enumerate()
        .map(|(n, (lesson, passage, excerpt))| Citation {
            number: n as u32 + 1,
            course_code: lesson.course_code.clone(),
            course_title: lesson.course_title.clone(),
            lesson_slug: lesson.slug.clone(),
            lesson_title: lesson.title.clone(),
            heading: passage.heading.clone(),
            excerpt: shortened(&excerpt, EXCERPT_CHARS),
            path: format!(
                "/api/v1/courses/{}/lessons/{}",
                lesson.course_code, lesson.slug
            ),
            has_easy_read: lesson.has_easy_read,
        })
        .collect()
}

/// The answer quoted from the best lesson, naming its sources by number.
pub fn extract(retrieval: &Retrieval, question: &str, citations: &[Citation]) -> String {
    let Some((hit, first)) = retrieval.lessons.first().zip(citations.first()) else {
        return String::new();
    };
    let how = asks_how(&words(question));
    let blocks = best_blocks(&retrieval.corpus, &hit.passages, &retrieval.words, how);
    let mut answer = format!(
        "Theo bài «{}» [1]:\n{}",
        first.lesson_title,
        quoted(&blocks)
    );
    if citations.len() > 1 {
        let more: Vec<String> = citations[1..]
            .iter()
            .map(|c| format!("«{}» [{}]", c.lesson_title, c.number))
            .collect();
        answer.push_str(&format!("\n\nXem thêm: {}.", more.join(", ")));
    }
    answer
}

/// What the assistant says when the lessons do not speak of the question: that, and
/// what they do speak of.
pub fn not_covered(corpus: &Corpus) -> String {
    let mut courses: Vec<&str> = Vec::new();
    for lesson in &corpus.lessons {
        if !courses.contains(&lesson.course_title.as_str()) {
            courses.push(&lesson.course_title);
        }
    }
    let mut answer = String::from(
        "Xin lỗi, các bài học hiện có chưa nói về điều bạn hỏi, nên trợ lý không trả lời để tránh nói sai.",
    );
    if !courses.is_empty() {
        answer.push_str(" Bạn có thể hỏi về nội dung các khoá học: ");
        answer.push_str(
            &courses
                .iter()
                .take(8)
                .copied()
                .collect::<Vec<_>>()
                .join("; "),
        );
        answer.push('.');
    }
    answer
}

#[cfg(test)]
mod tests {
    use super::shortened;

    #[test]
    fn shortens_at_a_word() {
        assert_eq!(shortened("một hai ba", 20), "một hai ba");
        assert_eq!(shortened("một hai ba bốn", 9), "một hai…");
    }
}
