//! What the dashboard's browser tests (and its benchmark) do on a page: sign in, take a screenshot and check it
//! is not blank, check the page fits its window and that every control has a name.
#![allow(dead_code, unreachable_pub)]

use crate::cdp::Browser;
use crate::common::Server;
use serde_json::Value;
use std::collections::HashSet;
use std::path::Path;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(60);

/// The number of distinct colours in a PNG and the share of pixels that are not (near) white.
pub fn picture_stats(png_bytes: &[u8]) -> (usize, f64) {
    let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    let mut colours = HashSet::new();
    let (mut ink, mut total) = (0usize, 0usize);
    for px in buf[..info.buffer_size()].chunks(channels) {
        colours.insert((px[0], px[1], px[2]));
        total += 1;
        if px[0] < 245 || px[1] < 245 || px[2] < 245 {
            ink += 1;
        }
    }
    (colours.len(), ink as f64 / total as f64)
}

/// Takes a screenshot, checks it is not blank, and keeps it when asked.
pub fn shot(b: &mut Browser, name: &str, full: bool) {
    let png = b.screenshot(full);
    let (colours, ink) = picture_stats(&png);
    assert!(
        colours > 20 && ink > 0.02,
        "{name}: the screenshot looks blank ({colours} colours, {:.1}% ink)",
        ink * 100.0
    );
    if let Some(dir) = std::env::var_os("KEEL_DASHBOARD_SHOTS") {
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(Path::new(&dir).join(format!("{name}.png")), png).unwrap();
    }
}

/// Scrolls `selector` into view, takes a screenshot, checks it is not blank, and keeps it when asked.
pub fn shot_at(b: &mut Browser, selector: &str, name: &str, full: bool) {
    b.eval(&format!(
        "document.querySelector({}).scrollIntoView(); true",
        Value::from(selector)
    ));
    shot(b, name, full);
}

/// Fills the sign-in form as a user would and waits for the workspaces page.
pub fn sign_in(b: &mut Browser, s: &Server, name: &str) {
    submit_sign_in(b, s, name, &format!("{name} password"));
    b.wait(
        "document.querySelector('h1')?.textContent === 'Workspaces'",
        WAIT,
    );
}

/// Opens the dashboard and submits the sign-in form with `name` and `password`, as a user would.
pub fn submit_sign_in(b: &mut Browser, s: &Server, name: &str, password: &str) {
    b.goto(&s.url("/"));
    b.wait("document.querySelector('#login-form')", WAIT);
    b.eval(&format!(
        "document.querySelector('#login-name').value = {}; \
         document.querySelector('#login-password').value = {}; \
         document.querySelector('#login-form').requestSubmit(); true",
        Value::from(name),
        Value::from(password)
    ));
}

pub fn fits(b: &mut Browser) -> bool {
    b.eval("document.documentElement.scrollWidth <= window.innerWidth")
        .as_bool()
        .unwrap()
}

/// Controls without a name a screen reader can read out.
pub fn unnamed_controls(b: &mut Browser) -> Value {
    b.eval(
        "[...document.querySelectorAll('button, input:not([type=hidden]), select, a[href], [role=button]')] \
         .filter(e => !(e.getAttribute('aria-label') || (e.labels && e.labels.length) || \
                        e.textContent.trim() || e.getAttribute('aria-labelledby') || \
                        e.classList.contains('visually-hidden'))) \
         .map(e => e.outerHTML.slice(0, 120))",
    )
}
