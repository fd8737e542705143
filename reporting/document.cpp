#include "reporting/document.hpp"

#include <algorithm>

#include "reporting/printable.hpp"

namespace drsim::reporting {

namespace {

std::string pad(const std::string& s, std::size_t width) {
    return s.size() >= width ? s : s + std::string(width - s.size(), ' ');
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

void write_csv_row(TextSink& sink, const std::vector<std::string>& cells) {
    for (std::size_t c = 0; c < cells.size(); ++c) {
        if (c) sink.put(',');
        const std::string& field = cells[c];
        if (field.find_first_of(",\"\n\r") == std::string::npos) {
            sink.write(field);
            continue;
        }
        sink.put('"');
        for (char ch : field) {
            if (ch == '"') sink.put('"');
            sink.put(ch);
        }
        sink.put('"');
    }
    sink.put('\n');
}

std::string render_csv(const Table& table) {
    std::string out;
    {
        StringSink sink(out);
        write_csv_row(sink, table.columns);
        for (const auto& row : table.rows) write_csv_row(sink, row);
    }
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

namespace {

void render_text_section(const Section& s, std::string& out, int depth) {
    out += "\n";
    if (!s.heading.empty()) {
        const std::string heading = printable(s.heading);
        out += heading + "\n" + std::string(heading.size(), depth == 0 ? '-' : '.') + "\n";
    }
    for (const auto& p : s.paragraphs) out += printable(p) + "\n";
    for (const auto& c : s.charts) out += "(chart: " + printable(c.title) + ")\n";
    for (const auto& d : s.diagrams) out += "(diagram: " + printable(d.title) + ")\n";
    for (const auto& t : s.timelines) out += render_text(t);
    for (const auto& t : s.tables) {
        if (out.back() != '\n') out += '\n';
        out += render_text(t);
    }
    for (const auto& sub : s.subsections) render_text_section(sub, out, depth + 1);
}

// The CSS class of a tone: a fixed word, never text from the run.
const char* tone_class(Tone tone) {
    switch (tone) {
        case Tone::refused: return "refused";
        case Tone::warning: return "warning";
        case Tone::ok: break;
    }
    return "ok";
}

// The page's style: the document, then the drawings' classes (their colours are scoped to each
// SVG element by its palette).
constexpr const char* kStyle =
    "body{font-family:system-ui,'Segoe UI',Roboto,sans-serif;margin:1.5em;color:#222}"
    "h1{font-size:1.5em;margin-bottom:.2em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:1.6em}"
    "nav{margin:.5em 0 1em}nav a{margin-right:1.2em}"
    "table{border-collapse:collapse;margin:.6em 0;font-size:.92em}"
    "td,th{border:1px solid #ccc;padding:2px 8px;text-align:left;vertical-align:top}th{background:#f0f0f0}"
    "tr.refused td{background:#fde4e4}tr.warning td{background:#fff3d6}"
    ".time{font-family:monospace;color:#555}.tag{font-family:monospace;color:#036}"
    ".refused{color:#a00}.warning{color:#a60}"
    "details{margin:.25em 0}details>summary{cursor:pointer}details.refused>summary{color:#a00}"
    "details.warning>summary{color:#a60}"
    "figure{margin:.6em 0}figcaption{font-weight:bold;margin:.3em 0}"
    ".drawing{overflow-x:auto;border:1px solid #e3e3e3}"
    "svg.chart{display:block}svg.chart text{font:11px sans-serif;fill:#222}"
    "svg .boxlabel,svg .group{font-weight:bold}svg .grouphead{fill:#e6edf5}svg .alt{fill:#f5f5f5}"
    "svg .grid{stroke:#e2e2e2}svg .axisline{stroke:#999}svg text.tick{fill:#555}"
    "svg .bar{stroke:#fff;stroke-width:.4}svg .mark{stroke:#222;stroke-width:.8}svg .band{opacity:.16}"
    "svg .vline{stroke-width:1.6;stroke-dasharray:5 3}svg text.vlabel{font-size:10px}"
    "svg .box{stroke:#777;stroke-width:1}svg .d0>.box{stroke:#444;stroke-width:1.5}"
    "svg .edge{fill:none;stroke-width:2.4}svg .dashed{stroke-dasharray:6 4}"
    "svg text.elabel{font-size:10px;paint-order:stroke;stroke:#fff;stroke-width:3px}"
    "svg .pat{stroke:#000;stroke-opacity:.5;stroke-width:1.2}svg .patdot{fill:#000;fill-opacity:.5}"
    "svg text.note{fill:#444;font-style:italic}svg .swatch{stroke:#555;stroke-width:.5}"
    "svg .row:hover .rowlabel{font-weight:bold}";

// Acts only on a page opened with #check: records script errors and, once loaded, the rendered
// size of every drawing, as attributes of <body> a headless browser's dump shows.
constexpr const char* kCheckScript =
    "<script>(function(){if(location.hash!==\"#check\")return;var errors=[];"
    "addEventListener(\"error\",function(e){errors.push(String(e.message||e.type))},true);"
    "addEventListener(\"load\",function(){var s=[];document.querySelectorAll(\"svg.chart\").forEach(function(g){"
    "var r=g.getBoundingClientRect();s.push(Math.round(r.width)+\"x\"+Math.round(r.height))});"
    "document.body.setAttribute(\"data-svg-sizes\",s.join(\" \"));"
    "document.body.setAttribute(\"data-errors\",errors.join(\" | \"))})})();</script>\n";

struct HtmlWriter {
    std::string out;
    int figures = 0;

    void table(const Table& t) {
        if (!t.title.empty()) out += "<h4>" + escape_markup(t.title) + "</h4>\n";
        out += "<table>\n<tr>";
        for (const auto& c : t.columns) out += "<th>" + escape_markup(c) + "</th>";
        out += "</tr>\n";
        for (std::size_t r = 0; r < t.rows.size(); ++r) {
            const Tone tone = r < t.row_tones.size() ? t.row_tones[r] : Tone::ok;
            out += tone == Tone::ok ? "<tr>" : std::string{"<tr class=\""} + tone_class(tone) + "\">";
            for (const auto& c : t.rows[r]) out += "<td>" + escape_markup(c) + "</td>";
            out += "</tr>\n";
        }
        out += "</table>\n";
    }

    void timeline(const Timeline& t) {
        if (!t.title.empty()) out += "<h4>" + escape_markup(t.title) + "</h4>\n";
        out += "<dl>\n";
        for (const auto& e : t.entries) {
            out += "<dt><span class=\"time\">" + escape_markup(e.time) + "</span> " + escape_markup(e.headline) +
                   " <span class=\"" + tone_class(e.tone) + "\">" + escape_markup(e.status) + "</span></dt>\n";
            for (const auto& [tag, text] : e.details)
                out += "<dd><span class=\"tag\">" + escape_markup(tag) + "</span> " + escape_markup(text) + "</dd>\n";
        }
        out += "</dl>\n";
    }

    template <typename Drawing>
    void figure(const Drawing& d) {
        const std::string id = "fig" + std::to_string(++figures);
        out += "<figure>";
        if (!d.title.empty()) out += "<figcaption>" + escape_markup(d.title) + "</figcaption>";
        out += "<div class=\"drawing\">\n" + render_svg(d, id) + "</div></figure>\n";
    }

    void section(const Section& s, int depth, const std::string& id) {
        const std::string h = "h" + std::to_string(std::min(depth + 2, 6));
        const std::string tone = s.tone == Tone::ok ? "" : std::string{" class=\""} + tone_class(s.tone) + "\"";
        const std::string anchor = id.empty() ? "" : " id=\"" + id + "\"";
        if (s.collapsible)
            out += "<details" + anchor + tone + (s.open ? " open" : "") + "><summary>" + escape_markup(s.heading) + "</summary>\n";
        else {
            out += "<section" + anchor + ">\n";
            if (!s.heading.empty()) out += "<" + h + tone + ">" + escape_markup(s.heading) + "</" + h + ">\n";
        }
        for (const auto& p : s.paragraphs) out += "<p>" + escape_markup(p) + "</p>\n";
        for (const auto& c : s.charts) figure(c);
        for (const auto& d : s.diagrams) figure(d);
        for (const auto& t : s.timelines) timeline(t);
        for (const auto& t : s.tables) table(t);
        for (const auto& sub : s.subsections) section(sub, depth + 1, "");
        out += s.collapsible ? "</details>\n" : "</section>\n";
    }
};

}  // namespace

std::string render_text(const Document& document) {
    std::string out;
    if (!document.title.empty()) {
        const std::string title = printable(document.title);
        out += title + "\n" + std::string(title.size(), '=') + "\n";
    }
    for (const auto& s : document.sections) render_text_section(s, out, 0);
    return out;
}

std::string render_html(const Document& document) {
    HtmlWriter w;
    w.out = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>" +
            escape_markup(document.title) + "</title>\n<style>" + kStyle + "</style>\n" + kCheckScript + "</head><body>\n";
    w.out += "<h1>" + escape_markup(document.title) + "</h1>\n";
    if (document.sections.size() > 1) {
        w.out += "<nav>";
        for (std::size_t i = 0; i < document.sections.size(); ++i)
            if (!document.sections[i].heading.empty())
                w.out += "<a href=\"#s" + std::to_string(i + 1) + "\">" + escape_markup(document.sections[i].heading) + "</a>";
        w.out += "</nav>\n";
    }
    for (std::size_t i = 0; i < document.sections.size(); ++i) {
        std::string id = "s";
        id += std::to_string(i + 1);
        w.section(document.sections[i], 0, id);
    }
    return w.out + "</body></html>\n";
}

}  // namespace drsim::reporting
