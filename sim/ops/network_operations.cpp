#include "sim/ops/network_operations.hpp"

#include <algorithm>

#include "engine/sim_time.hpp"
#include "sim/ops/mapping_operations.hpp"
#include "sim/ops/vm_operations.hpp"

namespace drsim {

namespace {

std::string prefixes_text(const std::vector<Ipv4Prefix>& v) {
    std::string out;
    for (const auto& p : v) out += (out.empty() ? "" : ", ") + p.to_string();
    return out;
}

// The ends of an ExpressRoute connection: its circuit and its network (kNone where an end is not).
struct ErEnds {
    Id circuit = kNone;
    Id network = kNone;
};

ErEnds er_ends(const World& w, const Connection& c) {
    ErEnds out;
    for (TopologyVertex v : c.ends) {
        const VertexProps& p = w.topology.graph()[v];
        if (p.kind == VertexKind::circuit) out.circuit = p.entity;
        if (p.kind == VertexKind::network) out.network = p.entity;
    }
    return out;
}

}  // namespace

std::optional<OpResult> connect_refusal(const World& w, Id id) {
    const Connection& c = w.connections[id];
    if (c.kind == ConnectionKind::vpn && !c.local_prefixes.empty()) {
        for (TopologyVertex v : c.ends) {
            const VertexProps& p = w.topology.graph()[v];
            if (p.kind != VertexKind::network) continue;
            const Network& n = w.networks[p.entity];
            if (w.sites[n.site].kind != SiteKind::azure || !any_overlap(c.local_prefixes, n.address_space)) continue;
            return OpResult::refuse(Rule::LngOverlap, interned("the local network prefixes " + prefixes_text(c.local_prefixes) + " of " +
                                                          c.name + " overlap the address space " + prefixes_text(n.address_space) +
                                                          " of " + n.name, w.texts));
        }
    }
    if (c.kind != ConnectionKind::expressroute) return std::nullopt;
    const ErEnds ends = er_ends(w, c);
    if (ends.circuit == kNone || ends.network == kNone) return std::nullopt;
    const Circuit& circuit = w.circuits[ends.circuit];
    const Network& net = w.networks[ends.network];
    const std::string& circuit_geo = w.sites[circuit.site].geo;
    const std::string& net_geo = w.sites[net.site].geo;
    if (!circuit.premium && !circuit_geo.empty() && !net_geo.empty() && circuit_geo != net_geo)
        return OpResult::refuse(Rule::ErPremiumGeo, interned(circuit.name + " serves " + w.sites[circuit.site].name + " (" + circuit_geo + "); " +
                                                        net.name + " is in " + w.sites[net.site].name + " (" + net_geo +
                                                        "): another geopolitical area needs a premium circuit", w.texts));
    for (Id other = 0; other < w.connections.size(); ++other) {
        const Connection& o = w.connections[other];
        if (other == id || o.kind != ConnectionKind::expressroute || !w.network.connected(other)) continue;
        const ErEnds oe = er_ends(w, o);
        if (oe.circuit == kNone || oe.network == kNone) continue;
        if (oe.circuit == ends.circuit && oe.network != ends.network &&
            any_overlap(w.networks[oe.network].address_space, net.address_space))
            return OpResult::refuse(Rule::ErOverlap, interned(circuit.name + " is connected to " + w.networks[oe.network].name + " (" +
                                                         prefixes_text(w.networks[oe.network].address_space) +
                                                         "), whose address space overlaps " + net.name + " (" +
                                                         prefixes_text(net.address_space) + ")", w.texts));
        if (oe.circuit != ends.circuit && oe.network == ends.network &&
            w.circuits[oe.circuit].peering_location == circuit.peering_location)
            return OpResult::refuse(Rule::ErPeeringLocation, interned(w.circuits[oe.circuit].name + ", at the same peering location " +
                                                                 circuit.peering_location + ", is already connected to " + net.name, w.texts));
    }
    return std::nullopt;
}

namespace {

OpResult set_connected(OperationContext& ctx, const OperationSpec& op, bool connected) {
    World& w = ctx.world;
    const Id id = w.connection_id(op.connection);
    const Connection& c = w.connections[id];
    if (connected && !w.network.connected(id))
        if (auto refusal = connect_refusal(w, id)) return *refusal;
    if (!connected && w.network.connected(id) && c.kind == ConnectionKind::expressroute) {
        const ErEnds ends = er_ends(w, c);
        if (ends.network != kNone && !w.site_up(w.networks[ends.network].site))
            return OpResult::refuse(Rule::ErDisconnectNeedsRegion, interned("disconnecting " + c.name + " from " + w.networks[ends.network].name +
                                                                       " needs its region, " + w.sites[w.networks[ends.network].site].name +
                                                                       ", which is down", ctx.world.texts));
    }
    OpResult r;
    const bool changed = w.network.set_connected(id, connected, ctx.now(), Rule::ConnectionState);
    r.detail = interned(op.connection + (changed ? (connected ? " connected" : " disconnected")
                                        : (connected ? " is already connected" : " is already disconnected")), ctx.world.texts);
    if (!changed) return r;
    r.decisions.push_back({Rule::ConnectionState, interned(connected ? c.name + " carries traffic while both ends are up"
                                                            : c.name + " carries nothing from now", ctx.world.texts)});
    routes_changed(ctx, ctx.routing.topology_changed(), r.decisions);
    if (connected && c.routing == Routing::static_routes)
        r.decisions.push_back({Rule::RouteStaticUpdate, interned(c.name + " uses static routes: it carries none until the next update_routes", ctx.world.texts)});
    return r;
}

OpResult set_site_up(OperationContext& ctx, const OperationSpec& op, bool up) {
    OpResult r;
    const Id site = ctx.world.site_id(op.site);
    if (!ctx.world.network.set_site_up(site, up, ctx.now(), Rule::SiteDown)) {
        r.detail = interned(op.site + " is already " + (up ? "up" : "down"), ctx.world.texts);
        return r;
    }
    // Every instance at the site stops or starts: who reaches those VMs is looked at again.
    for (const Network& n : ctx.world.networks)
        if (n.site == site)
            for (Id s : n.subnets) ctx.world.touch_holders(s);
    if (up) {
        resume_stalled_replications(ctx, site);
        r.decisions.push_back({Rule::SiteDown, interned("instances at " + op.site + " run again; its edges are up", ctx.world.texts)});
    } else {
        r.decisions.push_back({Rule::SiteDown, interned("every instance at " + op.site + " stopped; its edges are down", ctx.world.texts)});
    }
    routes_changed(ctx, ctx.routing.topology_changed(), r.decisions);
    return r;
}

OpResult set_peering_location_up(OperationContext& ctx, const OperationSpec& op, bool up) {
    OpResult r;
    if (!ctx.world.network.set_peering_location_up(op.peering_location, up, ctx.now(), Rule::ErPeeringLocation)) {
        r.detail = interned("peering location " + op.peering_location + " is already " + (up ? "up" : "down"), ctx.world.texts);
        return r;
    }
    std::string circuits;
    for (const auto& c : ctx.world.circuits)
        if (c.peering_location == op.peering_location) circuits += (circuits.empty() ? "" : ", ") + c.name;
    r.decisions.push_back({Rule::ErPeeringLocation, interned("peering location " + op.peering_location + (up ? " is back up: " : " is down: ") +
                                                        (circuits.empty() ? std::string{"no circuit there"}
                                                                          : "circuits " + circuits + (up ? " carry again" : " carry nothing")), ctx.world.texts)});
    routes_changed(ctx, ctx.routing.topology_changed(), r.decisions);
    return r;
}

// The subnets that are one subnet in two places with `subnet` (SPEC §6): those with its prefix in
// networks mapped to or from its network, and itself.
std::vector<Id> paired_subnets(const World& w, Id subnet) {
    const Subnet& s = w.subnets[subnet];
    std::vector<Id> out{subnet};
    auto add_from = [&](Id network) {
        if (network == kNone || network == s.network) return;
        const Id other = w.subnet_holding(network, s.prefix.network());
        if (other != kNone && w.subnets[other].prefix == s.prefix && std::find(out.begin(), out.end(), other) == out.end())
            out.push_back(other);
    };
    add_from(mapped_target(w, s.network));
    for (Id n = 0; n < w.networks.size(); ++n)
        if (mapped_target(w, n) == s.network) add_from(n);
    return out;
}

}  // namespace

void routes_changed(OperationContext& ctx, std::vector<RouteUpdate> updates, Decisions& out) {
    if (updates.empty()) return;
    const Millis d = ctx.duration(ctx.scenario.timing.route_convergence, "timing.route_convergence");
    out.push_back({Rule::RouteBgpConvergence, {"{} route change(s) on BGP connections apply after {}", arg::count(updates.size()),
                                               arg::duration(d, ctx.world.texts)}});
    ctx.kernel.schedule_in(d, [&ctx, updates = std::move(updates)] {
        const std::size_t installed = ctx.routing.install(updates);
        ctx.log.push_back(make_record(ctx.now(), "route_convergence", arg::text("BGP", ctx.world.texts), Phase::done, std::nullopt, {},
                                      {"{} route change(s) installed", arg::count(installed)},
                                      {{Rule::RouteBgpConvergence, "BGP has converged on the change"}}));
    });
}

OpResult connect(OperationContext& ctx, const OperationSpec& op) { return set_connected(ctx, op, true); }
OpResult disconnect(OperationContext& ctx, const OperationSpec& op) { return set_connected(ctx, op, false); }
OpResult site_down(OperationContext& ctx, const OperationSpec& op) { return set_site_up(ctx, op, false); }
OpResult site_up(OperationContext& ctx, const OperationSpec& op) { return set_site_up(ctx, op, true); }
OpResult peering_location_down(OperationContext& ctx, const OperationSpec& op) { return set_peering_location_up(ctx, op, false); }
OpResult peering_location_up(OperationContext& ctx, const OperationSpec& op) { return set_peering_location_up(ctx, op, true); }

OpResult subnet_failover(OperationContext& ctx, const OperationSpec& op) {
    World& w = ctx.world;
    const Id network = w.network_id(op.subnet_network);
    const Id subnet = w.subnet_of(network, op.subnet);
    const Id to_site = w.site_id(op.to_site);
    OpResult r;
    if (subnet == kNone || to_site == kNone)
        return OpResult::refuse(Rule::SubnetFailover, interned(op.subnet_network + "/" + op.subnet + " or " + op.to_site + " does not exist (yet)", ctx.world.texts));
    const Ipv4Prefix prefix = w.subnets[subnet].prefix;
    if (ctx.routing.domain_of(subnet).size() > 1)
        return OpResult::refuse(Rule::StretchedSubnet, interned(op.subnet_network + "/" + op.subnet +
                                                           " is stretched: it is active at both sites and needs no subnet failover", ctx.world.texts),
                                {Rule::SubnetFailover});
    const std::vector<Id> members = paired_subnets(w, subnet);
    bool here = false;
    for (Id m : members) here = here || w.networks[w.subnets[m].network].site == to_site;
    if (!here && w.sites[to_site].kind == SiteKind::onprem)
        return OpResult::refuse(Rule::SubnetFailover, interned("no network at " + op.to_site + " holds " + prefix.to_string() +
                                                          " as a pair of " + op.subnet_network + "/" + op.subnet, ctx.world.texts));
    // VMs left behind: running on a member subnet that stops being active (SUBNET-PARTIAL).
    std::vector<std::string> left;
    std::string from;
    for (Id m : members) {
        const Id site = w.networks[w.subnets[m].network].site;
        if (site == to_site || w.sites[site].kind == SiteKind::azure || !ctx.routing.subnet_active(m)) continue;
        from = w.sites[site].name;
        std::vector<std::pair<std::uint32_t, std::string>> names;
        w.subnets[m].holders.for_each([&](std::uint32_t ip, HolderMap::Holder holder) {
            const Vm& vm = w.vms[holder.vm];
            const Instance& inst = vm.instance(static_cast<Slot>(holder.slot));
            if (inst.exists && static_cast<Slot>(holder.slot) == vm.active_slot()) names.emplace_back(ip, vm.name);
        });
        std::sort(names.begin(), names.end());  // by address: deterministic whatever the hash order
        for (auto& [ip, name] : names) left.push_back(std::move(name));
    }
    bool changed = false;
    for (Id m : members) changed = w.network.set_active_site(m, to_site, ctx.now(), Rule::SubnetFailover) || changed;
    r.detail = interned(prefix.to_string() + (changed ? " is active at " + op.to_site + " from now" : " is already active at " + op.to_site), ctx.world.texts);
    if (!changed) return r;
    r.decisions.push_back({Rule::SubnetFailover, interned(prefix.to_string() + " moved" + (from.empty() ? "" : " from " + from) + " to " +
                                                     op.to_site + "; routes everywhere must learn it", ctx.world.texts)});
    if (!left.empty()) {
        std::string names;
        const std::size_t shown = std::min<std::size_t>(left.size(), 20);
        for (std::size_t i = 0; i < shown; ++i) names += (i ? ", " : "") + left[i];
        if (left.size() > shown) names += " and " + std::to_string(left.size() - shown) + " more";
        r.decisions.push_back({Rule::SubnetPartial, interned(std::to_string(left.size()) + " VM(s) left behind at " + from +
                                                        " on a subnet no longer active there, unreachable: " + names, ctx.world.texts),
                               true});
    }
    routes_changed(ctx, ctx.routing.prefix_changed(prefix), r.decisions);
    if (ctx.routing.static_pending())
        r.decisions.push_back({Rule::RouteStaticUpdate, "static connections carry the move after the next update_routes"});
    return r;
}

OpResult update_routes(OperationContext& ctx, const OperationSpec&) {
    OpResult r;
    const std::size_t changed = ctx.routing.update_static_routes();
    r.detail = interned(std::to_string(changed) + " route change(s) installed on static connections", ctx.world.texts);
    r.decisions.push_back({Rule::RouteStaticUpdate, "static connections now carry the routes as they stand"});
    return r;
}

OpResult broadcast_storm(OperationContext& ctx, const OperationSpec& op) {
    World& w = ctx.world;
    const Id subnet = w.subnet_of(w.network_id(op.subnet_network), op.subnet);
    OpResult r;
    const std::vector<Id> domain = ctx.routing.domain_of(subnet);
    std::vector<Id> sites;
    std::size_t vms = 0;
    for (Id m : domain) {
        const Id site = w.networks[w.subnets[m].network].site;
        if (std::find(sites.begin(), sites.end(), site) == sites.end()) sites.push_back(site);
        w.subnets[m].holders.for_each([&](std::uint32_t, HolderMap::Holder holder) {
            vms += w.running(w.vms[holder.vm].instance(static_cast<Slot>(holder.slot))) ? 1 : 0;
        });
    }
    // Every VM on the domain changes: who reaches it is looked at again (now and when it ends).
    // Storms overlap: the domain is back only when the last one ends. True when the domain changed.
    auto set_storm = [](OperationContext& c, const std::vector<Id>& members, bool storming) {
        bool changed = false;
        for (Id m : members)
            if (c.world.network.set_storm(m, storming, c.now(), Rule::StretchedFaultDomain)) {
                c.world.touch_holders(m);
                changed = true;
            }
        return changed;
    };
    set_storm(ctx, domain, true);
    std::string where;
    for (Id s : sites) where += (where.empty() ? "" : ", ") + w.sites[s].name;
    r.detail = interned("broadcast storm on " + op.subnet_network + "/" + op.subnet +
               (op.duration ? " for " + engine::format_duration(*op.duration) : std::string{" until the end"}), ctx.world.texts);
    r.decisions.push_back({Rule::StretchedFaultDomain, interned("fault domain: " + std::to_string(vms) + " running VM(s) at " +
                                                           std::to_string(sites.size()) + " site(s) (" + where + ") off the network", ctx.world.texts),
                           true});
    if (op.duration) {
        ctx.kernel.schedule_in(*op.duration, [&ctx, domain, set_storm, target = op.subnet_network + "/" + op.subnet] {
            const bool back = set_storm(ctx, domain, false);
            ctx.log.push_back(make_record(ctx.now(), "broadcast_storm", arg::text(target, ctx.world.texts), Phase::done, std::nullopt, {}, "the storm is over",
                                          {{Rule::StretchedFaultDomain, back ? "the layer-2 domain is back on the network"
                                                                             : "another storm still holds the layer-2 domain off the network"}}));
        });
    }
    return r;
}

}  // namespace drsim
