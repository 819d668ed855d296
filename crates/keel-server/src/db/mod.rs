//! The database: one [`sqlx::AnyPool`] over SQLite (embedded, the default) or PostgreSQL.
//!
//! Why `sqlx::Any` and not an enum over two typed pools: every query the server runs is portable SQL with `$1`
//! placeholders (SQLite reads `$N` as the N-th parameter too) over BIGINT, TEXT and byte columns, which is exactly
//! what the Any driver carries; one code path means the PostgreSQL suite tests the very statements SQLite runs,
//! and nothing is written twice. What differs is confined to [`Dialect`]: two words in the migrations, the
//! connection set-up (SQLite's pragmas), and a process-wide write lock on SQLite (one writer at a time is
//! SQLite's own rule; taking it in the server turns lock contention into queueing instead of `SQLITE_BUSY`).
//!
//! # Complexity
//! Connecting is O(migrations); each query is whatever its SQL costs on the chosen database.

pub(crate) mod migrate;

use crate::error::ServerError;
use sqlx::any::AnyPoolOptions;
use sqlx::{Any, AnyPool, Transaction};
use std::sync::Arc;
use tokio::sync::{Mutex, MutexGuard};

/// Which database the URL names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// The pool and what the server needs to know about it.
#[derive(Clone, Debug)]
pub struct Db {
    pub(crate) pool: AnyPool,
    pub(crate) dialect: Dialect,
    write_lock: Arc<Mutex<()>>,
}

/// A write transaction; on SQLite it also holds the process-wide write lock until it ends.
pub(crate) struct WriteTx<'a> {
    pub(crate) tx: Transaction<'static, Any>,
    _guard: Option<MutexGuard<'a, ()>>,
}

impl WriteTx<'_> {
    pub(crate) async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }
}

/// `sqlite:PATH` (created if absent) or `postgres://...`; anything else is refused with the accepted forms.
pub fn parse_url(url: &str) -> Result<(Dialect, String), ServerError> {
    if let Some(rest) = url.strip_prefix("sqlite:") {
        let path = rest.trim_start_matches("//");
        if path.is_empty() {
            return Err(ServerError::DatabaseUrl {
                url: url.into(),
                why: "no file path after `sqlite:`; write e.g. `sqlite:keel.db`".into(),
            });
        }
        // mode=rwc: create the file when absent (the "no set-up" start).
        let full = if rest.contains('?') {
            format!("sqlite:{rest}")
        } else {
            format!("sqlite:{rest}?mode=rwc")
        };
        Ok((Dialect::Sqlite, full))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok((Dialect::Postgres, url.to_owned()))
    } else {
        Err(ServerError::DatabaseUrl {
            url: url.into(),
            why: "give `sqlite:PATH` (an embedded database file, created if absent) or `postgres://USER@HOST/DB`"
                .into(),
        })
    }
}

impl Db {
    /// Connects and brings the schema up to date.
    pub async fn connect(url: &str) -> Result<Db, ServerError> {
        sqlx::any::install_default_drivers();
        let (dialect, full) = parse_url(url)?;
        let opts = AnyPoolOptions::new();
        let opts = match dialect {
            // WAL lets readers run beside the one writer; synchronous=FULL makes an acknowledged commit survive
            // power loss, not only a killed process.
            Dialect::Sqlite => opts.max_connections(8).after_connect(|conn, _| {
                Box::pin(async move {
                    use sqlx::Executor as _;
                    conn.execute(
                        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                         PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;",
                    )
                    .await?;
                    Ok(())
                })
            }),
            Dialect::Postgres => opts.max_connections(16),
        };
        let pool = opts
            .connect(&full)
            .await
            .map_err(|source| ServerError::Database {
                url: redact(url),
                source,
            })?;
        let db = Db {
            pool,
            dialect,
            write_lock: Arc::new(Mutex::new(())),
        };
        migrate::run(&db).await?;
        Ok(db)
    }

    /// Begins a write transaction (serialised on SQLite).
    pub(crate) async fn begin_write(&self) -> Result<WriteTx<'_>, sqlx::Error> {
        // SQLite: BEGIN IMMEDIATE takes the database's write lock at once (waiting up to busy_timeout for it), so
        // a transaction that reads before it writes cannot fail to upgrade its lock half-way (SQLITE_BUSY).
        let (guard, tx) = match self.dialect {
            Dialect::Sqlite => {
                let g = self.write_lock.lock().await;
                (Some(g), self.pool.begin_with("BEGIN IMMEDIATE").await?)
            }
            Dialect::Postgres => (None, self.pool.begin().await?),
        };
        Ok(WriteTx { tx, _guard: guard })
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// The URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &creds[..c], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_parsed_and_passwords_hidden() {
        assert_eq!(
            parse_url("sqlite:keel.db").unwrap(),
            (Dialect::Sqlite, "sqlite:keel.db?mode=rwc".into())
        );
        assert_eq!(parse_url("postgres://u@h/d").unwrap().0, Dialect::Postgres);
        assert!(parse_url("mysql://x").is_err());
        assert!(parse_url("sqlite:").is_err());
        assert_eq!(redact("postgres://u:secret@h/d"), "postgres://u:***@h/d");
        assert_eq!(redact("postgres://u@h/d"), "postgres://u@h/d");
    }
}
