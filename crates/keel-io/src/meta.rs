//! `model.toml`: parsed with line numbers so that every problem can be located.

use keel_model::{Diagnostic, RawMeta};

/// Parses the text of `model.toml`. Unknown keys are warnings; type errors and syntax errors are errors.
pub(crate) fn parse_toml(file: &str, text: &str) -> (RawMeta, Vec<Diagnostic>) {
    let mut meta = RawMeta {
        file: file.to_string(),
        ..RawMeta::default()
    };
    let mut diags = Vec::new();
    let line_of = |offset: usize| text[..offset.min(text.len())].matches('\n').count() as u64 + 1;
    let doc = match text.parse::<toml::Table>() {
        Ok(d) => d,
        Err(e) => {
            let mut d =
                Diagnostic::error(file, e.message().to_string()).with_hint("fix the TOML syntax");
            if let Some(span) = e.span() {
                d = d.at_line(line_of(span.start));
            }
            diags.push(d);
            return (meta, diags);
        }
    };
    // Key lines for diagnostics: a cheap scan is enough, keys are simple identifiers.
    for (n, l) in text.lines().enumerate() {
        if let Some((k, _)) = l.split_once('=') {
            meta.lines
                .entry(k.trim().to_string())
                .or_insert(n as u64 + 1);
        }
    }
    for (key, value) in &doc {
        let slot = match key.as_str() {
            "name" => &mut meta.name,
            "home_country" => &mut meta.home_country,
            "currency" => &mut meta.currency,
            "time_unit" => &mut meta.time_unit,
            "description" => &mut meta.description,
            "export_regimes" => {
                match value.as_table() {
                    Some(t) => {
                        for (code, c) in t {
                            let line = meta.lines.get(code.as_str()).copied();
                            match c.as_str() {
                                Some(c) => meta.regimes.push((code.clone(), c.to_string(), line)),
                                None => {
                                    let mut d = Diagnostic::error(file, format!("export regime `{code}` must name a country code as a string"))
                                        .with_hint(format!("write {code} = \"USA\""));
                                    if let Some(l) = line {
                                        d = d.at_line(l);
                                    }
                                    diags.push(d);
                                }
                            }
                        }
                    }
                    None => diags.push(
                        Diagnostic::error(file, "`export_regimes` must be a table").with_hint(
                            "write [export_regimes] on its own line, then ITAR = \"USA\" lines",
                        ),
                    ),
                }
                continue;
            }
            other => {
                let mut d = Diagnostic::warning(file, format!("unknown key `{other}` is ignored"));
                if let Some(l) = meta.lines.get(other) {
                    d = d.at_line(*l);
                }
                diags.push(d);
                continue;
            }
        };
        match value.as_str() {
            Some(s) => *slot = Some(s.to_string()),
            None => {
                let mut d = Diagnostic::error(file, format!("`{key}` must be a string"))
                    .with_hint(format!("write {key} = \"...\""));
                if let Some(l) = meta.lines.get(key.as_str()) {
                    d = d.at_line(*l);
                }
                diags.push(d);
            }
        }
    }
    (meta, diags)
}
