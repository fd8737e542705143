#pragma once
// A small document model and its renderings. It knows nothing of DR: callers fill timelines and
// tables with text, and choose a rendering (plain text, CSV, HTML).
#include <string>
#include <vector>

namespace drsim::reporting {

struct Table {
    std::string title;
    std::vector<std::string> columns;
    std::vector<std::vector<std::string>> rows;  ///< each as long as `columns`
};

/// One moment of a timeline: a headline (what happened) with a status word and indented details.
struct TimelineEntry {
    std::string time;      ///< already formatted ("1h30m")
    std::string headline;  ///< "failover web1"
    std::string status;    ///< "ok", "refused by RULE", "warning -> failed_over" … (free text)
    std::vector<std::pair<std::string, std::string>> details;  ///< (tag, text), e.g. ("IP-TFO-END", "10.0.0.254 …")
    /// How the entry went, one of a fixed set, for styling: "ok", "refused", "warning".
    enum class Tone { ok, refused, warning } tone = Tone::ok;
};

struct Timeline {
    std::string title;
    std::vector<TimelineEntry> entries;
};

struct Section {
    std::string heading;
    std::vector<std::string> paragraphs;
    std::vector<Timeline> timelines;
    std::vector<Table> tables;
};

struct Document {
    std::string title;
    std::vector<Section> sections;
};

/// Columns padded to their widest cell, a rule under the header. Empty table: the header only.
std::string render_text(const Table& table);
/// RFC 4180: fields with comma, quote or newline are quoted, quotes doubled; CRLF-free (\n).
std::string render_csv(const Table& table);
/// Time column right-aligned to the widest time, details indented under their headline.
std::string render_text(const Timeline& timeline);
/// The whole document as plain text.
std::string render_text(const Document& document);
/// A self-contained HTML page (inline CSS, no scripts); text is escaped.
std::string render_html(const Document& document);

}  // namespace drsim::reporting
