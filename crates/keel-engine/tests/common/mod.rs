//! Shared by the engine's tests: the bundled example and an analysis run from its JSON options.
#![allow(dead_code, unreachable_pub)]

use keel_engine::{run, Analysis, EngineError, Results};
use keel_model::{Model, Silent};
use std::path::Path;

/// The bundled example (examples/canada-dib), loaded.
pub fn example() -> Model {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/canada-dib");
    keel_io::load(&dir).expect("example loads").model
}

/// The analysis `json` names, run on `m` without progress.
pub fn go(m: &Model, json: &str) -> Result<Results, EngineError> {
    let a: Analysis = serde_json::from_str(json).unwrap();
    run(m, &a, &Silent)
}
