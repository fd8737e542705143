#pragma once
// SUBNET-OVERRIDE, SUBNET-SAME-NAME, SUBNET-FIRST-ALPHA (Azure targets), SUBNET-FIRST-DEFINED (VMM).
#include <string>

#include "sim/log/decision.hpp"
#include "sim/world/world.hpp"

namespace drsim {

/// The subnet of `target_network` a replica NIC lands in, recording the rule that chose it.
/// kNone only when the network has no subnet at all. O(1) (hash look-ups and a kept first-alpha).
Id choose_target_subnet(const World& world, Id target_network, const std::string& source_subnet,
                        const std::string& override_subnet, Decisions& out);

}  // namespace drsim
