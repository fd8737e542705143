#pragma once
// Template parts of Topology (included by topology.hpp).
#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/filtered_graph.hpp>
#include <functional>
#include <vector>

namespace drsim {

template <typename Passable, typename EdgeUp>
bool Topology::connected(TopologyVertex from, TopologyVertex to, Passable passable, EdgeUp edge_up) const {
    auto vertex_ok = [&](TopologyVertex v) { return passable(v); };
    auto edge_ok = [&](TopologyEdge e) { return edge_up(e); };
    boost::filtered_graph<TopologyGraph, std::function<bool(TopologyEdge)>, std::function<bool(TopologyVertex)>>
        view(graph_, edge_ok, vertex_ok);
    if (!vertex_ok(from) || !vertex_ok(to)) return false;
    std::vector<boost::default_color_type> colors(boost::num_vertices(graph_), boost::white_color);
    auto color_map = boost::make_iterator_property_map(colors.begin(), boost::get(boost::vertex_index, graph_));
    boost::breadth_first_visit(view, from, boost::visitor(boost::default_bfs_visitor()).color_map(color_map));
    return colors[to] != boost::white_color;
}

}  // namespace drsim
