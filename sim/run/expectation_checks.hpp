#pragma once
// `expect` checks (SPEC §9): a VM instance's site, network, subnet, address, state and running;
// mappings; networks; reachability; downtime.
#include "sim/routing/routing_state.hpp"
#include "sim/run/run_log.hpp"
#include "sim/world/world.hpp"

namespace drsim {

class Simulation;

struct ExpectationContext {
    const World& world;
    const Simulation& simulation;
};

/// Evaluates one check against the world as it is at `now`; `ok` plus what was expected and found.
ExpectationResult evaluate_expectation(const ExpectationContext& ctx, const ExpectSpec& spec, Millis now);

/// Whether `from` (a client or VM) reaches `to` (a VM by name, or an address) now, over the routes
/// installed now (SPEC §6): the path, or the step that broke with its rule.
ProbeResult reachable(const World& world, const RoutingState& routing, const std::string& from, const std::string& to);

}  // namespace drsim
