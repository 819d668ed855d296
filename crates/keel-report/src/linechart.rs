//! Line charts with points (inline SVG): one or more series over a shared x and y axis starting at 0, with
//! ticks, labelled axes and an HTML legend. The x axis is either numeric, or ordinal ([`XAxis::Steps`]: the
//! points' x are 0, 1, 2, ... spread evenly and labelled with the given words, for uneven steps such as a
//! budget ladder whose first steps would otherwise crowd into one corner).
//!
//! A value `v` on an axis running from 0 to `top` lands at `origin + length * v / top`, where `top` is the
//! largest value rounded up to a whole number of tick steps and the step is the smallest of 1, 2 or 5 times a
//! power of ten that gives at most [`TICKS`] steps.
//!
//! # Complexity
//! O(points) per chart.

use crate::html::{esc, num};

/// Most tick steps per axis.
const TICKS: f64 = 6.0;
const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 360.0;
const LEFT: f64 = 80.0;
const RIGHT: f64 = 700.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 300.0;

/// One point: its coordinates and the text shown on hover.
#[derive(Debug, Clone)]
pub(crate) struct Point {
    pub x: f64,
    pub y: f64,
    pub tip: String,
}

/// One series of a line chart.
#[derive(Debug, Clone)]
pub(crate) struct Series {
    pub label: String,
    pub colour: &'static str,
    pub dashed: bool,
    /// Draw a dot (with its hover text) at each point; off for reference lines such as a target.
    pub dots: bool,
    pub points: Vec<Point>,
}

/// How the x axis is drawn.
#[derive(Debug, Clone, Copy)]
pub(crate) enum XAxis<'a> {
    /// x is a value; ticks on a 1-2-5 step.
    #[cfg_attr(
        not(test),
        expect(
            dead_code,
            reason = "every chart of the page has evenly spaced steps (budgets, years); kept for uneven ones"
        )
    )]
    Numeric,
    /// x is the index into these labels, one tick each, evenly spaced; an empty label leaves its tick
    /// unlabelled (years every other year, say).
    Steps(&'a [String]),
}

/// A tick label: the value with as many decimals as the step needs (0.5, 1.0, 1.5 rather than 0.5, 1, 1.50).
fn tick_label(v: f64, step: f64) -> String {
    if step >= 1.0 || v == 0.0 {
        return num(v);
    }
    let decimals = (-step.log10().floor()).clamp(0.0, 9.0) as usize;
    format!("{v:.decimals$}")
}

/// The tick step for values up to `max` (see the module docs); 1 when `max` is not positive.
pub(crate) fn tick_step(max: f64) -> f64 {
    if max <= 0.0 || !max.is_finite() {
        return 1.0;
    }
    let raw = max / TICKS;
    let p = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * p)
        .find(|s| s * TICKS >= max * (1.0 - 1e-12))
        .unwrap_or(10.0 * p)
}

/// Axis end (a whole number of steps at or above `max`) and step.
fn axis(max: f64) -> (f64, f64) {
    let step = tick_step(max);
    let top = ((max / step - 1e-9).ceil()).max(1.0) * step;
    (top, step)
}

/// The chart as HTML: a `<figure>` holding the SVG and a legend (`class` names it for styling and tests).
pub(crate) fn line_chart(
    class: &str,
    title: &str,
    x_label: &str,
    y_label: &str,
    x_axis: XAxis<'_>,
    series: &[Series],
) -> String {
    let all = || series.iter().flat_map(|s| s.points.iter());
    let (x_top, x_step) = match x_axis {
        XAxis::Numeric => axis(all().map(|p| p.x).fold(0.0, f64::max)),
        XAxis::Steps(labels) => ((labels.len().max(2) - 1) as f64, 1.0),
    };
    let (y_top, y_step) = axis(all().map(|p| p.y).fold(0.0, f64::max));
    let sx = |x: f64| LEFT + (RIGHT - LEFT) * x / x_top;
    let sy = |y: f64| BOTTOM - (BOTTOM - TOP) * y / y_top;
    let mut out = format!(
        "<figure class=\"line-chart {class}\"><figcaption>{t}</figcaption>\n\
         <svg class=\"line\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" aria-label=\"{t}\">\n",
        t = esc(title)
    );
    // Grid and tick labels.
    let mut k = 0.0;
    while k * y_step <= y_top * (1.0 + 1e-9) {
        let y = sy(k * y_step);
        out.push_str(&format!(
            "<line class=\"grid\" x1=\"{LEFT}\" y1=\"{y:.1}\" x2=\"{RIGHT}\" y2=\"{y:.1}\"/>\
             <text class=\"tick\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>\n",
            LEFT - 6.0,
            y + 4.0,
            tick_label(k * y_step, y_step)
        ));
        k += 1.0;
    }
    let mut k = 0.0;
    while k * x_step <= x_top * (1.0 + 1e-9) {
        let x = sx(k * x_step);
        out.push_str(&format!(
            "<line class=\"axis\" x1=\"{x:.1}\" y1=\"{BOTTOM}\" x2=\"{x:.1}\" y2=\"{:.1}\"/>\
             <text class=\"tick\" x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>\n",
            BOTTOM + 5.0,
            BOTTOM + 19.0,
            match x_axis {
                XAxis::Numeric => tick_label(k * x_step, x_step),
                XAxis::Steps(labels) => esc(labels.get(k as usize).map_or("", String::as_str)),
            }
        ));
        k += 1.0;
    }
    out.push_str(&format!(
        "<line class=\"axis\" x1=\"{LEFT}\" y1=\"{BOTTOM}\" x2=\"{RIGHT}\" y2=\"{BOTTOM}\"/>\
         <line class=\"axis\" x1=\"{LEFT}\" y1=\"{TOP}\" x2=\"{LEFT}\" y2=\"{BOTTOM}\"/>\n\
         <text class=\"axis-label\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>\n\
         <text class=\"axis-label\" x=\"16\" y=\"{:.1}\" text-anchor=\"middle\" transform=\"rotate(-90 16 {:.1})\">{}</text>\n",
        (LEFT + RIGHT) / 2.0,
        BOTTOM + 44.0,
        esc(x_label),
        (TOP + BOTTOM) / 2.0,
        (TOP + BOTTOM) / 2.0,
        esc(y_label)
    ));
    for s in series {
        let pts: Vec<String> = s
            .points
            .iter()
            .map(|p| format!("{:.1},{:.1}", sx(p.x), sy(p.y)))
            .collect();
        out.push_str(&format!(
            "<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"2\"{} points=\"{}\"/>\n",
            s.colour,
            if s.dashed {
                " stroke-dasharray=\"6 4\""
            } else {
                ""
            },
            pts.join(" ")
        ));
        for p in s.points.iter().filter(|_| s.dots) {
            out.push_str(&format!(
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"4\" fill=\"{}\"><title>{}</title></circle>\n",
                sx(p.x),
                sy(p.y),
                s.colour,
                esc(&p.tip)
            ));
        }
    }
    out.push_str("</svg>\n<div class=\"legend\">");
    for s in series {
        out.push_str(&format!(
            "<span class=\"key\"><span class=\"sw\" style=\"background:{}\"></span>{}</span>",
            s.colour,
            esc(&s.label)
        ));
    }
    out.push_str("</div></figure>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks() {
        // 2,580 / 6 = 430 -> 500; 95 / 6 = 15.8 -> 20; 12 / 6 = 2 -> 2.
        assert_eq!(tick_step(2580.0), 500.0);
        assert_eq!(tick_step(95.0), 20.0);
        assert_eq!(tick_step(12.0), 2.0);
        assert_eq!(axis(2580.0), (3000.0, 500.0));
        assert_eq!(axis(12.0), (12.0, 2.0));
    }

    #[test]
    fn geometry() {
        // x up to 10 (step 2, axis 0..10), y up to 4 (step 1, axis 0..4): (0, 4) at the top left corner,
        // (10, 0) at the bottom right, (5, 2) in the middle.
        let s = Series {
            label: "loss <a>".into(),
            colour: "#000",
            dashed: false,
            dots: true,
            points: [(0.0, 4.0), (5.0, 2.0), (10.0, 0.0)]
                .iter()
                .map(|&(x, y)| Point {
                    x,
                    y,
                    tip: "t".into(),
                })
                .collect(),
        };
        let h = line_chart("c", "T", "x", "y", XAxis::Numeric, std::slice::from_ref(&s));
        assert!(h.contains("points=\"80.0,16.0 390.0,158.0 700.0,300.0\""));
        assert!(h.contains(">10</text>"));
        assert!(h.contains("loss &lt;a&gt;"));
        // Ordinal: three labels at x = 0, 1, 2 over the same width; (1, 2) lands in the middle.
        let steps = ["0".to_string(), "20 M".into(), "2 B".into()];
        let mut s2 = s;
        for (k, p) in s2.points.iter_mut().enumerate() {
            p.x = k as f64;
        }
        let h = line_chart("c", "T", "x", "y", XAxis::Steps(&steps), &[s2]);
        assert!(h.contains("points=\"80.0,16.0 390.0,158.0 700.0,300.0\""));
        assert!(h.contains("text-anchor=\"middle\">20 M</text>"));
    }

    #[test]
    fn tick_labels_share_their_decimals() {
        assert_eq!(tick_label(1.5, 0.5), "1.5");
        assert_eq!(tick_label(1.0, 0.5), "1.0");
        assert_eq!(tick_label(0.25, 0.05), "0.25");
        assert_eq!(tick_label(2500.0, 500.0), "2,500");
    }
}
