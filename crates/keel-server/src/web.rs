//! The web dashboard's files, built into the binary so `keel serve` needs nothing beside it: no CDN, no outside
//! fonts, nothing fetched from the network. `GET /` serves the page; `GET /assets/NAME` its scripts, styles and
//! vendored libraries. They hold no data: every figure the page shows comes from the JSON API, with the
//! caller's session and permissions, so the page can never show what the API would refuse.
//!
//! Every response carries a Content-Security-Policy that allows only this server's own scripts, styles and
//! API (no inline script, no framing), and an ETag so a browser revalidates rather than refetches.
//!
//! # Complexity
//! O(1) per request: the files and their digests are computed once.

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

/// (name under /assets/, bytes, content type). The page itself is `index.html`.
const FILES: &[(&str, &[u8], &str)] = &[
    (
        "index.html",
        include_bytes!("../web/index.html"),
        "text/html; charset=utf-8",
    ),
    (
        "app.css",
        include_bytes!("../web/app.css"),
        "text/css; charset=utf-8",
    ),
    ("app.js", include_bytes!("../web/app.js"), JS),
    ("api.js", include_bytes!("../web/api.js"), JS),
    ("ui.js", include_bytes!("../web/ui.js"), JS),
    ("charts.js", include_bytes!("../web/charts.js"), JS),
    ("pages.js", include_bytes!("../web/pages.js"), JS),
    ("jobs.js", include_bytes!("../web/jobs.js"), JS),
    ("network.js", include_bytes!("../web/network.js"), JS),
    ("map.js", include_bytes!("../web/map.js"), JS),
    ("admin.js", include_bytes!("../web/admin.js"), JS),
    ("analyses.js", include_bytes!("../web/analyses.js"), JS),
    // Cytoscape.js 3.35.0 (MIT), the ES-module build from the npm package, unchanged; see
    // scripts/vendor-web.sh for where it comes from and its checksum.
    (
        "cytoscape.esm.min.js",
        include_bytes!("../web/cytoscape.esm.min.js"),
        JS,
    ),
    (
        "cytoscape-LICENSE.txt",
        include_bytes!("../web/cytoscape-LICENSE.txt"),
        "text/plain; charset=utf-8",
    ),
    // Country outlines from Natural Earth (public domain), as keel report's map draws them (see
    // crates/keel-report/src/map.rs for their source and projection).
    (
        WORLD,
        include_bytes!("../../keel-report/assets/world.tsv"),
        "text/tab-separated-values; charset=utf-8",
    ),
];

/// The one served file kept outside `web/` (shared with keel report).
pub const WORLD: &str = "world.tsv";

const JS: &str = "text/javascript; charset=utf-8";

/// Allows only this origin's scripts, styles, images and API; nothing inline, nothing framed.
const CSP: &str =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; \
                   connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; \
                   frame-ancestors 'none'";

/// The names of the built-in files (for tests: every file in `web/` must be served).
pub fn file_names() -> impl Iterator<Item = &'static str> {
    FILES.iter().map(|f| f.0)
}

fn etags() -> &'static [String] {
    static TAGS: OnceLock<Vec<String>> = OnceLock::new();
    TAGS.get_or_init(|| {
        FILES
            .iter()
            .map(|(_, bytes, _)| {
                let d = Sha256::digest(bytes);
                let hex: String = d[..12].iter().map(|b| format!("{b:02x}")).collect();
                format!("\"{hex}\"")
            })
            .collect()
    })
}

fn serve(name: &str, headers: &HeaderMap) -> Response {
    let Some(at) = FILES.iter().position(|f| f.0 == name) else {
        return (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "no such file",
        )
            .into_response();
    };
    let (_, bytes, kind) = FILES[at];
    let tag = &etags()[at];
    let common = [
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        ),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        (
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ),
        (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
        (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        (
            header::ETAG,
            HeaderValue::from_str(tag).unwrap_or(HeaderValue::from_static("\"\"")),
        ),
    ];
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == tag));
    if fresh {
        return (StatusCode::NOT_MODIFIED, common).into_response();
    }
    (
        StatusCode::OK,
        common,
        [(header::CONTENT_TYPE, HeaderValue::from_static(kind))],
        bytes,
    )
        .into_response()
}

/// `GET /` and `GET /assets/{name}`.
pub(crate) fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route(
            "/",
            get(|h: HeaderMap| async move { serve("index.html", &h) }),
        )
        .route(
            "/assets/{name}",
            get(
                |axum::extract::Path(name): axum::extract::Path<String>, h: HeaderMap| async move {
                    serve(&name, &h)
                },
            ),
        )
}
