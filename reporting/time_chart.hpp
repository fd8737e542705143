#pragma once
// A chart of rows over time, drawn as inline SVG: the model behind a Gantt chart (rows of bars in
// lanes, point marks, vertical lines and bands across every row) and a strip chart (one lane of
// intervals per row). A row may also carry stacks — counts per category over time — which is how
// many rows are drawn as one when there are too many to draw each. Times are integers in the
// caller's unit; the caller formats them (tick labels, titles), so this knows nothing of what
// the rows are.
#include <cstdint>
#include <string>
#include <vector>

#include "reporting/palette.hpp"

namespace drsim::reporting {

/// [start, end) in one lane of a row; `title` is its tooltip.
struct ChartBar {
    std::int64_t start = 0;
    std::int64_t end = 0;
    std::uint16_t lane = 0;
    CategoryId category = 0;
    std::string title;
};

/// A moment on one row, drawn as a diamond.
struct ChartMark {
    std::int64_t at = 0;
    CategoryId category = 0;
    std::string title;
};

/// Counts per category over [start, end): drawn across the whole row, each category's share of
/// the row's height proportional to its count. `counts` follow TimeChart::stack_categories.
struct ChartStack {
    std::int64_t start = 0;
    std::int64_t end = 0;
    std::vector<std::uint32_t> counts;
    std::string title;
};

struct ChartRow {
    std::string label;
    std::string title;  ///< the label's tooltip ("" : the label itself)
    std::vector<ChartBar> bars;
    std::vector<ChartMark> marks;
    std::vector<ChartStack> stacks;
};

struct ChartGroup {
    std::string label;
    std::vector<ChartRow> rows;
};

/// A line across every row at `at`, or a band when `end` > `at`; `label` is written above it.
struct ChartLine {
    std::int64_t at = 0;
    std::int64_t end = -1;
    CategoryId category = 0;
    std::string label;
    std::string title;
};

struct TimeAxis {
    std::int64_t start = 0;
    std::int64_t end = 1;
    std::vector<std::pair<std::int64_t, std::string>> ticks;  ///< (position, label)
};

struct TimeChart {
    std::string title;
    TimeAxis axis;
    Palette palette;
    /// The lanes of a row, top to bottom, as shares of its height (one lane by default).
    std::vector<double> lanes = {1.0};
    std::vector<ChartGroup> groups;
    std::vector<ChartLine> lines;
    std::vector<CategoryId> stack_categories;
    std::vector<std::string> legend_notes;  ///< plain text after the legend's categories
    double row_height = 18;
    double width = 1180;
    double label_width = 230;
};

/// Positions of at most `max_ticks` + 1 ticks over [start, end]: multiples of the smallest of
/// `steps` (ascending) that keeps within `max_ticks`, or of a multiple of the largest. O(ticks).
std::vector<std::int64_t> nice_ticks(std::int64_t start, std::int64_t end, std::size_t max_ticks,
                                     const std::vector<std::int64_t>& steps);

/// The chart as one `<svg>` element with the given id (unique in the page): legend, axis with
/// grid lines, group headings, rows, lines and bands. O(rows + bars + marks + stacks).
std::string render_svg(const TimeChart& chart, std::string_view id);

}  // namespace drsim::reporting
