//! Turning raw tables into a validated [`Model`], reporting every problem at once.
//!
//! Tables are read in dependency order (countries, firms, sites, items, stages, lanes, inputs, demand,
//! scenarios), so each reference can be resolved as soon as it is read. A bad row is reported and skipped, and
//! reading goes on, so one run lists every problem in every file. Rows referring to a skipped row are not
//! reported a second time as unknown references when the skipped id was at least syntactically present.
//!
//! # Complexity
//! O(R log R) for R input rows (one sort to group them), O(V + E) for the cycle check; memory is linear.

use crate::diag::{did_you_mean, Diagnostic, Invalid};
use crate::ids::*;
use crate::model::*;
use crate::table::{StringRecord, Table};
use rustc_hash::{FxHashMap, FxHashSet};

/// `model.toml` (or the workbook's `model` and `export_regimes` sheets) as read, before validation.
#[derive(Clone, Debug, Default)]
pub struct RawMeta {
    /// Where the metadata came from, e.g. `model.toml`.
    pub file: String,
    pub name: Option<String>,
    pub home_country: Option<String>,
    pub currency: Option<String>,
    pub time_unit: Option<String>,
    pub description: Option<String>,
    /// (regime code, controlling country code, line if known).
    pub regimes: Vec<(String, String, Option<u64>)>,
    /// Line of each key, when known, for diagnostics.
    pub lines: FxHashMap<String, u64>,
}

/// Where a model's tables come from: a folder of CSV files, a workbook, or memory.
pub trait ModelSource {
    /// The metadata. Errors here do not stop the tables from being checked.
    fn meta(&mut self) -> Result<RawMeta, Vec<Diagnostic>>;
    /// Opens the table named `stem` (`countries`, `inputs`, ...); `Ok(None)` if the model has none.
    fn table(&mut self, stem: &str) -> Result<Option<Box<dyn Table + '_>>, Diagnostic>;
    /// How a table is named in messages when it is missing, e.g. `inputs.csv`.
    fn table_name(&self, stem: &str) -> String;
    /// Warnings found outside the tables (e.g. unknown keys in `model.toml`), collected after reading.
    fn take_warnings(&mut self) -> Vec<Diagnostic> {
        Vec::new()
    }
}

/// A model that passed validation, with the warnings found on the way.
#[derive(Debug)]
pub struct Loaded {
    pub model: Model,
    pub warnings: Vec<Diagnostic>,
}

/// Reads and validates a whole model. Returns every error (and warning) if any error was found.
pub fn build(src: &mut dyn ModelSource) -> Result<Loaded, Invalid> {
    let mut b = Builder::default();
    let meta = match src.meta() {
        Ok(m) => Some(m),
        Err(d) => {
            b.diags.extend(d);
            None
        }
    };
    for stem in TABLES {
        let required = !matches!(stem, "lanes" | "scenarios");
        let missing_name = src.table_name(stem);
        match src.table(stem) {
            Ok(Some(mut t)) => b.read(stem, t.as_mut()),
            Ok(None) if required => b.diags.push(
                Diagnostic::error(missing_name, "required table is missing")
                    .with_hint(format!("create it with the header `{}`", header_of(stem))),
            ),
            Ok(None) => {}
            Err(d) => b.diags.push(d),
        }
        if stem == "countries" {
            if let Some(m) = &meta {
                b.meta(m);
            }
        }
    }
    b.diags.extend(src.take_warnings());
    b.finish()
}

const TABLES: [&str; 9] = [
    "countries",
    "firms",
    "sites",
    "items",
    "stages",
    "lanes",
    "inputs",
    "demand",
    "scenarios",
];

/// The columns of each table: (name, required).
pub fn columns_of(stem: &str) -> &'static [(&'static str, bool)] {
    match stem {
        "countries" => &[("code", true), ("name", true), ("blocs", true)],
        "firms" => &[
            ("id", true),
            ("name", true),
            ("country", true),
            ("parent_country", false),
        ],
        "sites" => &[
            ("id", true),
            ("firm", true),
            ("country", true),
            ("lat", false),
            ("lon", false),
            ("name", false),
        ],
        "items" => &[
            ("id", true),
            ("name", true),
            ("kind", true),
            ("export_control", false),
            ("capability", false),
        ],
        "stages" => &[
            ("id", true),
            ("item", true),
            ("site", true),
            ("value_added", true),
            ("capacity", false),
            ("lead_time", false),
            ("inventory", false),
            ("ttr", false),
        ],
        "inputs" => &[
            ("stage", true),
            ("input_item", true),
            ("qty", true),
            ("supplier", true),
            ("share", false),
            ("lane", false),
        ],
        "lanes" => &[
            ("id", true),
            ("from_site", true),
            ("to_site", true),
            ("mode", true),
            ("transit_time", false),
            ("chokepoints", false),
        ],
        "demand" => &[("stage", true), ("demand", true), ("loss_per_unit", true)],
        "scenarios" => &[
            ("scenario", true),
            ("target_kind", true),
            ("target", true),
            ("capacity_factor", true),
            ("start", false),
            ("duration", true),
            ("probability", false),
        ],
        _ => &[],
    }
}

/// The full header line of a table, as written by Keel.
pub fn header_of(stem: &str) -> String {
    columns_of(stem)
        .iter()
        .map(|(n, _)| *n)
        .collect::<Vec<_>>()
        .join(",")
}

/// Interned identifiers of one entity kind.
///
/// foldhash rather than FxHash: generated and real ids share long prefixes and differ in a few digits, which
/// FxHash spreads poorly over hashbrown's control bits (profiling showed most load time in key comparisons).
/// The fixed seed keeps runs identical; nothing iterates this map.
#[derive(Default)]
struct Names {
    /// Keys of up to 24 bytes live inline in the table, so a lookup compares without a second cache miss.
    ix: std::collections::HashMap<compact_str::CompactString, u32, foldhash::fast::FixedState>,
    list: Vec<String>,
}

impl Names {
    fn get(&self, s: &str) -> Option<u32> {
        self.ix.get(s).copied()
    }
    fn add(&mut self, s: &str) -> (u32, bool) {
        if let Some(&i) = self.ix.get(s) {
            return (i, false);
        }
        let i = self.list.len() as u32;
        self.ix.insert(compact_str::CompactString::from(s), i);
        self.list.push(s.to_string());
        (i, true)
    }
    fn suggest(&self, s: &str) -> Option<String> {
        // A scan per unknown reference; bounded so a file full of typos in a huge model stays fast.
        if self.list.len() > 200_000 {
            return None;
        }
        did_you_mean(s, self.list.iter().map(|x| x.as_str()))
    }
}

/// Column positions of one table, and the cursor for diagnostics.
struct Cols {
    file: String,
    pos: Vec<Option<usize>>,
    names: &'static [(&'static str, bool)],
    line: u64,
}

impl Cols {
    fn field<'r>(&self, rec: &'r StringRecord, c: usize) -> &'r str {
        self.pos[c]
            .and_then(|p| rec.get(p))
            .map(str::trim)
            .unwrap_or("")
    }
    fn err(&self, c: usize, msg: impl Into<String>) -> Diagnostic {
        let d = Diagnostic::error(&self.file, msg).at_line(self.line);
        match self.pos[c] {
            Some(p) => d.at_column(p + 1, self.names[c].0),
            None => d,
        }
    }
}

#[derive(Default)]
struct Builder {
    diags: Vec<Diagnostic>,
    meta: Option<Meta>,
    regimes: Vec<Regime>,
    regime_names: Names,
    countries: Vec<Country>,
    country_names: Names,
    blocs: Names,
    firms: Vec<Firm>,
    firm_names: Names,
    sites: Vec<Site>,
    site_names: Names,
    items: Vec<Item>,
    item_names: Names,
    stages: Vec<Stage>,
    stage_names: Names,
    lanes: Vec<Lane>,
    lane_names: Names,
    chokes: Names,
    /// Validated input rows: (stage, item, supplier, qty, share, lane, line).
    inputs: Vec<RawInput>,
    inputs_file: String,
    last_input_stage: Option<(String, u32)>,
    demands: Vec<Demand>,
    demand_lines: Vec<u64>,
    demand_at: FxHashMap<u32, usize>,
    scenarios: Vec<Scenario>,
    /// The name each table was read under, for diagnostics raised after reading.
    files: FxHashMap<&'static str, String>,
    /// Ids that appeared in a file but whose row was rejected: references to them are not errors twice.
    rejected: FxHashSet<(u8, String)>,
}

#[derive(Clone, Debug)]
struct RawInput {
    stage: u32,
    item: u32,
    supplier: u32,
    qty: f64,
    share: Option<f64>,
    lane: Option<u32>,
    line: u64,
}

/// Numeric rules for a field.
#[derive(Clone, Copy)]
enum Num {
    NonNeg,
    Positive,
    Unit,
    Lat,
    Lon,
}

impl Builder {
    fn read(&mut self, stem: &str, t: &mut dyn Table) {
        let names = columns_of(stem);
        let file = t.name().to_string();
        if let Some(k) = TABLES.iter().find(|k| **k == stem) {
            self.files.insert(k, file.clone());
        }
        let headers = t.headers().to_vec();
        let mut pos = vec![None; names.len()];
        let mut seen = FxHashSet::default();
        for (p, h) in headers.iter().enumerate() {
            if !seen.insert(h.clone()) {
                self.diags.push(
                    Diagnostic::error(&file, format!("column `{h}` appears twice in the header"))
                        .at_line(1)
                        .at_column(p + 1, h.clone()),
                );
                continue;
            }
            match names.iter().position(|(n, _)| n == h) {
                Some(c) => pos[c] = Some(p),
                None => {
                    let mut d =
                        Diagnostic::warning(&file, format!("unknown column `{h}` is ignored"))
                            .at_line(1)
                            .at_column(p + 1, h.clone());
                    if let Some(s) = did_you_mean(h, names.iter().map(|(n, _)| *n)) {
                        d = d.with_hint(format!("did you mean `{s}`?"));
                    }
                    self.diags.push(d);
                }
            }
        }
        let mut missing = false;
        for (c, (n, req)) in names.iter().enumerate() {
            if *req && pos[c].is_none() {
                missing = true;
                self.diags.push(
                    Diagnostic::error(
                        &file,
                        format!("required column `{n}` is missing from the header"),
                    )
                    .at_line(1)
                    .with_hint(format!("the header should be `{}`", header_of(stem))),
                );
            }
        }
        if missing {
            return;
        }
        let mut cols = Cols {
            file,
            pos,
            names,
            line: 1,
        };
        let mut rec = StringRecord::new();
        if stem == "inputs" {
            self.inputs_file = cols.file.clone();
        }
        loop {
            match t.next_row(&mut rec) {
                Ok(Some(line)) => {
                    cols.line = line;
                    if rec.iter().all(|f| f.trim().is_empty()) {
                        continue; // blank line, as spreadsheets leave them
                    }
                    match stem {
                        "countries" => self.country(&cols, &rec),
                        "firms" => self.firm(&cols, &rec),
                        "sites" => self.site(&cols, &rec),
                        "items" => self.item(&cols, &rec),
                        "stages" => self.stage(&cols, &rec),
                        "lanes" => self.lane(&cols, &rec),
                        "inputs" => self.input(&cols, &rec),
                        "demand" => self.demand(&cols, &rec),
                        "scenarios" => self.scenario(&cols, &rec),
                        _ => {}
                    }
                }
                Ok(None) => break,
                Err(d) => self.diags.push(d),
            }
        }
    }

    fn num(
        &mut self,
        cols: &Cols,
        rec: &StringRecord,
        c: usize,
        rule: Num,
    ) -> Result<Option<f64>, ()> {
        let text = cols.field(rec, c);
        if text.is_empty() {
            return Ok(None);
        }
        let v: f64 = match text.parse() {
            Ok(v) if f64::is_finite(v) => v,
            _ => {
                self.diags
                    .push(cols.err(c, format!("`{text}` is not a number")).with_hint(
                        "write a plain decimal such as 12.5 (no units, no thousands separators)",
                    ));
                return Err(());
            }
        };
        let (ok, want) = match rule {
            Num::NonNeg => (v >= 0.0, "zero or more"),
            Num::Positive => (v > 0.0, "greater than zero"),
            Num::Unit => ((0.0..=1.0).contains(&v), "between 0 and 1"),
            Num::Lat => ((-90.0..=90.0).contains(&v), "a latitude between -90 and 90"),
            Num::Lon => (
                (-180.0..=180.0).contains(&v),
                "a longitude between -180 and 180",
            ),
        };
        if !ok {
            self.diags
                .push(cols.err(c, format!("{v} is out of range: it must be {want}")));
            return Err(());
        }
        Ok(Some(v))
    }

    fn required_num(
        &mut self,
        cols: &Cols,
        rec: &StringRecord,
        c: usize,
        rule: Num,
    ) -> Result<f64, ()> {
        match self.num(cols, rec, c, rule)? {
            Some(v) => Ok(v),
            None => {
                self.diags.push(
                    cols.err(c, format!("`{}` is empty", cols.names[c].0))
                        .with_hint("give a number"),
                );
                Err(())
            }
        }
    }

    fn id(&mut self, cols: &Cols, rec: &StringRecord, c: usize) -> Result<String, ()> {
        self.id_ref(cols, rec, c).map(str::to_string)
    }

    fn id_ref<'r>(&mut self, cols: &Cols, rec: &'r StringRecord, c: usize) -> Result<&'r str, ()> {
        let v = cols.field(rec, c);
        if v.is_empty() {
            self.diags
                .push(cols.err(c, format!("`{}` is empty", cols.names[c].0)));
            return Err(());
        }
        Ok(v)
    }

    /// Resolves a reference of kind `kind` (0 = country, 1 firm, 2 site, 3 item, 4 stage, 5 lane).
    /// The hit path allocates nothing: it runs once per field of a million-row inputs table.
    fn resolve(&mut self, cols: &Cols, rec: &StringRecord, c: usize, kind: u8) -> Result<u32, ()> {
        let v = self.id_ref(cols, rec, c)?;
        let (names, what, file) = match kind {
            0 => (&self.country_names, "country", "countries"),
            1 => (&self.firm_names, "firm", "firms"),
            2 => (&self.site_names, "site", "sites"),
            3 => (&self.item_names, "item", "items"),
            4 => (&self.stage_names, "stage", "stages"),
            _ => (&self.lane_names, "lane", "lanes"),
        };
        if let Some(i) = names.get(v) {
            return Ok(i);
        }
        if self.rejected.contains(&(kind, v.to_string())) {
            return Err(()); // its own row was already reported
        }
        let hint = match names.suggest(v) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("add it to {file} or correct the reference"),
        };
        self.diags
            .push(cols.err(c, format!("unknown {what} `{v}`")).with_hint(hint));
        Err(())
    }

    fn unique(&mut self, cols: &Cols, c: usize, v: &str, kind: u8, first_exists: bool) -> bool {
        if first_exists {
            self.diags.push(
                cols.err(c, format!("duplicate id `{v}`"))
                    .with_hint("ids must be unique within a file; rename one"),
            );
            self.rejected.remove(&(kind, v.to_string()));
            return false;
        }
        true
    }

    fn reject(&mut self, kind: u8, id: String) {
        self.rejected.insert((kind, id));
    }

    fn country(&mut self, cols: &Cols, rec: &StringRecord) {
        let Ok(code) = self.id(cols, rec, 0) else {
            return;
        };
        let mut ok = true;
        if !(code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase())) {
            self.diags.push(
                cols.err(0, format!("`{code}` is not an ISO 3166-1 alpha-3 code"))
                    .with_hint("use three capital letters, e.g. CAN; ZZZ and other X*/ZZ* codes are user-assigned"),
            );
            ok = false;
        }
        let name = cols.field(rec, 1).to_string();
        let blocs_text = cols.field(rec, 2);
        let mut blocs = Vec::new();
        for tag in blocs_text
            .split(';')
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            let b = BlocIx(self.blocs.add(tag).0);
            if !blocs.contains(&b) {
                blocs.push(b);
            }
        }
        if self.country_names.get(&code).is_some() {
            self.unique(cols, 0, &code, 0, true);
            return;
        }
        if !ok {
            self.reject(0, code);
            return;
        }
        self.country_names.add(&code);
        self.countries.push(Country { code, name, blocs });
    }

    fn meta(&mut self, m: &RawMeta) {
        let at = |key: &str, d: Diagnostic| match m.lines.get(key) {
            Some(l) => d.at_line(*l),
            None => d,
        };
        let mut ok = true;
        let mut need = |key: &str, v: &Option<String>, diags: &mut Vec<Diagnostic>| -> String {
            match v.as_deref().map(str::trim) {
                Some(s) if !s.is_empty() => s.to_string(),
                _ => {
                    ok = false;
                    diags.push(
                        Diagnostic::error(&m.file, format!("`{key}` is missing"))
                            .with_hint(format!("add a line `{key} = \"...\"`")),
                    );
                    String::new()
                }
            }
        };
        let name = need("name", &m.name, &mut self.diags);
        let home = need("home_country", &m.home_country, &mut self.diags);
        let currency = need("currency", &m.currency, &mut self.diags);
        let time_unit = need("time_unit", &m.time_unit, &mut self.diags);
        let home_ix = self.country_names.get(&home);
        if home_ix.is_none() && !home.is_empty() {
            let mut d = at(
                "home_country",
                Diagnostic::error(
                    &m.file,
                    format!("home_country `{home}` is not in the countries table"),
                ),
            );
            if let Some(s) = self.country_names.suggest(&home) {
                d = d.with_hint(format!("did you mean `{s}`?"));
            }
            self.diags.push(d);
        }
        for (code, country, line) in &m.regimes {
            let mk = |msg: String| {
                let d = Diagnostic::error(&m.file, msg);
                match line {
                    Some(l) => d.at_line(*l),
                    None => d,
                }
            };
            let Some(c) = self.country_names.get(country) else {
                self.diags.push(
                    mk(format!(
                        "export regime `{code}` names unknown country `{country}`"
                    ))
                    .with_hint("use a country code from the countries table, e.g. ITAR = \"USA\""),
                );
                continue;
            };
            if code.is_empty() || code.contains(':') {
                self.diags.push(mk(format!(
                    "`{code}` is not a valid regime code (no `:` allowed)"
                )));
                continue;
            }
            if !self.regime_names.add(code).1 {
                self.diags
                    .push(mk(format!("export regime `{code}` is declared twice")));
                continue;
            }
            self.regimes.push(Regime {
                code: code.clone(),
                country: CountryIx(c),
            });
        }
        if let (true, Some(h)) = (ok, home_ix) {
            self.meta = Some(Meta {
                name,
                home_country: CountryIx(h),
                currency,
                time_unit,
                description: m.description.clone().filter(|d| !d.trim().is_empty()),
            });
        }
    }

    fn firm(&mut self, cols: &Cols, rec: &StringRecord) {
        let Ok(id) = self.id(cols, rec, 0) else {
            return;
        };
        let dup = self.firm_names.get(&id).is_some();
        let country = self.resolve(cols, rec, 2, 0);
        let parent = if cols.field(rec, 3).is_empty() {
            country
        } else {
            self.resolve(cols, rec, 3, 0)
        };
        if !self.unique(cols, 0, &id, 1, dup) {
            return;
        }
        let (Ok(country), Ok(parent)) = (country, parent) else {
            return self.reject(1, id);
        };
        self.firm_names.add(&id);
        self.firms.push(Firm {
            id,
            name: cols.field(rec, 1).to_string(),
            country: CountryIx(country),
            parent_country: CountryIx(parent),
        });
    }

    fn site(&mut self, cols: &Cols, rec: &StringRecord) {
        let Ok(id) = self.id(cols, rec, 0) else {
            return;
        };
        let dup = self.site_names.get(&id).is_some();
        let firm = self.resolve(cols, rec, 1, 1);
        let country = self.resolve(cols, rec, 2, 0);
        let lat = self.num(cols, rec, 3, Num::Lat);
        let lon = self.num(cols, rec, 4, Num::Lon);
        if !self.unique(cols, 0, &id, 2, dup) {
            return;
        }
        let (Ok(firm), Ok(country), Ok(lat), Ok(lon)) = (firm, country, lat, lon) else {
            return self.reject(2, id);
        };
        let name = Some(cols.field(rec, 5).to_string()).filter(|s| !s.is_empty());
        self.site_names.add(&id);
        self.sites.push(Site {
            id,
            firm: FirmIx(firm),
            country: CountryIx(country),
            lat,
            lon,
            name,
        });
    }

    fn item(&mut self, cols: &Cols, rec: &StringRecord) {
        let Ok(id) = self.id(cols, rec, 0) else {
            return;
        };
        let dup = self.item_names.get(&id).is_some();
        let kind_text = cols.field(rec, 2);
        let kind = ItemKind::ALL
            .iter()
            .find(|(n, _)| *n == kind_text)
            .map(|(_, k)| *k);
        if kind.is_none() {
            self.diags.push(
                cols.err(2, format!("unknown kind `{kind_text}`"))
                    .with_hint("use one of material, component, subsystem, platform, service"),
            );
        }
        let ec = cols.field(rec, 3);
        let mut control = Ok(None);
        if !ec.is_empty() {
            let (code, cat) = match ec.split_once(':') {
                Some((c, k)) => (
                    c.trim(),
                    Some(k.trim().to_string()).filter(|k| !k.is_empty()),
                ),
                None => (ec, None),
            };
            control = match self.regime_names.get(code) {
                Some(r) => Ok(Some(Control {
                    regime: RegimeIx(r),
                    category: cat,
                })),
                None => {
                    let hint = match self.regime_names.suggest(code) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => {
                            "declare it in model.toml under [export_regimes], e.g. ITAR = \"USA\""
                                .into()
                        }
                    };
                    self.diags.push(
                        cols.err(3, format!("unknown export-control regime `{code}`"))
                            .with_hint(hint),
                    );
                    Err(())
                }
            };
        }
        if !self.unique(cols, 0, &id, 3, dup) {
            return;
        }
        let (Some(kind), Ok(control)) = (kind, control) else {
            return self.reject(3, id);
        };
        self.item_names.add(&id);
        let capability = Some(cols.field(rec, 4).to_string()).filter(|s| !s.is_empty());
        self.items.push(Item {
            id,
            name: cols.field(rec, 1).to_string(),
            kind,
            control,
            capability,
        });
    }

    fn stage(&mut self, cols: &Cols, rec: &StringRecord) {
        let Ok(id) = self.id(cols, rec, 0) else {
            return;
        };
        let dup = self.stage_names.get(&id).is_some();
        let item = self.resolve(cols, rec, 1, 3);
        let site = self.resolve(cols, rec, 2, 2);
        let va = self.required_num(cols, rec, 3, Num::NonNeg);
        let cap = self.num(cols, rec, 4, Num::NonNeg);
        let lt = self.num(cols, rec, 5, Num::NonNeg);
        let inv = self.num(cols, rec, 6, Num::NonNeg);
        let ttr = self.num(cols, rec, 7, Num::NonNeg);
        if !self.unique(cols, 0, &id, 4, dup) {
            return;
        }
        let (Ok(item), Ok(site), Ok(va), Ok(cap), Ok(lt), Ok(inv), Ok(ttr)) =
            (item, site, va, cap, lt, inv, ttr)
        else {
            return self.reject(4, id);
        };
        self.stage_names.add(&id);
        self.stages.push(Stage {
            id,
            item: ItemIx(item),
            site: SiteIx(site),
            value_added: va,
            capacity: cap,
            lead_time: lt.unwrap_or(0.0),
            inventory: inv.unwrap_or(0.0),
            ttr,
        });
    }

    fn lane(&mut self, cols: &Cols, rec: &StringRecord) {
        let Ok(id) = self.id(cols, rec, 0) else {
            return;
        };
        let dup = self.lane_names.get(&id).is_some();
        let from = self.resolve(cols, rec, 1, 2);
        let to = self.resolve(cols, rec, 2, 2);
        let mode_text = cols.field(rec, 3);
        let mode = Mode::ALL
            .iter()
            .find(|(n, _)| *n == mode_text)
            .map(|(_, m)| *m);
        if mode.is_none() {
            self.diags.push(
                cols.err(3, format!("unknown mode `{mode_text}`"))
                    .with_hint("use one of road, rail, sea, air, pipeline, multimodal"),
            );
        }
        let tt = self.num(cols, rec, 4, Num::NonNeg);
        if !self.unique(cols, 0, &id, 5, dup) {
            return;
        }
        let (Ok(from), Ok(to), Some(mode), Ok(tt)) = (from, to, mode, tt) else {
            return self.reject(5, id);
        };
        let mut chokepoints = Vec::new();
        for cp in cols
            .field(rec, 5)
            .split(';')
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            let c = ChokeIx(self.chokes.add(cp).0);
            if !chokepoints.contains(&c) {
                chokepoints.push(c);
            }
        }
        self.lane_names.add(&id);
        self.lanes.push(Lane {
            id,
            from_site: SiteIx(from),
            to_site: SiteIx(to),
            mode,
            transit_time: tt.unwrap_or(0.0),
            chokepoints,
        });
    }

    fn input(&mut self, cols: &Cols, rec: &StringRecord) {
        // Rows of one stage are usually contiguous: reuse the previous row's lookup when the id repeats.
        let stage = match &self.last_input_stage {
            Some((id, ix)) if id.as_str() == cols.field(rec, 0) => Ok(*ix),
            _ => {
                let r = self.resolve(cols, rec, 0, 4);
                if let Ok(ix) = r {
                    self.last_input_stage = Some((cols.field(rec, 0).to_string(), ix));
                }
                r
            }
        };
        let item = self.resolve(cols, rec, 1, 3);
        let qty = self.required_num(cols, rec, 2, Num::Positive);
        let supplier = self.resolve(cols, rec, 3, 4);
        let share = self.num(cols, rec, 4, Num::Unit);
        let lane = if cols.field(rec, 5).is_empty() {
            Ok(None)
        } else {
            self.resolve(cols, rec, 5, 5).map(Some)
        };
        let (Ok(stage), Ok(item), Ok(qty), Ok(supplier), Ok(share), Ok(lane)) =
            (stage, item, qty, supplier, share, lane)
        else {
            return;
        };
        let mut ok = true;
        if self.stages[supplier as usize].item.0 != item {
            let made = &self.item_names.list[self.stages[supplier as usize].item.index()];
            let wanted = &self.item_names.list[item as usize];
            self.diags.push(
                cols.err(
                    3,
                    format!(
                        "supplier `{}` makes `{made}`, not the input item `{wanted}`",
                        self.stage_names.list[supplier as usize]
                    ),
                )
                .with_hint("name a stage whose item is the input item, or correct input_item"),
            );
            ok = false;
        }
        if let Some(l) = lane {
            let lane = &self.lanes[l as usize];
            let (want_from, want_to) = (
                self.stages[supplier as usize].site,
                self.stages[stage as usize].site,
            );
            if lane.from_site != want_from || lane.to_site != want_to {
                let sn = |s: SiteIx| self.site_names.list[s.index()].as_str();
                self.diags.push(
                    cols.err(5, format!(
                        "lane `{}` runs {} -> {}, but this input ships {} -> {} (supplier's site to stage's site)",
                        lane.id, sn(lane.from_site), sn(lane.to_site), sn(want_from), sn(want_to)
                    ))
                    .with_hint("use a lane between these two sites, or leave lane empty"),
                );
                ok = false;
            }
        }
        if ok {
            self.inputs.push(RawInput {
                stage,
                item,
                supplier,
                qty,
                share,
                lane,
                line: cols.line,
            });
        }
    }

    fn demand(&mut self, cols: &Cols, rec: &StringRecord) {
        let stage = self.resolve(cols, rec, 0, 4);
        let d = self.required_num(cols, rec, 1, Num::NonNeg);
        let l = self.required_num(cols, rec, 2, Num::NonNeg);
        let (Ok(stage), Ok(demand), Ok(loss_per_unit)) = (stage, d, l) else {
            return;
        };
        if let Some(&k) = self.demand_at.get(&stage) {
            self.diags.push(
                cols.err(
                    0,
                    format!(
                        "stage `{}` already has demand on line {}",
                        self.stage_names.list[stage as usize], self.demand_lines[k]
                    ),
                )
                .with_hint("give one row per demand stage"),
            );
            return;
        }
        self.demand_at.insert(stage, self.demands.len());
        self.demands.push(Demand {
            stage: StageIx(stage),
            demand,
            loss_per_unit,
        });
        self.demand_lines.push(cols.line);
    }

    fn scenario(&mut self, cols: &Cols, rec: &StringRecord) {
        let Ok(name) = self.id(cols, rec, 0) else {
            return;
        };
        let kind = cols.field(rec, 1).to_string();
        let target_text = cols.field(rec, 2).to_string();
        let target: Result<Target, ()> = match kind.as_str() {
            "stage" => self
                .resolve(cols, rec, 2, 4)
                .map(|i| Target::Stage(StageIx(i))),
            "site" => self
                .resolve(cols, rec, 2, 2)
                .map(|i| Target::Site(SiteIx(i))),
            "firm" => self
                .resolve(cols, rec, 2, 1)
                .map(|i| Target::Firm(FirmIx(i))),
            "country" => self
                .resolve(cols, rec, 2, 0)
                .map(|i| Target::Country(CountryIx(i))),
            "item" => self
                .resolve(cols, rec, 2, 3)
                .map(|i| Target::Item(ItemIx(i))),
            "lane" => self
                .resolve(cols, rec, 2, 5)
                .map(|i| Target::Lane(LaneIx(i))),
            "bloc" | "chokepoint" | "regime" => {
                let names = match kind.as_str() {
                    "bloc" => &self.blocs,
                    "chokepoint" => &self.chokes,
                    _ => &self.regime_names,
                };
                match names.get(&target_text) {
                    Some(i) => Ok(match kind.as_str() {
                        "bloc" => Target::Bloc(BlocIx(i)),
                        "chokepoint" => Target::Chokepoint(ChokeIx(i)),
                        _ => Target::Regime(RegimeIx(i)),
                    }),
                    None => {
                        let hint = match names.suggest(&target_text) {
                            Some(s) => format!("did you mean `{s}`?"),
                            None => format!("no {kind} of that name appears in the model"),
                        };
                        self.diags.push(
                            cols.err(2, format!("unknown {kind} `{target_text}`"))
                                .with_hint(hint),
                        );
                        Err(())
                    }
                }
            }
            _ => {
                self.diags.push(
                    cols.err(1, format!("unknown target_kind `{kind}`"))
                        .with_hint(format!("use one of {}", Target::KINDS.join(", "))),
                );
                Err(())
            }
        };
        let cf = self.required_num(cols, rec, 3, Num::Unit);
        let start = self.num(cols, rec, 4, Num::NonNeg);
        let duration = self.required_num(cols, rec, 5, Num::Positive);
        let prob = self.num(cols, rec, 6, Num::Unit);
        let (Ok(target), Ok(capacity_factor), Ok(start), Ok(duration), Ok(prob)) =
            (target, cf, start, duration, prob)
        else {
            return;
        };
        let ev = Event {
            target,
            capacity_factor,
            start: start.unwrap_or(0.0),
            duration,
        };
        match self.scenarios.iter_mut().find(|s| s.name == name) {
            Some(s) => {
                if let (Some(a), Some(b)) = (s.probability, prob) {
                    if a != b {
                        self.diags.push(
                            cols.err(6, format!("scenario `{name}` was given probability {a} on an earlier row"))
                                .with_hint("a scenario has one probability: give the same on every row, or leave all but one empty"),
                        );
                        return;
                    }
                }
                s.probability = s.probability.or(prob);
                s.events.push(ev);
            }
            None => self.scenarios.push(Scenario {
                name,
                events: vec![ev],
                probability: prob,
            }),
        }
    }

    fn finish(mut self) -> Result<Loaded, Invalid> {
        let n = self.stages.len();
        // Group inputs by (stage, item), keeping file order of suppliers within a group.
        let mut rows = std::mem::take(&mut self.inputs);
        rows.sort_by_key(|r| (r.stage, r.item, r.line));
        let ifile = self.inputs_file.clone();
        let mut groups: Vec<Group> = Vec::new();
        let mut sources: Vec<Source> = Vec::new();
        let mut stage_groups = vec![0u32; n + 1];
        let mut i = 0;
        while i < rows.len() {
            let mut j = i;
            while j < rows.len() && rows[j].stage == rows[i].stage && rows[j].item == rows[i].item {
                j += 1;
            }
            let run = &rows[i..j];
            i = j;
            let first = &run[0];
            let mut ok = true;
            let mut seen = FxHashSet::default();
            for r in run {
                if r.qty != first.qty {
                    ok = false;
                    self.diags.push(
                        Diagnostic::error(&ifile, format!(
                            "qty {} differs from qty {} on line {} for the same stage and input item",
                            r.qty, first.qty, first.line))
                            .at_line(r.line)
                            .with_hint("a stage needs one quantity of each input item, whoever supplies it"),
                    );
                }
                if !seen.insert(r.supplier) {
                    ok = false;
                    self.diags.push(
                        Diagnostic::error(
                            &ifile,
                            format!(
                                "supplier `{}` is listed twice for this stage and input item",
                                self.stage_names.list[r.supplier as usize]
                            ),
                        )
                        .at_line(r.line)
                        .with_hint("merge the rows into one"),
                    );
                }
            }
            let given = run.iter().filter(|r| r.share.is_some()).count();
            if given != 0 && given != run.len() {
                ok = false;
                let r = run.iter().find(|r| r.share.is_none()).unwrap_or(first);
                self.diags.push(
                    Diagnostic::error(&ifile, "share is empty here but given on other rows of the same stage and input item")
                        .at_line(r.line)
                        .with_hint("give a share on every row of the group, or leave all empty to split equally"),
                );
            } else if given == run.len() {
                let sum: f64 = run.iter().map(|r| r.share.unwrap_or(0.0)).sum();
                if (sum - 1.0).abs() > 1e-6 {
                    ok = false;
                    let lines: Vec<String> = run.iter().map(|r| r.line.to_string()).collect();
                    self.diags.push(
                        Diagnostic::error(
                            &ifile,
                            format!(
                                "shares of stage `{}` input `{}` sum to {sum}, not 1 (lines {})",
                                self.stage_names.list[first.stage as usize],
                                self.item_names.list[first.item as usize],
                                lines.join(", ")
                            ),
                        )
                        .at_line(first.line)
                        .with_hint("make the shares of one stage's input item add up to 1"),
                    );
                }
            }
            if !ok {
                continue;
            }
            let g = GroupIx::new(groups.len());
            let start = sources.len() as u32;
            let k = run.len() as f64;
            for r in run {
                sources.push(Source {
                    group: g,
                    supplier: StageIx(r.supplier),
                    share: r.share.unwrap_or(1.0 / k),
                    lane: r.lane.map(LaneIx),
                });
            }
            groups.push(Group {
                stage: StageIx(first.stage),
                item: ItemIx(first.item),
                qty: first.qty,
                shares_given: given > 0,
                sources: start..sources.len() as u32,
            });
            stage_groups[first.stage as usize + 1] += 1;
        }
        for s in 0..n {
            stage_groups[s + 1] += stage_groups[s];
        }
        // Reverse index: for each supplier, the sources it appears in.
        let mut buyer_start = vec![0u32; n + 1];
        for src in &sources {
            buyer_start[src.supplier.index() + 1] += 1;
        }
        for s in 0..n {
            buyer_start[s + 1] += buyer_start[s];
        }
        let mut fill = buyer_start.clone();
        let mut buyer_sources = vec![SourceIx(0); sources.len()];
        for (k, src) in sources.iter().enumerate() {
            let f = &mut fill[src.supplier.index()];
            buyer_sources[*f as usize] = SourceIx::new(k);
            *f += 1;
        }
        // Kahn's algorithm: a stage is ready once all its suppliers are placed.
        let mut indeg = vec![0u32; n];
        for g in &groups {
            indeg[g.stage.index()] += g.sources.len() as u32;
        }
        let mut topo: Vec<StageIx> = (0..n)
            .filter(|&s| indeg[s] == 0)
            .map(StageIx::new)
            .collect();
        let mut head = 0;
        while head < topo.len() {
            let s = topo[head];
            head += 1;
            for &src in
                &buyer_sources[buyer_start[s.index()] as usize..buyer_start[s.index() + 1] as usize]
            {
                let b = groups[sources[src.index()].group.index()].stage.index();
                indeg[b] -= 1;
                if indeg[b] == 0 {
                    topo.push(StageIx::new(b));
                }
            }
        }
        if topo.len() < n {
            self.report_cycle(&indeg, &groups, &sources, &stage_groups, &rows);
        }
        let mut demand_of = vec![None; n];
        for (k, d) in self.demands.iter().enumerate() {
            demand_of[d.stage.index()] = Some(k as u32);
        }
        self.warnings(&buyer_start);
        if self.diags.iter().any(|d| d.is_error()) || self.meta.is_none() {
            if self.meta.is_none() && !self.diags.iter().any(|d| d.is_error()) {
                self.diags.push(Diagnostic::error(
                    "model.toml",
                    "model metadata could not be read",
                ));
            }
            let mut diagnostics = self.diags;
            diagnostics.sort_by(|a, b| {
                (a.severity, file_rank(&a.file), a.file.as_str(), a.line).cmp(&(
                    b.severity,
                    file_rank(&b.file),
                    b.file.as_str(),
                    b.line,
                ))
            });
            return Err(Invalid { diagnostics });
        }
        let model = Model {
            meta: self.meta.expect("checked above"),
            regimes: self.regimes,
            countries: self.countries,
            blocs: self.blocs.list,
            firms: self.firms,
            sites: self.sites,
            items: self.items,
            stages: self.stages,
            groups,
            sources,
            lanes: self.lanes,
            chokepoints: self.chokes.list,
            demands: self.demands,
            scenarios: self.scenarios,
            stage_groups,
            buyer_start,
            buyer_sources,
            topo,
            demand_of,
        };
        Ok(Loaded {
            model,
            warnings: self.diags,
        })
    }

    /// Names the stages of one cycle among the stages Kahn's algorithm could not place.
    fn report_cycle(
        &mut self,
        indeg: &[u32],
        groups: &[Group],
        sources: &[Source],
        stage_groups: &[u32],
        rows: &[RawInput],
    ) {
        let Some(start) = indeg.iter().position(|&d| d > 0) else {
            return;
        };
        // Every unplaced stage has an unplaced supplier, so walking to suppliers must revisit a stage.
        let mut order = Vec::new();
        let mut pos = FxHashMap::default();
        let mut s = start;
        while let std::collections::hash_map::Entry::Vacant(e) = pos.entry(s) {
            e.insert(order.len());
            order.push(s);
            let next = (stage_groups[s]..stage_groups[s + 1])
                .flat_map(|g| groups[g as usize].sources.clone())
                .map(|k| sources[k as usize].supplier.index())
                .find(|&sup| indeg[sup] > 0);
            match next {
                Some(n) => s = n,
                None => return,
            }
        }
        let mut cycle: Vec<usize> = order[pos[&s]..].to_vec();
        cycle.reverse(); // supplier -> buyer
        let names: Vec<&str> = cycle
            .iter()
            .map(|&c| self.stage_names.list[c].as_str())
            .collect();
        let stuck = indeg.iter().filter(|&&d| d > 0).count();
        let (sup, buy) = if cycle.len() >= 2 {
            (cycle[0], cycle[1])
        } else {
            (cycle[0], cycle[0])
        };
        let line = rows
            .iter()
            .find(|r| r.stage as usize == buy && r.supplier as usize == sup)
            .map(|r| r.line);
        let mut d = Diagnostic::error(
            &self.inputs_file,
            format!(
                "inputs form a cycle: {} -> {} ({stuck} stage(s) in or behind cycles)",
                names.join(" -> "),
                names[0]
            ),
        )
        .with_hint(
            "a stage cannot need, even indirectly, its own output; remove one of these input rows",
        );
        if let Some(l) = line {
            d = d.at_line(l);
        }
        self.diags.push(d);
    }

    fn file_name(&self, stem: &str) -> String {
        self.files
            .get(stem)
            .cloned()
            .unwrap_or_else(|| format!("{stem}.csv"))
    }

    fn warnings(&mut self, buyer_start: &[u32]) {
        let mut firm_used = vec![false; self.firms.len()];
        for s in &self.sites {
            firm_used[s.firm.index()] = true;
        }
        for (f, used) in self.firms.iter().zip(&firm_used) {
            if !used {
                self.diags.push(
                    Diagnostic::warning(
                        self.file_name("firms"),
                        format!("firm `{}` has no site", f.id),
                    )
                    .with_hint("add its sites to sites.csv, or remove it"),
                );
            }
        }
        let mut site_used = vec![false; self.sites.len()];
        let mut item_used = vec![false; self.items.len()];
        for s in &self.stages {
            site_used[s.site.index()] = true;
            item_used[s.item.index()] = true;
        }
        for (s, used) in self.sites.iter().zip(&site_used) {
            if !used {
                self.diags.push(Diagnostic::warning(
                    self.file_name("sites"),
                    format!("site `{}` has no stage", s.id),
                ));
            }
        }
        for (it, used) in self.items.iter().zip(&item_used) {
            if !used {
                self.diags.push(
                    Diagnostic::warning(
                        self.file_name("items"),
                        format!("item `{}` has no stage that makes it", it.id),
                    )
                    .with_hint("add a stage for it in stages.csv, or remove it"),
                );
            }
        }
        let mut has_demand = vec![false; self.stages.len()];
        for d in &self.demands {
            has_demand[d.stage.index()] = true;
        }
        for (k, st) in self.stages.iter().enumerate() {
            let sells = buyer_start[k + 1] > buyer_start[k];
            if self.items[st.item.index()].kind == ItemKind::Platform && !has_demand[k] && !sells {
                self.diags.push(
                    Diagnostic::warning(
                        self.file_name("demand"),
                        format!("platform stage `{}` has no demand row", st.id),
                    )
                    .with_hint("without demand it is left out of platform analyses"),
                );
            } else if !has_demand[k] && !sells {
                self.diags.push(Diagnostic::warning(
                    "stages",
                    format!(
                        "stage `{}` supplies no stage and has no demand: its output goes nowhere",
                        st.id
                    ),
                ));
            }
        }
    }
}

fn file_rank(f: &str) -> usize {
    let stem = f
        .split(['.', '['])
        .find(|s| TABLES.contains(s))
        .unwrap_or(f);
    TABLES.iter().position(|t| *t == stem).map_or(0, |p| p + 1)
}
