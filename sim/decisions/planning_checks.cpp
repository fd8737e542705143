#include "sim/decisions/planning_checks.hpp"

#include <algorithm>
#include <set>
#include <unordered_map>

#include "sim/decisions/outbound_access.hpp"
#include "sim/decisions/target_resources.hpp"

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

// The VMs (indices into s.vms) a VM operation names, as the file declares them: `vm`, a plan's
// VMs, or a selector matched against the declared NICs. O(VMs) for a pattern or mapping selector.
std::vector<std::size_t> declared_targets(const Scenario& s, const OperationSpec& op) {
    std::vector<std::size_t> out;
    auto add = [&](const std::string& name) {
        if (auto vm = s.vm_names.find(name)) out.push_back(*vm);
    };
    if (!op.vm.empty()) add(op.vm);
    for (const auto& plan : s.recovery_plans)
        if (!op.recovery_plan.empty() && plan.name == op.recovery_plan)
            for (const auto& g : plan.groups)
                for (const auto& n : g) add(n);
    if (op.vms) {
        const VmSelector& sel = *op.vms;
        for (const auto& n : sel.names) add(n);
        if (sel.names.empty())
            for (std::size_t i = 0; i < s.vms.size(); ++i) {
                const VmSpec& vm = s.vms[i];
                const VmEntrySpec& entry = s.entry_of(vm);
                if (!sel.pattern.empty() && !glob_match(sel.pattern, vm.name)) continue;
                if (!sel.app.empty() && entry.app != sel.app) continue;
                if (!sel.site.empty() && entry.site != sel.site) continue;
                if (!sel.network.empty() && std::none_of(entry.nics.begin(), entry.nics.end(), [&](const NicSpec& nic) {
                        return nic.network == sel.network && (sel.subnet.empty() || nic.subnet == sel.subnet);
                    }))
                    continue;
                out.push_back(i);
            }
    }
    return out;
}

// SPEC §7 before the run: outbound and route entries that stand for nothing or for another
// region (A2A), forced tunnels without UDRs (A2A), enable_replication events that OUTBOUND-REQUIRED
// or PROXY-AUTH-UNSUPPORTED will refuse (A2A), and VMs whose resources the file never creates at
// the target (NOT-REPLICATED). O(events × VMs they name + networks + VMs).
void precondition_warnings(const Scenario& s, const std::unordered_map<std::string, const NetworkSpec*>& networks,
                           std::vector<PlanningWarning>& out) {
    const bool a2a = s.fabric == Fabric::azure_to_azure;
    std::unordered_map<std::string, const SiteSpec*> sites;
    for (const auto& site : s.sites) sites.emplace(site.name, &site);
    auto region_of = [&](const NetworkSpec& n) {
        const SiteSpec& site = *sites.at(n.site);
        return source_region(site.name, site.geo);
    };
    if (a2a) {
        for (const auto& n : s.networks) {
            const SourceRegion region = region_of(n);
            if (n.outbound && n.outbound->restricted)
                for (const auto& entry : n.outbound->allow)
                    if (auto w = allow_entry_warning(entry, region)) out.push_back({Rule::OutboundRequired, n.name + ": " + *w, entry.loc});
            for (const auto& route : n.routes)
                if (auto w = route_tag_warning(route, region)) out.push_back({Rule::ForcedTunnelNoUdr, n.name + ": " + *w, route.loc});
            if (auto tunnelled = tunnelled_endpoints(n.routes, region); !tunnelled.empty())
                out.push_back({Rule::ForcedTunnelNoUdr,
                               forced_tunnel_detail(n.name, tunnelled, region) + ": replication from it will be degraded",
                               forced_tunnel_route(n.routes)->loc});
        }
    }
    // What the file creates at a VM's target besides its target_resources: create_resources events
    // and steps (for the few VMs they name).
    std::unordered_map<std::size_t, std::vector<std::string>> created_later;
    for (const auto& e : s.events)
        if (e.op.kind == OpKind::create_resources)
            for (std::size_t v : declared_targets(s, e.op)) add_resources(created_later[v], e.op.resources);
    for (const auto& plan : s.recovery_plans)
        for (const auto& step : plan.steps)
            if (step.kind == PlanStepKind::create_resources)
                add_resources(created_later[*s.vm_names.find(step.target)], step.resources);
    auto created = [&](std::size_t v) {
        std::vector<std::string> out = s.entry_of(s.vms[v]).target_resources;
        if (auto it = created_later.find(v); it != created_later.end()) add_resources(out, it->second);
        return out;
    };

    std::vector<bool> warned_resources(s.vms.size(), false);
    for (const auto& e : s.events) {
        if (e.op.kind != OpKind::enable_replication) continue;
        // Per network of this event: the first VM it refuses there and how many more.
        struct Refused {
            std::string first_vm;
            std::size_t more = 0;
        };
        std::vector<std::pair<const NetworkSpec*, Refused>> refused;
        // NOT-REPLICATED, grouped by what is missing: one line for many like VMs.
        std::vector<std::pair<std::string, Refused>> lacking;
        for (std::size_t v : declared_targets(s, e.op)) {
            const VmSpec& vm = s.vms[v];
            const VmEntrySpec& entry = s.entry_of(vm);
            if (!warned_resources[v]) {
                warned_resources[v] = true;
                if (auto missing = entry.resources.empty() ? std::vector<std::string>{} : missing_at_target(entry.resources, created(v));
                    !missing.empty()) {
                    std::string kinds;
                    for (const auto& k : missing) kinds += (kinds.empty() ? "" : ", ") + k;
                    auto it = std::find_if(lacking.begin(), lacking.end(), [&](const auto& l) { return l.first == kinds; });
                    if (it == lacking.end()) lacking.push_back({kinds, {std::string{vm.name}, 0}});
                    else ++it->second.more;
                }
            }
            if (!a2a) continue;
            for (std::size_t k = 0; k < entry.nics.size(); ++k) {
                const NicSpec& nic = entry.nics[k];
                if (std::any_of(entry.nics.begin(), entry.nics.begin() + static_cast<std::ptrdiff_t>(k),
                                [&](const NicSpec& earlier) { return earlier.network == nic.network; }))
                    continue;  // each network of the VM once
                const NetworkSpec* n = networks.at(nic.network);
                auto it = std::find_if(refused.begin(), refused.end(), [&](const auto& r) { return r.first == n; });
                if (it != refused.end()) {
                    ++it->second.more;
                    continue;
                }
                const bool proxy = n->outbound && n->outbound->proxy == "authenticated";
                if (proxy || !outbound_missing(n->outbound, region_of(*n)).empty()) refused.push_back({n, {std::string{vm.name}, 0}});
            }
        }
        for (const auto& [kinds, r] : lacking)
            out.push_back({Rule::NotReplicated, r.first_vm + (r.more ? " (and " + std::to_string(r.more) + " more VMs)" : "") +
                                                    " is replicated, but Site Recovery does not carry its " + kinds +
                                                    " and the scenario never creates them at the target",
                           e.loc});
        for (const auto& [n, r] : refused) {
            const std::string who = "enable_replication of " + r.first_vm +
                                    (r.more ? " (and " + std::to_string(r.more) + " more VMs on " + n->name + ")" : "") +
                                    " will be refused: ";
            if (n->outbound && n->outbound->proxy == "authenticated")
                out.push_back({Rule::ProxyAuthUnsupported, who + authenticated_proxy_detail(n->name), e.loc});
            const SourceRegion region = region_of(*n);
            if (auto missing = outbound_missing(n->outbound, region); !missing.empty())
                out.push_back({Rule::OutboundRequired, who + outbound_gap_detail(n->name, missing, region), e.loc});
        }
    }
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
                if (auto v = s.vm_names.find(n)) {
                    const VmEntrySpec& entry = s.entry_of(s.vms[*v]);
                    if (!entry.nics.empty()) pair(entry.nics.front().network, op.target_network, e.loc);
                }
        }
    }
    dns_warnings(s, out);
    precondition_warnings(s, networks, out);
    return out;
}

}  // namespace drsim
