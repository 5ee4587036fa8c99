//! `hocvuso`: the server of the "Bình dân học vụ số" learning platform, and its admin tasks.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use hocvuso_courses::Courses;
use hocvuso_identity::dto::UnitKind;
use hocvuso_journeys::curriculum::{self, CurriculumError};
use hocvuso_kernel::Problem;
use hocvuso_server::{Settings, StartError, app, telemetry};

#[derive(Parser)]
#[command(
    name = "hocvuso",
    version,
    about = "Nền tảng Bình dân học vụ số — Hocvuso"
)]
struct Cli {
    /// A TOML settings file; environment variables `HOCVUSO_*` override it.
    #[arg(long, short, env = "HOCVUSO_CONFIG", global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Migrates the database and serves the API (SQLite under ./data when unconfigured).
    Serve,
    /// Applies pending database migrations and exits.
    Migrate,
    /// Prints the OpenAPI document (JSON) to standard output.
    Openapi,
    /// The curriculum: `content import <dir>` loads a folder (idempotently).
    Content {
        #[command(subcommand)]
        command: ContentCommand,
    },
    /// Issues the record of every completion of the last `days` days that has none
    /// (a server that died between the two); safe to run at any time. Servers do this
    /// for the last 30 days when they start, and for the last day every ten minutes.
    Reconcile {
        #[arg(long, default_value_t = 30)]
        days: u32,
    },
    /// Administrator accounts.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// The keys signing completion records, in `certification.keys_folder`
    /// (default `data/keys/credentials`).
    Keys {
        #[command(subcommand)]
        command: KeysCommand,
    },
}

#[derive(Subcommand)]
enum KeysCommand {
    /// Creates the first signing key.
    Generate,
    /// Adds a new signing key; older keys stay published so their records still verify.
    Rotate,
    /// Lists the keys (`kid`, file), marking the one that signs.
    List,
}

#[derive(Subcommand)]
enum ContentCommand {
    /// Checks a curriculum folder and imports it; reports every error with file and line.
    Import { dir: PathBuf },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Creates the first administrator of a unit (a new root unit, e.g. a ward). The
    /// password is read from the first line of standard input, never from arguments.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// The unit this administrator administers, created as a root unit.
        #[arg(long)]
        unit_name: String,
        #[arg(long, value_enum, default_value = "ward")]
        unit_kind: RootUnitKind,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum RootUnitKind {
    /// The national level: the only one that sets the plan's targets.
    Nation,
    Province,
    Ward,
    Agency,
    School,
    Enterprise,
}

impl From<RootUnitKind> for UnitKind {
    fn from(kind: RootUnitKind) -> Self {
        match kind {
            RootUnitKind::Nation => UnitKind::Nation,
            RootUnitKind::Province => UnitKind::Province,
            RootUnitKind::Ward => UnitKind::Ward,
            RootUnitKind::Agency => UnitKind::Agency,
            RootUnitKind::School => UnitKind::School,
            RootUnitKind::Enterprise => UnitKind::Enterprise,
        }
    }
}

#[derive(Debug)]
enum Failure {
    Settings(Box<dyn std::error::Error>),
    Start(StartError),
    Io(std::io::Error),
    Refused(String),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Settings(e) => write!(f, "invalid settings: {e}"),
            Failure::Start(e) => e.fmt(f),
            Failure::Io(e) => e.fmt(f),
            Failure::Refused(why) => f.write_str(why),
        }
    }
}

impl From<StartError> for Failure {
    fn from(e: StartError) -> Self {
        Failure::Start(e)
    }
}

fn keys(settings: &Settings, command: &KeysCommand) -> Result<(), Failure> {
    use hocvuso_certification::keyring;
    let folder = settings.credential_keys_folder();
    let refused = |e: hocvuso_certification::CertificationError| Failure::Refused(e.to_string());
    match command {
        KeysCommand::Generate | KeysCommand::Rotate => {
            let key = if matches!(command, KeysCommand::Generate) {
                keyring::generate(&folder)
            } else {
                keyring::rotate(&folder)
            }
            .map_err(refused)?;
            println!(
                "new signing key {} in {}; restart the servers to sign with it",
                key.kid,
                key.path.display()
            );
        }
        KeysCommand::List => {
            for key in keyring::list(&folder).map_err(refused)? {
                let role = if key.signing { "signs" } else { "verifies" };
                println!("{}  {role:8}  {}", key.kid, key.path.display());
            }
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let _fail_points = hocvuso_journeys::fail_points_from_env();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("hocvuso: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "hocvuso stopped");
            eprintln!("hocvuso: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), Failure> {
    if let Command::Openapi = cli.command {
        print!("{}", hocvuso_server::openapi::document_json());
        return Ok(());
    }
    let settings =
        Settings::load(cli.config.as_deref()).map_err(|e| Failure::Settings(e as Box<_>))?;
    telemetry::init(&settings.log);
    match cli.command {
        Command::Serve => serve(settings).await,
        Command::Keys { command } => keys(&settings, &command),
        Command::Migrate => {
            let db = hocvuso_server::connect(&settings).await?;
            hocvuso_server::migrate(&db).await?;
            tracing::info!("database migrated");
            Ok(())
        }
        Command::Admin {
            command:
                AdminCommand::Create {
                    email,
                    name,
                    unit_name,
                    unit_kind,
                },
        } => {
            let mut password = String::new();
            std::io::stdin()
                .read_line(&mut password)
                .map_err(Failure::Io)?;
            let state = hocvuso_server::prepare(settings).await?;
            let (admin, unit) = state
                .identity
                .bootstrap_admin(
                    name,
                    &email,
                    password.trim_end_matches(['\r', '\n']).to_owned(),
                    &unit_name,
                    unit_kind.into(),
                )
                .await
                .map_err(|e| Failure::Refused(Problem::from(e).to_string()))?;
            println!(
                "administrator {} created for unit {} ({})",
                admin.id, unit.name, unit.id
            );
            Ok(())
        }
        Command::Content {
            command: ContentCommand::Import { dir },
        } => {
            let db = hocvuso_server::connect(&settings).await?;
            hocvuso_server::migrate(&db).await?;
            let courses = Courses::new(db.clone());
            let assessment = hocvuso_assessment::Assessment::new(db)
                .map_err(|e| StartError::Assessment(e.to_string()))?;
            match curriculum::import(&courses, &assessment, &dir).await {
                Ok(report) => {
                    println!(
                        "imported {}: {} courses created, {} updated, {} unchanged, {} lessons; {} questions created, {} updated, {} retired",
                        dir.display(),
                        report.courses.created,
                        report.courses.updated,
                        report.courses.unchanged,
                        report.courses.lessons,
                        report.questions.created,
                        report.questions.updated,
                        report.questions.retired,
                    );
                    Ok(())
                }
                Err(CurriculumError::Invalid(errors)) => {
                    for error in &errors {
                        eprintln!("{error}");
                    }
                    Err(Failure::Refused(format!(
                        "{} errors in {}; nothing imported",
                        errors.len(),
                        dir.display()
                    )))
                }
                Err(other) => Err(Failure::Refused(other.to_string())),
            }
        }
        Command::Reconcile { days } => {
            let state = hocvuso_server::prepare(settings).await?;
            let since = chrono::Utc::now() - chrono::Duration::days(i64::from(days));
            let issued = state
                .reconcile(since)
                .await
                .map_err(|e| Failure::Refused(Problem::from(e).to_string()))?;
            println!(
                "{issued} records issued for completions of the last {days} days that had none"
            );
            Ok(())
        }
        Command::Openapi => Ok(()),
    }
}

async fn serve(settings: Settings) -> Result<(), Failure> {
    let started = std::time::Instant::now();
    let state = hocvuso_server::prepare(settings).await?;
    let backend = format!("{:?}", state.db.pool().get_database_backend()).to_lowercase();
    let storage = state.blobs.kind();
    let (server, addr) = app::bind(state)?;
    tracing::info!(
        %addr,
        database = %backend,
        storage,
        startup_ms = started.elapsed().as_millis() as u64,
        "Hocvuso is listening on http://{addr} (API {}, docs /docs)",
        app::API_PREFIX
    );
    server.await.map_err(Failure::Io)
}
