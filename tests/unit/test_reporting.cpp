// The reporting document model (reporting/document.hpp) and its renderings: text tables (alignment,
// header rule, empty table), CSV quoting, text timelines (time alignment, status, indented details),
// HTML escaping, and the order in which a document renders its parts.
#include <doctest/doctest.h>

#include <cstddef>
#include <sstream>
#include <string>
#include <vector>

#include "reporting/document.hpp"
#include "reporting/printable.hpp"

using namespace drsim::reporting;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

// Start offsets of the runs of non-space characters in a line ("ab  cd" -> {0, 4}).
std::vector<std::size_t> word_starts(const std::string& line) {
    std::vector<std::size_t> starts;
    for (std::size_t i = 0; i < line.size(); ++i)
        if (line[i] != ' ' && (i == 0 || line[i - 1] == ' ')) starts.push_back(i);
    return starts;
}

// Lengths of the runs of non-space characters in a line.
std::vector<std::size_t> word_lengths(const std::string& line) {
    std::vector<std::size_t> lengths;
    for (std::size_t i = 0; i < line.size(); ++i) {
        if (line[i] == ' ') continue;
        if (i == 0 || line[i - 1] == ' ') lengths.push_back(0);
        ++lengths.back();
    }
    return lengths;
}

Table address_table() {
    Table t;
    t.columns = {"vm", "ip", "rule"};
    t.rows = {{"web1", "10.0.0.19", "IP-FO-SAME-SPACE"},
              {"database-01", "10.0.0.4", "ADDR-LOWEST-FREE"},
              {"x", "10.0.0.254", "IP-TFO-END"}};
    return t;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Text tables

TEST_CASE("text table: the header, then a rule of dashes as wide as each column, then the rows") {
    const auto lines = lines_of(render_text(address_table()));
    REQUIRE(lines.size() == 5);  // header, rule, three rows (no title)
    CHECK(word_starts(lines[0]).size() == 3);
    CHECK(lines[0].rfind("vm", 0) == 0);
    CHECK(lines[1].find_first_not_of("- ") == std::string::npos);
    // Widest cell per column: "database-01" (11), "10.0.0.254" (10), "IP-FO-SAME-SPACE" (16).
    CHECK(word_lengths(lines[1]) == std::vector<std::size_t>{11, 10, 16});
    CHECK(lines[2].rfind("web1", 0) == 0);
    CHECK(lines[3].rfind("database-01", 0) == 0);
    CHECK(lines[4].rfind("x ", 0) == 0);
}

TEST_CASE("text table: every column starts at one offset on every line, under its rule") {
    const auto lines = lines_of(render_text(address_table()));
    REQUIRE(lines.size() == 5);
    const auto columns = word_starts(lines[1]);  // the rule's dash groups mark the columns
    REQUIRE(columns.size() == 3);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        CAPTURE(lines[i]);
        CHECK(word_starts(lines[i]) == columns);
    }
    // Columns are apart: a cell never runs into the next column.
    CHECK(columns[1] > 11);
    CHECK(columns[2] > columns[1] + 10);
}

TEST_CASE("text table: a header wider than its cells sets the column width") {
    Table t;
    t.columns = {"virtual machine", "x"};
    t.rows = {{"a", "1"}, {"bb", "22"}};
    const auto lines = lines_of(render_text(t));
    REQUIRE(lines.size() == 4);
    CHECK(word_lengths(lines[1]) == std::vector<std::size_t>{15, 2});
    CHECK(word_starts(lines[2]) == word_starts(lines[1]));
    CHECK(word_starts(lines[3]) == word_starts(lines[1]));
}

TEST_CASE("text table: no trailing spaces on any line") {
    for (const auto& line : lines_of(render_text(address_table()))) {
        CAPTURE(line);
        CHECK((line.empty() || line.back() != ' '));
    }
}

TEST_CASE("text table: the title comes first") {
    Table t = address_table();
    t.title = "Addresses";
    const auto lines = lines_of(render_text(t));
    REQUIRE(lines.size() == 6);
    CHECK(lines[0] == "Addresses");
    CHECK(lines[1].rfind("vm", 0) == 0);
}

TEST_CASE("text table: an empty table renders its header and rule only") {
    Table t;
    t.columns = {"vm", "state"};
    const std::string text = render_text(t);
    const auto lines = lines_of(text);
    REQUIRE(lines.size() == 2);
    CHECK(word_starts(lines[0]).size() == 2);
    CHECK(lines[0].find("state") != std::string::npos);
    CHECK(word_lengths(lines[1]) == std::vector<std::size_t>{2, 5});
    CHECK(text.back() == '\n');
}

// ---------------------------------------------------------------------------------------------
// CSV

TEST_CASE("CSV: plain fields as they are, one line per row, header first, \\n line ends") {
    const std::string csv = render_csv(address_table());
    CHECK(csv ==
          "vm,ip,rule\n"
          "web1,10.0.0.19,IP-FO-SAME-SPACE\n"
          "database-01,10.0.0.4,ADDR-LOWEST-FREE\n"
          "x,10.0.0.254,IP-TFO-END\n");
    CHECK(csv.find('\r') == std::string::npos);
}

TEST_CASE("CSV: a comma, a quote or a newline quotes the field; quotes are doubled") {
    Table t;
    t.columns = {"name", "detail"};
    t.rows = {{"a,b", "plain"},
              {"say \"hi\"", "x"},
              {"line1\nline2", "y"},
              {"\"", ""}};
    CHECK(render_csv(t) ==
          "name,detail\n"
          "\"a,b\",plain\n"
          "\"say \"\"hi\"\"\",x\n"
          "\"line1\nline2\",y\n"
          "\"\"\"\",\n");
}

TEST_CASE("CSV: a header cell is quoted like any other") {
    Table t;
    t.columns = {"time, s", "op"};
    CHECK(render_csv(t) == "\"time, s\",op\n");
}

// ---------------------------------------------------------------------------------------------
// Timelines

TEST_CASE("timeline: times right-aligned to the widest, headline and status on one line") {
    Timeline tl;
    tl.entries = {{"0s", "map_network vnet-ea -> vnet-sea", "ok", {}},
                  {"1h30m", "failover web1", "refused", {}},
                  {"5m", "enable_replication web1", "warning", {}}};
    const auto lines = lines_of(render_text(tl));
    REQUIRE(lines.size() == 3);
    // Right-aligned: each time ends at the same column (the width of "1h30m").
    for (std::size_t i = 0; i < 3; ++i) {
        const std::string& time = tl.entries[i].time;
        CAPTURE(lines[i]);
        const auto at = lines[i].find(time);
        REQUIRE(at != std::string::npos);
        CHECK(at + time.size() == 5);
        CHECK(lines[i].find_first_not_of(' ') == at);  // nothing but padding before the time
    }
    // Headlines start at one column, after the time.
    const auto h0 = lines[0].find("map_network");
    CHECK(h0 > 5);
    CHECK(lines[1].find("failover web1") == h0);
    CHECK(lines[2].find("enable_replication web1") == h0);
    // The status word follows its headline on the same line.
    CHECK(lines[0].find("ok", h0 + tl.entries[0].headline.size()) != std::string::npos);
    CHECK(lines[1].find("refused") > lines[1].find("failover web1"));
    CHECK(lines[2].find("warning") > lines[2].find("enable_replication web1"));
    CHECK(lines[0].find("refused") == std::string::npos);
}

TEST_CASE("timeline: details are indented under their own headline, tag then text") {
    Timeline tl;
    tl.title = "Events";
    tl.entries = {{"2h", "test_failover web1", "ok",
                   {{"IP-TFO-END", "10.0.0.19 is taken: 10.0.0.254"}, {"", "untagged note"}}},
                  {"2h5m", "cleanup_test_failover web1", "ok", {{"DETAIL-TAG", "second entry's detail"}}}};
    const auto lines = lines_of(render_text(tl));
    REQUIRE(lines.size() == 6);
    CHECK(lines[0] == "Events");
    const auto headline_col = lines[1].find("test_failover web1");
    REQUIRE(headline_col != std::string::npos);
    // The details of entry 1 follow it, before entry 2's headline.
    CHECK(lines[2].find("IP-TFO-END") != std::string::npos);
    CHECK(lines[2].find("10.0.0.19 is taken: 10.0.0.254") > lines[2].find("IP-TFO-END"));
    CHECK(lines[3].find("untagged note") != std::string::npos);
    CHECK(lines[4].find("cleanup_test_failover web1") != std::string::npos);
    CHECK(lines[5].find("DETAIL-TAG") != std::string::npos);
    // Indented: a detail starts no left of its headline, and further right than the time column.
    for (std::size_t i : {2u, 3u, 5u}) {
        CAPTURE(lines[i]);
        CHECK(lines[i].find_first_not_of(' ') >= headline_col);
    }
    // An untagged detail is its text alone.
    CHECK(lines[3].substr(lines[3].find_first_not_of(' ')) == "untagged note");
}

TEST_CASE("timeline: an empty timeline renders its title only") {
    Timeline tl;
    tl.title = "Nothing happened";
    CHECK(render_text(tl) == "Nothing happened\n");
}

// ---------------------------------------------------------------------------------------------
// HTML

TEST_CASE("HTML: <, &, > and \" are escaped everywhere text goes") {
    const std::string nasty = "<b>R&D</b> \"q\"";
    const std::string escaped = "&lt;b&gt;R&amp;D&lt;/b&gt; &quot;q&quot;";
    Document doc;
    doc.title = nasty + " title";
    Section s;
    s.heading = nasty + " heading";
    s.paragraphs = {nasty + " paragraph"};
    Timeline tl;
    tl.entries = {{nasty + " time", nasty + " headline", "ok", {{nasty + " tag", nasty + " detail"}}}};
    s.timelines = {tl};
    Table t;
    t.columns = {nasty + " column"};
    t.rows = {{nasty + " cell"}};
    s.tables = {t};
    doc.sections = {s};

    const std::string html = render_html(doc);
    for (const char* where : {" title", " heading", " paragraph", " time", " headline", " tag", " detail", " column", " cell"}) {
        CAPTURE(where);
        CHECK(html.find(escaped + where) != std::string::npos);
        CHECK(html.find(nasty + where) == std::string::npos);
    }
    // No raw markup from the text survives anywhere.
    CHECK(html.find("<b>") == std::string::npos);
    CHECK(html.find("R&D") == std::string::npos);
}

TEST_CASE("HTML: a self-contained page: nothing fetched, one script that acts only with #check") {
    Document doc;
    doc.title = "run";
    const std::string html = render_html(doc);
    CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
    CHECK(html.find("</html>") != std::string::npos);
    CHECK(html.find("<link") == std::string::npos);  // inline CSS, nothing fetched
    CHECK(html.find("src=") == std::string::npos);
    CHECK(html.find("@import") == std::string::npos);
    CHECK(html.find("url(http") == std::string::npos);
    const auto script = html.find("<script");
    REQUIRE(script != std::string::npos);
    CHECK(html.find("<script", script + 1) == std::string::npos);
    CHECK(html.find("if(location.hash!==\"#check\")return;", script) != std::string::npos);
}

// The HTML shows Table::title and Timeline::title, as the text rendering does: one document.
TEST_CASE("HTML: table and timeline titles are shown as in text") {
    Document doc;
    Section s;
    s.heading = "Run";
    Timeline tl;
    tl.title = "Timeline-title-marker";
    tl.entries = {{"0s", "x", "ok", {}}};
    s.timelines = {tl};
    Table t;
    t.title = "Table-title-marker";
    t.columns = {"a"};
    s.tables = {t};
    doc.sections = {s};
    const std::string text = render_text(doc);
    REQUIRE(text.find("Timeline-title-marker") != std::string::npos);
    REQUIRE(text.find("Table-title-marker") != std::string::npos);
    const std::string html = render_html(doc);
    CHECK(html.find("Timeline-title-marker") != std::string::npos);
    CHECK(html.find("Table-title-marker") != std::string::npos);
}

// ---------------------------------------------------------------------------------------------
// Documents

namespace {

// Two sections, each with every kind of part, with marker text to find.
Document ordered_document() {
    Document doc;
    doc.title = "T-doc";
    for (const char* n : {"1", "2"}) {
        const std::string p = n;
        Section s;
        s.heading = "H" + p;
        s.paragraphs = {"P" + p + "a", "P" + p + "b"};
        Timeline tl;
        tl.entries = {{"0s", "E" + p, "ok", {{"TAG" + p, "D" + p}}}};
        s.timelines = {tl};
        Table t;
        t.columns = {"C" + p};
        t.rows = {{"R" + p}};
        s.tables = {t};
        doc.sections.push_back(s);
    }
    return doc;
}

// True when every marker is found, each after the one before.
bool in_order(const std::string& text, const std::vector<std::string>& markers) {
    std::size_t at = 0;
    for (const auto& m : markers) {
        const auto found = text.find(m, at);
        if (found == std::string::npos) {
            MESSAGE("marker '" << m << "' not found after offset " << at);
            return false;
        }
        at = found + m.size();
    }
    return true;
}

const std::vector<std::string> kDocumentOrder = {"T-doc", "H1", "P1a", "P1b", "E1", "D1", "C1", "R1",
                                                 "H2",    "P2a", "P2b", "E2", "D2", "C2", "R2"};

}  // namespace

TEST_CASE("document text: title, then each section in order: heading, paragraphs, timelines, tables") {
    const std::string text = render_text(ordered_document());
    CHECK(in_order(text, kDocumentOrder));
    const auto lines = lines_of(text);
    REQUIRE(lines.size() > 2);
    CHECK(lines[0] == "T-doc");
    CHECK(lines[1] == "=====");  // the title underlined to its width
    // Each table renders as a table inside the document (with its header rule).
    CHECK(text.find("C1\n--\nR1\n") != std::string::npos);
}

TEST_CASE("document text: a section's timeline renders as render_text(timeline) does") {
    const Document doc = ordered_document();
    const std::string text = render_text(doc);
    CHECK(text.find(render_text(doc.sections[0].timelines[0])) != std::string::npos);
    CHECK(text.find(render_text(doc.sections[1].tables[0])) != std::string::npos);
}

TEST_CASE("document HTML: the same order as the text") {
    const std::string html = render_html(ordered_document());
    CHECK(in_order(html, kDocumentOrder));
    CHECK(in_order(html, {"<h1>T-doc</h1>", "<h2>H1</h2>", "<p>P1a</p>", "<h2>H2</h2>"}));
}

TEST_CASE("document: an empty document has no section text") {
    Document doc;
    doc.title = "Only";
    CHECK(render_text(doc) == "Only\n====\n");
}

// The status is free text ("refused by MAP-ONE-TARGET"); the CSS class comes from the entry's tone,
// one word of a fixed set, never from the text.
TEST_CASE("HTML: an entry's class is its tone, not its status text") {
    Document doc;
    Section s;
    Timeline tl;
    TimelineEntry refused{"1h", "failover web1", "refused by FO-NEEDS-RECOVERY-POINT", {}};
    refused.tone = Tone::refused;
    TimelineEntry warned{"2h", "failover web2", "warning -> failing_over", {}};
    warned.tone = Tone::warning;
    tl.entries = {refused, warned, {"3h", "commit web1", "ok, committed", {}}};
    s.timelines = {tl};
    doc.sections = {s};
    const std::string html = render_html(doc);
    CHECK(html.find("<span class=\"refused\">refused by FO-NEEDS-RECOVERY-POINT</span>") != std::string::npos);
    CHECK(html.find("<span class=\"warning\">warning -&gt; failing_over</span>") != std::string::npos);
    CHECK(html.find("<span class=\"ok\">ok, committed</span>") != std::string::npos);
    CHECK(html.find("class=\"refused by") == std::string::npos);
}

TEST_CASE("printable: names from a file are one line of visible text in every text rendering") {
    using drsim::reporting::printable;
    using drsim::reporting::printable_message;
    CHECK(printable("web1") == "web1");
    CHECK(printable("caf\xc3\xa9 \xe2\x86\x92 Z\xc3\xbcrich") == "caf\xc3\xa9 \xe2\x86\x92 Z\xc3\xbcrich");  // visible UTF-8 kept
    CHECK(printable("a\nb\tc") == "a\\nb\\tc");
    CHECK(printable(std::string("web1\x1b[2J\0", 9)) == "web1\\x1b[2J\\x00");
    CHECK(printable("web1\xe2\x80\x8b") == "web1\\u{200b}");      // zero-width space
    CHECK(printable("a\xe2\x80\xae" "b") == "a\\u{202e}b");        // right-to-left override
    CHECK(printable("\xc2\x9b" "31m") == "\\xc2\\x9b31m");          // C1 CSI
    CHECK(printable("\xe9t\xe9") == "\\xe9t\\xe9");                 // Latin-1, not UTF-8
    const std::string cut = printable_message("unknown VM '" + std::string(1000, 'v') + "'");
    CHECK(cut.size() < 200);
    CHECK(cut.find("\xe2\x80\xa6[850 bytes]\xe2\x80\xa6") != std::string::npos);
    drsim::reporting::Table t{"", {"vm"}, {{"web1\x1b]0;pwned\x07"}}};
    CHECK(drsim::reporting::render_text(t).find('\x1b') == std::string::npos);
    drsim::reporting::Timeline tl{"", {{"1m", "failover web1\nforged", "ok", {{"RULE", "x\x1b"}}, {}}}};
    const std::string text = drsim::reporting::render_text(tl);
    CHECK(text == "1m  failover web1\\nforged  [ok]\n      RULE  x\\x1b\n");
}

// ---------------------------------------------------------------------------------------------
// Drawings: the SVG writer, charts over time and box diagrams

TEST_CASE("SVG: numbers have one decimal at most, the same on every machine") {
    CHECK(format_number(12.0) == "12");
    CHECK(format_number(12.04) == "12");
    CHECK(format_number(12.06) == "12.1");
    CHECK(format_number(-3.25) == "-3.3");
    CHECK(format_number(-0.04) == "0");
    CHECK(format_count(100000) == "100,000");
    CHECK(format_count(999) == "999");
    CHECK(format_count(0) == "0");
}

TEST_CASE("SVG: escape_markup escapes the five characters of markup") {
    CHECK(escape_markup("<a href=\"x\">R&D's</a>") == "&lt;a href=&quot;x&quot;&gt;R&amp;D&#39;s&lt;/a&gt;");
    CHECK(escape_markup("plain") == "plain");
}

TEST_CASE("SVG: fit_text cuts on a character, never inside a UTF-8 sequence") {
    CHECK(fit_text("short", 100) == "short");
    const std::string cut = fit_text("\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9", 31);  // eight é
    CHECK(cut.size() < 16);
    CHECK(cut.substr(cut.size() - 3) == "\xE2\x80\xA6");
    CHECK(cut.size() % 2 == 1);  // whole é (2 bytes) then the ellipsis (3)
}

TEST_CASE("nice ticks: the smallest step that keeps within the count, at its multiples") {
    const std::vector<std::int64_t> steps{1, 5, 10, 30, 60};
    CHECK(nice_ticks(0, 100, 12, steps) == std::vector<std::int64_t>{0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100});
    CHECK(nice_ticks(7, 20, 4, steps) == std::vector<std::int64_t>{10, 15, 20});
    CHECK(nice_ticks(0, 1000, 5, steps) == std::vector<std::int64_t>{0, 240, 480, 720, 960});  // multiples of 60
    CHECK(nice_ticks(5, 5, 5, steps).empty());
}

namespace {

const std::string kNasty = "<b>R&D</b> \"q\"";
const std::string kEscaped = "&lt;b&gt;R&amp;D&lt;/b&gt; &quot;q&quot;";

TimeChart nasty_chart() {
    TimeChart c;
    c.title = kNasty + " chart";
    c.axis = {0, 100, {{0, kNasty + " tick"}, {50, "50"}}};
    const CategoryId a = c.palette.add({kNasty + " category", "#009E73", Pattern::hatch, LegendShape::box});
    const CategoryId b = c.palette.add({"bad colour", "red;}body{x:y", Pattern::solid, LegendShape::box});
    c.lanes = {1, 2};
    ChartRow row;
    row.label = kNasty + " row";
    row.bars = {{0, 40, 0, a, kNasty + " bar"}, {40, 100, 1, b, ""}};
    row.marks = {{30, b, kNasty + " mark"}};
    ChartRow counted;
    counted.label = "counted";
    counted.stacks = {{0, 100, {3, 1}, kNasty + " stack"}};
    c.stack_categories = {a, b};
    c.groups = {{kNasty + " group", {row, counted}}};
    c.lines = {{20, 60, a, kNasty + " line", kNasty + " band"}};
    return c;
}

}  // namespace

TEST_CASE("time chart: every text escaped, colours checked, one <svg> with its groups") {
    const std::string svg = render_svg(nasty_chart(), "f1");
    CHECK(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"f1\"", 0) == 0);
    for (const char* where : {" category", " tick", " row", " bar", " mark", " stack", " group", " line", " band"}) {
        CAPTURE(where);
        CHECK(svg.find(kEscaped + where) != std::string::npos);
    }
    CHECK(svg.find("<b>") == std::string::npos);
    CHECK(svg.find("R&D") == std::string::npos);
    CHECK(svg.find("body{x:y") == std::string::npos);  // a colour that is not one is drawn grey
    CHECK(svg.find("#f1 .k1{fill:#888888}") != std::string::npos);
    CHECK(svg.find("<pattern id=\"f1-p0\"") != std::string::npos);
    CHECK(svg.find("#f1 .k0{fill:url(#f1-p0)}") != std::string::npos);
    for (const char* group : {"<g class=\"legend\">", "<g class=\"axis\">", "<g class=\"row\">", "<g class=\"bands\">",
                              "<g class=\"lines\">", "<g class=\"stack\"><title>"})
        CHECK(svg.find(group) != std::string::npos);
    CHECK(svg.substr(svg.size() - 7) == "</svg>\n");
}

TEST_CASE("time chart: the same chart is the same bytes") {
    CHECK(render_svg(nasty_chart(), "f1") == render_svg(nasty_chart(), "f1"));
}

TEST_CASE("diagram: nested boxes, edges between keys, every text escaped") {
    Diagram d;
    d.title = "topology";
    const CategoryId site = d.palette.add({"site", "#eeeeee"});
    const CategoryId vpn = d.palette.add({"VPN", "#0072B2", Pattern::solid, LegendShape::line});
    DiagramBox a{"a", kNasty + " site", {kNasty + " line"}, site, kNasty + " tip", {}};
    a.children.push_back({"a1", "net", {"10.0.0.0/16"}, site, "", {{"a1s", "subnet", {"vm1 10.0.0.4"}, site, "", {}}}});
    DiagramBox b{"b", "other", {}, site, "", {}};
    DiagramBox c{"c", "third", {}, site, "", {}};
    d.boxes = {a, b, c};
    d.edges = {{"a1", "b", vpn, false, kNasty + " edge", "tip"}, {"a", "c", vpn, true, "over", ""}, {"a", "missing", vpn, false, "x", ""}};
    const std::string svg = render_svg(d, "f2");
    for (const char* where : {" site", " line", " tip", " edge"}) {
        CAPTURE(where);
        CHECK(svg.find(kEscaped + where) != std::string::npos);
    }
    CHECK(svg.find("<b>") == std::string::npos);
    CHECK(svg.find("class=\"node d2\"") != std::string::npos);  // the subnet, two levels down
    CHECK(svg.find("vm1 10.0.0.4") != std::string::npos);
    CHECK(svg.find("class=\"s1 edge dashed\"") != std::string::npos);
    // Two edges drawn; the one to a key no box has is not.
    std::size_t edges = 0;
    for (auto at = svg.find("class=\"s1 edge"); at != std::string::npos; at = svg.find("class=\"s1 edge", at + 1)) ++edges;
    CHECK(edges == 3);  // the legend's sample and two edges
    CHECK(svg.find(">x</text>") == std::string::npos);
    CHECK(render_svg(d, "f2") == svg);
}

TEST_CASE("HTML: charts and diagrams inline, folded sections, marked rows") {
    Document doc;
    doc.title = "page";
    Section s;
    s.heading = "drawn";
    s.charts.push_back(nasty_chart());
    Diagram d;
    d.title = "diagram title";
    d.boxes = {{"a", "box", {}, 0, "", {}}};
    d.palette.add({"site", "#eeeeee"});
    s.diagrams.push_back(d);
    Table t{"", {"check"}, {{"held"}, {"failed"}}, {Tone::ok, Tone::refused}};
    s.tables.push_back(t);
    Section folded;
    folded.heading = kNasty + " folded";
    folded.collapsible = true;
    folded.tone = Tone::refused;
    folded.paragraphs = {"inside"};
    s.subsections.push_back(folded);
    doc.sections = {s, Section{"second", {}, {}, {}, {}, {}, {}, false, false, Tone::ok}};
    const std::string html = render_html(doc);
    CHECK(html.find("<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"fig1\" class=\"chart timechart\"") != std::string::npos);
    CHECK(html.find("id=\"fig2\" class=\"chart diagram\"") != std::string::npos);
    CHECK(html.find("<figcaption>diagram title</figcaption>") != std::string::npos);
    CHECK(html.find("<tr><td>held</td></tr>") != std::string::npos);
    CHECK(html.find("<tr class=\"refused\"><td>failed</td></tr>") != std::string::npos);
    CHECK(html.find("<details class=\"refused\"><summary>" + kEscaped + " folded</summary>") != std::string::npos);
    CHECK(html.find("<nav><a href=\"#s1\">drawn</a><a href=\"#s2\">second</a></nav>") != std::string::npos);
    CHECK(html.find("<b>") == std::string::npos);
    const std::string text = render_text(doc);
    CHECK(text.find("(chart: " + kNasty + " chart)") != std::string::npos);
    CHECK(text.find("inside") != std::string::npos);
}

// ---------------------------------------------------------------------------------------------
// The streamed JSON writer against nlohmann::json, the reference whose bytes it must give.

#include <functional>
#include <nlohmann/json.hpp>
#include <random>

#include "reporting/json_memo.hpp"
#include "reporting/json_writer.hpp"

namespace {

// Random strings of quotes, backslashes, control characters, ASCII and UTF-8, of every length
// around the writer's eight-byte steps.
std::string random_text(std::mt19937& rng) {
    static const std::vector<std::string> pieces{"a", "Z", " ", "\"", "\\", "\n", "\t", "\r", "\b", "\f", std::string(1, '\x01'),
                                                 std::string(1, '\x1f'), "\x7f", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "/"};
    std::string s;
    const std::size_t n = rng() % 40;
    for (std::size_t i = 0; i < n; ++i) s += pieces[rng() % pieces.size()];
    return s;
}

// Writes a random document twice, to the writer and to a nlohmann tree; keys sorted, as the tree keeps them.
void random_value(std::mt19937& rng, int depth, drsim::reporting::JsonWriter& w, nlohmann::json& j) {
    const int kind = depth > 3 ? static_cast<int>(rng() % 4) : static_cast<int>(rng() % 6);
    switch (kind) {
        case 0: {
            const std::string s = random_text(rng);
            w.value(s);
            j = s;
            break;
        }
        case 1: {
            const auto n = static_cast<std::int64_t>(rng()) - (1LL << 31);
            w.value(n);
            j = n;
            break;
        }
        case 2: {
            const bool b = rng() % 2;
            w.value(b);
            j = b;
            break;
        }
        case 3:
            w.null();
            j = nullptr;
            break;
        case 4: {
            w.begin_array();
            j = nlohmann::json::array();
            for (std::size_t i = 0, n = rng() % 4; i < n; ++i) {
                nlohmann::json item;
                random_value(rng, depth + 1, w, item);
                j.push_back(item);
            }
            w.end_array();
            break;
        }
        default: {
            std::map<std::string, int> keys;  // sorted and unique
            for (std::size_t i = 0, n = rng() % 4; i < n; ++i) keys[random_text(rng)] = 0;
            w.begin_object();
            j = nlohmann::json::object();
            for (const auto& [key, unused] : keys) {
                w.key(key);
                random_value(rng, depth + 1, w, j[key]);
            }
            w.end_object();
        }
    }
}

}  // namespace

TEST_CASE("JsonWriter writes nlohmann::json's bytes, compact and indented, on 3,000 random documents") {
    std::mt19937 rng(11);
    for (int i = 0; i < 3000; ++i) {
        for (const int indent : {-1, 2}) {
            std::mt19937 copy = rng;
            std::string text;
            nlohmann::json tree;
            {
                drsim::reporting::StringSink sink(text);
                drsim::reporting::JsonWriter w(sink, indent);
                random_value(copy, 0, w, tree);
                CHECK(w.complete());
            }
            CHECK(text == tree.dump(indent));
            if (indent == 2) rng = copy;
        }
    }
}

TEST_CASE("JsonWriter writes a literal key as the same bytes as the same key given as text") {
    for (const int indent : {-1, 2}) {
        std::string literal, text;
        {
            drsim::reporting::StringSink sink(literal);
            drsim::reporting::JsonWriter w(sink, indent);
            w.begin_object().key("also_refused_by").value(1).field("op", "failover").key("x").begin_array().end_array().end_object();
        }
        {
            drsim::reporting::StringSink sink(text);
            drsim::reporting::JsonWriter w(sink, indent);
            const std::string also = "also_refused_by", op = "op", x = "x";
            w.begin_object().key(also).value(1).field(op, "failover").key(x).begin_array().end_array().end_object();
        }
        CHECK(literal == text);
        CHECK(literal == nlohmann::json{{"also_refused_by", 1}, {"op", "failover"}, {"x", nlohmann::json::array()}}.dump(indent));
    }
}

TEST_CASE("JsonWriter escapes a character at every place of strings of every length around its 8- and 16-byte steps") {
    // Plain ASCII and UTF-8 (bytes above 0x7f need no escaping: an unsigned compare must pass them)
    // around one character that needs escaping, at each position.
    for (const std::string& fill : {std::string("a"), std::string("\xc3\xa9")}) {
        for (const std::string& odd : {std::string("\""), std::string("\\"), std::string("\n"), std::string(1, '\x1f'),
                                      std::string(1, '\x00'), std::string("a")}) {
            for (std::size_t length = 0; length <= 70; ++length) {
                for (std::size_t at = 0; at <= length; ++at) {
                    std::string s;
                    for (std::size_t i = 0; i < length; ++i) s += i == at ? odd : fill;
                    std::string text;
                    {
                        drsim::reporting::StringSink sink(text);
                        drsim::reporting::JsonWriter w(sink);
                        w.value(s);
                    }
                    REQUIRE(text == nlohmann::json(s).dump());
                }
            }
        }
    }
}

TEST_CASE("JsonWriter writes a word as the same bytes as the same text given as a value") {
    for (const int indent : {-1, 2}) {
        std::string words, values;
        {
            drsim::reporting::StringSink sink(words);
            drsim::reporting::JsonWriter w(sink, indent);
            w.begin_object().word_field("op", "failover").key("rules").begin_array().word("IP-STATIC").word("").end_array().end_object();
        }
        {
            drsim::reporting::StringSink sink(values);
            drsim::reporting::JsonWriter w(sink, indent);
            w.begin_object().field("op", "failover").key("rules").begin_array().value("IP-STATIC").value("").end_array().end_object();
        }
        CHECK(words == values);
        CHECK(words == nlohmann::json{{"op", "failover"}, {"rules", {"IP-STATIC", ""}}}.dump(indent));
    }
}

namespace {
using Item = std::function<void(drsim::reporting::JsonWriter&, std::size_t)>;

// Item i an object whose size varies with i, so the blocks differ in length.
void small_item(drsim::reporting::JsonWriter& out, std::size_t i) {
    out.begin_object().field("i", static_cast<std::uint64_t>(i)).key("s").value(std::string(i % 37, i % 5 == 0 ? '"' : 'x'));
    if (i % 3 == 0) out.key("list").begin_array().value(true).null().end_array();
    out.end_object();
}

// An array of `count` items written by JsonWriter::items, threads allowed or not, each by `item`.
std::string items_document(std::size_t count, bool threads, int indent = -1, const Item& item = small_item) {
    std::string text;
    drsim::reporting::StringSink sink(text);
    drsim::reporting::JsonWriter w(sink, indent);
    w.allow_threads(threads);
    w.begin_object().key("items").begin_array();
    w.items(count, item);
    w.end_array().field("after", 1).end_object();
    CHECK(w.complete());
    sink.flush();
    return text;
}
}  // namespace

TEST_CASE("JsonWriter::items on two threads writes the bytes of the plain loop, in order, at every count") {
    for (const std::size_t count : {0, 1, 2047, 2048, 8191, 8192, 8193, 10'000, 30'001}) {
        const std::string plain = items_document(count, false);
        CHECK(items_document(count, true) == plain);
        CHECK(nlohmann::json::parse(plain)["items"].size() == count);
        CHECK(items_document(count, true, 2) == items_document(count, false, 2));  // indented: the plain loop
    }
}

TEST_CASE("JsonWriter::items on two threads: blocks of megabytes come out whole and in order") {
    // Items of a kilobyte and more: each block is megabytes, many times the sink's buffer.
    const Item large = [](drsim::reporting::JsonWriter& out, std::size_t i) {
        out.begin_object().field("i", static_cast<std::uint64_t>(i)).field("s", std::string(1000 + i % 300, 'a' + i % 26)).end_object();
    };
    const std::string plain = items_document(9000, false, -1, large);
    CHECK(items_document(9000, true, -1, large) == plain);
    const auto parsed = nlohmann::json::parse(plain)["items"];
    REQUIRE(parsed.size() == 9000);
    CHECK(parsed[8999]["i"] == 8999);
}

TEST_CASE("JsonWriter::items passes on what an item throws, from either thread, and stops") {
    for (const std::size_t bad : {5, 2048 * 3 + 1, 19'999}) {
        std::string text;
        drsim::reporting::StringSink sink(text);
        drsim::reporting::JsonWriter w(sink);
        w.begin_array();
        CHECK_THROWS_AS(w.items(20'000,
                                [bad](drsim::reporting::JsonWriter& out, std::size_t i) {
                                    if (i == bad) throw std::runtime_error("item failed");
                                    out.value(static_cast<std::uint64_t>(i));
                                }),
                        std::runtime_error);
    }
}

namespace {
struct MemoKey {
    int k = 0;
    bool operator==(const MemoKey&) const = default;
    std::size_t hash() const { return static_cast<std::size_t>(k); }  // ten keys, four slots: they share
};

using SmallMemo = drsim::reporting::JsonMemo<MemoKey, 4>;
struct Memos {
    SmallMemo members, values;  // a memo for each use: one key is another's bytes in each
    void forget() {  // before another document
        members.forget();
        values.forget();
    }
};

// One document: objects whose members are key k's (none, or two among others), each object's value
// a text of k's; written through `memos` when given, else directly. What key k says depends on
// `names`, as a run's names depend on its world.
std::string memo_document(const std::vector<int>& keys, const std::string& names, int indent, Memos* memos) {
    std::string text;
    drsim::reporting::StringSink sink(text);
    drsim::reporting::JsonWriter w(sink, indent);
    w.begin_array();
    for (const int k : keys) {
        const auto members = [&](drsim::reporting::JsonWriter& m) {
            if (k % 5 == 0) return;  // no members at all
            m.field("k", k).field("name", names + std::to_string(k) + (k % 3 == 0 ? "\"q" : ""));
        };
        const auto value = [&](drsim::reporting::JsonWriter& m) { m.value(names + "/" + std::to_string(k * 7)); };
        w.begin_object();
        if (k % 2 == 0) w.field("first", true);  // members after others, or first in their object
        if (memos) memos->members.members(w, {k}, members);
        else members(w);
        w.key("value");
        if (memos) memos->values.value(w, {k}, value);
        else value(w);
        w.field("last", k).end_object();
    }
    w.end_array();
    sink.flush();
    return text;
}
}  // namespace

TEST_CASE("JsonMemo writes the bytes of writing directly: first time and remembered, keys sharing a slot, compact and indented") {
    std::mt19937 rng(5);
    Memos memos;  // ten keys in four slots: each slot taken in turn
    for (int round = 0; round < 200; ++round) {
        std::vector<int> keys(1 + rng() % 30);
        for (int& k : keys) k = static_cast<int>(rng() % 10);
        memos.forget();
        for (const int indent : {-1, 2}) {
            const std::string direct = memo_document(keys, "net-", indent, nullptr);
            CHECK(memo_document(keys, "net-", indent, &memos) == direct);
            CHECK(nlohmann::json::parse(direct).size() == keys.size());
        }
    }
}

TEST_CASE("JsonMemo: a new document forgets what the last one wrote under the same keys") {
    Memos memos;
    const std::vector<int> keys{1, 2, 3, 1, 2, 3};
    CHECK(memo_document(keys, "east-", -1, &memos) == memo_document(keys, "east-", -1, nullptr));
    // Document 2 names the same keys otherwise: nothing of document 1 may come out.
    memos.forget();
    const std::string second = memo_document(keys, "west-", -1, &memos);
    CHECK(second == memo_document(keys, "west-", -1, nullptr));
    CHECK(second.find("east-") == std::string::npos);
}

TEST_CASE("JsonMemo: what a write that threw had begun is not remembered, nor written with the next") {
    Memos memos;
    const std::vector<int> keys{1, 2, 1};
    {
        std::string text;
        drsim::reporting::StringSink sink(text);
        drsim::reporting::JsonWriter w(sink);
        w.begin_object();
        CHECK_THROWS_AS(memos.members.members(w, {1},
                                              [](drsim::reporting::JsonWriter& m) {
                                                  m.field("half", "written");
                                                  throw std::runtime_error("render failed");
                                              }),
                        std::runtime_error);
    }
    const std::string after = memo_document(keys, "net-", -1, &memos);
    CHECK(after == memo_document(keys, "net-", -1, nullptr));
    CHECK(after.find("half") == std::string::npos);
}
