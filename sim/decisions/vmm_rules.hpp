#pragma once
// VMM fabric rules: MAP-TARGET-AVAILABLE (which target VM networks a cloud pair can use) and
// MAP-PLACEMENT (the Hyper-V host of the protecting cloud that receives a replica).
#include <optional>
#include <string>
#include <vector>

#include "sim/log/decision.hpp"
#include "sim/world/world.hpp"

namespace drsim {

/// True when the VMs of protected cloud `cloud` can use `target`: the cloud's protecting cloud
/// has the logical network `target` links to (MAP-TARGET-AVAILABLE).
bool target_available_to(const World& world, Id cloud, Id target);

/// MAP-TARGET-AVAILABLE for `map_network source -> target`: "" when some cloud pair that uses the
/// source network can use the target (or the scenario declares no clouds), else why not.
std::string mapping_unavailable_reason(const World& world, Id source, Id target);

/// True when `host` has the logical network of every network of `targets` (kNone entries ignored).
bool host_reaches(const World& world, Id host, const std::vector<Id>& targets);

/// MAP-PLACEMENT: the first host (in definition order) of `cloud` that reaches every network of
/// `targets` (kNone entries ignored). nullopt when the cloud has hosts and none qualifies; kNone when
/// the cloud declares no hosts (placement is then not modelled, and a decision says so).
std::optional<Id> choose_host(const World& world, Id cloud, const std::vector<Id>& targets, Decisions& out);

}  // namespace drsim
