#pragma once
// Reachability (SPEC §6): a probe from a client (or a VM) to a VM (by its name: its address now) or
// to an address, over the routes installed now. Each step names its rule when it breaks: the
// client's site down, no route (ROUTE-NONE), a conflict (ROUTE-CONFLICT), a peering that does not
// pass traffic on (ROUTE-PEERING-NON-TRANSITIVE), a connection down, a storm on the layer-2 domain
// (STRETCHED-FAULT-DOMAIN), no running instance holding the address (ADDR-NOT-HELD).
#include <string>

#include "sim/routing/routing_state.hpp"

namespace drsim {

/// `from`: a client or a VM; `to`: a VM or an IPv4 address. A VM target is reached only when the
/// address leads to that VM's own instance. O(path x prefix lengths).
ProbeResult probe(const World& world, const RoutingState& routing, const std::string& from, const std::string& to);

}  // namespace drsim
