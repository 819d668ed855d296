//! Imports one of the 38 real multi-echelon supply chains published by S. P. Willems, "Real-world multiechelon
//! supply chains used for inventory optimization", *Manufacturing & Service Operations Management* 10(1):19-23,
//! 2008, as a Keel model.
//!
//! Mapping (see `docs/generate.md`): every stage of `NN_SD.csv` becomes one item and one stage (both named after
//! the stage) at its own site of a single firm `unknown` in country `ZZZ` (origin is not published). Every arc
//! `sourceStage,destinationStage` of `NN_LL.csv` becomes one input row of qty 1: in Willems' networks each source
//! stage is a different part, so each arc is its own input item (AND), single-sourced. `stageCost` is the
//! value added, `stageTime` the lead time; stages with `avgDemand` get a demand row with loss 1 per unit.
//! Capacities are unlimited. Item kinds: demand stages are platforms; `Part` is a component; `Manuf` is a
//! subsystem if it has inputs, else a component; `Dist`, `Trans` and `Retail` are services.
//!
//! # Complexity
//! O(S + A) for S stages and A arcs (one hash lookup per arc end).

use keel_model::{header_of, MemModel, MemTable, RawMeta};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Number of chains in the Willems (2008) data set.
pub const CHAINS: u32 = 38;

/// Why a chain could not be imported.
#[derive(Debug, thiserror::Error)]
pub enum WillemsError {
    #[error(
        "Willems data not found at {0}: expected chains/NN_SD.csv and chains/NN_LL.csv there (give the folder with --data)"
    )]
    NoData(PathBuf),
    #[error("there is no Willems chain {0}: chains are numbered 1 to 38")]
    NoChain(u32),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}:{line}: {message}")]
    Bad {
        path: PathBuf,
        line: u64,
        message: String,
    },
}

/// The folder holding `NN_SD.csv`: `data_dir/chains` or `data_dir` itself.
fn chains_dir(data_dir: &Path) -> Result<PathBuf, WillemsError> {
    let sub = data_dir.join("chains");
    if sub.join("01_SD.csv").is_file() {
        Ok(sub)
    } else if data_dir.join("01_SD.csv").is_file() {
        Ok(data_dir.to_path_buf())
    } else {
        Err(WillemsError::NoData(data_dir.to_path_buf()))
    }
}

struct Csv {
    path: PathBuf,
    headers: Vec<String>,
    rows: Vec<(u64, csv::StringRecord)>,
}

fn read_csv(path: PathBuf) -> Result<Csv, WillemsError> {
    let text = std::fs::read(&path).map_err(|source| WillemsError::Io {
        path: path.clone(),
        source,
    })?;
    let bad = |line: u64, message: String, path: &Path| WillemsError::Bad {
        path: path.to_path_buf(),
        line,
        message,
    };
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(true)
        .from_reader(text.as_slice());
    let headers = rdr
        .headers()
        .map_err(|e| bad(1, e.to_string(), &path))?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').trim().to_string())
        .collect();
    let mut rows = Vec::new();
    for r in rdr.records() {
        let r = r.map_err(|e| {
            let line = e.position().map_or(0, csv::Position::line);
            bad(line, e.to_string(), &path)
        })?;
        let line = r.position().map_or(0, csv::Position::line);
        if r.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        rows.push((line, r));
    }
    Ok(Csv {
        path,
        headers,
        rows,
    })
}

impl Csv {
    fn col(&self, name: &str) -> Result<usize, WillemsError> {
        self.headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| WillemsError::Bad {
                path: self.path.clone(),
                line: 1,
                message: format!("column `{name}` is missing from the header"),
            })
    }
    fn bad(&self, line: u64, message: String) -> WillemsError {
        WillemsError::Bad {
            path: self.path.clone(),
            line,
            message,
        }
    }
    /// A non-negative number, or `None` if the field is empty.
    fn num(
        &self,
        line: u64,
        r: &csv::StringRecord,
        c: usize,
        name: &str,
    ) -> Result<Option<f64>, WillemsError> {
        let t = r.get(c).map_or("", str::trim);
        if t.is_empty() {
            return Ok(None);
        }
        match t.parse::<f64>() {
            Ok(v) if v.is_finite() && v >= 0.0 => Ok(Some(v)),
            _ => Err(self.bad(line, format!("{name} `{t}` is not a non-negative number"))),
        }
    }
}

fn table(stem: &str) -> MemTable {
    MemTable::new(
        format!("{stem}.csv"),
        header_of(stem).split(',').map(str::to_string).collect(),
    )
}

/// Converts Willems chain `chain` (1-38) found under `data_dir` (the `willems2008` folder, or its `chains`
/// subfolder) into a model ready for [`MemModel::build`].
pub fn import_willems(data_dir: &Path, chain: u32) -> Result<MemModel, WillemsError> {
    if !(1..=CHAINS).contains(&chain) {
        return Err(WillemsError::NoChain(chain));
    }
    let dir = chains_dir(data_dir)?;
    let sd = read_csv(dir.join(format!("{chain:02}_SD.csv")))?;
    let ll = read_csv(dir.join(format!("{chain:02}_LL.csv")))?;
    let (c_name, c_cost, c_class, c_dem, c_time) = (
        sd.col("Stage Name")?,
        sd.col("stageCost")?,
        sd.col("stageClassification")?,
        sd.col("avgDemand")?,
        sd.col("stageTime")?,
    );
    let (c_src, c_dst) = (ll.col("sourceStage")?, ll.col("destinationStage")?);

    // Stage names, checked unique; the map is only used for lookups, never iterated.
    let mut index: HashMap<&str, usize> = HashMap::with_capacity(sd.rows.len());
    for (k, (line, r)) in sd.rows.iter().enumerate() {
        let name = r.get(c_name).map_or("", str::trim);
        if name.is_empty() {
            return Err(sd.bad(*line, "`Stage Name` is empty".into()));
        }
        if index.insert(name, k).is_some() {
            return Err(sd.bad(*line, format!("stage `{name}` appears twice")));
        }
    }
    let mut arcs = Vec::with_capacity(ll.rows.len());
    let mut has_inputs = vec![false; sd.rows.len()];
    for (line, r) in &ll.rows {
        let end = |c: usize, what: &str| -> Result<usize, WillemsError> {
            let v = r.get(c).map_or("", str::trim);
            index.get(v).copied().ok_or_else(|| {
                ll.bad(
                    *line,
                    format!("{what} `{v}` is not a stage of {chain:02}_SD.csv"),
                )
            })
        };
        let (s, d) = (end(c_src, "sourceStage")?, end(c_dst, "destinationStage")?);
        has_inputs[d] = true;
        arcs.push((s, d));
    }

    let mut countries = table("countries");
    countries.push(["ZZZ", "Unknown origin", ""]);
    let mut firms = table("firms");
    firms.push(["unknown", "Unknown firm", "ZZZ", ""]);
    let (mut sites, mut items, mut stages, mut demand) = (
        table("sites"),
        table("items"),
        table("stages"),
        table("demand"),
    );
    let mut names = Vec::with_capacity(sd.rows.len());
    for (k, (line, r)) in sd.rows.iter().enumerate() {
        let name = r.get(c_name).map_or("", str::trim);
        let class = r.get(c_class).map_or("", str::trim);
        let cost = sd
            .num(*line, r, c_cost, "stageCost")?
            .ok_or_else(|| sd.bad(*line, "stageCost is empty".into()))?;
        let time = sd.num(*line, r, c_time, "stageTime")?;
        let dem = sd.num(*line, r, c_dem, "avgDemand")?;
        let kind = match (dem.is_some(), class) {
            (true, _) => "platform",
            (false, "Part" | "Parts") => "component",
            (false, "Manuf") if has_inputs[k] => "subsystem",
            (false, "Manuf") => "component",
            (false, "Dist" | "Trans" | "Retail") => "service",
            _ => {
                return Err(sd.bad(
                    *line,
                    format!(
                        "unknown stageClassification `{class}` (expected Part, Manuf, Dist, Trans or Retail)"
                    ),
                ))
            }
        };
        sites.push([name, "unknown", "ZZZ", "", "", ""]);
        items.push([
            name,
            &format!("{class} stage {name} of Willems chain {chain:02}"),
            kind,
            "",
            "",
        ]);
        stages.push([
            name,
            name,
            name,
            &cost.to_string(),
            "",
            &time.map_or(String::new(), |t| t.to_string()),
            "",
            "",
        ]);
        if let Some(d) = dem {
            demand.push([name, &d.to_string(), "1"]);
        }
        names.push(name);
    }
    let mut inputs = table("inputs");
    for &(s, d) in &arcs {
        inputs.push([names[d], names[s], "1", names[s], "", ""]);
    }

    Ok(MemModel {
        meta: RawMeta {
            file: "model.toml".into(),
            name: Some(format!("Willems (2008) chain {chain:02}")),
            home_country: Some("ZZZ".into()),
            currency: Some("USD".into()),
            time_unit: Some("day".into()),
            description: Some(format!(
                "Real supply chain {chain:02} of S. P. Willems, \"Real-world multiechelon supply chains used for \
                 inventory optimization\", Manufacturing & Service Operations Management 10(1):19-23, 2008. \
                 Imported by `keel import willems`: origins, capacities and inventories are unknown."
            )),
            ..RawMeta::default()
        },
        tables: vec![
            ("countries".into(), countries),
            ("firms".into(), firms),
            ("sites".into(), sites),
            ("items".into(), items),
            ("stages".into(), stages),
            ("inputs".into(), inputs),
            ("demand".into(), demand),
        ],
    })
}
