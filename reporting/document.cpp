#include "reporting/document.hpp"

#include <algorithm>

#include "reporting/printable.hpp"

namespace drsim::reporting {

namespace {

std::string pad(const std::string& s, std::size_t width) {
    return s.size() >= width ? s : s + std::string(width - s.size(), ' ');
}

std::string escape_html(const std::string& s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            default: out += c;
        }
    }
    return out;
}

std::string csv_field(const std::string& s) {
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string out = "\"";
    for (char c : s) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

}  // namespace

std::string render_text(const Table& table) {
    // Text renderings show every field through printable(): one line of visible characters.
    std::vector<std::vector<std::string>> rows;
    rows.reserve(table.rows.size() + 1);
    for (const auto* row = &table.columns;; row = &table.rows[rows.size() - 1]) {
        std::vector<std::string> cells;
        cells.reserve(row->size());
        for (const auto& cell : *row) cells.push_back(printable(cell));
        rows.push_back(std::move(cells));
        if (rows.size() == table.rows.size() + 1) break;
    }
    std::vector<std::size_t> width(table.columns.size());
    for (const auto& row : rows)
        for (std::size_t c = 0; c < row.size() && c < width.size(); ++c) width[c] = std::max(width[c], row[c].size());
    std::string out;
    if (!table.title.empty()) out += printable(table.title) + "\n";
    auto line = [&](const std::vector<std::string>& cells) {
        std::string l;
        for (std::size_t c = 0; c < width.size(); ++c) {
            const std::string& cell = c < cells.size() ? cells[c] : std::string{};
            l += c + 1 == width.size() ? cell : pad(cell, width[c]) + "  ";
        }
        while (!l.empty() && l.back() == ' ') l.pop_back();
        out += l + "\n";
    };
    line(rows[0]);
    std::string rule;
    for (std::size_t c = 0; c < width.size(); ++c) rule += std::string(width[c], '-') + (c + 1 == width.size() ? "" : "  ");
    out += rule + "\n";
    for (std::size_t r = 1; r < rows.size(); ++r) line(rows[r]);
    return out;
}

std::string render_csv(const Table& table) {
    std::string out;
    auto line = [&](const std::vector<std::string>& cells) {
        for (std::size_t c = 0; c < cells.size(); ++c) {
            if (c) out += ',';
            out += csv_field(cells[c]);
        }
        out += "\n";
    };
    line(table.columns);
    for (const auto& row : table.rows) line(row);
    return out;
}

std::string render_text(const Timeline& timeline) {
    std::size_t time_width = 0;
    for (const auto& e : timeline.entries) time_width = std::max(time_width, e.time.size());
    std::string out;
    if (!timeline.title.empty()) out += printable(timeline.title) + "\n";
    const std::string indent(time_width + 4, ' ');
    for (const auto& e : timeline.entries) {
        std::string head = std::string(time_width - e.time.size(), ' ') + e.time + "  " + printable(e.headline);
        if (!e.status.empty()) head += "  [" + printable(e.status) + "]";
        out += head + "\n";
        for (const auto& [tag, text] : e.details)
            out += indent + (tag.empty() ? printable(text) : printable(tag) + "  " + printable(text)) + "\n";
    }
    return out;
}

std::string render_text(const Document& document) {
    std::string out;
    if (!document.title.empty()) {
        const std::string title = printable(document.title);
        out += title + "\n" + std::string(title.size(), '=') + "\n";
    }
    for (const auto& s : document.sections) {
        out += "\n";
        if (!s.heading.empty()) {
            const std::string heading = printable(s.heading);
            out += heading + "\n" + std::string(heading.size(), '-') + "\n";
        }
        for (const auto& p : s.paragraphs) out += printable(p) + "\n";
        for (const auto& t : s.timelines) out += render_text(t);
        for (const auto& t : s.tables) {
            if (out.back() != '\n') out += '\n';
            out += render_text(t);
        }
    }
    return out;
}

namespace {
// The CSS class of a tone: a fixed word, never text from the run.
const char* tone_class(TimelineEntry::Tone tone) {
    switch (tone) {
        case TimelineEntry::Tone::refused: return "refused";
        case TimelineEntry::Tone::warning: return "warning";
        case TimelineEntry::Tone::ok: break;
    }
    return "ok";
}
}  // namespace

std::string render_html(const Document& document) {
    std::string out =
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + escape_html(document.title) +
        "</title>\n<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin:1em 0}"
        "td,th{border:1px solid #ccc;padding:2px 8px;text-align:left}.time{font-family:monospace;color:#555}"
        ".tag{font-family:monospace;color:#036}.refused{color:#a00}.warning{color:#a60}</style></head><body>\n";
    out += "<h1>" + escape_html(document.title) + "</h1>\n";
    for (const auto& s : document.sections) {
        out += "<h2>" + escape_html(s.heading) + "</h2>\n";
        for (const auto& p : s.paragraphs) out += "<p>" + escape_html(p) + "</p>\n";
        for (const auto& t : s.timelines) {
            if (!t.title.empty()) out += "<h3>" + escape_html(t.title) + "</h3>\n";
            out += "<dl>\n";
            for (const auto& e : t.entries) {
                out += "<dt><span class=\"time\">" + escape_html(e.time) + "</span> " + escape_html(e.headline) +
                       " <span class=\"" + tone_class(e.tone) + "\">" + escape_html(e.status) + "</span></dt>\n";
                for (const auto& [tag, text] : e.details)
                    out += "<dd><span class=\"tag\">" + escape_html(tag) + "</span> " + escape_html(text) + "</dd>\n";
            }
            out += "</dl>\n";
        }
        for (const auto& t : s.tables) {
            if (!t.title.empty()) out += "<h3>" + escape_html(t.title) + "</h3>\n";
            out += "<table>\n<tr>";
            for (const auto& c : t.columns) out += "<th>" + escape_html(c) + "</th>";
            out += "</tr>\n";
            for (const auto& row : t.rows) {
                out += "<tr>";
                for (const auto& c : row) out += "<td>" + escape_html(c) + "</td>";
                out += "</tr>\n";
            }
            out += "</table>\n";
        }
    }
    return out + "</body></html>\n";
}

}  // namespace drsim::reporting
