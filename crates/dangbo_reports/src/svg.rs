//! Bar charts as SVG, drawn on the server: no JavaScript, no CDN, the same picture on a phone,
//! in a PDF and on paper. Text is escaped; labels and numbers come formatted by the caller.

/// One bar: its label under the axis, its value, and the value as the reader should see it
/// (for example "2.068").
pub struct Bar {
    pub label: String,
    pub value: i64,
    pub shown: String,
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// A vertical bar chart `width` × `height` with an accessible title.
pub fn bar_chart(title: &str, bars: &[Bar], width: u32, height: u32) -> String {
    let (top, bottom, left, right) = (28.0, 24.0, 8.0, 8.0);
    let plot_h = height as f64 - top - bottom;
    let plot_w = width as f64 - left - right;
    let max = bars.iter().map(|b| b.value).max().unwrap_or(0).max(1) as f64;
    let slot = if bars.is_empty() { plot_w } else { plot_w / bars.len() as f64 };
    let bar_w = (slot * 0.7).max(1.0);
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"100%\" role=\"img\" aria-label=\"{t}\"><title>{t}</title>",
        t = escape(title)
    );
    out.push_str(&format!("<line x1=\"{left}\" y1=\"{y}\" x2=\"{x2}\" y2=\"{y}\" stroke=\"#888\"/>", y = top + plot_h, x2 = left + plot_w));
    for (i, b) in bars.iter().enumerate() {
        let h = (b.value.max(0) as f64 / max) * plot_h;
        let x = left + slot * i as f64 + (slot - bar_w) / 2.0;
        let y = top + plot_h - h;
        let cx = x + bar_w / 2.0;
        out.push_str(&format!("<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{bar_w:.1}\" height=\"{h:.1}\" fill=\"#b71c1c\"/>"));
        out.push_str(&format!("<text x=\"{cx:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\">{}</text>", y - 4.0, escape(&b.shown)));
        out.push_str(&format!(
            "<text x=\"{cx:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#555\">{}</text>",
            top + plot_h + 16.0,
            escape(&b.label)
        ));
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest_value_and_text_is_escaped() {
        let bars = vec![Bar { label: "2018".into(), value: 1000, shown: "1.000".into() }, Bar { label: "<2019>".into(), value: 2000, shown: "2.000".into() }];
        let svg = bar_chart("Đảng số & năm", &bars, 200, 128);
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("<title>Đảng số &amp; năm</title>"));
        assert!(svg.contains("&lt;2019&gt;"));
        // Plot height is 128 - 28 - 24 = 76: the larger bar fills it, the smaller one half.
        assert!(svg.contains("height=\"76.0\""));
        assert!(svg.contains("height=\"38.0\""));
    }

    #[test]
    fn an_empty_chart_is_still_a_picture() {
        assert!(bar_chart("x", &[], 100, 80).ends_with("</svg>"));
    }
}
