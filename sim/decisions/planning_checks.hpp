#pragma once
// Planning warnings (SPEC §4, §6): what a DR engineer should hear about a design before it runs —
// from `drsim validate`, and at the start of `drsim run` (a record at 0s, and `warnings` in JSON).
#include <string>
#include <vector>

#include "sim/rules/rule_catalogue.hpp"
#include "sim/scenario/scenario.hpp"

namespace drsim {

struct PlanningWarning {
    Rule rule = Rule::PlanMaxVms;
    std::string detail;
    Location loc;  ///< where in the file (the plan, the event that pairs two networks)
};

/// PLAN-MAX-VMS (a plan of more than 100 VMs); for each pair of networks a mapping or an enabled
/// replication joins (source -> target, from the events): ER-SAME-RANGE-ADVICE when they share a
/// range and both have ExpressRoute connections, RETAIN-IP-TARGET-DISCONNECTED when they share a
/// range and the target's VPN or ExpressRoute connection starts connected. Each pair is reported
/// once, in file order. Then SPEC §7: in Azure-to-Azure, allow-list entries and route tags that
/// stand for no endpoint or for another region or cloud (OUTBOUND-REQUIRED, FORCED-TUNNEL-NO-UDR,
/// at the entry), forced tunnels without UDRs for Site Recovery (FORCED-TUNNEL-NO-UDR, at the
/// route), each enable_replication event that PROXY-AUTH-UNSUPPORTED or OUTBOUND-REQUIRED will
/// refuse (at the event, once per network); in every fabric, each replicated VM whose resources
/// the file never creates at the target (NOT-REPLICATED, at its first enable_replication).
/// DNS-RECORD for a dns_update naming a record no VM has.
/// O(events × the VMs they name + networks + connections + plan steps).
std::vector<PlanningWarning> planning_warnings(const Scenario& scenario);

}  // namespace drsim
