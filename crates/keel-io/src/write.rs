//! Writing a model back to its tables: the inverse of loading, so `convert` round-trips.

use crate::IoError;
use keel_model::{header_of, Model, OptionKind};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

/// Columns that hold numbers (written as numbers in a workbook).
pub(crate) const NUMERIC: [&str; 19] = [
    "value_added",
    "capacity",
    "lead_time",
    "inventory",
    "ttr",
    "qty",
    "share",
    "transit_time",
    "demand",
    "loss_per_unit",
    "capacity_factor",
    "start",
    "duration",
    "probability",
    "lat",
    "lon",
    "amount",
    "cost",
    "time_to_effect",
];

fn num(v: f64) -> String {
    // Rust prints the shortest text that parses back to the same f64, and never in exponent form.
    format!("{v}")
}

fn opt(v: Option<f64>) -> String {
    v.map(num).unwrap_or_default()
}

/// Every table of a model as rows of text, in file order. Optional tables that are empty are left out.
///
/// A model with options is written whole: the stages and input rows of its full model (candidates included,
/// their supplier rows with an empty share) and options.csv.
pub fn model_tables(model: &Model) -> Vec<(&'static str, Vec<Vec<String>>)> {
    let inv = model.investments();
    let m = inv.map_or(model, |i| &i.full);
    let candidate = |s: keel_model::StageIx| inv.is_some_and(|i| i.is_candidate(s));
    let cc = |c: keel_model::CountryIx| m.countries()[c.index()].code.clone();
    let mut out = Vec::new();
    out.push((
        "countries",
        m.countries()
            .iter()
            .map(|c| {
                let blocs: Vec<&str> = c
                    .blocs
                    .iter()
                    .map(|b| m.blocs()[b.index()].as_str())
                    .collect();
                vec![c.code.clone(), c.name.clone(), blocs.join(";")]
            })
            .collect(),
    ));
    out.push((
        "firms",
        m.firms()
            .iter()
            .map(|f| {
                let parent = if f.parent_country == f.country {
                    String::new()
                } else {
                    cc(f.parent_country)
                };
                vec![f.id.clone(), f.name.clone(), cc(f.country), parent]
            })
            .collect(),
    ));
    out.push((
        "sites",
        m.sites()
            .iter()
            .map(|s| {
                vec![
                    s.id.clone(),
                    m.firms()[s.firm.index()].id.clone(),
                    cc(s.country),
                    opt(s.lat),
                    opt(s.lon),
                    s.name.clone().unwrap_or_default(),
                ]
            })
            .collect(),
    ));
    out.push((
        "items",
        m.items()
            .iter()
            .map(|i| {
                let ec = i.control.as_ref().map_or(String::new(), |c| {
                    let code = &m.regimes()[c.regime.index()].code;
                    match &c.category {
                        Some(k) => format!("{code}:{k}"),
                        None => code.clone(),
                    }
                });
                vec![
                    i.id.clone(),
                    i.name.clone(),
                    i.kind.as_str().into(),
                    ec,
                    i.capability.clone().unwrap_or_default(),
                ]
            })
            .collect(),
    ));
    out.push((
        "stages",
        m.stages()
            .iter()
            .map(|s| {
                vec![
                    s.id.clone(),
                    m.items()[s.item.index()].id.clone(),
                    m.sites()[s.site.index()].id.clone(),
                    num(s.value_added),
                    opt(s.capacity),
                    num(s.lead_time),
                    num(s.inventory),
                    opt(s.ttr),
                ]
            })
            .collect(),
    ));
    if !m.lanes().is_empty() {
        out.push((
            "lanes",
            m.lanes()
                .iter()
                .map(|l| {
                    let cps: Vec<&str> = l
                        .chokepoints
                        .iter()
                        .map(|c| m.chokepoints()[c.index()].as_str())
                        .collect();
                    vec![
                        l.id.clone(),
                        m.sites()[l.from_site.index()].id.clone(),
                        m.sites()[l.to_site.index()].id.clone(),
                        l.mode.as_str().into(),
                        num(l.transit_time),
                        cps.join(";"),
                    ]
                })
                .collect(),
        ));
    }
    let mut inputs = Vec::with_capacity(m.sources().len());
    for (gi, g) in m.groups().iter().enumerate() {
        for k in m.sources_of(keel_model::GroupIx::new(gi)) {
            let src = &m.sources()[k.index()];
            inputs.push(vec![
                m.stages()[g.stage.index()].id.clone(),
                m.items()[g.item.index()].id.clone(),
                num(g.qty),
                m.stages()[src.supplier.index()].id.clone(),
                if g.shares_given && !candidate(src.supplier) {
                    num(src.share)
                } else {
                    String::new()
                },
                src.lane
                    .map_or(String::new(), |l| m.lanes()[l.index()].id.clone()),
            ]);
        }
    }
    if let Some(inv) = inv {
        out.push((
            "options",
            inv.options
                .iter()
                .map(|o| {
                    vec![
                        o.id.clone(),
                        o.kind.as_str().into(),
                        m.stages()[o.stage.index()].id.clone(),
                        if o.kind == OptionKind::Source {
                            String::new()
                        } else {
                            num(o.amount)
                        },
                        num(o.cost),
                        num(o.probability),
                        o.group
                            .map_or(String::new(), |g| inv.groups[g as usize].clone()),
                        o.name.clone().unwrap_or_default(),
                        num(o.time_to_effect),
                    ]
                })
                .collect(),
        ));
    }
    out.push(("inputs", inputs));
    out.push((
        "demand",
        m.demands()
            .iter()
            .map(|d| {
                vec![
                    m.stages()[d.stage.index()].id.clone(),
                    num(d.demand),
                    num(d.loss_per_unit),
                ]
            })
            .collect(),
    ));
    if !m.scenarios().is_empty() {
        let mut rows = Vec::new();
        for sc in m.scenarios() {
            for (k, ev) in sc.events.iter().enumerate() {
                let target = m.target_name(ev.target);
                let id = target
                    .split_once(' ')
                    .map_or(String::new(), |(_, id)| id.to_string());
                rows.push(vec![
                    sc.name.clone(),
                    ev.target.kind().to_string(),
                    id,
                    num(ev.capacity_factor),
                    num(ev.start),
                    num(ev.duration),
                    if k == 0 {
                        opt(sc.probability)
                    } else {
                        String::new()
                    },
                ]);
            }
        }
        out.push(("scenarios", rows));
    }
    out
}

/// `model.toml` text for a model.
pub(crate) fn meta_toml(m: &Model) -> String {
    let q = |s: &str| toml::Value::String(s.to_string()).to_string();
    let mut t = String::new();
    let _ = writeln!(t, "name = {}", q(&m.meta().name));
    let _ = writeln!(
        t,
        "home_country = {}",
        q(&m.countries()[m.meta().home_country.index()].code)
    );
    let _ = writeln!(t, "currency = {}", q(&m.meta().currency));
    let _ = writeln!(t, "time_unit = {}", q(&m.meta().time_unit));
    if let Some(d) = &m.meta().description {
        let _ = writeln!(t, "description = {}", q(d));
    }
    let _ = writeln!(t, "\n[export_regimes]");
    for r in m.regimes() {
        let key = if r
            .code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            r.code.clone()
        } else {
            q(&r.code)
        };
        let _ = writeln!(t, "{key} = {}", q(&m.countries()[r.country.index()].code));
    }
    t
}

/// Writes a model as a folder of CSV files plus `model.toml`, creating the folder if needed.
pub fn write_dir(m: &Model, dir: &Path) -> Result<(), IoError> {
    std::fs::create_dir_all(dir).map_err(|e| IoError::io(dir, e))?;
    let p = dir.join("model.toml");
    std::fs::write(&p, meta_toml(m)).map_err(|e| IoError::io(&p, e))?;
    for (stem, rows) in model_tables(m) {
        let p = dir.join(format!("{stem}.csv"));
        let f = std::fs::File::create(&p).map_err(|e| IoError::io(&p, e))?;
        let mut w = csv::Writer::from_writer(std::io::BufWriter::with_capacity(1 << 20, f));
        let header = header_of(stem);
        let res = (|| -> Result<(), csv::Error> {
            w.write_record(header.split(','))?;
            for r in &rows {
                w.write_record(r)?;
            }
            w.flush()?;
            Ok(())
        })();
        res.map_err(|e| IoError::io(&p, std::io::Error::other(e)))?;
        let _ = w.into_inner().map(|mut b| b.flush());
    }
    Ok(())
}
