#pragma once
// Writes one inline SVG element as text: shapes with CSS classes, text and tooltips (`<title>`),
// every piece of text escaped. Numbers are written with one decimal at most, so the same drawing
// is the same bytes on every machine.
#include <string>
#include <string_view>

namespace drsim::reporting {

/// `s` with & < > " ' replaced by their entities: safe in HTML text, in attributes and in SVG.
std::string escape_markup(std::string_view s);
/// `v` rounded to one decimal, without a trailing ".0" ("12", "12.5", "-3"). Deterministic.
std::string format_number(double v);
/// `n` with a thin group separator every three digits ("100,000").
std::string format_count(std::size_t n);

/// One step of a path's `d` attribute: a command letter (or "" to continue one) and a point,
/// "M12 3.5" / " 4 5".
std::string path_step(std::string_view command, double x, double y);

class SvgWriter {
public:
    enum class Anchor { start, middle, end };

    /// Opens `<svg>` of the given size, with an id (for scoped styles and patterns), a class and an
    /// accessible label.
    SvgWriter(double width, double height, std::string_view id, std::string_view css_class, std::string_view label);

    /// Markup the caller composed from fixed words and escaped text (a `<style>` or `<defs>` block).
    void raw(std::string_view markup) { out_ += markup; }
    /// `<g class="...">`, with a tooltip for all it holds when `title` is given; every group
    /// opened is closed by close_group().
    void open_group(std::string_view css_class, std::string_view title = {});
    void close_group();
    /// A rectangle; `title` ("" for none) becomes its tooltip.
    void rect(double x, double y, double w, double h, std::string_view css_class, std::string_view title = {});
    void line(double x1, double y1, double x2, double y2, std::string_view css_class, std::string_view title = {});
    /// A path given by its `d` attribute (numbers and command letters only).
    void path(std::string_view d, std::string_view css_class, std::string_view title = {});
    void text(double x, double y, std::string_view text, std::string_view css_class, Anchor anchor = Anchor::start,
              std::string_view title = {});
    /// Closes the element and returns the markup. Call once.
    std::string finish();

private:
    void close_shape(std::string_view tag, std::string_view title);
    std::string out_;
    int open_groups_ = 0;
};

}  // namespace drsim::reporting
