#pragma once
// Reachability (SPEC §6, §8): a probe from a client (or a VM) to a VM (by its DNS name where it has
// one: the answer a client holds now, DNS-TTL-CACHE's worst case; else its address now) or to an
// address, over the routes installed now. Each step names its rule when it breaks: the client's site
// down, no route (ROUTE-NONE), a conflict (ROUTE-CONFLICT), a peering that does not pass traffic on
// (ROUTE-PEERING-NON-TRANSITIVE), a connection down, a storm on the layer-2 domain
// (STRETCHED-FAULT-DOMAIN), no running instance holding the address (ADDR-NOT-HELD), a name that
// leads to an old address (DNS-RECORD-STALE, DNS-TTL-CACHE).
#include <optional>
#include <string>
#include <utility>

#include "sim/routing/routing_state.hpp"

namespace drsim {

/// `from`: a client or a VM; `to`: a VM or an IPv4 address. A VM target is reached only when the
/// address leads to that VM's own instance. O(path x prefix lengths).
ProbeResult probe(const World& world, const RoutingState& routing, const std::string& from, const std::string& to, Millis now);

/// Why going to `vm` by name at `now` leads elsewhere than its running serving instance: the record
/// still answers an old address (DNS-RECORD-STALE) or clients still hold an old answer
/// (DNS-TTL-CACHE). nullopt when the answer is its address, it has no record, or it is not running
/// (then that is the reason). O(record changes within a TTL).
std::optional<std::pair<Rule, std::string>> dns_mismatch(const World& world, Id vm, Millis now);

/// The fault behind a VM that cannot be reached because its serving instance's site is down
/// (SITE-DOWN): the reason to give before whatever step of the route broke with it. O(1).
std::optional<std::pair<Rule, std::string>> site_down_of(const World& world, Id vm);

}  // namespace drsim
