//! The generative mode: an OpenAI-compatible chat endpoint (OpenAI, Azure, vLLM, Ollama,
//! llama.cpp's server…) writes the answer from the retrieved passages and nothing else,
//! citing them by number. Off unless configured; the extractive answer stands in when
//! the model fails or is slow.

use secrecy::{ExposeSecret, SecretString};
use std::time::Duration;

use async_openai::Client;
use async_openai::config::OpenAIConfig;
use async_openai::types::chat::{
    ChatCompletionRequestAssistantMessage, ChatCompletionRequestMessage,
    ChatCompletionRequestSystemMessage, ChatCompletionRequestUserMessage,
    CreateChatCompletionRequestArgs,
};

use crate::dto::{Citation, Turn};
use crate::index::Retrieval;

/// Where the model is and how to call it.
#[derive(Debug, Clone)]
pub struct GenerativeConfig {
    /// The API base, e.g. `https://api.openai.com/v1` or `http://127.0.0.1:11434/v1`.
    pub base_url: String,
    pub model: String,
    pub api_key: Option<SecretString>,
    pub timeout: Duration,
    pub max_tokens: u32,
}

#[derive(Clone)]
pub struct Generator {
    client: Client<OpenAIConfig>,
    model: String,
    max_tokens: u32,
}

/// Earlier turns the model sees, at most.
const HISTORY_TURNS: usize = 3;
/// Characters of passage text the model sees per citation.
const PASSAGE_CHARS: usize = 2_000;

const INSTRUCTIONS: &str = "Bạn là trợ lý học tập của phong trào \"Bình dân học vụ số\", giúp người dân, học sinh, cán bộ và người lao động học kỹ năng số. \
Chỉ trả lời dựa trên các đoạn trích từ bài học được đánh số bên dưới; không dùng hiểu biết nào khác. \
Ghi nguồn ngay sau ý lấy từ đoạn trích bằng số trong ngoặc vuông, ví dụ [1]. \
Nếu các đoạn trích không có câu trả lời, hãy nói rằng bài học chưa đề cập đến điều đó, đừng tự đoán. \
Trả lời bằng tiếng Việt, câu ngắn, từ ngữ dễ hiểu; với thao tác, liệt kê từng bước đánh số.";

impl Generator {
    pub fn new(config: &GenerativeConfig) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder().timeout(config.timeout).build()?;
        let mut api = OpenAIConfig::new().with_api_base(config.base_url.trim_end_matches('/'));
        if let Some(key) = &config.api_key {
            api = api.with_api_key(key.expose_secret());
        }
        Ok(Self {
            client: Client::with_config(api).with_http_client(http),
            model: config.model.clone(),
            max_tokens: config.max_tokens,
        })
    }

    /// The passages of the cited lessons, numbered as the citations are.
    fn sources(retrieval: &Retrieval, citations: &[Citation]) -> String {
        let mut sources = String::new();
        for (citation, hit) in citations.iter().zip(&retrieval.lessons) {
            let mut text = String::new();
            for passage in hit.passages.iter().take(2) {
                let Some(p) = retrieval.corpus.passages.get(*passage) else {
                    continue;
                };
                if let Some(heading) = &p.heading {
                    text.push_str(heading);
                    text.push('\n');
                }
                for block in &p.blocks {
                    text.push_str(&block.text);
                    text.push('\n');
                }
            }
            let text: String = text.chars().take(PASSAGE_CHARS).collect();
            sources.push_str(&format!(
                "[{}] Bài «{}» (khoá «{}»):\n{}\n\n",
                citation.number, citation.lesson_title, citation.course_title, text
            ));
        }
        sources
    }

    /// The model's answer, or why there is none.
    pub async fn answer(
        &self,
        question: &str,
        history: &[Turn],
        retrieval: &Retrieval,
        citations: &[Citation],
    ) -> Result<String, String> {
        let system = format!(
            "{INSTRUCTIONS}\n\nĐoạn trích:\n\n{}",
            Self::sources(retrieval, citations)
        );
        let mut messages: Vec<ChatCompletionRequestMessage> =
            vec![ChatCompletionRequestSystemMessage::from(system).into()];
        for turn in history.iter().rev().take(HISTORY_TURNS).rev() {
            messages.push(ChatCompletionRequestUserMessage::from(turn.question.as_str()).into());
            messages.push(ChatCompletionRequestAssistantMessage::from(turn.answer.as_str()).into());
        }
        messages.push(ChatCompletionRequestUserMessage::from(question).into());
        let request = CreateChatCompletionRequestArgs::default()
            .model(&self.model)
            .messages(messages)
            .max_completion_tokens(self.max_tokens)
            .temperature(0.2)
            .build()
            .map_err(|e| e.to_string())?;
        let response = self
            .client
            .chat()
            .create(request)
            .await
            .map_err(|e| e.to_string())?;
        response
            .choices
            .into_iter()
            .find_map(|choice| choice.message.content)
            .map(|text| text.trim().to_owned())
            .filter(|text| !text.is_empty())
            .ok_or_else(|| "the model returned no text".to_owned())
    }
}
