//! `keel serve`: the shared workspace server (all of it lives in keel-server; this only parses flags and
//! prints where it listens), and `keel serve create-admin`, the one way to make the first account.

use anyhow::Context as _;
use std::io::{BufRead as _, IsTerminal as _, Write as _};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

/// Serve shared workspaces: a web dashboard and a JSON API (docs/dashboard.md, docs/server.md).
#[derive(clap::Args, Debug)]
#[command(args_conflicts_with_subcommands = true)]
pub(crate) struct Args {
    #[command(subcommand)]
    action: Option<Action>,
    /// Address to listen on (loopback by default; put a TLS reverse proxy in front to serve a network).
    #[arg(long, default_value = "127.0.0.1:8080")]
    bind: SocketAddr,
    /// `sqlite:PATH` (created if absent) or `postgres://USER@HOST/DB`.
    #[arg(long, default_value = "sqlite:keel.db")]
    database: String,
    /// Clients reach the server over HTTPS through a reverse proxy: mark session cookies Secure and take the
    /// client address from the X-Forwarded-For the proxy appends.
    #[arg(long)]
    tls_proxy: bool,
    /// Largest upload accepted, in MiB.
    #[arg(long, value_name = "MIB", default_value_t = 64)]
    max_upload_mb: usize,
    /// Analyses run at once as background jobs (each on its own thread; 0 runs none, leaving jobs queued).
    #[arg(long, value_name = "N", default_value_t = 1)]
    job_workers: usize,
    /// Aggregates shown to contributors: a cell needs at least this many firms (docs/disclosure.md).
    #[arg(long, value_name = "N", default_value_t = 3)]
    min_firms: usize,
    /// Aggregates shown to contributors: no firm may make up more than this share of a cell, in (0, 1].
    #[arg(long, value_name = "SHARE", default_value_t = 0.7)]
    dominance: f64,
    /// The folder holding the published data sets that policy jobs read (nato/, sipri/, csis-canada/)
    /// [default: $KEEL_DATA, else shared/data beside the current folder or the executable, or above them].
    #[arg(long, value_name = "DIR")]
    policy_data: Option<PathBuf>,
}

/// The published data sets policy jobs read: `--policy-data` (which must exist), else the folder `keel
/// policy` would find. What is missing is said once on standard error; the server starts all the same.
fn policy_data(explicit: Option<&std::path::Path>) -> anyhow::Result<Option<PathBuf>> {
    use keel_engine::policy::{PolicyData, CSIS_SET};
    const SETS: [&str; 3] = ["nato", "sipri", CSIS_SET];
    let dir = match explicit {
        Some(d) if !d.is_dir() => {
            return Err(crate::BadInput(format!(
                "--policy-data {}: no such folder (it should hold nato/, sipri/ and {CSIS_SET}/)",
                d.display()
            ))
            .into())
        }
        Some(d) => d.to_path_buf(),
        None => match crate::data::root(&SETS) {
            Some(d) => d,
            None => {
                eprintln!(
                    "note: no published data sets found (KEEL_DATA is not set and no shared/data holds nato/, \
                     sipri/ or {CSIS_SET}/): policy jobs that read them will be refused; start with \
                     --policy-data DIR to serve them"
                );
                return Ok(None);
            }
        },
    };
    let found = PolicyData::in_folder(&dir);
    let missing: Vec<&str> = [
        ("nato", found.nato.is_none()),
        ("sipri", found.sipri.is_none()),
        (CSIS_SET, found.csis.is_none()),
    ]
    .into_iter()
    .filter_map(|(s, m)| m.then_some(s))
    .collect();
    if !missing.is_empty() {
        eprintln!(
            "note: {} holds no usable {}/: policy jobs that read {} will be refused",
            dir.display(),
            missing.join("/, no "),
            if missing.len() == 1 { "it" } else { "them" }
        );
    }
    Ok(Some(dir))
}

#[derive(clap::Subcommand, Debug)]
enum Action {
    /// Create an admin account (the first one must be made this way). The password is read from
    /// --password-file or from the first line of standard input.
    CreateAdmin {
        #[arg(long, default_value = "sqlite:keel.db")]
        database: String,
        #[arg(long)]
        name: String,
        /// A file whose first line is the password (otherwise standard input is read).
        #[arg(long, value_name = "FILE")]
        password_file: Option<PathBuf>,
    },
}

fn bad(e: keel_server::ServerError) -> anyhow::Error {
    use keel_server::{ApiError, ServerError};
    match e {
        ServerError::DatabaseUrl { .. }
        | ServerError::Account(_)
        | ServerError::Api(ApiError::BadRequest(_) | ApiError::Conflict(_)) => {
            crate::BadInput(e.to_string()).into()
        }
        e => e.into(),
    }
}

pub(crate) fn run(args: &Args) -> anyhow::Result<ExitCode> {
    if let Some(Action::CreateAdmin {
        database,
        name,
        password_file,
    }) = &args.action
    {
        let line = match password_file {
            Some(p) => std::fs::read_to_string(p)
                .with_context(|| format!("{}: cannot read the password file", p.display()))
                .map_err(|e| crate::BadInput(format!("{e:#}")))?,
            None => {
                if std::io::stdin().is_terminal() {
                    eprintln!(
                        "password for {name} (shown as you type; --password-file avoids that):"
                    );
                }
                let mut s = String::new();
                std::io::stdin().lock().read_line(&mut s)?;
                s
            }
        };
        let password = line.lines().next().unwrap_or("");
        let id = keel_server::create_admin(database, name, password).map_err(bad)?;
        println!("created admin {name} (account {id}) in {database}");
        return Ok(ExitCode::SUCCESS);
    }
    let policy_data = policy_data(args.policy_data.as_deref())?;
    let config = keel_server::Config {
        bind: args.bind,
        database: args.database.clone(),
        behind_proxy: args.tls_proxy,
        limits: keel_server::Limits {
            max_upload_bytes: args.max_upload_mb << 20,
            ..keel_server::Limits::default()
        },
        job_workers: args.job_workers,
        disclosure: keel_server::Disclosure {
            min_firms: args.min_firms,
            dominance: args.dominance,
        },
        policy_data: policy_data.clone(),
    };
    keel_server::run(&config, |s| {
        // A server outlives whoever reads its standard output: a closed pipe must not stop it, so write errors
        // are ignored here rather than panicking as println! would.
        let mut msg = format!(
            "keel serve: listening on http://{} (database {})\n  dashboard: open http://{}/ in a browser\n  health: GET /api/v1/health; API description: GET /api/v1/openapi.json (signed in)\n",
            s.addr, args.database, s.addr
        );
        if s.accounts == 0 {
            msg.push_str(&format!(
                "  no accounts yet: create the first admin with\n    keel serve create-admin --database {} --name NAME --password-file FILE\n",
                args.database
            ));
        }
        if let Some(d) = &policy_data {
            msg.push_str(&format!("  policy jobs read the data sets in {}\n", d.display()));
        }
        msg.push_str("  stop with Ctrl-C\n");
        let mut out = std::io::stdout();
        let _ = out.write_all(msg.as_bytes());
        let _ = out.flush();
    })
    .map_err(bad)?;
    Ok(ExitCode::SUCCESS)
}
