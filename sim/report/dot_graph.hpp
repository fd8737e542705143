#pragma once
#include <string>

#include "sim/world/world.hpp"

namespace drsim {

/// The topology as Graphviz DOT: sites as clusters of their networks and subnets, circuits,
/// connections (dashed when down), and mappings (blue arrows). Deterministic order.
std::string topology_dot(const World& world);

}  // namespace drsim
