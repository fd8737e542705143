#pragma once
// A box-and-edge diagram drawn as inline SVG, laid out without an external tool: top-level boxes
// placed left to right and wrapped into rows, each box holding lines of text and its child boxes
// stacked below them (to any depth); edges drawn as curves between the sides of two boxes, solid
// or dashed, with a label at the middle. The same input gives the same drawing.
#include <string>
#include <vector>

#include "reporting/palette.hpp"

namespace drsim::reporting {

struct DiagramBox {
    std::string key;    ///< what edges name it by ("" when no edge does); unique in the diagram
    std::string label;  ///< the heading, in bold
    std::vector<std::string> lines;  ///< text under the heading, one line each
    CategoryId category = 0;
    std::string title;  ///< tooltip of the box
    std::vector<DiagramBox> children;
};

struct DiagramEdge {
    std::string from;  ///< box keys; an edge naming a key no box has is not drawn
    std::string to;
    CategoryId category = 0;
    bool dashed = false;
    std::string label;
    std::string title;
};

struct Diagram {
    std::string title;
    Palette palette;
    std::vector<DiagramBox> boxes;  ///< top level, in the order they are placed
    std::vector<DiagramEdge> edges;
    std::vector<std::string> legend_notes;
    double width = 1180;  ///< rows wrap before this width
};

/// The diagram as one `<svg>` element with the given id (unique in the page). O(boxes + lines + edges).
std::string render_svg(const Diagram& diagram, std::string_view id);

}  // namespace drsim::reporting
