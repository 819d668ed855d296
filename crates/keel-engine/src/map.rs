//! `map`: what the dashboard's world map draws: every site with its position, firm, country and stages; every
//! lane between two sites with its mode and chokepoints; every chokepoint with a position; each country's
//! blocs; and, for each site, chokepoint and country, the platforms its loss alone stops (its single points of
//! failure, as `keel criticality` finds them), so that choosing a disruption on the map shows what it stops.
//!
//! Chokepoints are names in the model. The well-known ones (the straits, canals, bridges, ports and rail
//! subdivisions the generator and the bundled example use) are placed from a small gazetteer of their public
//! coordinates (WGS 84, rounded to about 0.1 degree); any other is placed at the mean of the midpoints of the
//! lanes through it and marked `"placed": "lanes"`, an approximation the map says it is.
//!
//! # Complexity
//! One criticality propagation over the model for sites, chokepoints and countries (see keel-see), then
//! O(sites + stages + lanes + SPOFs) to lay out the result.

use crate::table::{Cell, Table};
use crate::Results;
use keel_model::{ElementKind, Model, Target};
use keel_see::criticality::single_points_of_failure;
use serde_json::json;

/// (name, latitude, longitude) of well-known chokepoints.
const GAZETTEER: [(&str, f64, f64); 23] = [
    ("Strait of Hormuz", 26.6, 56.3),
    ("Strait of Malacca", 2.5, 101.3),
    ("Suez Canal", 30.6, 32.3),
    ("Bab-el-Mandeb", 12.6, 43.3),
    ("Panama Canal", 9.1, -79.7),
    ("Strait of Gibraltar", 36.0, -5.5),
    ("Taiwan Strait", 24.0, 119.5),
    ("English Channel", 50.5, 0.0),
    ("Danish Straits", 55.4, 11.0),
    ("Bosporus", 41.1, 29.1),
    ("St. Lawrence Seaway", 45.0, -74.8),
    ("Port of Rotterdam", 51.9, 4.1),
    ("Cape of Good Hope", -34.4, 18.5),
    ("Ambassador Bridge", 42.3, -83.1),
    ("Blue Water Bridge", 43.0, -82.4),
    ("Peace Bridge", 42.9, -78.9),
    ("CN Kingston Subdivision", 44.3, -76.5),
    ("CN Yale Subdivision", 49.6, -121.4),
    ("CPKC Winchester Subdivision", 45.1, -75.4),
    ("Port of Montreal", 45.6, -73.5),
    ("Port of Vancouver", 49.3, -123.1),
    ("Port of Halifax", 44.6, -63.6),
    ("Enbridge Line 5", 45.8, -84.8),
];

/// Lays out the map's data (main table `sites`).
pub fn run(m: &Model) -> Results {
    let spofs = single_points_of_failure(
        m,
        &[
            ElementKind::Site,
            ElementKind::Chokepoint,
            ElementKind::Country,
        ],
    );
    let mut site_stops = vec![Vec::new(); m.sites().len()];
    let mut choke_stops = vec![Vec::new(); m.chokepoints().len()];
    let mut country_stops = vec![Vec::new(); m.countries().len()];
    for (k, p) in spofs.iter().enumerate() {
        for t in &p.spofs {
            match t {
                Target::Site(x) => site_stops[x.index()].push(k),
                Target::Chokepoint(c) => choke_stops[c.index()].push(k),
                Target::Country(c) => country_stops[c.index()].push(k),
                _ => {}
            }
        }
    }
    let platforms: Vec<_> = spofs
        .iter()
        .map(|p| {
            let st = &m.stages()[p.stage.index()];
            json!({"id": st.id, "site": st.site.index()})
        })
        .collect();

    let mut stages_at = vec![Vec::new(); m.sites().len()];
    for st in m.stages() {
        stages_at[st.site.index()].push(st.id.as_str());
    }
    let mut table = Table::new(
        "sites",
        "Sites: position, firm, country, stages, and the platforms each one's loss alone stops",
        &[
            "site",
            "name",
            "firm",
            "country",
            "lat",
            "lon",
            "stages",
            "platforms stopped",
        ],
    );
    let mut sites = Vec::with_capacity(m.sites().len());
    for (i, s) in m.sites().iter().enumerate() {
        let firm = &m.firms()[s.firm.index()];
        let country = &m.countries()[s.country.index()].code;
        table.row(vec![
            Cell::from(&s.id),
            Cell::from(s.name.as_deref()),
            Cell::from(&firm.id),
            Cell::from(country),
            Cell::from(s.lat),
            Cell::from(s.lon),
            Cell::from(stages_at[i].len()),
            Cell::from(site_stops[i].len()),
        ]);
        sites.push(json!({
            "id": s.id, "name": s.name, "firm": firm.id, "firm_name": firm.name, "country": country,
            "lat": s.lat, "lon": s.lon, "stages": stages_at[i], "stops": site_stops[i],
        }));
    }

    let mut through: Vec<Vec<usize>> = vec![Vec::new(); m.chokepoints().len()];
    let lanes: Vec<_> = m
        .lanes()
        .iter()
        .enumerate()
        .map(|(k, l)| {
            for c in &l.chokepoints {
                through[c.index()].push(k);
            }
            json!({
                "id": l.id, "from": l.from_site.index(), "to": l.to_site.index(), "mode": l.mode,
                "chokepoints": l.chokepoints.iter().map(|c| c.index()).collect::<Vec<_>>(),
            })
        })
        .collect();
    let chokepoints: Vec<_> = m
        .chokepoints()
        .iter()
        .enumerate()
        .map(|(c, name)| {
            let known = GAZETTEER.iter().find(|g| g.0.eq_ignore_ascii_case(name));
            let (lat, lon, placed) = match known {
                Some(g) => (Some(g.1), Some(g.2), "gazetteer"),
                None => {
                    let (mut la, mut lo, mut n) = (0.0, 0.0, 0.0);
                    for &k in &through[c] {
                        let l = &m.lanes()[k];
                        let (a, b) = (&m.sites()[l.from_site.index()], &m.sites()[l.to_site.index()]);
                        if let (Some(a1), Some(a2), Some(b1), Some(b2)) = (a.lat, a.lon, b.lat, b.lon) {
                            la += (a1 + b1) / 2.0;
                            lo += (a2 + b2) / 2.0;
                            n += 1.0;
                        }
                    }
                    if n > 0.0 {
                        (Some(la / n), Some(lo / n), "lanes")
                    } else {
                        (None, None, "unplaced")
                    }
                }
            };
            json!({"name": name, "lat": lat, "lon": lon, "placed": placed, "lanes": through[c].len(),
                   "stops": choke_stops[c]})
        })
        .collect();
    let countries: Vec<_> = m
        .countries()
        .iter()
        .enumerate()
        .map(|(k, c)| {
            let blocs: Vec<&str> = c
                .blocs
                .iter()
                .map(|b| m.blocs()[b.index()].as_str())
                .collect();
            json!({"code": c.code, "name": c.name, "blocs": blocs, "stops": country_stops[k]})
        })
        .collect();
    let json = json!({
        "home_country": m.countries()[m.meta().home_country.index()].code,
        "platforms": platforms,
        "sites": sites,
        "lanes": lanes,
        "chokepoints": chokepoints,
        "countries": countries,
        "blocs": m.blocs(),
    });
    Results {
        tables: vec![table],
        main: "sites",
        json,
    }
}
