#include "sim/decisions/planning_checks.hpp"

#include <algorithm>
#include <set>
#include <unordered_map>

namespace drsim {

namespace {

// DNS-RECORD: a dns_update of a name no VM has changes no record (the loader keeps it: it may be
// an application's own name, which drsim does not model).
void dns_warnings(const Scenario& s, std::vector<PlanningWarning>& out) {
    auto warn = [&](const std::string& name, const Location& loc) {
        out.push_back({Rule::DnsRecord, "no VM has the dns_name " + name + ": this DNS update changes no record", loc});
    };
    for (const auto& plan : s.recovery_plans)
        for (const auto& step : plan.steps)
            if (step.kind == PlanStepKind::dns_update && !step.target.empty() && step.text.empty()) warn(step.target, step.loc);
    for (const auto& e : s.events)
        if (e.op.kind == OpKind::dns_update && e.op.vm.empty()) warn(e.op.dns_name, e.loc);
}

}  // namespace

std::vector<PlanningWarning> planning_warnings(const Scenario& s) {
    std::vector<PlanningWarning> out;
    for (const auto& plan : s.recovery_plans) {
        std::size_t n = 0;
        for (const auto& g : plan.groups) n += g.size();
        if (n > 100)
            out.push_back({Rule::PlanMaxVms, "recovery plan '" + plan.name + "' has " + std::to_string(n) +
                                                 " VMs; operations on it will be refused",
                           plan.loc});
    }
    std::unordered_map<std::string, const NetworkSpec*> networks;
    for (const auto& n : s.networks) networks.emplace(n.name, &n);
    std::unordered_map<std::string, const VmSpec*> vms;
    for (const auto& v : s.vms) vms.emplace(v.name, &v);
    // Which networks have an ExpressRoute connection (any state), and which have a VPN or
    // ExpressRoute connection that starts connected (naming it).
    std::set<std::string> on_circuit;
    std::unordered_map<std::string, std::string> connected_gateway;
    for (const auto& c : s.connections) {
        if (c.kind == ConnectionKind::peering || c.kind == ConnectionKind::vnet_to_vnet) continue;
        for (const auto& end : c.between) {
            if (!networks.contains(end)) continue;
            if (c.kind == ConnectionKind::expressroute) on_circuit.insert(end);
            if (c.connected && !connected_gateway.contains(end)) connected_gateway.emplace(end, c.name);
        }
    }
    std::set<std::pair<std::string, std::string>> seen;
    auto pair = [&](const std::string& source, const std::string& target, const Location& loc) {
        auto si = networks.find(source), ti = networks.find(target);
        if (si == networks.end() || ti == networks.end() || !seen.insert({source, target}).second) return;
        if (!any_overlap(si->second->address_space, ti->second->address_space)) return;
        if (on_circuit.contains(source) && on_circuit.contains(target))
            out.push_back({Rule::ErSameRangeAdvice, source + " and " + target + " share a range and both connect to ExpressRoute "
                                                    "circuits: use different ranges, or disconnect the source and connect the "
                                                    "target at failover (a region that is down cannot be disconnected)",
                           loc});
        if (auto it = connected_gateway.find(target); it != connected_gateway.end())
            out.push_back({Rule::RetainIpTargetDisconnected, target + " keeps " + source + "'s range (retain IP) but its connection " +
                                                                 it->second + " is connected before failover: the range clashes; "
                                                                 "connect it at failover",
                           loc});
    };
    for (const auto& e : s.events) {
        const OperationSpec& op = e.op;
        if (op.kind == OpKind::map_network || op.kind == OpKind::change_mapping) pair(op.source, op.target, e.loc);
        if (op.kind == OpKind::enable_replication && !op.target_network.empty()) {
            std::vector<std::string> names;
            if (!op.vm.empty()) names.push_back(op.vm);
            if (op.vms)
                for (const auto& n : op.vms->names) names.push_back(n);
            for (const auto& plan : s.recovery_plans)
                if (plan.name == op.recovery_plan)
                    for (const auto& g : plan.groups) names.insert(names.end(), g.begin(), g.end());
            for (const auto& n : names)
                if (auto v = vms.find(n); v != vms.end() && !v->second->nics.empty())
                    pair(v->second->nics.front().network, op.target_network, e.loc);
        }
    }
    dns_warnings(s, out);
    return out;
}

}  // namespace drsim
