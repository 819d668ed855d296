//! STAND-IN for `keel-engine` until it lands on main (same shape: `Analysis`, `run`, `Results`,
//! `EngineError`, `Progress`); deleted at the merge.
//!
//! # Complexity
//! O(stages).
#![allow(dead_code)]

use keel_model::Model;
use serde::Deserialize;

pub(crate) trait Progress: Sync {
    fn start(&self, total: usize) {
        let _ = total;
    }
    fn set(&self, done: usize);
    fn cancelled(&self) -> bool {
        false
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(tag = "analysis", rename_all = "lowercase")]
pub(crate) enum Analysis {
    Stress(StressOptions),
}

impl Analysis {
    pub(crate) fn name(&self) -> &'static str {
        "stress"
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct StressOptions {
    pub(crate) each: Option<String>,
    pub(crate) per_platform: bool,
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum EngineError {
    #[error("the analysis was cancelled")]
    Cancelled,
    #[error("{0}")]
    Options(String),
}

#[derive(Debug)]
pub(crate) struct Table {
    pub(crate) name: &'static str,
}

#[derive(Debug)]
pub(crate) struct Results {
    pub(crate) tables: Vec<Table>,
    pub(crate) main: &'static str,
    pub(crate) json: serde_json::Value,
}

impl Results {
    pub(crate) fn json_bytes(&self) -> Vec<u8> {
        let mut v = serde_json::to_vec_pretty(&self.json).unwrap_or_default();
        v.push(b'\n');
        v
    }
    pub(crate) fn csv_bytes(&self, table: Option<&str>) -> Result<Vec<u8>, EngineError> {
        Ok(format!("table\n{}\n", table.unwrap_or(self.main)).into_bytes())
    }
    pub(crate) fn xlsx_bytes(&self) -> Result<Vec<u8>, EngineError> {
        Ok(b"PK".to_vec())
    }
}

pub(crate) fn run(model: &Model, a: &Analysis, p: &dyn Progress) -> Result<Results, EngineError> {
    let Analysis::Stress(_) = a;
    let n = model.stages().len();
    p.start(n);
    for i in 0..n {
        if p.cancelled() {
            return Err(EngineError::Cancelled);
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
        p.set(i + 1);
    }
    Ok(Results {
        tables: vec![Table { name: "scenarios" }, Table { name: "hits" }],
        main: "scenarios",
        json: serde_json::json!({"stages": n}),
    })
}
