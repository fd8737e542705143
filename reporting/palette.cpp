#include "reporting/palette.hpp"

#include <cassert>

namespace drsim::reporting {

namespace {

constexpr double kCharWidth = 6.2;
constexpr double kLegendRow = 18;
constexpr double kSwatch = 14;

bool valid_colour(std::string_view c) {
    if (c.size() != 4 && c.size() != 7) return false;
    if (c[0] != '#') return false;
    for (std::size_t i = 1; i < c.size(); ++i) {
        const char h = c[i];
        if (!((h >= '0' && h <= '9') || (h >= 'a' && h <= 'f') || (h >= 'A' && h <= 'F'))) return false;
    }
    return true;
}

std::string colour_of(const Category& c) { return valid_colour(c.colour) ? c.colour : std::string{"#888888"}; }

bool is_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// The width a legend item takes: its swatch, a gap, its label and a gap before the next.
double item_width(std::string_view label, bool swatch) { return (swatch ? kSwatch + 5 : 0) + text_width(label) + 16; }

// Lays out the items in rows: calls place(index, x, y) for each, returns the height taken.
template <typename Place>
double flow(const std::vector<double>& widths, double width, Place place) {
    double x = 0, y = 0;
    for (std::size_t i = 0; i < widths.size(); ++i) {
        if (x > 0 && x + widths[i] > width) {
            x = 0;
            y += kLegendRow;
        }
        place(i, x, y);
        x += widths[i];
    }
    return widths.empty() ? 0 : y + kLegendRow;
}

}  // namespace

double text_width(std::string_view text) {
    std::size_t chars = 0;
    for (char c : text) chars += is_continuation(c) ? 0 : 1;
    return static_cast<double>(chars) * kCharWidth;
}

std::string fit_text(std::string_view text, double max_width) {
    if (text_width(text) <= max_width + 0.5) return std::string{text};  // the half pixel: rounding of the measure
    const auto keep = static_cast<std::size_t>(max_width / kCharWidth);
    std::string out;
    std::size_t chars = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (!is_continuation(text[i])) {
            if (chars + 1 >= keep) break;
            ++chars;
        }
        out += text[i];
    }
    return out + "\xE2\x80\xA6";  // …
}

CategoryId Palette::add(Category category) {
    categories.push_back(std::move(category));
    return static_cast<CategoryId>(categories.size() - 1);
}

std::string Palette::fill_class(CategoryId id) { return "k" + std::to_string(id); }
std::string Palette::stroke_class(CategoryId id) { return "s" + std::to_string(id); }

std::string Palette::defs(std::string_view svg_id) const {
    const std::string id = escape_markup(svg_id);
    std::string patterns, style;
    for (std::size_t i = 0; i < categories.size(); ++i) {
        const Category& c = categories[i];
        const std::string colour = colour_of(c);
        const std::string n = std::to_string(i);
        std::string fill = colour;
        if (c.pattern != Pattern::solid) {
            const std::string pid = id + "-p" + n;
            patterns += "<pattern id=\"" + pid + "\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\">"
                        "<rect width=\"6\" height=\"6\" fill=\"" + colour + "\"/>";
            switch (c.pattern) {
                case Pattern::hatch: patterns += "<path d=\"M-1 1L1 -1M0 6L6 0M5 7L7 5\" class=\"pat\"/>"; break;
                case Pattern::dots: patterns += "<circle cx=\"3\" cy=\"3\" r=\"1.3\" class=\"patdot\"/>"; break;
                case Pattern::cross: patterns += "<path d=\"M0 0L6 6M6 0L0 6\" class=\"pat\"/>"; break;
                case Pattern::solid: break;
            }
            patterns += "</pattern>";
            fill = "url(#" + pid + ")";
        }
        style += "#" + id + " .k" + n + "{fill:" + fill + "}#" + id + " .s" + n + "{stroke:" + colour + "}";
    }
    return "<defs>" + patterns + "<style>" + style + "</style></defs>\n";
}

double Palette::legend_height(double width, const std::vector<std::string>& notes) const {
    std::vector<double> widths;
    for (const Category& c : categories)
        if (c.legend != LegendShape::none) widths.push_back(item_width(c.label, true));
    for (const auto& n : notes) widths.push_back(item_width(n, false));
    return flow(widths, width, [](std::size_t, double, double) {});
}

double Palette::draw_legend(SvgWriter& svg, double x0, double y0, double width, const std::vector<std::string>& notes) const {
    std::vector<double> widths;
    std::vector<int> items;  // category index, or -1 - note index
    for (std::size_t i = 0; i < categories.size(); ++i)
        if (categories[i].legend != LegendShape::none) {
            widths.push_back(item_width(categories[i].label, true));
            items.push_back(static_cast<int>(i));
        }
    for (std::size_t i = 0; i < notes.size(); ++i) {
        widths.push_back(item_width(notes[i], false));
        items.push_back(-1 - static_cast<int>(i));
    }
    svg.open_group("legend");
    const double height = flow(widths, width, [&](std::size_t k, double dx, double dy) {
        const double x = x0 + dx, y = y0 + dy;
        if (items[k] < 0) {
            svg.text(x, y + 12, notes[static_cast<std::size_t>(-1 - items[k])], "note");
            return;
        }
        const auto id = static_cast<CategoryId>(items[k]);
        const Category& c = categories[id];
        switch (c.legend) {
            case LegendShape::box: svg.rect(x, y + 2, kSwatch, 11, fill_class(id) + " swatch"); break;
            case LegendShape::line: svg.line(x, y + 8, x + kSwatch, y + 8, stroke_class(id) + " edge"); break;
            case LegendShape::dashed_line: svg.line(x, y + 8, x + kSwatch, y + 8, stroke_class(id) + " edge dashed"); break;
            case LegendShape::diamond:
                svg.path(path_step("M", x + 7, y + 2) + "l5 6l-5 6l-5 -6z", fill_class(id) + " mark");
                break;
            case LegendShape::none: break;
        }
        svg.text(x + kSwatch + 5, y + 12, c.label, "label");
    });
    svg.close_group();
    return height;
}

}  // namespace drsim::reporting
