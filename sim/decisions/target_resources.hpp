#pragma once
// NOT-REPLICATED (SPEC §7): Site Recovery does not carry a VM's NSGs, public IPs, load balancers,
// route tables, gateways, peerings or ExpressRoute connections to the target, and a public IP
// never moves. What a replica lacks is what its source has minus what the scenario created at
// the target (`target_resources`, `create_resources`).
#include <optional>
#include <string>
#include <vector>

namespace drsim {

/// The kinds of `source` not in `created`, in the order of `source`. O(source × created), both tiny.
std::vector<std::string> missing_at_target(const std::vector<std::string>& source, const std::vector<std::string>& created);

/// The NOT-REPLICATED warning for a replica at `site`, or nullopt when nothing is missing and the
/// source has no public IP: names each missing kind, and says that a public IP never moves (a
/// created one has a new address).
std::optional<std::string> not_replicated_warning(const std::vector<std::string>& source, const std::vector<std::string>& created,
                                                  const std::string& site);

/// Adds each kind of `more` that `into` lacks; returns the kinds added.
std::vector<std::string> add_resources(std::vector<std::string>& into, const std::vector<std::string>& more);

}  // namespace drsim
