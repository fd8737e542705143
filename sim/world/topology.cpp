#include "sim/world/topology.hpp"

namespace drsim {

TopologyVertex Topology::add_vertex(VertexKind kind, std::uint32_t entity) {
    return boost::add_vertex(VertexProps{kind, entity}, graph_);
}

TopologyEdge Topology::add_edge(TopologyVertex a, TopologyVertex b, EdgeKind kind, std::uint32_t connection) {
    return boost::add_edge(a, b, EdgeProps{kind, connection}, graph_).first;
}

}  // namespace drsim
