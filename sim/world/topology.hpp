#pragma once
// The topology as a Boost.Graph graph: vertices are sites, networks, subnets and circuits; edges are
// containment (a network at a site, a subnet in a network) and connections (VPN, VNet-to-VNet,
// peering, ExpressRoute). The graph holds structure only (World::edge_up says whether a connection
// carries now, from the NetworkState; the routing walks it by routes), so nothing is removed and
// vertex and edge descriptors stay stable while the world changes.
#include <boost/graph/adjacency_list.hpp>
#include <string>

namespace drsim {

enum class VertexKind : std::uint8_t { site, network, subnet, circuit };
enum class EdgeKind : std::uint8_t { contains, connection };

struct VertexProps {
    VertexKind kind = VertexKind::site;
    std::uint32_t entity = 0;  ///< index into World's vector of that kind
};

struct EdgeProps {
    EdgeKind kind = EdgeKind::contains;
    std::uint32_t connection = static_cast<std::uint32_t>(-1);  ///< index of the Connection, if any
};

using TopologyGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS, VertexProps, EdgeProps>;
using TopologyVertex = boost::graph_traits<TopologyGraph>::vertex_descriptor;
using TopologyEdge = boost::graph_traits<TopologyGraph>::edge_descriptor;

class Topology {
public:
    TopologyVertex add_vertex(VertexKind kind, std::uint32_t entity);
    TopologyEdge add_edge(TopologyVertex a, TopologyVertex b, EdgeKind kind, std::uint32_t connection = -1);
    const TopologyGraph& graph() const { return graph_; }

private:
    TopologyGraph graph_;
};

}  // namespace drsim
