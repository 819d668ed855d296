//! Opens the example report in headless Chromium: the page must render (a screenshot that is not blank) and
//! the browser's DOM must hold the map, a bar chart per platform and the single-point-of-failure tables; and
//! the same for the "Spending and partnerships" page on the published data sets (shared/data).
//!
//! Needs Chromium (`scripts/install-deps.sh --browser`, or `apt-get install -y chromium`); the path can be
//! overridden with `KEEL_CHROMIUM`. A missing browser fails the test: CI installs it.

mod common;

use keel_report::{render, ReportOptions};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn chromium() -> PathBuf {
    let p = std::env::var_os("KEEL_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    assert!(
        p.exists(),
        "headless Chromium not found at {}: install it with `scripts/install-deps.sh --browser` \
         (or `apt-get install -y chromium`), or set KEEL_CHROMIUM to its path",
        p.display()
    );
    p
}

/// Runs Chromium with a fresh profile and no network features, killing it after two minutes.
fn run_chromium(extra: &[String], url: &str, profile: &Path) -> Vec<u8> {
    let out_file = profile.with_extension("stdout");
    let stdout = std::fs::File::create(&out_file).unwrap();
    let mut child = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(url)
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromium");
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "chromium exited with {status}");
            break;
        }
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish within 120 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    std::fs::read(&out_file).unwrap()
}

/// The number of distinct RGB colours in rows `rows` of a 1400-wide screenshot `height` tall, and the share
/// of those pixels that are not (near) white.
fn picture_stats(path: &Path, height: u32, rows: std::ops::Range<usize>) -> (usize, f64) {
    let decoder = png::Decoder::new(std::fs::File::open(path).expect("screenshot written"));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!((info.width, info.height), (1400, height));
    let channels = info.color_type.samples();
    assert!(channels >= 3, "colour screenshot expected");
    let mut colours = std::collections::BTreeSet::new();
    let (mut non_white, mut total) = (0usize, 0usize);
    let line = info.line_size;
    for px in buf[rows.start * line..rows.end * line].chunks(channels) {
        let rgb = (px[0], px[1], px[2]);
        colours.insert(rgb);
        total += 1;
        if rgb.0 < 245 || rgb.1 < 245 || rgb.2 < 245 {
            non_white += 1;
        }
    }
    (colours.len(), non_white as f64 / total as f64)
}

/// KEEL_REPORT_KEEP=<dir> keeps the pages and the screenshots for a person to look at.
fn keep(from: &Path, name: &str) {
    if let Some(dir) = std::env::var_os("KEEL_REPORT_KEEP") {
        let dir = PathBuf::from(dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::copy(from, dir.join(name)).unwrap();
    }
}

#[test]
fn example_report_renders_in_chromium() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/canada-dib");
    let model = keel_io::load(&dir).expect("example loads").model;
    let html = render(&model, &ReportOptions::default()).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let page = tmp.path().join("report.html");
    std::fs::write(&page, &html).unwrap();
    let url = format!("file://{}", page.display());
    keep(&page, "report.html");

    // Screenshot of the top of the page: header, how to read, overview.
    let png_path = tmp.path().join("shot.png");
    run_chromium(
        &[
            format!("--screenshot={}", png_path.display()),
            "--window-size=1400,2000".into(),
        ],
        &url,
        &tmp.path().join("profile-shot"),
    );
    keep(&png_path, "top.png");
    let (colours, frac) = picture_stats(&png_path, 2000, 0..2000);
    // Text, cards and the overview table: many colours (anti-aliasing) and some ink.
    assert!(
        colours > 100,
        "top of page: only {colours} distinct colours"
    );
    assert!(
        frac > 0.03,
        "top of page: only {:.1}% of pixels are not white",
        frac * 100.0
    );

    // A taller window: below the overview, the first platform's bars, map and tables. (Scrolling to an
    // anchor is not used: headless screenshots of a scrolled page come out blank.)
    let png2 = tmp.path().join("platform.png");
    run_chromium(
        &[
            format!("--screenshot={}", png2.display()),
            "--window-size=1400,4400".into(),
        ],
        &url,
        &tmp.path().join("profile-platform"),
    );
    keep(&png2, "platform.png");
    let (colours, frac) = picture_stats(&png2, 4400, 2000..4400);
    // Two coloured bars, a shaded world map and tables: hundreds of colours and a fair share of ink.
    assert!(
        colours > 200,
        "platform section: only {colours} distinct colours"
    );
    assert!(
        frac > 0.15,
        "platform section: only {:.1}% of pixels are not white",
        frac * 100.0
    );

    // The DOM as the browser built it, after running the page's script.
    let dom = String::from_utf8(run_chromium(
        &["--dump-dom".into()],
        &url,
        &tmp.path().join("profile-dom"),
    ))
    .unwrap();
    assert!(dom.contains("<svg class=\"map\""), "no map in the DOM");
    assert_eq!(dom.matches("<section class=\"platform\"").count(), 11);
    assert_eq!(
        dom.matches("<figure class=\"bar-chart by-country\"")
            .count(),
        11
    );
    assert_eq!(
        dom.matches("<figure class=\"bar-chart by-tier\"").count(),
        11
    );
    assert!(
        dom.matches("<div class=\"spof\">").count() >= 1,
        "no SPOF table"
    );
    assert!(dom.contains("<select id=\"pick\">"));
    // The picker starts on "all platforms": the script hid nothing.
    assert!(!dom
        .contains("class=\"platform\" id=\"p-plt-155mm-he-wenven-munitions-repentigny\" hidden"));
}

#[test]
fn policy_page_renders_in_chromium() {
    let d = common::inputs("CAN");
    let html = keel_report::render_policy(&d, None);
    let tmp = tempfile::tempdir().unwrap();
    let page = tmp.path().join("policy.html");
    std::fs::write(&page, &html).unwrap();
    let url = format!("file://{}", page.display());
    keep(&page, "policy.html");

    // The whole page in one tall window: five charts with lines, bars and legends.
    let png = tmp.path().join("policy.png");
    run_chromium(
        &[
            format!("--screenshot={}", png.display()),
            "--window-size=1400,5200".into(),
        ],
        &url,
        &tmp.path().join("profile-shot"),
    );
    keep(&png, "policy.png");
    let (colours, frac) = picture_stats(&png, 5200, 0..5200);
    assert!(
        colours > 100,
        "policy page: only {colours} distinct colours"
    );
    assert!(
        frac > 0.05,
        "policy page: only {:.1}% of pixels are not white",
        frac * 100.0
    );

    // The DOM as the browser built it: every chart is an image with a name, and has its table behind it.
    let dom = String::from_utf8(run_chromium(
        &["--dump-dom".into()],
        &url,
        &tmp.path().join("profile-dom"),
    ))
    .unwrap();
    for class in [
        "line-chart policy-share",
        "line-chart policy-path",
        "rows-chart policy-suppliers",
        "line-chart policy-hhi",
        "line-chart policy-integration",
    ] {
        assert!(
            dom.contains(&format!("<figure class=\"{class}\">")),
            "no {class} in the DOM"
        );
    }
    assert_eq!(dom.matches("role=\"img\" aria-label=").count(), 5);
    assert_eq!(dom.matches("<details class=\"behind\">").count(), 5);
    // Seven periods of stacked supplier bars.
    let bars = &dom[dom.find("rows-chart policy-suppliers").unwrap()..];
    let bars = &bars[..bars.find("</svg>").unwrap()];
    assert!(bars.matches("<rect ").count() >= 7);
}
