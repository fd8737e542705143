#pragma once
// The categories of a drawing — what a colour means — and how they are drawn: a fill colour,
// optionally a pattern over it (so that a reader who cannot tell two colours apart can tell the
// patterns), and the legend that names them. A drawing refers to a category by its index; the
// palette turns that into CSS classes scoped to one SVG element, so no colour is written per shape.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "reporting/svg_writer.hpp"

namespace drsim::reporting {

enum class Pattern : std::uint8_t { solid, hatch, dots, cross };
/// How the legend shows a category: a filled box, a line (solid or dashed) or a diamond (a point mark).
enum class LegendShape : std::uint8_t { box, line, dashed_line, diamond, none };

struct Category {
    std::string label;
    std::string colour = "#888888";  ///< "#rgb" or "#rrggbb"; anything else is drawn grey
    Pattern pattern = Pattern::solid;
    LegendShape legend = LegendShape::box;
};

using CategoryId = std::uint16_t;

struct Palette {
    std::vector<Category> categories;

    /// Adds a category; returns its id.
    CategoryId add(Category category);
    /// The fill class of a category ("k3"): a fixed word, never text from the caller.
    static std::string fill_class(CategoryId id);
    /// The stroke class of a category ("s3").
    static std::string stroke_class(CategoryId id);
    /// `<defs>` with a pattern per patterned category and a `<style>` giving every category's fill
    /// and stroke classes, all scoped to the SVG element `svg_id`.
    std::string defs(std::string_view svg_id) const;
    /// Draws the legend (categories whose shape is not `none`, in order, then `notes` as plain
    /// text) in rows from (x, y) no wider than `width`; returns the height it took.
    double draw_legend(SvgWriter& svg, double x, double y, double width, const std::vector<std::string>& notes = {}) const;
    /// The height draw_legend would take. Same arguments.
    double legend_height(double width, const std::vector<std::string>& notes = {}) const;
};

/// An approximate text width in pixels at the drawings' 11px sans-serif font (no font metrics are
/// available when writing a file): 6.2 px a character.
double text_width(std::string_view text);
/// `text` cut to at most `max_width` pixels, ending with "…" when cut.
std::string fit_text(std::string_view text, double max_width);

}  // namespace drsim::reporting
