#pragma once
// A small document model and its renderings. It knows nothing of DR: callers fill timelines,
// tables, charts over time and box diagrams with text, and choose a rendering (plain text, CSV,
// HTML with inline SVG).
#include <string>
#include <vector>

#include "reporting/diagram.hpp"
#include "reporting/text_sink.hpp"
#include "reporting/time_chart.hpp"

namespace drsim::reporting {

/// How something went, one of a fixed set, for styling: "ok", "refused", "warning".
enum class Tone { ok, refused, warning };

struct Table {
    std::string title;
    std::vector<std::string> columns;
    std::vector<std::vector<std::string>> rows;  ///< each as long as `columns`
    std::vector<Tone> row_tones{};  ///< empty, or one per row (HTML marks the rows that are not ok)
};

/// One moment of a timeline: a headline (what happened) with a status word and indented details.
struct TimelineEntry {
    std::string time;      ///< already formatted ("1h30m")
    std::string headline;  ///< "failover web1"
    std::string status;    ///< "ok", "refused by RULE", "warning -> failed_over" … (free text)
    std::vector<std::pair<std::string, std::string>> details;  ///< (tag, text), e.g. ("IP-TFO-END", "10.0.0.254 …")
    using Tone = reporting::Tone;
    Tone tone = Tone::ok;
};

struct Timeline {
    std::string title;
    std::vector<TimelineEntry> entries;
};

struct Section {
    std::string heading;
    std::vector<std::string> paragraphs;
    std::vector<TimeChart> charts;
    std::vector<Diagram> diagrams;
    std::vector<Timeline> timelines;
    std::vector<Table> tables;
    std::vector<Section> subsections;
    /// HTML: the section folds under its heading (`<details>`), open when `open`.
    bool collapsible = false;
    bool open = false;
    Tone tone = Tone::ok;  ///< HTML: the heading's style
};

struct Document {
    std::string title;
    std::vector<Section> sections;
};

/// Columns padded to their widest cell, a rule under the header. Empty table: the header only.
std::string render_text(const Table& table);
/// RFC 4180: fields with a comma, quote or line break (\n, \r) are quoted, quotes doubled; rows end with \n.
std::string render_csv(const Table& table);
/// One CSV row onto a sink, as render_csv writes it (fields with a comma, quote or line break quoted).
void write_csv_row(TextSink& sink, const std::vector<std::string>& cells);
/// Time column right-aligned to the widest time, details indented under their headline.
std::string render_text(const Timeline& timeline);
/// The whole document as plain text.
std::string render_text(const Document& document);
/// A self-contained HTML page: inline CSS, charts and diagrams as inline SVG, every text escaped,
/// a contents list of the top-level sections, and one small script that only acts when the page
/// is opened with `#check`: it writes the rendered size of each SVG element and any script error
/// into attributes of `<body>` (`data-svg-sizes`, `data-errors`) for a headless browser's test.
/// Nothing is loaded from elsewhere.
std::string render_html(const Document& document);

}  // namespace drsim::reporting
