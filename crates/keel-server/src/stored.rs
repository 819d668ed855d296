//! A stored version back as a Keel model: its files read from the database, written to a private temporary
//! folder (or workbook) and loaded with `keel check`'s loader. Jobs and the dashboard's views both load models
//! this way, so both see exactly what `keel` would see in the uploaded folder.
//!
//! # Complexity
//! O(version size) to read, write and load.

use crate::db::Db;
use crate::upload::WORKBOOK_NAME;
use keel_model::Model;
use std::sync::{Arc, Mutex};

/// A version's files, as uploaded: its source (`zip` or `xlsx`) and every file, by name.
pub(crate) struct Files {
    pub(crate) source: String,
    pub(crate) files: Vec<(String, Vec<u8>)>,
}

/// Reads version `version_id` (the row id, not the number) from the database.
pub(crate) async fn read(db: &Db, version_id: i64) -> Result<Files, sqlx::Error> {
    let (source,): (String,) = sqlx::query_as("SELECT source FROM versions WHERE id = $1")
        .bind(version_id)
        .fetch_one(&db.pool)
        .await?;
    let files: Vec<(String, Vec<u8>)> = sqlx::query_as(
        "SELECT name, content FROM version_files WHERE version_id = $1 ORDER BY name",
    )
    .bind(version_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(Files { source, files })
}

impl Files {
    /// Loads the model (blocking: call it on a blocking thread). The error says what failed, with the
    /// temporary folder's path taken out of the loader's message.
    pub(crate) fn load(&self) -> Result<Model, String> {
        let tmp =
            tempfile::tempdir().map_err(|e| format!("cannot make a temporary folder: {e}"))?;
        // The names were checked when the version was uploaded (plain names, no folders).
        let path = if self.source == "xlsx" {
            tmp.path().join(WORKBOOK_NAME)
        } else {
            tmp.path().join("model")
        };
        let written = if self.source == "xlsx" {
            self.files
                .iter()
                .find(|f| f.0 == WORKBOOK_NAME)
                .map_or(Ok(()), |f| std::fs::write(&path, &f.1))
        } else {
            std::fs::create_dir(&path).and_then(|()| {
                self.files
                    .iter()
                    .try_for_each(|f| std::fs::write(path.join(&f.0), &f.1))
            })
        };
        written.map_err(|e| format!("cannot unpack the version: {e}"))?;
        keel_io::load(&path).map(|l| l.model).map_err(|e| {
            let why = e.to_string().replace(&format!("{}/", path.display()), "");
            format!("the version no longer loads with this server's Keel: {why}")
        })
    }
}

/// The last few models loaded for the dashboard's views, by version row id. A version never changes once
/// stored, so a kept model is never stale; a dashboard opening a version asks for its overview, then its
/// network or map, and should not pay the load each time. Most recently used last.
#[derive(Clone, Default)]
pub(crate) struct Recent(Arc<Mutex<Vec<Kept>>>);

/// A version row id and its loaded model.
type Kept = (i64, Arc<Model>);

impl std::fmt::Debug for Recent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Recent")
    }
}

/// Models kept loaded at once (a 20,000-stage model takes some tens of MB).
const KEPT: usize = 4;

impl Recent {
    pub(crate) fn get(&self, id: i64) -> Option<Arc<Model>> {
        let mut v = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let at = v.iter().position(|e| e.0 == id)?;
        let e = v.remove(at);
        let m = e.1.clone();
        v.push(e);
        Some(m)
    }

    pub(crate) fn put(&self, id: i64, m: Arc<Model>) {
        let mut v = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        v.retain(|e| e.0 != id);
        if v.len() >= KEPT {
            v.remove(0);
        }
        v.push((id, m));
    }
}
