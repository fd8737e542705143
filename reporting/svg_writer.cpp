#include "reporting/svg_writer.hpp"

#include <cassert>
#include <cmath>
#include <cstdint>

namespace drsim::reporting {

std::string escape_markup(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

std::string format_number(double v) {
    // Tenths as an integer: no locale, no printf rounding differences.
    const auto tenths = static_cast<std::int64_t>(std::llround(v * 10.0));
    const std::int64_t magnitude = tenths < 0 ? -tenths : tenths;
    std::string out = (tenths < 0 ? "-" : "") + std::to_string(magnitude / 10);
    if (magnitude % 10 != 0) out += "." + std::to_string(magnitude % 10);
    return out;
}

std::string format_count(std::size_t n) {
    std::string digits = std::to_string(n);
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

std::string path_step(std::string_view command, double x, double y) {
    std::string out{command};
    if (command.empty()) out += ' ';
    out += format_number(x);
    out += ' ';
    out += format_number(y);
    return out;
}

SvgWriter::SvgWriter(double width, double height, std::string_view id, std::string_view css_class, std::string_view label) {
    out_ = "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"" + escape_markup(id) + "\" class=\"" + escape_markup(css_class) +
           "\" width=\"" + format_number(width) + "\" height=\"" + format_number(height) + "\" viewBox=\"0 0 " +
           format_number(width) + " " + format_number(height) + "\" role=\"img\" aria-label=\"" + escape_markup(label) + "\">\n";
}

void SvgWriter::open_group(std::string_view css_class, std::string_view title) {
    out_ += "<g class=\"" + escape_markup(css_class) + "\">";
    if (!title.empty()) out_ += "<title>" + escape_markup(title) + "</title>";
    out_ += "\n";
    ++open_groups_;
}

void SvgWriter::close_group() {
    assert(open_groups_ > 0 && "close_group without open_group");
    out_ += "</g>\n";
    --open_groups_;
}

void SvgWriter::close_shape(std::string_view tag, std::string_view title) {
    if (title.empty()) {
        out_ += "/>\n";
        return;
    }
    out_ += "><title>" + escape_markup(title) + "</title></";
    out_ += tag;
    out_ += ">\n";
}

void SvgWriter::rect(double x, double y, double w, double h, std::string_view css_class, std::string_view title) {
    out_ += "<rect x=\"" + format_number(x) + "\" y=\"" + format_number(y) + "\" width=\"" + format_number(w) + "\" height=\"" +
            format_number(h) + "\" class=\"" + escape_markup(css_class) + "\"";
    close_shape("rect", title);
}

void SvgWriter::line(double x1, double y1, double x2, double y2, std::string_view css_class, std::string_view title) {
    out_ += "<line x1=\"" + format_number(x1) + "\" y1=\"" + format_number(y1) + "\" x2=\"" + format_number(x2) + "\" y2=\"" +
            format_number(y2) + "\" class=\"" + escape_markup(css_class) + "\"";
    close_shape("line", title);
}

void SvgWriter::path(std::string_view d, std::string_view css_class, std::string_view title) {
    out_ += "<path d=\"" + escape_markup(d) + "\" class=\"" + escape_markup(css_class) + "\"";
    close_shape("path", title);
}

void SvgWriter::text(double x, double y, std::string_view text, std::string_view css_class, Anchor anchor, std::string_view title) {
    out_ += "<text x=\"" + format_number(x) + "\" y=\"" + format_number(y) + "\" class=\"" + escape_markup(css_class) + "\"";
    if (anchor == Anchor::middle) out_ += " text-anchor=\"middle\"";
    if (anchor == Anchor::end) out_ += " text-anchor=\"end\"";
    out_ += ">";
    if (!title.empty()) out_ += "<title>" + escape_markup(title) + "</title>";
    out_ += escape_markup(text) + "</text>\n";
}

std::string SvgWriter::finish() {
    assert(open_groups_ == 0 && "a group left open");
    out_ += "</svg>\n";
    return std::move(out_);
}

}  // namespace drsim::reporting
