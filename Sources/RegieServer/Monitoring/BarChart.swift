import Foundation

/// A horizontal bar chart as server-rendered SVG: one row per label, bars of one or more stacked
/// segments, an optional marker (a norm or target) and an optional whisker (a spread). The numbers
/// are always in the table beside it; the chart is named for assistive technology and points there.
/// Colours come from CSS classes (`chart__bar--…`), so the page's stylesheet themes them.
struct BarChart {
    struct Segment { let value: Double; let style: String }
    struct Row {
        let label: String
        let segments: [Segment]
        let valueText: String
        var marker: Double? = nil
        var whisker: (Double, Double)? = nil
    }

    let title: String
    let rows: [Row]
    /// The scale's maximum; at least the largest bar, marker or whisker end.
    var maximum: Double? = nil
    /// What each segment colour means, for stacked bars (label, style).
    var legend: [(String, String)] = []

    static let width = 760.0, labelWidth = 300.0, valueWidth = 110.0, rowHeight = 30.0, barHeight = 18.0

    var svg: String {
        let ends: [Double] = rows.flatMap { row -> [Double] in
            [row.segments.reduce(0.0) { $0 + $1.value }, row.marker ?? 0, row.whisker?.1 ?? 0]
        }
        let scale = max(maximum ?? 0, ends.max() ?? 0, 1)
        let plot = Self.width - Self.labelWidth - Self.valueWidth
        let legendHeight = legend.isEmpty ? 0.0 : Self.rowHeight
        let height = Double(rows.count) * Self.rowHeight + 8 + legendHeight
        var out = #"<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \#(Int(Self.width)) \#(Int(height))" role="img" aria-label="\#(Self.escape(title))">"#
        out += "<title>\(Self.escape(title))</title>"
        var legendX = Self.labelWidth
        for (label, style) in legend {
            out += #"<rect class="chart__bar chart__bar--\#(style)" x="\#(Self.format(legendX))" y="6" width="14" height="14"/>"#
            out += #"<text class="chart__label" x="\#(Self.format(legendX + 20))" y="18">\#(Self.escape(label))</text>"#
            legendX += 34 + Double(label.count) * 8
        }
        for (index, row) in rows.enumerated() {
            let y = Double(index) * Self.rowHeight + 4 + legendHeight
            let middle = y + Self.barHeight / 2
            out += #"<text class="chart__label" x="\#(Int(Self.labelWidth - 8))" y="\#(Self.format(middle + 5))" text-anchor="end">\#(Self.escape(Self.clip(row.label)))</text>"#
            var x = Self.labelWidth
            for segment in row.segments where segment.value > 0 {
                let w = segment.value / scale * plot
                out += #"<rect class="chart__bar chart__bar--\#(segment.style)" x="\#(Self.format(x))" y="\#(Self.format(y))" width="\#(Self.format(max(w, 1)))" height="\#(Int(Self.barHeight))"/>"#
                x += w
            }
            if let (low, high) = row.whisker {
                let x1 = Self.labelWidth + low / scale * plot, x2 = Self.labelWidth + high / scale * plot
                out += #"<line class="chart__whisker" x1="\#(Self.format(x1))" x2="\#(Self.format(x2))" y1="\#(Self.format(middle))" y2="\#(Self.format(middle))"/>"#
                for edge in [x1, x2] {
                    out += #"<line class="chart__whisker" x1="\#(Self.format(edge))" x2="\#(Self.format(edge))" y1="\#(Self.format(middle - 6))" y2="\#(Self.format(middle + 6))"/>"#
                }
            }
            if let marker = row.marker {
                let mx = Self.labelWidth + marker / scale * plot
                out += #"<line class="chart__marker" x1="\#(Self.format(mx))" x2="\#(Self.format(mx))" y1="\#(Self.format(y - 3))" y2="\#(Self.format(y + Self.barHeight + 3))"/>"#
            }
            out += #"<text class="chart__value" x="\#(Int(Self.width - Self.valueWidth + 8))" y="\#(Self.format(middle + 5))">\#(Self.escape(row.valueText))</text>"#
        }
        return out + "</svg>"
    }

    static func format(_ value: Double) -> String { String(format: "%.1f", value) }

    static func clip(_ label: String) -> String { label.count > 36 ? String(label.prefix(35)) + "…" : label }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
