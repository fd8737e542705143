#include "sim/routing/routing_state.hpp"

#include <algorithm>
#include <cassert>
#include <deque>

namespace drsim {

namespace {

bool is_peering(const Connection& c) { return c.kind == ConnectionKind::peering; }

// The kind of edge a route was last learned over, for ROUTE-PEERING-NON-TRANSITIVE.
enum class Via : std::uint8_t { origin, gateway, peering_no_transit, peering_transit };

Via via_of(const Connection& c) {
    if (!is_peering(c)) return Via::gateway;
    return c.gateway_transit ? Via::peering_transit : Via::peering_no_transit;
}

// May a route learned `via` pass on over `next`? A peering passes nothing on to another peering; it
// passes routes to or from a gateway connection only when it allows gateway transit.
bool passes_on(Via via, const Connection& next) {
    switch (via) {
        case Via::origin: return true;
        case Via::gateway: return !is_peering(next) || next.gateway_transit;
        case Via::peering_no_transit: return false;
        case Via::peering_transit: return !is_peering(next);
    }
    return false;
}

}  // namespace

RoutingState::RoutingState(const World& world) : world_(world) {
    // Routers: every site, then every circuit, then every Azure network.
    routers_.resize(world.sites.size() + world.circuits.size());
    local_.resize(routers_.size());
    networks_of_router_.resize(routers_.size());
    // Stretched domains (STRETCHED-SUBNET): a stretched subnet and the subnets with its prefix in
    // networks at the site it is stretched to are one layer-2 domain, one place.
    for (Id s = 0; s < world.subnets.size(); ++s) {
        const Subnet& subnet = world.subnets[s];
        if (subnet.stretched_to == kNone) continue;
        std::vector<Id> members{s};
        for (Id n = 0; n < world.networks.size(); ++n) {
            if (world.networks[n].site != subnet.stretched_to) continue;
            for (Id other : world.networks[n].subnets)
                if (world.subnets[other].prefix == subnet.prefix) members.push_back(other);
        }
        for (Id m : members) domain_place_.emplace(m, subnet.network);
        for (Id m : members) domain_members_[m] = members;
    }
    const std::size_t connections = world.connections.size();
    desired_.resize(connections);
    installed_.resize(connections);
    carrying_.assign(connections, false);
    epochs_.assign(connections, 0);
    add_networks();
    topology_changed();
    converge_all();
}

void RoutingState::add_networks() {
    for (Id n = static_cast<Id>(networks_seen_); n < world_.networks.size(); ++n) {
        const Id site = world_.networks[n].site;
        if (world_.sites[site].kind == SiteKind::azure) {
            azure_network_router_.emplace(n, static_cast<Id>(routers_.size()));
            routers_.emplace_back();
            local_.emplace_back();
            networks_of_router_.push_back({n});
        } else {
            networks_of_router_[site].push_back(n);
        }
        for (Id s : world_.networks[n].subnets) subnets_by_prefix_[prefix_key(world_.subnets[s].prefix)].push_back(s);
    }
    const std::size_t first_new = networks_seen_;
    networks_seen_ = world_.networks.size();
    // A new network's own routes are local at once (it has no connection to carry them further).
    for (Id n = static_cast<Id>(first_new); n < networks_seen_; ++n) {
        const Id r = router_of_network(n);
        set_local(r, local_entries(r, nullptr), nullptr);
    }
}

Id RoutingState::router_of_network(Id network) const {
    const Network& n = world_.networks[network];
    if (world_.sites[n.site].kind == SiteKind::onprem) return n.site;
    auto it = azure_network_router_.find(network);
    return it == azure_network_router_.end() ? kNone : it->second;
}

Id RoutingState::router_of_vertex(TopologyVertex v) const {
    const VertexProps& p = world_.topology.graph()[v];
    switch (p.kind) {
        case VertexKind::site: return p.entity;
        case VertexKind::network: return router_of_network(p.entity);
        case VertexKind::circuit: return static_cast<Id>(world_.sites.size() + p.entity);
        case VertexKind::subnet: return router_of_network(world_.subnets[p.entity].network);
    }
    return kNone;
}

bool RoutingState::router_up(Id router) const {
    if (router < world_.sites.size()) return world_.site_up(router);
    if (router < world_.sites.size() + world_.circuits.size()) {
        const Circuit& c = world_.circuits[router - world_.sites.size()];
        return world_.network.peering_location_up(c.peering_location);
    }
    return world_.site_up(world_.networks[networks_of_router_[router].front()].site);
}

std::string RoutingState::router_name(Id router) const {
    if (router < world_.sites.size()) return world_.sites[router].name;
    if (router < world_.sites.size() + world_.circuits.size()) return world_.circuits[router - world_.sites.size()].name;
    return world_.networks[networks_of_router_[router].front()].name;
}

bool RoutingState::subnet_active(Id subnet) const {
    const Subnet& s = world_.subnets[subnet];
    const Network& n = world_.networks[s.network];
    if (world_.sites[n.site].kind == SiteKind::azure) return true;  // Azure has no standby subnet
    if (domain_place_.contains(subnet)) return true;                  // stretched: active at both sites
    return world_.network.active_site(subnet) == n.site;
}

Id RoutingState::place_of(Id subnet) const {
    auto it = domain_place_.find(subnet);
    return it != domain_place_.end() ? it->second : world_.subnets[subnet].network;
}

std::vector<Id> RoutingState::domain_of(Id subnet) const {
    auto it = domain_members_.find(subnet);
    return it != domain_members_.end() ? it->second : std::vector<Id>{subnet};
}

std::vector<std::pair<Ipv4Prefix, Id>> RoutingState::local_entries(Id router, const Ipv4Prefix* only) const {
    std::vector<std::pair<Ipv4Prefix, Id>> out;
    auto add_network = [&](Id n) {
        for (Id s : world_.networks[n].subnets) {
            const Subnet& subnet = world_.subnets[s];
            if (only && subnet.prefix != *only) continue;
            if (subnet_active(s)) out.emplace_back(subnet.prefix, place_of(s));
        }
    };
    // An on-premises site routes between its networks. An Azure region is a transit router with no
    // network of its own; a client placed at it reaches the region's networks (see probe).
    for (Id n : networks_of_router_[router]) add_network(n);
    return out;
}

void RoutingState::set_local(Id router, const std::vector<std::pair<Ipv4Prefix, Id>>& entries, const Ipv4Prefix* only) {
    if (router == kNone) return;
    Router& r = routers_[router];
    auto& local = local_[router];
    for (auto it = local.begin(); it != local.end();) {
        if (only && it->first != *only) {
            ++it;
            continue;
        }
        const Key key{it->first.network().value(), static_cast<std::uint8_t>(it->first.length()), it->second};
        r.table.remove(it->first, it->second);
        auto& hops = r.hops[key];
        std::erase_if(hops, [](const NextHop& h) { return h.connection == kNone; });
        if (hops.empty()) r.hops.erase(key);
        it = local.erase(it);
    }
    for (const auto& [prefix, place] : entries) {
        const Key key{prefix.network().value(), static_cast<std::uint8_t>(prefix.length()), place};
        r.table.add(prefix, place);
        r.hops[key].push_back(NextHop{kNone, 0});
        local.emplace_back(prefix, place);
    }
}

void RoutingState::compute_paths() {
    const std::size_t n = routers_.size();
    paths_.assign(n, std::vector<NextHop>(n, NextHop{kNone, 0}));
    // Adjacency over connections that carry now.
    std::vector<std::vector<std::pair<Id, Id>>> adjacent(n);  // router -> (connection, other router)
    for (Id c = 0; c < world_.connections.size(); ++c) {
        if (!carrying_[c]) continue;
        const Connection& conn = world_.connections[c];
        const Id a = router_of_vertex(conn.ends[0]), b = router_of_vertex(conn.ends[1]);
        if (a == kNone || b == kNone || a == b) continue;
        adjacent[a].emplace_back(c, b);
        adjacent[b].emplace_back(c, a);
    }
    // Per origin, a breadth-first search over (router, how the route arrived): the shortest path
    // by hops, ties to the lower connection index (adjacency is in connection order).
    for (Id origin = 0; origin < n; ++origin) {
        if (!router_up(origin)) continue;
        std::vector<std::array<bool, 4>> seen(n, {false, false, false, false});
        std::deque<std::tuple<Id, Via, std::uint16_t>> queue;
        queue.emplace_back(origin, Via::origin, 0);
        seen[origin][static_cast<int>(Via::origin)] = true;
        std::vector<bool> learned(n, false);
        learned[origin] = true;
        while (!queue.empty()) {
            auto [router, via, hops] = queue.front();
            queue.pop_front();
            for (auto [c, next] : adjacent[router]) {
                const Connection& conn = world_.connections[c];
                if (!passes_on(via, conn) || !router_up(next)) continue;
                const Via next_via = via_of(conn);
                if (!learned[next]) {
                    learned[next] = true;
                    paths_[origin][next] = NextHop{c, static_cast<std::uint16_t>(hops + 1)};
                }
                if (seen[next][static_cast<int>(next_via)]) continue;
                seen[next][static_cast<int>(next_via)] = true;
                queue.emplace_back(next, next_via, static_cast<std::uint16_t>(hops + 1));
            }
        }
    }
}

std::vector<std::array<RoutingState::View, 2>> RoutingState::wanted_views(const Ipv4Prefix* only) const {
    std::vector<std::array<View, 2>> wanted(world_.connections.size());
    const std::size_t n = routers_.size();
    auto want = [&](Id origin, Ipv4Prefix prefix, Id place) {
        const Key key{prefix.network().value(), static_cast<std::uint8_t>(prefix.length()), place};
        for (Id r = 0; r < n; ++r) {
            const NextHop& h = paths_[origin][r];
            if (h.connection == kNone) continue;
            const Connection& conn = world_.connections[h.connection];
            const std::uint8_t end = router_of_vertex(conn.ends[0]) == r ? 0 : 1;
            auto [it, inserted] = wanted[h.connection][end].emplace(key, h.hops);
            if (!inserted) it->second = std::min(it->second, h.hops);
        }
    };
    if (only) {
        auto it = subnets_by_prefix_.find(prefix_key(*only));
        if (it == subnets_by_prefix_.end()) return wanted;
        for (Id s : it->second) {
            const Id router = router_of_network(world_.subnets[s].network);
            if (router == kNone || !subnet_active(s) || !router_up(router)) continue;
            want(router, *only, place_of(s));
        }
        return wanted;
    }
    for (Id r = 0; r < n; ++r) {
        if (!router_up(r)) continue;
        for (const auto& [prefix, place] : local_entries(r, nullptr)) want(r, prefix, place);
    }
    return wanted;
}

std::vector<RouteUpdate> RoutingState::diff_desired(const std::vector<std::array<View, 2>>& wanted, const Ipv4Prefix* only) {
    std::vector<RouteUpdate> bgp;
    auto matches = [&](const Key& k) {
        return !only || (k.network == only->network().value() && k.length == only->length());
    };
    for (Id c = 0; c < world_.connections.size(); ++c) {
        const bool static_routes = world_.connections[c].routing == Routing::static_routes;
        for (std::uint8_t end = 0; end < 2; ++end) {
            View& desired = desired_[c][end];
            const View& want = wanted[c][end];
            std::vector<RouteUpdate> changes;
            for (auto it = desired.begin(); it != desired.end();) {
                if (!matches(it->first) || want.contains(it->first)) {
                    ++it;
                    continue;
                }
                changes.push_back(RouteUpdate{c, end, Ipv4Prefix(Ipv4Address{it->first.network}, it->first.length),
                                              it->first.place, it->second, false, epochs_[c]});
                it = desired.erase(it);
            }
            for (const auto& [key, hops] : want) {
                auto it = desired.find(key);
                if (it != desired.end() && it->second == hops) continue;
                desired[key] = hops;
                changes.push_back(RouteUpdate{c, end, Ipv4Prefix(Ipv4Address{key.network}, key.length), key.place, hops, true,
                                              epochs_[c]});
            }
            if (!static_routes) bgp.insert(bgp.end(), changes.begin(), changes.end());
            else static_pending_ = static_pending_ || !changes.empty();
        }
    }
    // Deterministic order whatever the hash maps' order: by connection, end, prefix, place.
    std::sort(bgp.begin(), bgp.end(), [](const RouteUpdate& a, const RouteUpdate& b) {
        return std::tie(a.connection, a.toward, a.prefix, a.place, a.add) < std::tie(b.connection, b.toward, b.prefix, b.place, b.add);
    });
    return bgp;
}

void RoutingState::stop_carrying(Id c) {
    for (std::uint8_t end = 0; end < 2; ++end) {
        std::vector<RouteUpdate> removals;
        for (const auto& [key, hops] : installed_[c][end])
            removals.push_back(RouteUpdate{c, end, Ipv4Prefix(Ipv4Address{key.network}, key.length), key.place, hops, false, epochs_[c]});
        for (const auto& u : removals) apply(u);
        desired_[c][end].clear();
    }
    ++epochs_[c];
}

std::vector<RouteUpdate> RoutingState::topology_changed() {
    add_networks();
    for (Id c = 0; c < world_.connections.size(); ++c) {
        const Connection& conn = world_.connections[c];
        const Id a = router_of_vertex(conn.ends[0]), b = router_of_vertex(conn.ends[1]);
        const bool carries = world_.edge_up(conn.edge) && a != kNone && b != kNone && router_up(a) && router_up(b);
        if (carrying_[c] && !carries) stop_carrying(c);
        carrying_[c] = carries;
    }
    // A router that went down holds no routes of its own; one back up advertises again.
    for (Id r = 0; r < routers_.size(); ++r) set_local(r, router_up(r) ? local_entries(r, nullptr) : Entries{}, nullptr);
    compute_paths();
    return diff_desired(wanted_views(nullptr), nullptr);
}

std::vector<RouteUpdate> RoutingState::prefix_changed(Ipv4Prefix prefix) {
    add_networks();
    auto it = subnets_by_prefix_.find(prefix_key(prefix));
    if (it != subnets_by_prefix_.end()) {
        std::vector<Id> routers;
        for (Id s : it->second) routers.push_back(router_of_network(world_.subnets[s].network));
        std::sort(routers.begin(), routers.end());
        routers.erase(std::unique(routers.begin(), routers.end()), routers.end());
        for (Id r : routers)
            if (r != kNone) set_local(r, router_up(r) ? local_entries(r, &prefix) : Entries{}, &prefix);
    }
    return diff_desired(wanted_views(&prefix), &prefix);
}

void RoutingState::apply(const RouteUpdate& u) {
    const Connection& conn = world_.connections[u.connection];
    const Id router = router_of_vertex(conn.ends[u.toward]);
    Router& r = routers_[router];
    View& installed = installed_[u.connection][u.toward];
    const Key key{u.prefix.network().value(), static_cast<std::uint8_t>(u.prefix.length()), u.place};
    auto it = installed.find(key);
    if (u.add) {
        if (it != installed.end()) {
            it->second = u.hops;
            for (auto& h : r.hops[key])
                if (h.connection == u.connection) h.hops = u.hops;
            return;
        }
        installed.emplace(key, u.hops);
        r.table.add(u.prefix, u.place);
        r.hops[key].push_back(NextHop{u.connection, u.hops});
        return;
    }
    if (it == installed.end()) return;
    installed.erase(it);
    r.table.remove(u.prefix, u.place);
    auto& hops = r.hops[key];
    std::erase_if(hops, [&](const NextHop& h) { return h.connection == u.connection; });
    if (hops.empty()) r.hops.erase(key);
}

std::size_t RoutingState::install(const std::vector<RouteUpdate>& updates) {
    std::size_t applied = 0;
    for (const auto& u : updates) {
        if (u.epoch != epochs_[u.connection] || !carrying_[u.connection]) continue;  // stopped carrying since
        apply(u);
        ++applied;
    }
    return applied;
}

std::size_t RoutingState::sync_installed(Id c, std::uint8_t end, const Ipv4Prefix* only) {
    std::vector<RouteUpdate> changes;
    const View& desired = desired_[c][end];
    auto matches = [&](const Key& k) { return !only || (k.network == only->network().value() && k.length == only->length()); };
    for (const auto& [key, hops] : installed_[c][end])
        if (matches(key) && !desired.contains(key))
            changes.push_back(RouteUpdate{c, end, Ipv4Prefix(Ipv4Address{key.network}, key.length), key.place, hops, false, epochs_[c]});
    for (const auto& [key, hops] : desired) {
        if (!matches(key)) continue;
        auto it = installed_[c][end].find(key);
        if (it == installed_[c][end].end() || it->second != hops)
            changes.push_back(RouteUpdate{c, end, Ipv4Prefix(Ipv4Address{key.network}, key.length), key.place, hops, true, epochs_[c]});
    }
    for (const auto& u : changes) apply(u);
    return changes.size();
}

std::size_t RoutingState::update_static_routes(const Ipv4Prefix* only) {
    if (!only) static_pending_ = false;
    std::size_t changed = 0;
    for (Id c = 0; c < world_.connections.size(); ++c)
        if (world_.connections[c].routing == Routing::static_routes && carrying_[c])
            for (std::uint8_t end = 0; end < 2; ++end) changed += sync_installed(c, end, only);
    return changed;
}

std::size_t RoutingState::converge_all() {
    std::size_t changed = 0;
    for (Id c = 0; c < world_.connections.size(); ++c)
        if (carrying_[c])
            for (std::uint8_t end = 0; end < 2; ++end) changed += sync_installed(c, end);
    return changed;
}

ProbeResult RoutingState::probe_from_client(Id client, Ipv4Address to) const {
    const Id site = world_.clients[client].site;
    return probe(site, to, world_.clients[client].name + " at " + world_.sites[site].name);
}

ProbeResult RoutingState::probe_from_network(Id network, Ipv4Address to) const {
    const Id router = router_of_network(network);
    if (router == kNone) {  // a network added at run time and not yet known: its own addresses only
        ProbeResult r;
        r.path = world_.networks[network].name;
        return deliver(network, to, r);
    }
    return probe(router, to, world_.networks[network].name);
}

ProbeResult RoutingState::probe(Id start, Ipv4Address to, std::string start_text) const {
    ProbeResult result;
    result.path = std::move(start_text);
    const std::string address = to.to_string();
    auto fail = [&](Rule rule, std::string why) {
        result.reached = false;
        result.rule = rule;
        result.why = std::move(why);
        return result;
    };
    // A client at an Azure region reaches the region's networks (it stands for a workload there).
    if (start < world_.sites.size() && world_.sites[start].kind == SiteKind::azure) {
        if (!world_.site_up(start)) return fail(Rule::SiteDown, world_.sites[start].name + " is down");
        for (Id n = 0; n < world_.networks.size(); ++n)
            if (world_.networks[n].site == start && world_.subnet_holding(n, to) != kNone) return deliver(n, to, result);
    }
    std::vector<bool> visited(routers_.size(), false);
    Id router = start;
    const Connection* arrived_over = nullptr;
    Via via = Via::origin;
    while (true) {
        if (!router_up(router)) return fail(Rule::SiteDown, router_name(router) + " is down");
        if (visited[router]) return fail(Rule::RouteNone, "routing loop at " + router_name(router) + " for " + address);
        visited[router] = true;
        const Router& r = routers_[router];
        auto match = r.table.lookup(to);
        if (!match) return fail(Rule::RouteNone, router_name(router) + " has no route to " + address);
        // A prefix active in one of this router's own networks is delivered there: a connected
        // route wins over learned ones, as on any router.
        for (Id p : match->targets) {
            const Key key{match->prefix.network().value(), static_cast<std::uint8_t>(match->prefix.length()), p};
            for (const auto& h : r.hops.at(key))
                if (h.connection == kNone) return deliver(p, to, result);
        }
        if (match->targets.size() > 1) {
            std::string places;
            for (Id p : match->targets) places += (places.empty() ? "" : " and ") + world_.networks[p].name;
            return fail(Rule::RouteConflict, router_name(router) + ": " + match->prefix.to_string() + " leads to " + places +
                                                 " (two live routes of equal length to different places)");
        }
        const Id place = match->targets.front();
        const Key key{match->prefix.network().value(), static_cast<std::uint8_t>(match->prefix.length()), place};
        const auto& hops = r.hops.at(key);
        // Local first (the place is one of this router's networks), else the fewest hops, then the
        // lower connection index.
        const NextHop* best = nullptr;
        for (const auto& h : hops) {
            if (h.connection == kNone) {
                best = &h;
                break;
            }
            if (!best || std::tie(h.hops, h.connection) < std::tie(best->hops, best->connection)) best = &h;
        }
        assert(best);
        if (best->connection == kNone) return deliver(place, to, result);
        const Connection& conn = world_.connections[best->connection];
        if (arrived_over && !passes_on(via, conn))
            return fail(Rule::RoutePeeringNonTransitive, "peering " + (is_peering(*arrived_over) ? arrived_over->name : conn.name) +
                                                             " does not carry traffic onward from " + router_name(router));
        if (!world_.edge_up(conn.edge)) return fail(Rule::ConnectionState, conn.name + " is down");
        const Id a = router_of_vertex(conn.ends[0]);
        const Id next = a == router ? router_of_vertex(conn.ends[1]) : a;
        result.path += " -> " + conn.name + " -> " + router_name(next);
        arrived_over = &conn;
        via = via_of(conn);
        router = next;
    }
}

ProbeResult RoutingState::deliver(Id network, Ipv4Address to, ProbeResult result) const {
    const std::string address = to.to_string();
    const Id subnet = world_.subnet_holding(network, to);
    if (subnet == kNone) {
        result.rule = Rule::AddrNotHeld;
        result.why = world_.networks[network].name + " has no subnet holding " + address;
        return result;
    }
    const std::vector<Id> domain = domain_of(subnet);
    for (Id member : domain)
        if (world_.network.storm(member)) {
            result.rule = Rule::StretchedFaultDomain;
            result.why = "a broadcast storm on the layer-2 domain of " + world_.subnets[subnet].prefix.to_string() +
                         " takes every VM on it off the network";
            return result;
        }
    std::string down;
    for (Id member : domain) {
        auto holder = world_.holder(member, to);
        if (!holder) continue;
        const Vm& vm = world_.vms[holder->first];
        const Instance& inst = vm.instance(holder->second);
        const Subnet& s = world_.subnets[member];
        if (!world_.running(inst)) {
            down = vm.name + " holds " + address + " on " + world_.networks[s.network].name + " but is not running";
            continue;
        }
        result.reached = true;
        result.vm = holder->first;
        result.path += " -> " + world_.networks[s.network].name + "/" + s.name + " " + address + " (" + vm.name + ")";
        result.why = address + " is held by " + vm.name + " running on " + world_.networks[s.network].name;
        return result;
    }
    result.rule = Rule::AddrNotHeld;
    result.why = !down.empty() ? down : "no running instance holds " + address + " on " + world_.networks[network].name;
    return result;
}

std::vector<std::pair<Route, Id>> RoutingState::routes_of_client(Id client) const {
    std::vector<std::pair<Route, Id>> out;
    const Router& r = routers_[world_.clients[client].site];
    for (const Route& route : r.table.routes()) {
        const Key key{route.prefix.network().value(), static_cast<std::uint8_t>(route.prefix.length()), route.target};
        Id via = kNone;
        for (const auto& h : r.hops.at(key)) via = h.connection == kNone ? kNone : (via == kNone ? h.connection : std::min(via, h.connection));
        out.emplace_back(route, via);
    }
    return out;
}

}  // namespace drsim
