#include "reporting/diagram.hpp"

#include <algorithm>
#include <map>

namespace drsim::reporting {

namespace {

constexpr double kPad = 8;
constexpr double kMargin = 10;
constexpr double kLabelLine = 16;
constexpr double kTextLine = 14;
constexpr double kChildGap = 6;
constexpr double kColumnGap = 100;  // room for edges and their labels between boxes
constexpr double kRowGap = 50;
constexpr double kArcRoom = 46;  // above each row: edges between boxes that are not neighbours arc over the row
constexpr double kMinWidth = 90;
constexpr double kMaxTextWidth = 330;
constexpr double kMaxLeafTextWidth = 210;  // a box with no children: its long lines are cut, so that more fit in a row

struct Size {
    double w = 0, h = 0;
};
struct Rect {
    double x = 0, y = 0, w = 0, h = 0;
    double right() const { return x + w; }
    double cy() const { return y + std::min(h / 2, 14.0); }  // edges meet a box near its heading
};

// Sizes of every box, in pre-order (the same order draw() visits them).
void measure(const DiagramBox& box, std::vector<Size>& sizes, std::size_t& index_out) {
    const std::size_t index = sizes.size();
    index_out = index;
    sizes.emplace_back();
    double text_w = text_width(box.label) * 1.15 + 6;
    for (const auto& l : box.lines) text_w = std::max(text_w, text_width(l));
    double w = std::clamp(text_w, kMinWidth - 2 * kPad, box.children.empty() ? kMaxLeafTextWidth : kMaxTextWidth) + 2 * kPad;
    double h = kPad + kLabelLine + kTextLine * static_cast<double>(box.lines.size());
    double child_w = 0;
    std::vector<std::size_t> child_index(box.children.size());
    for (std::size_t i = 0; i < box.children.size(); ++i) {
        measure(box.children[i], sizes, child_index[i]);
        child_w = std::max(child_w, sizes[child_index[i]].w);
    }
    for (std::size_t i = 0; i < box.children.size(); ++i) {
        sizes[child_index[i]].w = child_w;  // siblings share one width
        h += kChildGap + sizes[child_index[i]].h;
    }
    if (!box.children.empty()) w = std::max(w, child_w + 2 * kPad);
    sizes[index] = {w, h + kPad};
}

// Widens every child to its parent's inner width, top-down, after the parent's width is final.
void stretch(const DiagramBox& box, std::vector<Size>& sizes, std::size_t& cursor) {
    const double inner = sizes[cursor].w - 2 * kPad;
    ++cursor;
    for (const auto& child : box.children) {
        sizes[cursor].w = inner;
        stretch(child, sizes, cursor);
    }
}

struct Drawer {
    SvgWriter& svg;
    const std::vector<Size>& sizes;
    std::map<std::string, std::pair<Rect, std::size_t>>& rects;  ///< by key: the box and its top-level box
    std::size_t cursor = 0;
    std::size_t top = 0;

    void draw(const DiagramBox& box, double x, double y, int depth) {
        const Size s = sizes[cursor++];
        if (!box.key.empty()) rects[box.key] = {{x, y, s.w, s.h}, top};
        svg.open_group("node d" + std::to_string(std::min(depth, 3)));
        svg.rect(x, y, s.w, s.h, Palette::fill_class(box.category) + " box", box.title);
        const double text_room = s.w - 2 * kPad;
        svg.text(x + kPad, y + kPad + 11, fit_text(box.label, (text_room - 6) / 1.15), "boxlabel");
        double ty = y + kPad + kLabelLine;
        for (const auto& l : box.lines) {
            svg.text(x + kPad, ty + 10, fit_text(l, text_room), "boxline");
            ty += kTextLine;
        }
        svg.close_group();
        for (const auto& child : box.children) {
            ty += kChildGap;
            const double ch = sizes[cursor].h;
            draw(child, x + kPad, ty, depth + 1);
            ty += ch;
        }
    }
};

}  // namespace

std::string render_svg(const Diagram& diagram, std::string_view id) {
    std::vector<Size> sizes;
    std::vector<std::size_t> top(diagram.boxes.size());
    for (std::size_t i = 0; i < diagram.boxes.size(); ++i) measure(diagram.boxes[i], sizes, top[i]);
    {
        std::size_t cursor = 0;
        for (const auto& b : diagram.boxes) stretch(b, sizes, cursor);
    }

    const double legend_h = diagram.palette.legend_height(diagram.width - 2 * kMargin, diagram.legend_notes);
    // Top-level boxes left to right, wrapped into rows.
    std::vector<std::pair<double, double>> origin(diagram.boxes.size());
    std::vector<std::pair<std::size_t, std::size_t>> place(diagram.boxes.size());  // (row, column)
    std::vector<double> row_top;
    double x = kMargin, y = kMargin + legend_h + 10 + kArcRoom, row_h = 0, max_right = 0;
    row_top.push_back(y);
    std::size_t column = 0;
    for (std::size_t i = 0; i < diagram.boxes.size(); ++i) {
        const Size s = sizes[top[i]];
        if (x > kMargin && x + s.w > diagram.width - kMargin) {
            x = kMargin;
            y += row_h + kRowGap + kArcRoom;
            row_h = 0;
            column = 0;
            row_top.push_back(y);
        }
        place[i] = {row_top.size() - 1, column++};
        origin[i] = {x, y};
        max_right = std::max(max_right, x + s.w);
        x += s.w + kColumnGap;
        row_h = std::max(row_h, s.h);
    }
    const double width = std::max(diagram.width, max_right + kColumnGap);
    const double height = y + row_h + kMargin + 20;

    SvgWriter svg(width, height, id, "chart diagram", diagram.title);
    svg.raw(diagram.palette.defs(id));
    diagram.palette.draw_legend(svg, kMargin, kMargin, width - 2 * kMargin, diagram.legend_notes);

    std::map<std::string, std::pair<Rect, std::size_t>> rects;
    Drawer drawer{svg, sizes, rects};
    svg.open_group("boxes");
    for (std::size_t i = 0; i < diagram.boxes.size(); ++i) {
        drawer.top = i;
        drawer.draw(diagram.boxes[i], origin[i].first, origin[i].second, 0);
    }
    svg.close_group();

    svg.open_group("edges");
    for (std::size_t i = 0; i < diagram.edges.size(); ++i) {
        const DiagramEdge& e = diagram.edges[i];
        const auto from = rects.find(e.from), to = rects.find(e.to);
        if (from == rects.end() || to == rects.end()) continue;
        const Rect& a = from->second.first;
        const Rect& b = to->second.first;
        const auto [row_a, col_a] = place[from->second.second];
        const auto [row_b, col_b] = place[to->second.second];
        if (row_a == row_b && (col_a > col_b ? col_a - col_b : col_b - col_a) > 1) {
            // Boxes between them in the row: an arc over the row, from top to top.
            const double ax = a.x + std::min(a.w / 2, 40.0), bx = b.x + std::min(b.w / 2, 40.0);
            const double cy = row_top[row_a] - kArcRoom + 8 + 12 * static_cast<double>(i % 3);
            const double top_y = row_top[row_a] - kArcRoom * 0.25 - (kArcRoom - 8 - 12 * static_cast<double>(i % 3)) * 0.75;
            svg.path(path_step("M", ax, a.y) + path_step("C", ax, cy) + path_step("", bx, cy) + path_step("", bx, b.y),
                     Palette::stroke_class(e.category) + " edge" + (e.dashed ? " dashed" : ""), e.title);
            if (!e.label.empty())
                svg.text((ax + bx) / 2, top_y + 3, fit_text(e.label, 150), "elabel", SvgWriter::Anchor::middle, e.title);
            continue;
        }
        if (row_a != row_b) {
            // Rows apart: from the bottom of the upper box to the top of the lower one.
            const bool a_above = row_a < row_b;
            const Rect& up = a_above ? a : b;
            const Rect& down = a_above ? b : a;
            const double ux = up.x + up.w / 2, uy = up.y + up.h, dx = down.x + std::min(down.w / 2, 60.0), dy = down.y;
            const double bend = std::max(20.0, (dy - uy) / 2);
            svg.path(path_step("M", ux, uy) + path_step("C", ux, uy + bend) + path_step("", dx, dy - bend) + path_step("", dx, dy),
                     Palette::stroke_class(e.category) + " edge" + (e.dashed ? " dashed" : ""), e.title);
            if (!e.label.empty())
                svg.text((ux + dx) / 2, (uy + dy) / 2, fit_text(e.label, 150), "elabel", SvgWriter::Anchor::middle, e.title);
            continue;
        }
        double ax, ay = a.cy(), bx, by = b.cy(), c1x, c2x;
        if (b.x >= a.right()) {  // b to the right: right side to left side
            ax = a.right(), bx = b.x;
            const double dx = std::max(30.0, (bx - ax) / 2);
            c1x = ax + dx, c2x = bx - dx;
        } else if (a.x >= b.right()) {  // b to the left
            ax = a.x, bx = b.right();
            const double dx = std::max(30.0, (ax - bx) / 2);
            c1x = ax - dx, c2x = bx + dx;
        } else {  // one above the other: an arc out of their right sides, spread by edge
            ax = a.right(), bx = b.right();
            const double off = 36 + 10 * static_cast<double>(i % 4);
            c1x = std::max(ax, bx) + off, c2x = c1x;
        }
        const std::string d = path_step("M", ax, ay) + path_step("C", c1x, ay) + path_step("", c2x, by) + path_step("", bx, by);
        svg.path(d, Palette::stroke_class(e.category) + " edge" + (e.dashed ? " dashed" : ""), e.title);
        if (!e.label.empty()) {
            // The curve's middle (t = 1/2 of the cubic).
            const double mx = 0.125 * ax + 0.375 * c1x + 0.375 * c2x + 0.125 * bx;
            const double my = 0.5 * ay + 0.5 * by;
            svg.text(mx, my - 3, fit_text(e.label, 150), "elabel", SvgWriter::Anchor::middle, e.title);
        }
    }
    svg.close_group();
    return svg.finish();
}

}  // namespace drsim::reporting
