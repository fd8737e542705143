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

// The keys of two maps, each once, ascending (a deterministic order to walk both in).
template <typename A, typename B>
std::vector<std::uint64_t> keys_of_both(const A& a, const B& b) {
    std::vector<std::uint64_t> keys;
    keys.reserve(a.size() + b.size());
    for (const auto& entry : a) keys.push_back(entry.first);
    for (const auto& entry : b) keys.push_back(entry.first);
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    return keys;
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
    installed_.resize(connections);
    carrying_.assign(connections, false);
    epochs_.assign(connections, 0);
    add_networks();
    topology_changed();
    initially_carrying_ = carrying_;
}

void RoutingState::start() {
    if (!starting_) return;
    starting_ = false;
    desired_ = wanted_views(nullptr);
    sync_where([&](Id c) {
        return carrying_[c] && (world_.connections[c].routing != Routing::static_routes || initially_carrying_[c]);
    });
    route_changes_ = 0;  // the design, not a change
    static_pending_ = false;
    all_dirty_ = true;
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
        refresh_local(r, nullptr);
    }
    // New routers: the paths between routers cover them too (they are reached by none).
    if (paths_.size() != routers_.size() && !paths_.empty()) compute_paths();
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

RoutingState::Local RoutingState::local_entries(Id router, const Ipv4Prefix* only) const {
    Local out;
    if (router == kNone || !router_up(router)) return out;
    auto add = [&](Id s) {
        if (!subnet_active(s)) return;
        auto& places = out[prefix_key(world_.subnets[s].prefix)];
        const Id place = place_of(s);
        if (std::find(places.begin(), places.end(), place) == places.end()) places.push_back(place);
    };
    if (only) {
        // One prefix: the subnets that have it, on this router's networks.
        auto it = subnets_by_prefix_.find(prefix_key(*only));
        if (it != subnets_by_prefix_.end())
            for (Id s : it->second)
                if (router_of_network(world_.subnets[s].network) == router) add(s);
        return out;
    }
    // An on-premises site routes between its networks. An Azure region is a transit router with no
    // network of its own; a client placed at it reaches the region's networks (see probe).
    for (Id n : networks_of_router_[router])
        for (Id s : world_.networks[n].subnets) add(s);
    return out;
}

void RoutingState::refresh_local(Id router, const Ipv4Prefix* only) {
    if (router == kNone) return;
    Router& r = routers_[router];
    Local& local = local_[router];
    Local wanted = local_entries(router, only);
    auto drop = [&](std::uint64_t prefix, Id place) {
        const Key key{prefix, place};
        r.table.remove(prefix_of(prefix), place);
        auto it = r.hops.find(key);
        std::erase_if(it->second, [](const NextHop& h) { return h.connection == kNone; });
        if (it->second.empty()) r.hops.erase(it);
    };
    auto add = [&](std::uint64_t prefix, Id place) {
        r.table.add(prefix_of(prefix), place);
        r.hops[Key{prefix, place}].push_back(NextHop{kNone, 0});
    };
    auto replace = [&](std::uint64_t prefix) {
        auto have = local.find(prefix);
        auto want = wanted.find(prefix);
        const std::vector<Id> none;
        const std::vector<Id>& from = have == local.end() ? none : have->second;
        const std::vector<Id>& to = want == wanted.end() ? none : want->second;
        if (from == to) return;
        for (Id p : from)
            if (std::find(to.begin(), to.end(), p) == to.end()) drop(prefix, p);
        for (Id p : to)
            if (std::find(from.begin(), from.end(), p) == from.end()) add(prefix, p);
        if (to.empty()) local.erase(prefix);
        else local[prefix] = to;
        mark_dirty(prefix);
    };
    if (only) {
        replace(prefix_key(*only));
        return;
    }
    for (std::uint64_t prefix : keys_of_both(local, wanted)) replace(prefix);
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

RoutingState::Desired RoutingState::wanted_views(const Ipv4Prefix* only) const {
    Desired wanted;
    const std::size_t n = routers_.size();
    auto want = [&](Id origin, std::uint64_t prefix, Id place) {
        auto& carried = wanted[prefix];
        for (Id r = 0; r < n; ++r) {
            const NextHop& h = paths_[origin][r];
            if (h.connection == kNone) continue;
            const Connection& conn = world_.connections[h.connection];
            const std::uint8_t end = router_of_vertex(conn.ends[0]) == r ? 0 : 1;
            auto it = std::find_if(carried.begin(), carried.end(),
                                   [&](const Carried& c) { return c.connection == h.connection && c.end == end; });
            if (it == carried.end()) it = carried.insert(carried.end(), Carried{h.connection, end, {}});
            auto p = std::find_if(it->places.begin(), it->places.end(), [&](const PlaceHops& x) { return x.place == place; });
            if (p == it->places.end()) it->places.push_back(PlaceHops{place, h.hops});
            else p->hops = std::min(p->hops, h.hops);
        }
    };
    // The routers that originate: for one prefix, those of the subnets that have it (not a pass over
    // every router); otherwise all.
    std::vector<Id> origins;
    if (only) origins = routers_holding(*only);
    else
        for (Id r = 0; r < n; ++r) origins.push_back(r);
    for (Id r : origins)
        for (const auto& [prefix, places] : local_entries(r, only))
            for (Id place : places) want(r, prefix, place);
    for (auto& [prefix, carried] : wanted) {
        std::sort(carried.begin(), carried.end(),
                  [](const Carried& a, const Carried& b) { return std::tie(a.connection, a.end) < std::tie(b.connection, b.end); });
        for (auto& c : carried)
            std::sort(c.places.begin(), c.places.end(), [](const PlaceHops& a, const PlaceHops& b) { return a.place < b.place; });
    }
    return wanted;
}

const std::vector<RoutingState::PlaceHops>* RoutingState::desired_places(Id connection, std::uint8_t end, std::uint64_t prefix) const {
    auto it = desired_.find(prefix);
    if (it == desired_.end()) return nullptr;
    auto c = std::lower_bound(it->second.begin(), it->second.end(), std::pair<Id, std::uint8_t>{connection, end},
                              [](const Carried& x, const std::pair<Id, std::uint8_t>& k) { return std::tie(x.connection, x.end) < std::tie(k.first, k.second); });
    if (c == it->second.end() || c->connection != connection || c->end != end) return nullptr;
    return &c->places;
}

void RoutingState::diff_prefix(Id c, std::uint8_t end, std::uint64_t prefix, const std::vector<PlaceHops>* from,
                               const std::vector<PlaceHops>* to, std::vector<RouteUpdate>& out) const {
    const Ipv4Prefix p = prefix_of(prefix);
    if (from)
        for (const auto& ph : *from)
            if (!to || std::none_of(to->begin(), to->end(), [&](const PlaceHops& x) { return x.place == ph.place; }))
                out.push_back(RouteUpdate{c, end, p, ph.place, ph.hops, false, epochs_[c]});
    if (to)
        for (const auto& ph : *to)
            if (!from || std::find(from->begin(), from->end(), ph) == from->end())
                out.push_back(RouteUpdate{c, end, p, ph.place, ph.hops, true, epochs_[c]});
}

std::vector<RouteUpdate> RoutingState::diff_desired(Desired wanted, const Ipv4Prefix* only) {
    std::vector<RouteUpdate> changes;
    // Merges the (connection, end) lists of one prefix, old and new, emitting the differences.
    auto settle = [&](std::uint64_t prefix) {
        auto d = desired_.find(prefix);
        auto w = wanted.find(prefix);
        static const std::vector<Carried> none;
        const std::vector<Carried>& from = d == desired_.end() ? none : d->second;
        const std::vector<Carried>& to = w == wanted.end() ? none : w->second;
        if (from == to) return;
        std::size_t i = 0, j = 0;
        while (i < from.size() || j < to.size()) {
            const bool take_from = j == to.size() || (i < from.size() && std::tie(from[i].connection, from[i].end) <
                                                                             std::tie(to[j].connection, to[j].end));
            const bool take_to = i == from.size() || (j < to.size() && std::tie(to[j].connection, to[j].end) <
                                                                           std::tie(from[i].connection, from[i].end));
            if (take_from) {
                diff_prefix(from[i].connection, from[i].end, prefix, &from[i].places, nullptr, changes);
                ++i;
            } else if (take_to) {
                diff_prefix(to[j].connection, to[j].end, prefix, nullptr, &to[j].places, changes);
                ++j;
            } else {
                if (from[i].places != to[j].places) diff_prefix(to[j].connection, to[j].end, prefix, &from[i].places, &to[j].places, changes);
                ++i;
                ++j;
            }
        }
        if (w == wanted.end()) desired_.erase(d);
        else desired_[prefix] = std::move(w->second);
    };
    if (only) {
        settle(prefix_key(*only));
    } else {
        for (std::uint64_t prefix : keys_of_both(desired_, wanted)) settle(prefix);
    }
    // BGP connections install after convergence; static ones wait for update_routes.
    std::vector<RouteUpdate> bgp;
    bgp.reserve(changes.size());
    for (auto& u : changes) {
        if (world_.connections[u.connection].routing == Routing::static_routes) static_pending_ = true;
        else bgp.push_back(std::move(u));
    }
    return bgp;
}

void RoutingState::stop_carrying(Id c) {
    for (std::uint8_t end = 0; end < 2; ++end) {
        std::vector<RouteUpdate> removals;
        for (const auto& [prefix, places] : installed_[c][end]) diff_prefix(c, end, prefix, &places, nullptr, removals);
        for (const auto& u : removals) apply(u);
    }
    // Its desired views are dropped by the recomputation that follows (topology_changed).
    ++epochs_[c];
}

std::vector<RouteUpdate> RoutingState::topology_changed() {
    add_networks();
    all_dirty_ = true;
    dirty_.clear();
    for (Id c = 0; c < world_.connections.size(); ++c) {
        const Connection& conn = world_.connections[c];
        const Id a = router_of_vertex(conn.ends[0]), b = router_of_vertex(conn.ends[1]);
        const bool carries = world_.edge_up(conn.edge) && a != kNone && b != kNone && router_up(a) && router_up(b);
        if (carrying_[c] && !carries) stop_carrying(c);
        carrying_[c] = carries;
    }
    // A router that went down holds no routes of its own; one back up advertises again.
    for (Id r = 0; r < routers_.size(); ++r) refresh_local(r, nullptr);
    compute_paths();
    if (starting_) return {};  // start() computes what is desired, once
    return diff_desired(wanted_views(nullptr), nullptr);
}

std::vector<RouteUpdate> RoutingState::prefix_changed(Ipv4Prefix prefix) {
    add_networks();
    mark_dirty(prefix_key(prefix));
    for (Id r : routers_holding(prefix)) refresh_local(r, &prefix);
    if (starting_) return {};  // start() computes what is desired, once
    return diff_desired(wanted_views(&prefix), &prefix);
}

std::vector<Id> RoutingState::routers_holding(Ipv4Prefix prefix) const {
    std::vector<Id> routers;
    if (auto it = subnets_by_prefix_.find(prefix_key(prefix)); it != subnets_by_prefix_.end())
        for (Id s : it->second)
            if (const Id r = router_of_network(world_.subnets[s].network); r != kNone) routers.push_back(r);
    std::sort(routers.begin(), routers.end());
    routers.erase(std::unique(routers.begin(), routers.end()), routers.end());
    return routers;
}

void RoutingState::prefix_changed_now(Ipv4Prefix prefix) {
    install(prefix_changed(prefix));
    update_static_routes(&prefix);
}

std::vector<std::uint64_t> RoutingState::take_dirty(bool& all) {
    all = all_dirty_;
    all_dirty_ = false;
    std::vector<std::uint64_t> out = std::move(dirty_);
    dirty_.clear();
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

void RoutingState::apply(const RouteUpdate& u) {
    const Connection& conn = world_.connections[u.connection];
    const Id router = router_of_vertex(conn.ends[u.toward]);
    Router& r = routers_[router];
    const std::uint64_t prefix = prefix_key(u.prefix);
    auto& places = installed_[u.connection][u.toward][prefix];
    auto it = std::find_if(places.begin(), places.end(), [&](const PlaceHops& p) { return p.place == u.place; });
    const Key key{prefix, u.place};
    mark_dirty(prefix);
    if (u.add) {
        if (it != places.end()) {
            it->hops = u.hops;
            for (auto& h : r.hops[key])
                if (h.connection == u.connection) h.hops = u.hops;
            return;
        }
        places.insert(std::upper_bound(places.begin(), places.end(), u.place,
                                       [](Id p, const PlaceHops& x) { return p < x.place; }),
                      PlaceHops{u.place, u.hops});
        r.table.add(u.prefix, u.place);
        r.hops[key].push_back(NextHop{u.connection, u.hops});
        ++route_changes_;
        return;
    }
    if (it == places.end()) {
        if (places.empty()) installed_[u.connection][u.toward].erase(prefix);
        return;
    }
    places.erase(it);
    if (places.empty()) installed_[u.connection][u.toward].erase(prefix);
    r.table.remove(u.prefix, u.place);
    ++route_changes_;
    auto hops = r.hops.find(key);
    std::erase_if(hops->second, [&](const NextHop& h) { return h.connection == u.connection; });
    if (hops->second.empty()) r.hops.erase(hops);
}

std::size_t RoutingState::install(const std::vector<RouteUpdate>& updates) {
    if (starting_) return 0;  // start() installs what is desired then
    std::size_t applied = 0;
    for (const auto& u : updates) {
        if (u.epoch != epochs_[u.connection] || !carrying_[u.connection]) continue;  // stopped carrying since
        apply(u);
        ++applied;
    }
    return applied;
}

std::size_t RoutingState::sync_installed(Id c, std::uint8_t end, Ipv4Prefix prefix) {
    std::vector<RouteUpdate> changes;
    const View& installed = installed_[c][end];
    const std::uint64_t key = prefix_key(prefix);
    auto i = installed.find(key);
    diff_prefix(c, end, key, i == installed.end() ? nullptr : &i->second, desired_places(c, end, key), changes);
    for (const auto& u : changes) apply(u);
    return changes.size();
}

std::size_t RoutingState::update_static_routes(const Ipv4Prefix* only) {
    if (starting_) {
        // Before the start is installed: the static connections carrying now start with their routes.
        if (!only)
            for (Id c = 0; c < world_.connections.size(); ++c)
                if (carrying_[c]) initially_carrying_[c] = true;
        return 0;
    }
    if (only) {
        std::size_t changed = 0;
        for (Id c = 0; c < world_.connections.size(); ++c)
            if (world_.connections[c].routing == Routing::static_routes && carrying_[c])
                for (std::uint8_t end = 0; end < 2; ++end) changed += sync_installed(c, end, *only);
        return changed;
    }
    static_pending_ = false;
    return sync_all(true);
}

std::size_t RoutingState::sync_all(bool static_only) {
    return sync_where([&](Id c) {
        return carrying_[c] && (!static_only || world_.connections[c].routing == Routing::static_routes);
    });
}

template <typename Included>
std::size_t RoutingState::sync_where(Included included) {
    std::vector<RouteUpdate> changes;
    // What should be carried and is not (or differently): one pass over the desired views.
    for (const auto& [prefix, carried] : desired_)
        for (const Carried& c : carried) {
            if (!included(c.connection)) continue;
            const View& installed = installed_[c.connection][c.end];
            auto i = installed.find(prefix);
            const std::vector<PlaceHops>* from = i == installed.end() ? nullptr : &i->second;
            if (!from || *from != c.places) diff_prefix(c.connection, c.end, prefix, from, &c.places, changes);
        }
    // What is carried and should not be at all.
    for (Id c = 0; c < world_.connections.size(); ++c) {
        if (!included(c)) continue;
        for (std::uint8_t end = 0; end < 2; ++end)
            for (const auto& [prefix, places] : installed_[c][end])
                if (!desired_places(c, end, prefix)) diff_prefix(c, end, prefix, &places, nullptr, changes);
    }
    for (const auto& u : changes) apply(u);
    return changes.size();
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

RoutingState::Outcome RoutingState::walk(Id start, Ipv4Address to, std::string* path, WalkMemo* memo) const {
    using Stop = Outcome::Stop;
    Outcome w;
    // Routers reached over a gateway connection on this walk: their onward outcome is this walk's.
    std::array<Id, 64> onward{};
    std::size_t onward_count = 0;
    auto remember = [&](const Outcome& o) {
        if (memo && o.stop != Stop::loop)
            for (std::size_t i = 0; i < onward_count; ++i) memo->onward[onward[i]] = o;
        return o;
    };
    auto fail = [&](Rule rule, Stop stop, Id router, Id a = kNone, Id b = kNone) {
        w.rule = rule;
        w.stop = stop;
        w.router = router;
        w.a = a;
        w.b = b;
        return remember(w);
    };
    if (memo && memo->onward.size() != routers_.size()) memo->onward.assign(routers_.size(), std::nullopt);
    // A client at an Azure region reaches the region's networks (it stands for a workload there).
    if (start < world_.sites.size() && world_.sites[start].kind == SiteKind::azure) {
        if (!world_.site_up(start)) return fail(Rule::SiteDown, Stop::site_down, start);
        for (Id n = 0; n < world_.networks.size(); ++n)
            if (world_.networks[n].site == start && world_.subnet_holding(n, to) != kNone) {
                w.delivered = true;
                w.place = n;
                return w;
            }
    }
    // The routers passed so far: paths are short, so a small array searched linearly (no allocation:
    // the reachability record walks millions of times); a path longer than it is taken as a loop.
    std::array<Id, 64> visited{};
    std::size_t visited_count = 0;
    Id router = start;
    const Connection* arrived_over = nullptr;
    Id arrived_id = kNone;
    Via via = Via::origin;
    while (true) {
        if (!router_up(router)) return fail(Rule::SiteDown, Stop::site_down, router);
        if (std::find(visited.begin(), visited.begin() + static_cast<std::ptrdiff_t>(visited_count), router) !=
                visited.begin() + static_cast<std::ptrdiff_t>(visited_count) ||
            visited_count == visited.size())
            return fail(Rule::RouteNone, Stop::loop, router);
        visited[visited_count++] = router;
        if (memo && via == Via::gateway) {
            if (memo->onward[router]) return remember(*memo->onward[router]);
            onward[onward_count++] = router;
        }
        const Router& r = routers_[router];
        auto match = r.table.find(to);
        if (!match) return fail(Rule::RouteNone, Stop::no_route, router);
        const std::uint64_t prefix = prefix_key(match->prefix);
        // A prefix active in one of this router's own networks is delivered there: a connected
        // route wins over learned ones, as on any router.
        const std::vector<NextHop>* hops = nullptr;
        for (const auto& [p, count] : match->targets) {
            hops = &r.hops.at(Key{prefix, p});
            for (const auto& h : *hops)
                if (h.connection == kNone) {
                    w.delivered = true;
                    w.place = p;
                    return remember(w);
                }
        }
        if (match->targets.size() > 1) {
            w.prefix = prefix;
            return fail(Rule::RouteConflict, Stop::conflict, router, match->targets[0].target, match->targets[1].target);
        }
        // The fewest hops, then the lower connection index.
        const NextHop* best = nullptr;
        for (const auto& h : *hops)
            if (!best || std::tie(h.hops, h.connection) < std::tie(best->hops, best->connection)) best = &h;
        assert(best && best->connection != kNone);
        const Connection& conn = world_.connections[best->connection];
        if (arrived_over && !passes_on(via, conn))
            return fail(Rule::RoutePeeringNonTransitive, Stop::peering, router, arrived_id, best->connection);
        if (!world_.edge_up(conn.edge)) return fail(Rule::ConnectionState, Stop::connection_down, router, best->connection);
        const Id a = router_of_vertex(conn.ends[0]);
        const Id next = a == router ? router_of_vertex(conn.ends[1]) : a;
        if (path) *path += " -> " + conn.name + " -> " + router_name(next);
        arrived_over = &conn;
        arrived_id = best->connection;
        via = via_of(conn);
        router = next;
    }
}

std::string RoutingState::explain(const Outcome& o, const std::string& target) const {
    using Stop = Outcome::Stop;
    switch (o.stop) {
        case Stop::none: return o.delivered ? "delivered to " + world_.networks[o.place].name : "";
        case Stop::site_down: return router_name(o.router) + " is down";
        case Stop::loop: return "routing loop at " + router_name(o.router) + " for " + target;
        case Stop::no_route: return router_name(o.router) + " has no route to " + target;
        case Stop::conflict:
            return router_name(o.router) + ": " + prefix_of(o.prefix).to_string() + " leads to " + world_.networks[o.a].name + " and " +
                   world_.networks[o.b].name + " (two live routes of equal length to different places)";
        case Stop::peering: {
            const Connection& in = world_.connections[o.a];
            const Connection& out = world_.connections[o.b];
            return "peering " + (is_peering(in) ? in.name : out.name) + " does not carry traffic onward from " + router_name(o.router);
        }
        case Stop::connection_down: return world_.connections[o.a].name + " is down";
    }
    return "";
}

ProbeResult RoutingState::probe(Id start, Ipv4Address to, std::string start_text) const {
    ProbeResult result;
    result.path = std::move(start_text);
    const Outcome w = walk(start, to, &result.path);
    if (!w.delivered) {
        result.rule = w.rule;
        result.why = explain(w, to.to_string());
        return result;
    }
    return deliver(w.place, to, std::move(result));
}

RoutingState::Outcome RoutingState::route_from_site(Id site, Ipv4Address to, WalkMemo* memo) const {
    return walk(site, to, nullptr, memo);
}

std::optional<std::pair<Id, Slot>> RoutingState::holder_at(Id network, Ipv4Address to, Rule& rule, std::string& why) const {
    const std::string address = to.to_string();
    const Id subnet = world_.subnet_holding(network, to);
    rule = Rule::AddrNotHeld;
    if (subnet == kNone) {
        why = world_.networks[network].name + " has no subnet holding " + address;
        return std::nullopt;
    }
    const std::vector<Id> domain = domain_of(subnet);
    for (Id member : domain)
        if (world_.network.storm(member)) {
            rule = Rule::StretchedFaultDomain;
            why = "a broadcast storm on the layer-2 domain of " + world_.subnets[subnet].prefix.to_string() +
                  " takes every VM on it off the network";
            return std::nullopt;
        }
    why.clear();
    for (Id member : domain) {
        auto holder = world_.holder(member, to);
        if (!holder) continue;
        const Vm& vm = world_.vms[holder->first];
        if (world_.running(vm.instance(holder->second))) return holder;
        why = vm.name + " holds " + address + " on " + world_.networks[world_.subnets[member].network].name + " but is not running";
    }
    if (why.empty()) why = "no running instance holds " + address + " on " + world_.networks[network].name;
    return std::nullopt;
}

std::optional<std::pair<Rule, std::string>> RoutingState::off_network(Id subnet) const {
    const Subnet& s = world_.subnets[subnet];
    for (Id member : domain_of(subnet))
        if (world_.network.storm(member))
            return std::pair{Rule::StretchedFaultDomain, "a broadcast storm on the layer-2 domain of " + s.prefix.to_string() +
                                                             " takes every VM on it off the network"};
    if (!subnet_active(subnet))
        return std::pair{Rule::SubnetPartial, world_.networks[s.network].name + "/" + s.name + " is active at " +
                                                  world_.sites[world_.network.active_site(subnet)].name +
                                                  ": a VM left on it is off the network"};
    return std::nullopt;
}

ProbeResult RoutingState::deliver(Id network, Ipv4Address to, ProbeResult result) const {
    auto holder = holder_at(network, to, result.rule, result.why);
    if (!holder) return result;
    const Vm& vm = world_.vms[holder->first];
    const NicBinding* nic = nullptr;
    for (const auto& n : vm.instance(holder->second).nics)
        if (n.ip && *n.ip == to) nic = &n;
    const std::string where = nic ? world_.networks[nic->network].name + "/" + world_.subnets[nic->subnet].name : world_.networks[network].name;
    result.reached = true;
    result.vm = holder->first;
    result.slot = holder->second;
    result.path += " -> " + where + " " + to.to_string() + " (" + vm.name + ")";
    result.why = to.to_string() + " is held by " + vm.name + " running on " + (nic ? world_.networks[nic->network].name : where);
    return result;
}

}  // namespace drsim
