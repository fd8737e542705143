#pragma once
#include <string>

#include "sim/world/world.hpp"

namespace drsim {

struct DotOptions {
    std::size_t vms_per_subnet = 20;  ///< beyond it, a subnet's VMs are drawn as one count per kind
};

/// The topology as Graphviz DOT: sites as clusters of their networks and subnets; in each subnet
/// the VM instances it holds (primary, replica, test: by colour, dashed when not running) with
/// their address, or their count per kind beyond options.vms_per_subnet; circuits; connections by
/// kind (colour, word) and state (dashed and "disconnected" when down); mappings (blue arrows).
/// Every name escaped. Deterministic order. O(sites x networks + VMs + connections).
std::string topology_dot(const World& world, const DotOptions& options = {});

}  // namespace drsim
