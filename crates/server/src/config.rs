//! Settings: built-in defaults (the embedded default), then an optional TOML file,
//! then `HOCVUSO_*` environment variables (`__` separates levels:
//! `HOCVUSO_DATABASE__URL`, `HOCVUSO_HTTP__BIND`).

use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use hocvuso_identity::OidcSettings;
use secrecy::SecretString;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// Where the embedded default keeps its SQLite file, blobs and keys.
    pub data_dir: PathBuf,
    pub http: HttpSettings,
    pub database: DatabaseSettings,
    pub storage: StorageSettings,
    pub log: LogSettings,
    pub auth: AuthSettings,
    pub rate_limits: RateLimitSettings,
    pub work_limits: WorkLimitSettings,
    /// Sign-in through the national identity provider (VNeID); off when absent.
    pub oidc: Option<OidcSettings>,
    pub content: ContentSettings,
    pub certification: CertificationSettings,
    pub assistant: AssistantSettings,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AssistantSettings {
    /// An OpenAI-compatible chat endpoint that writes answers from the retrieved
    /// passages; answers are quoted from the lessons, offline, when absent.
    pub generative: Option<GenerativeSettings>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenerativeSettings {
    /// The API base, e.g. `https://api.openai.com/v1`, or `http://127.0.0.1:11434/v1`
    /// for a model served locally by Ollama.
    pub base_url: String,
    pub model: String,
    #[serde(skip_serializing)]
    pub api_key: Option<SecretString>,
    /// Seconds to wait for the model before answering from the lessons alone.
    #[serde(default = "GenerativeSettings::default_timeout")]
    pub timeout_seconds: u64,
    /// The longest answer, in tokens.
    #[serde(default = "GenerativeSettings::default_max_tokens")]
    pub max_tokens: u32,
}

impl GenerativeSettings {
    fn default_timeout() -> u64 {
        20
    }

    fn default_max_tokens() -> u32 {
        700
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CertificationSettings {
    /// The address the public reaches this deployment at: records, QR codes and status
    /// lists point there.
    pub public_url: String,
    /// The issuing organisation, as records and certificates name it.
    pub issuer_name: String,
    /// A folder of Ed25519 PKCS#8 PEM keys signing records (`hocvuso keys …`); default
    /// `data_dir/keys/credentials`, its first key generated when empty.
    pub keys_folder: Option<PathBuf>,
    /// The signing keys as concatenated PEM blocks, the first signing (for deployments
    /// that pass secrets in the environment); overrides the folder.
    #[serde(skip_serializing)]
    pub keys_pem: Option<SecretString>,
    /// 32 random bytes, base64: the key of the citizen-ID hash in records, shared with
    /// the identity platform that matches them. When unset, read from (or generated
    /// into) `data_dir/keys/credential-subject.key`.
    #[serde(skip_serializing)]
    pub subject_key: Option<SecretString>,
    /// Days a record stays valid; records do not expire when unset.
    pub validity_days: Option<u32>,
}

impl Default for CertificationSettings {
    fn default() -> Self {
        Self {
            public_url: "http://localhost:8080".into(),
            issuer_name: "Nền tảng Bình dân học vụ số (Hocvuso)".into(),
            keys_folder: None,
            keys_pem: None,
            subject_key: None,
            validity_days: None,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ContentSettings {
    /// The curriculum folder (see `content/README.md`).
    pub dir: PathBuf,
    /// Import it when the server starts (unchanged courses are skipped). With several
    /// servers, turn this off and run `hocvuso content import` once per release instead.
    pub import_on_start: bool,
}

impl Default for ContentSettings {
    fn default() -> Self {
        Self {
            dir: PathBuf::from("content"),
            import_on_start: true,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuthSettings {
    /// `iss` of the access tokens this deployment signs.
    pub issuer: String,
    /// `aud` of the access tokens.
    pub audience: String,
    /// Seconds an access token lives.
    pub access_token_ttl: i64,
    /// Seconds a refresh token lives.
    pub refresh_token_ttl: i64,
    /// Ed25519 PKCS#8 PEM key signing access tokens; default `data_dir/keys/access-token.pem`,
    /// generated when missing. Every server of a deployment must use the same file.
    pub signing_key: Option<PathBuf>,
    /// Keys rotated out that still verify tokens issued before the rotation.
    pub previous_signing_keys: Vec<PathBuf>,
    /// 32 random bytes, base64: the secret protecting citizen IDs at rest. When unset,
    /// read from (or generated into) `data_dir/keys/pii.key`.
    #[serde(skip_serializing)]
    pub pii_key: Option<SecretString>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RateLimitSettings {
    /// Requests per minute per client address.
    pub register_per_minute: u32,
    pub login_per_minute: u32,
    pub refresh_per_minute: u32,
    /// Look-ups of records by code (`/api/v1/verify/{code}`, `/v/{code}`): plenty for
    /// people scanning certificates, too few to enumerate codes by guessing.
    pub verify_code_per_minute: u32,
    /// Questions to the assistant per minute per learner (a language model costs money).
    pub ask_per_minute: u32,
    /// Registrations with a class's sign-up code per minute per client address: a
    /// hall's worth, while the code itself bounds how many get in.
    pub class_signup_per_minute: u32,
    /// Citizen IDs one account may type into its profile per hour.
    pub cccd_changes_per_hour: u32,
    /// The load balancers and proxies in front of Hocvuso (addresses or networks, e.g.
    /// `10.0.0.0/8`). Only when the connection comes from one of them is the client
    /// taken from `X-Forwarded-For`: the right-most hop that is not itself trusted.
    pub trusted_proxies: Vec<ipnet::IpNet>,
}

impl Default for AuthSettings {
    fn default() -> Self {
        Self {
            issuer: "hocvuso".into(),
            audience: "hocvuso-api".into(),
            access_token_ttl: 15 * 60,
            refresh_token_ttl: 30 * 24 * 3600,
            signing_key: None,
            previous_signing_keys: Vec::new(),
            pii_key: None,
        }
    }
}

/// How many expensive requests run at once, in this server and per account
/// (`crate::work_limits`).
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WorkLimitSettings {
    /// `certificates.zip`.
    pub zip_at_once: usize,
    pub zip_per_account: usize,
    /// One certificate PDF.
    pub pdf_at_once: usize,
    pub pdf_per_account: usize,
    /// Reports and exports over a scope.
    pub report_at_once: usize,
    pub report_per_account: usize,
    /// Presented tokens verified (anyone may ask).
    pub verify_at_once: usize,
}

impl Default for WorkLimitSettings {
    fn default() -> Self {
        Self {
            zip_at_once: 2,
            zip_per_account: 1,
            pdf_at_once: 8,
            pdf_per_account: 2,
            report_at_once: 4,
            report_per_account: 2,
            verify_at_once: 64,
        }
    }
}

impl Default for RateLimitSettings {
    fn default() -> Self {
        Self {
            register_per_minute: 20,
            login_per_minute: 30,
            refresh_per_minute: 60,
            verify_code_per_minute: 600,
            ask_per_minute: 30,
            class_signup_per_minute: 240,
            cccd_changes_per_hour: 10,
            trusted_proxies: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HttpSettings {
    pub bind: String,
    /// Worker threads; by default one per core.
    pub workers: Option<usize>,
    /// Origins allowed to call the API from a browser (`https://app.example.vn`).
    pub cors_origins: Vec<String>,
    /// Largest JSON body accepted, in bytes.
    pub json_limit: usize,
    /// Largest uploaded file accepted, in bytes.
    pub upload_limit: u64,
    /// Seconds to let requests in flight finish after SIGTERM.
    pub shutdown_timeout: u64,
    /// Behind TLS: how long browsers must keep using HTTPS (`Strict-Transport-Security`
    /// max-age, e.g. 31536000). Off when absent, since plain HTTP on a ward's box must
    /// keep working.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hsts_max_age: Option<u64>,
    /// When set, `/metrics` answers only `Authorization: Bearer <this>` (the scraper's):
    /// request counts per route say more than a stranger should know. Better given as
    /// `HOCVUSO_HTTP__METRICS_TOKEN`.
    #[serde(skip_serializing)]
    pub metrics_token: Option<secrecy::SecretString>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DatabaseSettings {
    /// `sqlite://…` or `postgres://…`; by default a SQLite file in `data_dir`.
    pub url: Option<String>,
    pub max_connections: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase", deny_unknown_fields)]
pub enum StorageSettings {
    /// A local folder; by default `blobs` inside `data_dir`.
    Folder {
        // Absent rather than null in the defaults, so a file choosing `kind = "s3"` does
        // not inherit a `path` that S3 settings would refuse as unknown.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        path: Option<PathBuf>,
    },
    /// An S3-compatible bucket (AWS S3, Garage, MinIO). Clients may then upload and
    /// download lesson media directly with presigned URLs.
    S3 {
        bucket: String,
        #[serde(default = "default_region")]
        region: String,
        /// For S3-compatible servers, e.g. `http://127.0.0.1:3900`.
        #[serde(default)]
        endpoint: Option<String>,
        /// Path-style addressing (`host/bucket/key`), as Garage and MinIO need by default.
        #[serde(default)]
        path_style: bool,
        /// Without these, the AWS default chain applies (environment, profile, instance role).
        #[serde(default)]
        access_key_id: Option<String>,
        #[serde(default, skip_serializing)]
        secret_access_key: Option<SecretString>,
        /// Prepended to every object key.
        #[serde(default)]
        prefix: String,
        /// How long a presigned URL stays valid.
        #[serde(default = "default_presign_seconds")]
        presign_seconds: u64,
    },
}

fn default_region() -> String {
    "us-east-1".into()
}

fn default_presign_seconds() -> u64 {
    900
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogSettings {
    pub format: LogFormat,
    /// A `tracing` filter such as `info` or `hocvuso_server=debug,info`.
    pub filter: String,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            data_dir: PathBuf::from("data"),
            http: HttpSettings::default(),
            database: DatabaseSettings::default(),
            storage: StorageSettings::Folder { path: None },
            log: LogSettings::default(),
            auth: AuthSettings::default(),
            rate_limits: RateLimitSettings::default(),
            work_limits: WorkLimitSettings::default(),
            oidc: None,
            content: ContentSettings::default(),
            certification: CertificationSettings::default(),
            assistant: AssistantSettings::default(),
        }
    }
}

impl Default for HttpSettings {
    fn default() -> Self {
        Self {
            bind: "127.0.0.1:8080".into(),
            workers: None,
            cors_origins: Vec::new(),
            json_limit: 1024 * 1024,
            upload_limit: 512 * 1024 * 1024,
            shutdown_timeout: 30,
            hsts_max_age: None,
            metrics_token: None,
        }
    }
}

impl Default for DatabaseSettings {
    fn default() -> Self {
        Self {
            url: None,
            max_connections: 16,
        }
    }
}

impl Default for StorageSettings {
    fn default() -> Self {
        StorageSettings::Folder { path: None }
    }
}

impl Default for LogSettings {
    fn default() -> Self {
        Self {
            format: LogFormat::Text,
            filter: "info".into(),
        }
    }
}

/// Whether a `HOCVUSO_*` environment variable (prefix removed) is not a setting: the
/// settings file's path, and the variables of the test suites (`HOCVUSO_TEST_*`).
fn not_a_setting(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    key == "config" || key.starts_with("test_")
}

impl Settings {
    /// Defaults, then `file` (if given), then the environment.
    pub fn load(file: Option<&Path>) -> Result<Self, Box<figment::Error>> {
        let mut figment = Figment::from(Serialized::defaults(Settings::default()));
        if let Some(file) = file {
            figment = figment.merge(Toml::file_exact(file));
        }
        figment
            .merge(
                Env::prefixed("HOCVUSO_")
                    .filter(|key| !not_a_setting(key.as_str()))
                    .split("__"),
            )
            .extract()
            .map_err(Box::new)
    }

    pub fn database_url(&self) -> String {
        self.database.url.clone().unwrap_or_else(|| {
            format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("hocvuso.db").display()
            )
        })
    }

    pub fn credential_keys_folder(&self) -> PathBuf {
        self.certification
            .keys_folder
            .clone()
            .unwrap_or_else(|| self.keys_folder().join("credentials"))
    }

    pub fn keys_folder(&self) -> PathBuf {
        self.data_dir.join("keys")
    }

    pub fn signing_key_path(&self) -> PathBuf {
        self.auth
            .signing_key
            .clone()
            .unwrap_or_else(|| self.keys_folder().join("access-token.pem"))
    }

    /// How long presigned URLs stay valid.
    pub fn presign_ttl(&self) -> std::time::Duration {
        let seconds = match &self.storage {
            StorageSettings::S3 {
                presign_seconds, ..
            } => *presign_seconds,
            StorageSettings::Folder { .. } => default_presign_seconds(),
        };
        std::time::Duration::from_secs(seconds)
    }

    /// The local blob folder, when blobs are kept on disk.
    pub fn blob_folder(&self) -> Option<PathBuf> {
        match &self.storage {
            StorageSettings::Folder { path } => {
                Some(path.clone().unwrap_or_else(|| self.data_dir.join("blobs")))
            }
            StorageSettings::S3 { .. } => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use secrecy::ExposeSecret;

    use super::*;

    #[test]
    fn defaults_are_the_embedded_setup() {
        let settings = Settings::default();
        assert_eq!(settings.database_url(), "sqlite://data/hocvuso.db?mode=rwc");
        assert_eq!(settings.blob_folder(), Some(PathBuf::from("data/blobs")));
        assert_eq!(settings.http.bind, "127.0.0.1:8080");
    }

    #[test]
    // figment's own test harness fixes the closure's error type.
    #[allow(clippy::result_large_err)]
    fn a_file_overrides_defaults_and_typos_are_refused() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "hocvuso.toml",
                r#"
                data_dir = "/srv/hocvuso"
                [database]
                url = "postgres://db/hocvuso"
                [storage]
                kind = "folder"
                path = "/mnt/media"
                "#,
            )?;
            jail.set_env("HOCVUSO_HTTP__BIND", "0.0.0.0:9000");
            jail.set_env("HOCVUSO_TEST_DATABASE_URL", "postgres://ignored");
            jail.set_env("HOCVUSO_TEST_ANYTHING_ELSE", "1");
            let settings = Settings::load(Some(Path::new("hocvuso.toml"))).map_err(|e| *e)?;
            assert_eq!(settings.database_url(), "postgres://db/hocvuso");
            assert_eq!(settings.blob_folder(), Some(PathBuf::from("/mnt/media")));
            assert_eq!(settings.http.bind, "0.0.0.0:9000");

            jail.create_file(
                "s3.toml",
                "[storage]\nkind = \"s3\"\nbucket = \"media\"\nendpoint = \"http://127.0.0.1:3900\"\npath_style = true\n",
            )?;
            jail.set_env("HOCVUSO_STORAGE__SECRET_ACCESS_KEY", "from-env");
            let s3 = Settings::load(Some(Path::new("s3.toml"))).map_err(|e| *e)?;
            assert_eq!(s3.blob_folder(), None);
            match s3.storage {
                StorageSettings::S3 {
                    bucket,
                    region,
                    secret_access_key,
                    presign_seconds,
                    ..
                } => {
                    assert_eq!(bucket, "media");
                    assert_eq!(region, "us-east-1");
                    assert_eq!(
                        secret_access_key.as_ref().map(ExposeSecret::expose_secret),
                        Some("from-env")
                    );
                    // Debug output of the settings never shows the secret.
                    assert!(!format!("{secret_access_key:?}").contains("from-env"));
                    assert_eq!(presign_seconds, 900);
                }
                other => panic!("expected S3 settings, got {other:?}"),
            }

            jail.create_file("typo.toml", "[http]\nbnid = \"x\"\n")?;
            assert!(Settings::load(Some(Path::new("typo.toml"))).is_err());
            Ok(())
        });
    }
}
