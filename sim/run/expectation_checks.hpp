#pragma once
// `expect` checks (SPEC §9): a VM instance's site, network, subnet, address, state and running;
// mappings; networks; reachability; downtime.
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


}  // namespace drsim
