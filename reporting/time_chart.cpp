#include "reporting/time_chart.hpp"

#include <algorithm>

namespace drsim::reporting {

namespace {

// The heights of a chart's parts, in pixels: its margin, the axis labels, a group's heading, and
// the rows of labels above the vertical lines (staggered, so that lines close together stay readable).
struct Heights {
    double pad = 8, axis_row = 16, group_row = 20, line_label_row = 12;
    int line_label_rows = 3;
};
constexpr Heights kH{};

// Maps chart time to x, clamped to the axis.
struct XScale {
    double left, width;
    std::int64_t start, end;
    double operator()(std::int64_t t) const {
        t = std::clamp(t, start, end);
        return left + width * static_cast<double>(t - start) / static_cast<double>(end - start);
    }
};

std::string diamond(double x, double y, double r) {
    return path_step("M", x, y - r) + path_step("l", r, r) + path_step("l", -r, r) + path_step("l", -r, -r) + "z";
}

}  // namespace

std::vector<std::int64_t> nice_ticks(std::int64_t start, std::int64_t end, std::size_t max_ticks,
                                     const std::vector<std::int64_t>& steps) {
    std::vector<std::int64_t> ticks;
    if (end <= start || steps.empty() || max_ticks == 0) return ticks;
    const std::int64_t span = end - start;
    std::int64_t step = 0;
    for (std::int64_t s : steps)
        if (s > 0 && span / s <= static_cast<std::int64_t>(max_ticks)) {
            step = s;
            break;
        }
    if (step == 0) {
        const std::int64_t largest = std::max<std::int64_t>(steps.back(), 1);
        step = largest * ((span / largest + static_cast<std::int64_t>(max_ticks) - 1) / static_cast<std::int64_t>(max_ticks));
    }
    std::int64_t first = start % step == 0 ? start : start - start % step + (start > 0 ? step : 0);
    for (std::int64_t t = first; t <= end; t += step) ticks.push_back(t);
    return ticks;
}

std::string render_svg(const TimeChart& chart, std::string_view id) {
    const double width = chart.width;
    const double plot_left = chart.label_width;
    const double plot_width = width - plot_left - 16;
    const double rh = chart.row_height;
    const TimeAxis& axis = chart.axis;
    const XScale x{plot_left, plot_width, axis.start, std::max(axis.end, axis.start + 1)};

    const double legend_h = chart.palette.legend_height(width - 2 * kH.pad, chart.legend_notes);
    const double lines_top = kH.pad + legend_h + 4;
    const double line_labels_h = chart.lines.empty() ? 0 : kH.line_label_rows * kH.line_label_row;
    const double axis_y = lines_top + line_labels_h + kH.axis_row - 4;
    const double plot_top = lines_top + line_labels_h + kH.axis_row;
    double rows_h = 0;
    for (const ChartGroup& g : chart.groups) rows_h += (g.label.empty() ? 0 : kH.group_row) + rh * static_cast<double>(g.rows.size());
    const double plot_bottom = plot_top + rows_h;
    const double height = plot_bottom + kH.axis_row + kH.pad;

    SvgWriter svg(width, height, id, "chart timechart", chart.title);
    svg.raw(chart.palette.defs(id));
    chart.palette.draw_legend(svg, kH.pad, kH.pad, width - 2 * kH.pad, chart.legend_notes);

    // Row backgrounds and group headings, under everything else.
    svg.open_group("rows-bg");
    double y = plot_top;
    std::size_t row_index = 0;
    for (const ChartGroup& g : chart.groups) {
        if (!g.label.empty()) {
            svg.rect(0, y, width, kH.group_row, "grouphead");
            svg.text(6, y + 14, fit_text(g.label, width - 12), "group");
            y += kH.group_row;
        }
        for (std::size_t r = 0; r < g.rows.size(); ++r, ++row_index, y += rh)
            if (row_index % 2 == 1) svg.rect(0, y, width, rh, "alt");
    }
    svg.close_group();

    // Bands (a fault's span) under the bars, so that the bars keep their tooltips.
    svg.open_group("bands");
    for (const ChartLine& l : chart.lines)
        if (l.end > l.at) svg.rect(x(l.at), plot_top, std::max(x(l.end) - x(l.at), 1.0), rows_h, Palette::fill_class(l.category) + " band", l.title);
    svg.close_group();

    svg.open_group("axis");
    for (const auto& [t, label] : axis.ticks) {
        if (t < axis.start || t > axis.end) continue;
        svg.line(x(t), plot_top, x(t), plot_bottom, "grid");
        svg.text(x(t), axis_y, label, "tick", SvgWriter::Anchor::middle);
        svg.text(x(t), plot_bottom + kH.axis_row - 4, label, "tick", SvgWriter::Anchor::middle);
    }
    svg.line(plot_left, plot_top, plot_left, plot_bottom, "axisline");
    svg.close_group();

    // Lane offsets within a row, as shares of its inner height.
    double lanes_total = 0;
    for (double l : chart.lanes) lanes_total += l;
    if (lanes_total <= 0) lanes_total = 1;
    std::vector<double> lane_top{0};
    for (double l : chart.lanes) lane_top.push_back(lane_top.back() + l / lanes_total);

    y = plot_top;
    for (const ChartGroup& g : chart.groups) {
        if (!g.label.empty()) y += kH.group_row;
        for (const ChartRow& row : g.rows) {
            svg.open_group("row");
            const std::string label = fit_text(row.label, plot_left - 14);
            const std::string& tip = row.title.empty() ? (label == row.label ? std::string{} : row.label) : row.title;
            svg.text(plot_left - 6, y + rh * 0.5 + 4, label, "rowlabel", SvgWriter::Anchor::end, tip);
            const double inner_top = y + 2, inner_h = rh - 4;
            for (const ChartStack& s : row.stacks) {
                std::uint64_t total = 0;
                for (auto c : s.counts) total += c;
                if (total == 0 || s.end <= s.start) continue;
                svg.open_group("stack", s.title);
                double cursor = inner_top;
                const double x1 = x(s.start), w = std::max(x(s.end) - x1, 1.0);
                for (std::size_t i = 0; i < s.counts.size() && i < chart.stack_categories.size(); ++i) {
                    if (s.counts[i] == 0) continue;
                    const double h = inner_h * static_cast<double>(s.counts[i]) / static_cast<double>(total);
                    svg.rect(x1, cursor, w, h, Palette::fill_class(chart.stack_categories[i]) + " bar");
                    cursor += h;
                }
                svg.close_group();
            }
            for (const ChartBar& b : row.bars) {
                if (b.end < b.start) continue;
                const std::size_t lane = std::min<std::size_t>(b.lane, chart.lanes.size() - 1);
                const double top = inner_top + inner_h * lane_top[lane];
                const double h = inner_h * (lane_top[lane + 1] - lane_top[lane]) - (chart.lanes.size() > 1 ? 1 : 0);
                const double x1 = x(b.start);
                svg.rect(x1, top, std::max(x(b.end) - x1, 1.0), std::max(h, 1.0), Palette::fill_class(b.category) + " bar", b.title);
            }
            for (const ChartMark& m : row.marks)
                svg.path(diamond(x(m.at), y + rh * 0.5, rh * 0.32), Palette::fill_class(m.category) + " mark", m.title);
            svg.close_group();
            y += rh;
        }
    }

    // Vertical lines over the rows, each with a short label above the axis, staggered on three
    // rows so that lines close together stay readable.
    svg.open_group("lines");
    for (std::size_t i = 0; i < chart.lines.size(); ++i) {
        const ChartLine& l = chart.lines[i];
        const double lx = x(l.at);
        const double label_y = lines_top + kH.line_label_row * static_cast<double>(i % kH.line_label_rows + 1) - 2;
        svg.line(lx, label_y + 2, lx, plot_bottom, Palette::stroke_class(l.category) + " vline", l.title);
        // Right of the line, or left of it when there is no room before the chart's edge.
        const std::string label = fit_text(l.label, 160.0);
        if (lx + 3 + text_width(label) <= width)
            svg.text(lx + 3, label_y, label, "vlabel", SvgWriter::Anchor::start, l.title);
        else
            svg.text(lx - 3, label_y, label, "vlabel", SvgWriter::Anchor::end, l.title);
    }
    svg.close_group();
    return svg.finish();
}

}  // namespace drsim::reporting
