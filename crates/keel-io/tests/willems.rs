//! Importing Willems' (2008) 38 real supply chains. Needs the data at `../shared/data/willems2008` next to the repo.

use keel_io::willems::{import_willems, WillemsError, CHAINS};
use keel_model::{ItemKind, Model};
use std::path::{Path, PathBuf};

fn data_dir() -> PathBuf {
    let d = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/willems2008");
    assert!(
        d.join("chains/01_SD.csv").is_file(),
        "Willems data not found at {} (expected the shared data folder next to the repo)",
        d.display()
    );
    d
}

/// Data rows of a CSV file (header and blank lines excluded), counted independently of the importer.
fn data_rows(path: &Path) -> usize {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .skip(1)
        .filter(|l| !l.trim().trim_matches(',').is_empty())
        .count()
}

fn import(chain: u32) -> Model {
    let m = import_willems(&data_dir(), chain).unwrap();
    match m.build() {
        Ok(l) => l.model,
        Err(e) => panic!(
            "chain {chain}: {:?}",
            &e.diagnostics[..e.diagnostics.len().min(5)]
        ),
    }
}

#[test]
fn all_38_chains_import_and_build_with_every_stage_and_arc() {
    let dir = data_dir().join("chains");
    let (mut stages, mut arcs) = (0, 0);
    for chain in 1..=CHAINS {
        let m = import(chain);
        let sd = data_rows(&dir.join(format!("{chain:02}_SD.csv")));
        let ll = data_rows(&dir.join(format!("{chain:02}_LL.csv")));
        assert_eq!(m.stages().len(), sd, "chain {chain} stages");
        // Each arc is its own single-sourced input item.
        assert_eq!(m.sources().len(), ll, "chain {chain} arcs");
        assert_eq!(m.groups().len(), ll, "chain {chain} groups");
        assert!(!m.demands().is_empty());
        stages += m.stages().len();
        arcs += m.sources().len();
    }
    // Totals from the data README (and Willems 2008, Table 1).
    assert_eq!(stages, 15_872);
    assert_eq!(arcs, 43_589);
}

#[test]
fn aircraft_engine_chains_carry_the_published_values() {
    // Chain 26 (aircraft engines, SIC 3724): Retail_0001 row of 26_SD.csv reads
    // stageCost 266.2, avgDemand 30.92, stageTime 10; Manuf_0001 reads 54.31 and 12.
    let m = import(26);
    assert_eq!(m.stages().len(), 468);
    let s = m.stage_ix("Retail_0001").unwrap();
    let st = &m.stages()[s.index()];
    assert_eq!(st.value_added, 266.2);
    assert_eq!(st.lead_time, 10.0);
    assert_eq!(st.capacity, None);
    let d = m.demand_of(s).unwrap();
    assert_eq!((d.demand, d.loss_per_unit), (30.92, 1.0));
    assert_eq!(m.items()[st.item.index()].kind, ItemKind::Platform);
    let s = m.stage_ix("Manuf_0001").unwrap();
    assert_eq!(m.stages()[s.index()].value_added, 54.31);
    assert_eq!(m.stages()[s.index()].lead_time, 12.0);
    // 26_LL.csv line 2: Manuf_0001 -> Manuf_0011, so Manuf_0011 needs item Manuf_0001 from stage Manuf_0001.
    let buyer = m.stage_ix("Manuf_0011").unwrap();
    assert!(m.groups_of(buyer).any(|g| {
        let g = &m.groups()[g.index()];
        g.qty == 1.0 && m.items()[g.item.index()].id == "Manuf_0001"
    }));
    assert_eq!(m.demands().len(), 2);

    // Chain 38 (aircraft engine parts): Part_0001 reads stageCost 0.53, stageTime 10; Manuf_0001 1.05 days.
    let m = import(38);
    assert_eq!(m.stages().len(), 2025);
    let s = m.stage_ix("Part_0001").unwrap();
    assert_eq!(m.stages()[s.index()].value_added, 0.53);
    assert_eq!(m.stages()[s.index()].lead_time, 10.0);
    assert_eq!(
        m.items()[m.stages()[s.index()].item.index()].kind,
        ItemKind::Component
    );
    let s = m.stage_ix("Manuf_0001").unwrap();
    assert_eq!(m.stages()[s.index()].value_added, 28.74);
    assert_eq!(m.stages()[s.index()].lead_time, 1.05);
    assert_eq!(m.demands().len(), 559);
    assert_eq!(m.countries().len(), 1);
    assert_eq!(m.countries()[0].code, "ZZZ");
}

#[test]
fn missing_data_and_bad_chain_are_clear_errors() {
    let e = import_willems(Path::new("/nonexistent/willems"), 1).unwrap_err();
    assert!(matches!(e, WillemsError::NoData(_)));
    assert!(e.to_string().contains("/nonexistent/willems"));
    let e = import_willems(&data_dir(), 39).unwrap_err();
    assert!(matches!(e, WillemsError::NoChain(39)));
}

#[test]
fn malformed_rows_are_reported_with_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    let chains = tmp.path().join("chains");
    std::fs::create_dir(&chains).unwrap();
    let sd = "Stage Name,stageCost,relDepth,stageClassification,avgDemand,stdDevDemand,maxServiceTime,serviceLevel,stageTime\n\
              Part_0001,2,1,Part,,,,,5\n\
              Retail_0001,abc,0,Retail,3,,,,1\n";
    std::fs::write(chains.join("01_SD.csv"), sd).unwrap();
    std::fs::write(
        chains.join("01_LL.csv"),
        "sourceStage,destinationStage\nPart_0001,Retail_0001\n",
    )
    .unwrap();
    let e = import_willems(tmp.path(), 1).unwrap_err().to_string();
    assert!(e.contains("01_SD.csv:3:") && e.contains("abc"), "{e}");

    std::fs::write(chains.join("01_SD.csv"), sd.replace("abc", "7")).unwrap();
    std::fs::write(
        chains.join("01_LL.csv"),
        "sourceStage,destinationStage\nPart_0001,Retail_0001\nPart_0009,Retail_0001\n",
    )
    .unwrap();
    let e = import_willems(tmp.path(), 1).unwrap_err().to_string();
    assert!(e.contains("01_LL.csv:3:") && e.contains("Part_0009"), "{e}");

    // The corrected two-stage chain: Part (component) -> Retail with demand (platform).
    std::fs::write(
        chains.join("01_LL.csv"),
        "sourceStage,destinationStage\nPart_0001,Retail_0001\n",
    )
    .unwrap();
    let m = import_willems(tmp.path(), 1)
        .unwrap()
        .build()
        .unwrap()
        .model;
    assert_eq!(m.stages().len(), 2);
    assert_eq!(m.stages()[1].value_added, 7.0);
    assert_eq!(m.demands()[0].demand, 3.0);
}
