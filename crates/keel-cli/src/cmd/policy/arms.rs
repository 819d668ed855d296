//! `keel policy arms`: arms imports by supplier (or exports by recipient) from SIPRI's trade register, in TIV
//! delivered: shares, HHI, effective number of suppliers, the United States' share, shares by bloc; one
//! country, several side by side, or every recipient.

use crate::output::{self, Cell, OutputArgs, Table};
use keel_policy::arms::spread::Spread;
use keel_policy::arms::summary::{self, Direction, Slice, Summary};
use keel_policy::arms::{self, Register};
use keel_policy::countries::Bloc;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The register's file name in the data set.
const REGISTER: &str = "trade-register.csv";

/// How a deal's delivered TIV is spread over its delivery years.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum SpreadArg {
    /// Equal parts in each listed delivery year.
    Even,
    /// All in the first delivery year.
    First,
    /// All in the last delivery year.
    Last,
}

/// Arms transfers (SIPRI): imports by supplier, shares, HHI, effective number, US and bloc shares.
///
/// One recipient (--recipient, default Canada), exports of one supplier (--supplier), several recipients side
/// by side (--compare), or every recipient (--all-recipients). Values are SIPRI trend-indicator values (TIV)
/// delivered, by delivery year (see docs/methods/policy.md for how a deal is spread over its years).
#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// The importing country: SIPRI's name or an ISO code (Canada, CAN).
    #[arg(long, conflicts_with_all = ["supplier", "compare", "all_recipients"])]
    pub recipient: Option<String>,
    /// Exports of this country, by recipient.
    #[arg(long, conflicts_with_all = ["compare", "all_recipients"])]
    pub supplier: Option<String>,
    /// Importers side by side, comma-separated (Canada,Australia,Poland).
    #[arg(long, value_delimiter = ',', conflicts_with = "all_recipients")]
    pub compare: Option<Vec<String>>,
    /// Every recipient in the register, one row each.
    #[arg(long)]
    pub all_recipients: bool,
    /// First delivery year [default: the first year with deliveries].
    #[arg(long)]
    pub from: Option<u16>,
    /// Last delivery year [default: the last year with deliveries].
    #[arg(long)]
    pub to: Option<u16>,
    /// How a deal's delivered TIV is placed in its delivery years.
    #[arg(long, value_enum, default_value = "even")]
    pub spread: SpreadArg,
    /// SIPRI's trade register (CSV as exported), or a folder holding trade-register.csv [default:
    /// $KEEL_DATA/sipri, else shared/data/sipri beside the current folder or the executable, or above them].
    #[arg(long, value_name = "PATH")]
    pub data: Option<PathBuf>,
    /// How many partners (or recipients) to list, largest first (0 = all; all in JSON).
    #[arg(long, default_value_t = output::TOP)]
    pub top: usize,
    #[command(flatten)]
    pub out: OutputArgs,
}

pub(crate) fn source_file(data: Option<&Path>, flag: &str) -> anyhow::Result<PathBuf> {
    let dir = match data {
        Some(p) if p.is_file() => return Ok(p.to_path_buf()),
        Some(p) if !p.exists() => {
            return Err(
                crate::BadInput(format!("{flag} {}: no such file or folder", p.display())).into(),
            )
        }
        other => crate::data::locate("sipri", other)?,
    };
    let f = dir.join(REGISTER);
    if f.is_file() {
        Ok(f)
    } else {
        Err(crate::BadInput(format!(
            "{}: no {REGISTER} in it; give the register with {flag} FILE",
            dir.display()
        ))
        .into())
    }
}

pub(crate) fn run(args: &Args) -> anyhow::Result<ExitCode> {
    if let (Some(a), Some(b)) = (args.from, args.to) {
        if a > b {
            return Err(crate::BadInput(format!("--from {a} is after --to {b}")).into());
        }
    }
    let path = source_file(args.data.as_deref(), "--data")?;
    let reg = arms::register::read(&path).map_err(|e| super::bad_input(&path, e))?;
    let rule = match args.spread {
        SpreadArg::Even => Spread::Even,
        SpreadArg::First => Spread::First,
        SpreadArg::Last => Spread::Last,
    };
    let q = |e: keel_policy::PolicyError| super::bad_input(&path, e);
    let source = source_line(&reg);
    let (tables, main, json) = if args.all_recipients {
        let all = summary::summarise_all(&reg, Direction::Imports, args.from, args.to, rule);
        let mut sorted: Vec<&Summary> = all.iter().collect();
        sorted.sort_by(|a, b| {
            b.overall
                .total
                .total_cmp(&a.overall.total)
                .then_with(|| a.country.cmp(&b.country))
        });
        let t = side_by_side(
            "recipients",
            format!(
                "Arms imports of every recipient, TIV delivered ({}), largest first\nSource: {source}",
                rule.label()
            ),
            sorted.iter().take(output::shown(sorted.len(), args.top)).copied(),
        );
        let json = json_doc(&args.out, || {
            serde_json::json!({
                "source": arms::SOURCE, "file": reg.file, "generated": reg.generated,
                "spread": rule, "from": args.from, "to": args.to, "recipients": all,
            })
        });
        (vec![t], "recipients", json)
    } else if let Some(list) = &args.compare {
        let mut all = Vec::new();
        for c in list.iter().filter(|c| !c.trim().is_empty()) {
            let name = summary::resolve(&reg, c, Direction::Imports).map_err(q)?;
            all.push(
                summary::summarise(&reg, &name, Direction::Imports, args.from, args.to, rule)
                    .map_err(q)?,
            );
        }
        if all.is_empty() {
            return Err(crate::BadInput(
                "--compare: give recipients, e.g. Canada,Australia".into(),
            )
            .into());
        }
        // Side by side over one range: without --from/--to, the span of all of them, so that a country's
        // empty years count as empty rather than out of range.
        if args.from.is_none() || args.to.is_none() {
            let from = args.from.or(all.iter().map(|s| s.overall.from).min());
            let to = args.to.or(all.iter().map(|s| s.overall.to).max());
            for s in &mut all {
                *s = summary::summarise(&reg, &s.country, Direction::Imports, from, to, rule)
                    .map_err(q)?;
            }
        }
        let t = side_by_side(
            "compare",
            format!(
                "Arms imports side by side, TIV delivered ({})\nSource: {source}",
                rule.label()
            ),
            all.iter(),
        );
        let mut p = Table::new(
            "compare_periods",
            "By 5-year period",
            &[
                "country",
                "from",
                "to",
                "TIV",
                "HHI",
                "effective suppliers",
                "US share",
                "NATO share",
                "EU share",
                "Five Eyes share",
                "top supplier",
                "top share",
            ],
        );
        for s in &all {
            for sl in &s.by_period {
                p.row(slice_row(&s.country, sl));
            }
        }
        let json = json_doc(&args.out, || {
            serde_json::json!({
                "source": arms::SOURCE, "file": reg.file, "generated": reg.generated,
                "spread": rule, "compare": all,
            })
        });
        (vec![t, p], "compare", json)
    } else {
        let (query, direction) = match &args.supplier {
            Some(s) => (s.as_str(), Direction::Exports),
            None => (
                args.recipient.as_deref().unwrap_or("Canada"),
                Direction::Imports,
            ),
        };
        let name = summary::resolve(&reg, query, direction).map_err(q)?;
        let s = summary::summarise(&reg, &name, direction, args.from, args.to, rule).map_err(q)?;
        let tables = one_country(&s, &source, args.top);
        let json = json_doc(&args.out, || {
            serde_json::json!({
                "source": arms::SOURCE, "file": reg.file, "generated": reg.generated, "summary": s,
            })
        });
        (tables, "partners", json)
    };
    let mut tables = tables;
    let mut src = Table::new("source", "Source", &["item", "value"]);
    src.row(vec!["source".into(), arms::SOURCE.into()]);
    src.row(vec!["file".into(), Cell::from(&reg.file)]);
    src.row(vec!["generated".into(), reg.generated.clone().into()]);
    src.row(vec!["spread".into(), rule.label().into()]);
    if reg.joined_records > 0 {
        src.row(vec![
            "note".into(),
            format!(
                "{} records split by a line break in their comment were joined back",
                reg.joined_records
            )
            .into(),
        ]);
    }
    tables.push(src);
    output::emit(&args.out, &tables, main, &json)?;
    Ok(ExitCode::SUCCESS)
}

/// The JSON document, built only when it is written: every recipient's full series is a 14 MB tree that the
/// other formats never read (building it took two thirds of `--all-recipients`' time).
fn json_doc(o: &OutputArgs, f: impl FnOnce() -> serde_json::Value) -> serde_json::Value {
    if o.format == output::Format::Json {
        f()
    } else {
        serde_json::Value::Null
    }
}

fn source_line(reg: &Register) -> String {
    match &reg.generated {
        Some(g) => format!(
            "SIPRI Arms Transfers Database, trade register (c) SIPRI, generated {g}; {}",
            reg.file
        ),
        None => format!("{} ({})", arms::SOURCE, reg.file),
    }
}

fn bloc_share(sl: &Slice, b: Bloc) -> Cell {
    if sl.total > 0.0 {
        sl.blocs
            .iter()
            .find(|x| x.bloc == b)
            .map_or(Cell::Empty, |x| Cell::Share(x.share))
    } else {
        Cell::Empty
    }
}

/// country, from, to, TIV, HHI, effective, US, NATO, EU, Five Eyes, top partner, top share.
fn slice_row(country: &str, sl: &Slice) -> Vec<Cell> {
    let top = sl.partners.first();
    vec![
        country.into(),
        Cell::from(usize::from(sl.from)),
        Cell::from(usize::from(sl.to)),
        Cell::Num(sl.total),
        sl.hhi.into(),
        sl.effective_number.into(),
        sl.us_share.map_or(Cell::Empty, Cell::Share),
        bloc_share(sl, Bloc::Nato),
        bloc_share(sl, Bloc::Eu),
        bloc_share(sl, Bloc::FiveEyes),
        top.map_or(Cell::Empty, |p| Cell::from(&p.partner)),
        top.map_or(Cell::Empty, |p| Cell::Share(p.share)),
    ]
}

fn side_by_side<'a>(
    name: &'static str,
    title: String,
    all: impl Iterator<Item = &'a Summary>,
) -> Table {
    let mut t = Table::new(
        name,
        title,
        &[
            "country",
            "from",
            "to",
            "TIV",
            "HHI",
            "effective suppliers",
            "US share",
            "NATO share",
            "EU share",
            "Five Eyes share",
            "top supplier",
            "top share",
        ],
    );
    for s in all {
        t.row(slice_row(&s.country, &s.overall));
    }
    t
}

fn one_country(s: &Summary, source: &str, top: usize) -> Vec<Table> {
    let o = &s.overall;
    let (verb, partner) = match s.direction {
        Direction::Imports => ("imports", "supplier"),
        Direction::Exports => ("exports", "recipient"),
    };
    let blocs: Vec<String> = o
        .blocs
        .iter()
        .map(|b| format!("{} {}", b.bloc.label(), keel_present::pct(b.share)))
        .collect();
    let mut partners = Table::new(
        "partners",
        format!(
            "{}: arms {verb} {}-{} by {partner}, TIV delivered ({}): total {} in {} deals; HHI {} ({} effective \
             {partner}s); United States {}; {}\nSource: {source}",
            s.country,
            o.from,
            o.to,
            s.spread.label(),
            keel_present::num(o.total),
            s.deals,
            o.hhi.map_or("-".into(), keel_present::num),
            o.effective_number.map_or("-".into(), keel_present::num),
            o.us_share.map_or("-".into(), keel_present::pct),
            blocs.join(", ")
        ),
        &[partner, "TIV", "share"],
    );
    for p in o.partners.iter().take(output::shown(o.partners.len(), top)) {
        partners.row(vec![
            Cell::from(&p.partner),
            Cell::Num(p.tiv),
            Cell::Share(p.share),
        ]);
    }
    let head = [
        "from",
        "to",
        "TIV",
        "HHI",
        &format!("effective {partner}s"),
        "US share",
        "NATO share",
        "EU share",
        "Five Eyes share",
        &format!("top {partner}"),
        "top share",
    ];
    let mut periods = Table::new("periods", format!("{}: by 5-year period", s.country), &head);
    for sl in &s.by_period {
        periods.row(slice_row(&s.country, sl).split_off(1));
    }
    let mut years = Table::new("years", format!("{}: by delivery year", s.country), &head);
    for sl in &s.by_year {
        years.row(slice_row(&s.country, sl).split_off(1));
    }
    let mut long = Table::new(
        "period_partners",
        format!(
            "{}: {partner}s by 5-year period (for stacked bars)",
            s.country
        ),
        &["from", "to", partner, "TIV", "share"],
    );
    for sl in &s.by_period {
        for p in sl
            .partners
            .iter()
            .take(output::shown(sl.partners.len(), top))
        {
            long.row(vec![
                Cell::from(usize::from(sl.from)),
                Cell::from(usize::from(sl.to)),
                Cell::from(&p.partner),
                Cell::Num(p.tiv),
                Cell::Share(p.share),
            ]);
        }
    }
    vec![partners, periods, years, long]
}
