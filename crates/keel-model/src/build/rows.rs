//! Row parsers, one per table: each validates its row, reports what is wrong and adds what is right.

use super::cells::Cols;
use super::schema::Num;
use super::{Builder, RawInput, RawMeta};
use crate::diag::{quote, Diagnostic};
use crate::ids::*;
use crate::kind::ElementKind;
use crate::model::*;
use crate::table::StringRecord;

impl Builder {
    pub(super) fn country(&mut self, cols: &Cols, rec: &StringRecord) {
        let Ok(code) = self.id(cols, rec, 0) else {
            return;
        };
        let mut ok = true;
        if !(code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase())) {
            self.diags.push(
                cols.err(0, format!("`{}` is not an ISO 3166-1 alpha-3 code", quote(&code)))
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
            let b = BlocIx(self.blocs.add(tag, cols.line).0);
            if !blocs.contains(&b) {
                blocs.push(b);
            }
        }
        if self.country_names.get(&code).is_some() {
            self.unique(cols, 0, &code, ElementKind::Country, true);
            return;
        }
        if !ok {
            self.reject(ElementKind::Country, code);
            return;
        }
        self.country_names.add(&code, cols.line);
        self.countries.push(Country { code, name, blocs });
    }

    pub(super) fn meta(&mut self, m: &RawMeta) {
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
        if home_ix.is_none() && !home.is_empty() && !self.follows(ElementKind::Country, &home) {
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
                if self.follows(ElementKind::Country, country) {
                    continue;
                }
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
            if !self.regime_names.add(code, line.unwrap_or(0)).1 {
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

    pub(super) fn firm(&mut self, cols: &Cols, rec: &StringRecord) {
        let Ok(id) = self.id(cols, rec, 0) else {
            return;
        };
        let dup = self.firm_names.get(&id).is_some();
        let country = self.resolve(cols, rec, 2, ElementKind::Country);
        let parent = if cols.field(rec, 3).is_empty() {
            country
        } else {
            self.resolve(cols, rec, 3, ElementKind::Country)
        };
        if !self.unique(cols, 0, &id, ElementKind::Firm, dup) {
            return;
        }
        let (Ok(country), Ok(parent)) = (country, parent) else {
            return self.reject(ElementKind::Firm, id);
        };
        self.firm_names.add(&id, cols.line);
        self.firms.push(Firm {
            id,
            name: cols.field(rec, 1).to_string(),
            country: CountryIx(country),
            parent_country: CountryIx(parent),
        });
    }

    pub(super) fn site(&mut self, cols: &Cols, rec: &StringRecord) {
        let Ok(id) = self.id(cols, rec, 0) else {
            return;
        };
        let dup = self.site_names.get(&id).is_some();
        let firm = self.resolve(cols, rec, 1, ElementKind::Firm);
        let country = self.resolve(cols, rec, 2, ElementKind::Country);
        let lat = self.num(cols, rec, 3, Num::Lat);
        let lon = self.num(cols, rec, 4, Num::Lon);
        if !self.unique(cols, 0, &id, ElementKind::Site, dup) {
            return;
        }
        let (Ok(firm), Ok(country), Ok(lat), Ok(lon)) = (firm, country, lat, lon) else {
            return self.reject(ElementKind::Site, id);
        };
        let name = Some(cols.field(rec, 5).to_string()).filter(|s| !s.is_empty());
        self.site_names.add(&id, cols.line);
        self.sites.push(Site {
            id,
            firm: FirmIx(firm),
            country: CountryIx(country),
            lat,
            lon,
            name,
        });
    }

    pub(super) fn item(&mut self, cols: &Cols, rec: &StringRecord) {
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
                cols.err(2, format!("unknown kind `{}`", quote(kind_text)))
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
                None if self.follows(ElementKind::Regime, code) => Err(()),
                None => {
                    let hint = match self.regime_names.suggest(code) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => {
                            "declare it in model.toml under [export_regimes], e.g. ITAR = \"USA\""
                                .into()
                        }
                    };
                    self.diags.push(
                        cols.err(
                            3,
                            format!("unknown export-control regime `{}`", quote(code)),
                        )
                        .with_hint(hint),
                    );
                    Err(())
                }
            };
        }
        if !self.unique(cols, 0, &id, ElementKind::Item, dup) {
            return;
        }
        let (Some(kind), Ok(control)) = (kind, control) else {
            return self.reject(ElementKind::Item, id);
        };
        self.item_names.add(&id, cols.line);
        let capability = Some(cols.field(rec, 4).to_string()).filter(|s| !s.is_empty());
        self.items.push(Item {
            id,
            name: cols.field(rec, 1).to_string(),
            kind,
            control,
            capability,
        });
    }

    pub(super) fn stage(&mut self, cols: &Cols, rec: &StringRecord) {
        let Ok(id) = self.id(cols, rec, 0) else {
            return;
        };
        let dup = self.stage_names.get(&id).is_some();
        let item = self.resolve(cols, rec, 1, ElementKind::Item);
        let site = self.resolve(cols, rec, 2, ElementKind::Site);
        let va = self.required_num(cols, rec, 3, Num::NonNeg);
        let cap = self.num(cols, rec, 4, Num::NonNeg);
        let lt = self.num(cols, rec, 5, Num::NonNeg);
        let inv = self.num(cols, rec, 6, Num::NonNeg);
        let ttr = self.num(cols, rec, 7, Num::NonNeg);
        if !self.unique(cols, 0, &id, ElementKind::Stage, dup) {
            return;
        }
        let (Ok(item), Ok(site), Ok(va), Ok(cap), Ok(lt), Ok(inv), Ok(ttr)) =
            (item, site, va, cap, lt, inv, ttr)
        else {
            return self.reject(ElementKind::Stage, id);
        };
        self.stage_names.add(&id, cols.line);
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

    pub(super) fn lane(&mut self, cols: &Cols, rec: &StringRecord) {
        let Ok(id) = self.id(cols, rec, 0) else {
            return;
        };
        let dup = self.lane_names.get(&id).is_some();
        let from = self.resolve(cols, rec, 1, ElementKind::Site);
        let to = self.resolve(cols, rec, 2, ElementKind::Site);
        let mode_text = cols.field(rec, 3);
        let mode = Mode::ALL
            .iter()
            .find(|(n, _)| *n == mode_text)
            .map(|(_, m)| *m);
        if mode.is_none() {
            self.diags.push(
                cols.err(3, format!("unknown mode `{}`", quote(mode_text)))
                    .with_hint("use one of road, rail, sea, air, pipeline, multimodal"),
            );
        }
        let tt = self.num(cols, rec, 4, Num::NonNeg);
        if !self.unique(cols, 0, &id, ElementKind::Lane, dup) {
            return;
        }
        let (Ok(from), Ok(to), Some(mode), Ok(tt)) = (from, to, mode, tt) else {
            // The chokepoints it names exist only through lanes: scenarios naming them follow from this row.
            for cp in cols.field(rec, 5).split(';').map(str::trim) {
                if !cp.is_empty() && self.chokes.get(cp).is_none() {
                    self.reject(ElementKind::Chokepoint, cp.to_string());
                }
            }
            return self.reject(ElementKind::Lane, id);
        };
        let mut chokepoints = Vec::new();
        for cp in cols
            .field(rec, 5)
            .split(';')
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            let c = ChokeIx(self.chokes.add(cp, cols.line).0);
            if !chokepoints.contains(&c) {
                chokepoints.push(c);
            }
        }
        self.lane_names.add(&id, cols.line);
        self.lanes.push(Lane {
            id,
            from_site: SiteIx(from),
            to_site: SiteIx(to),
            mode,
            transit_time: tt.unwrap_or(0.0),
            chokepoints,
        });
    }

    pub(super) fn input(&mut self, cols: &Cols, rec: &StringRecord) {
        // Rows of one stage are usually contiguous: reuse the previous row's lookup when the id repeats.
        let stage = match &self.last_input_stage {
            Some((id, ix)) if id.as_str() == cols.field(rec, 0) => Ok(*ix),
            _ => {
                let r = self.resolve(cols, rec, 0, ElementKind::Stage);
                if let Ok(ix) = r {
                    self.last_input_stage = Some((cols.field(rec, 0).to_string(), ix));
                }
                r
            }
        };
        let item = self.resolve(cols, rec, 1, ElementKind::Item);
        let qty = self.required_num(cols, rec, 2, Num::Positive);
        let supplier = self.resolve(cols, rec, 3, ElementKind::Stage);
        let share = self.num(cols, rec, 4, Num::Unit);
        let lane = if cols.field(rec, 5).is_empty() {
            Ok(None)
        } else {
            self.resolve(cols, rec, 5, ElementKind::Lane).map(Some)
        };
        if let (Ok(stage), Ok(item)) = (stage, item) {
            if qty.is_err() || supplier.is_err() || share.is_err() || lane.is_err() {
                self.drop_input(stage, item);
            }
        }
        let (Ok(stage), Ok(item), Ok(qty), Ok(supplier), Ok(share), Ok(lane)) =
            (stage, item, qty, supplier, share, lane)
        else {
            return;
        };
        let mut ok = !self.candidate_share(cols, supplier, share);
        if self.stages[supplier as usize].item.0 != item {
            let made = self
                .item_names
                .name(self.stages[supplier as usize].item.index());
            let wanted = self.item_names.name(item as usize);
            self.diags.push(
                cols.err(
                    3,
                    format!(
                        "supplier `{}` makes `{made}`, not the input item `{wanted}`",
                        self.stage_names.name(supplier as usize)
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
                let sn = |s: SiteIx| self.site_names.name(s.index());
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
        } else {
            self.drop_input(stage, item);
        }
    }

    /// Records that an input row of (stage, item) was dropped, under its first error or its cause.
    fn drop_input(&mut self, stage: u32, item: u32) {
        let root = if self.diags.len() > self.row_mark {
            Some(self.row_mark)
        } else {
            self.row_cause
        };
        if let Some(r) = root {
            self.dropped_inputs.entry((stage, item)).or_insert(r);
        }
    }

    pub(super) fn demand(&mut self, cols: &Cols, rec: &StringRecord) {
        let stage = self.resolve(cols, rec, 0, ElementKind::Stage);
        let d = self.required_num(cols, rec, 1, Num::NonNeg);
        let l = self.required_num(cols, rec, 2, Num::NonNeg);
        let (Ok(stage), Ok(demand), Ok(loss_per_unit)) = (stage, d, l) else {
            return;
        };
        if self.candidate_demand(cols, stage) {
            return;
        }
        if let Some(&k) = self.demand_at.get(&stage) {
            self.diags.push(
                cols.err(
                    0,
                    format!(
                        "stage `{}` already has demand on line {}",
                        self.stage_names.name(stage as usize),
                        self.demand_lines[k]
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

    /// The element a scenario row names in column 2, of the kind named in column 1.
    fn target(&mut self, cols: &Cols, rec: &StringRecord, kind: ElementKind) -> Result<Target, ()> {
        if kind.table().is_some() {
            let i = self.resolve(cols, rec, 2, kind)?;
            if kind == ElementKind::Stage && self.candidate_target(cols, i) {
                return Err(());
            }
            return Ok(match kind {
                ElementKind::Stage => Target::Stage(StageIx(i)),
                ElementKind::Site => Target::Site(SiteIx(i)),
                ElementKind::Firm => Target::Firm(FirmIx(i)),
                ElementKind::Country => Target::Country(CountryIx(i)),
                ElementKind::Item => Target::Item(ItemIx(i)),
                _ => Target::Lane(LaneIx(i)),
            });
        }
        let text = cols.field(rec, 2);
        if let Some(i) = self.names(kind).get(text) {
            return Ok(match kind {
                ElementKind::Bloc => Target::Bloc(BlocIx(i)),
                ElementKind::Chokepoint => Target::Chokepoint(ChokeIx(i)),
                _ => Target::Regime(RegimeIx(i)),
            });
        }
        if self.follows(kind, text) {
            return Err(());
        }
        let hint = match self.names(kind).suggest(text) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("no {kind} of that name appears in the model"),
        };
        self.diags.push(
            cols.err(2, format!("unknown {kind} `{}`", quote(text)))
                .with_hint(hint),
        );
        Err(())
    }

    pub(super) fn scenario(&mut self, cols: &Cols, rec: &StringRecord) {
        let Ok(name) = self.id(cols, rec, 0) else {
            return;
        };
        let target: Result<Target, ()> = match cols.field(rec, 1).parse::<ElementKind>() {
            Ok(kind) => self.target(cols, rec, kind),
            Err(e) => {
                let hint = match &e.suggestion {
                    Some(s) => format!("did you mean `{s}`? The kinds are {}", ElementKind::list()),
                    None => format!("use one of {}", ElementKind::list()),
                };
                self.diags.push(
                    cols.err(1, format!("unknown target_kind `{}`", quote(&e.given)))
                        .with_hint(hint),
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
}
