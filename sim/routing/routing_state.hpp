#pragma once
// Routes over time (SPEC §6). A *router* is an on-premises site (with its networks: it routes
// between them), an Azure virtual network, an Azure region (transit only; a client there reaches its
// networks) or an ExpressRoute circuit. A network *advertises* the prefixes of its active subnets;
// each prefix leads to a *place*: the network it is active in (both sites of a stretched subnet are
// one place, one layer-2 domain). Connections carry advertisements between routers:
//
// - What a connection should carry (its *desired* view) follows from the current state: for each
//   place, the shortest path of carrying connections from the place's router, where a peering does
//   not pass routes onward (to another peering, or to or from a gateway connection unless it allows
//   gateway transit: ROUTE-PEERING-NON-TRANSITIVE).
// - What it does carry (its *installed* view) lags: a BGP connection installs a change when
//   `route_convergence` has passed (the caller schedules `install`), a static one on `update_routes`;
//   a connection that goes down (disconnected, or an end down) carries nothing at once, and a static
//   one just connected carries nothing until the next `update_routes`.
//
// A router's route table is its own active prefixes plus what its connections install toward it;
// forwarding is hop by hop by longest-prefix match (sim/routing/route_table). Changes are computed
// per change and per prefix: a subnet moved touches that prefix only; a connection or site change
// recomputes the paths between routers (few) and re-diffs the views.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "sim/log/decision.hpp"
#include "sim/routing/route_table.hpp"
#include "sim/world/world.hpp"

namespace drsim {

/// One change to what a connection carries toward one of its ends.
struct RouteUpdate {
    Id connection = kNone;
    std::uint8_t toward = 0;  ///< index of the receiving end in Connection::ends
    Ipv4Prefix prefix;
    Id place = kNone;
    std::uint16_t hops = 0;
    bool add = true;
    std::uint64_t epoch = 0;  ///< the connection's epoch when the update was made (stale once it changes)
};

/// The answer of a reachability probe: reached or not, and each step, or the step that broke.
struct ProbeResult {
    bool reached = false;
    Rule rule = Rule::RouteNone;  ///< the rule of the step that broke (when not reached)
    std::string path;              ///< "branch -> vpn-1 -> vnet-1/app 10.0.1.10 (app1)"
    std::string why;               ///< where and why it broke, or what was reached
    Id vm = kNone;                 ///< the VM whose instance holds the address (when reached)
    Slot slot = Slot::home;        ///< and which of its instances: a test copy does not serve the VM
};

class RoutingState {
public:
    /// The routes the run starts with are converged, but installed only by `start` — after the
    /// design made at 0s (mappings that pair subnets, connections made at 0s), so that the start is
    /// installed once, not installed and then changed.
    explicit RoutingState(const World& world);
    /// Installs the starting routes on every connection that carries (a static one only if it
    /// carried from the start, or update_routes ran before). Idempotent; call before any probe.
    void start();

    /// Recomputes the desired views after a change of connections or sites and returns the updates
    /// that BGP connections must install after convergence. Connections that no longer carry are
    /// emptied at once. Static connections keep their updates until `update_routes`.
    /// O(routers x connections + routers x prefixes).
    std::vector<RouteUpdate> topology_changed();
    /// The same for a change of one prefix's places (a subnet moved): only that prefix is
    /// re-advertised; local routes change at once. O(routers + connections + subnets of the prefix).
    std::vector<RouteUpdate> prefix_changed(Ipv4Prefix prefix);
    /// The same, installed at once on every connection, BGP and static alike (a change of design,
    /// such as a mapping that pairs two subnets, rather than a live change).
    void prefix_changed_now(Ipv4Prefix prefix);
    /// Installs updates (a BGP convergence that has elapsed). An update made before its connection
    /// last stopped carrying is stale and skipped. Returns how many were installed.
    std::size_t install(const std::vector<RouteUpdate>& updates);
    /// Routes learnt or withdrawn over connections since the start (the design at 0s is not counted).
    std::uint64_t route_changes() const { return route_changes_; }
    /// `update_routes`: every static connection that carries installs its desired view (of `only`
    /// when given). Before `start`, it makes the static connections carrying then start with their
    /// routes. Returns how many routes changed.
    std::size_t update_static_routes(const Ipv4Prefix* only = nullptr);
    /// True when some static connection's desired view has changed since the last update_routes.
    bool static_pending() const { return static_pending_; }

    /// A probe from a client (or from a VM's network) to an address. O(path length x prefix lengths).
    ProbeResult probe_from_client(Id client, Ipv4Address to) const;
    ProbeResult probe_from_network(Id network, Ipv4Address to) const;

    /// Is subnet `s` active (advertised) at its network's site now? (SPEC §6)
    bool subnet_active(Id subnet) const;
    /// The place a subnet's prefix leads to (its network; a stretched subnet's domain: one place).
    Id place_of(Id subnet) const;
    /// The subnets of one stretched layer-2 domain (a stretched subnet and its counterparts at the
    /// other site), or just `subnet`.
    std::vector<Id> domain_of(Id subnet) const;

    /// Where the routes from a site's router lead an address: the network it is delivered to
    /// (`place`), or the rule and why of the step that broke. For the reachability record.
    /// Kept small and without text (the record holds one per site and prefix); `explain` words it.
    struct Outcome {
        enum class Stop : std::uint8_t { none, site_down, loop, no_route, conflict, peering, connection_down };
        bool delivered = false;
        Id place = kNone;  ///< delivered: the network
        Rule rule = Rule::RouteNone;
        Stop stop = Stop::none;
        Id router = kNone;  ///< where it stopped
        Id a = kNone;       ///< conflict: the first place; peering: the peering; connection_down: it
        Id b = kNone;       ///< conflict: the second place; peering: the connection onward
        std::uint64_t prefix = 0;  ///< conflict: the prefix
        bool operator==(const Outcome&) const = default;
    };
    /// What walks from several sites to one address share: the outcome onward from a router reached
    /// over a gateway connection is the same whatever site the walk began at. Valid for one
    /// address in one state of the routes.
    struct WalkMemo {
        std::vector<std::optional<Outcome>> onward;  ///< by router
    };
    Outcome route_from_site(Id site, Ipv4Address to, WalkMemo* memo = nullptr) const;
    /// Why an outcome did not deliver, naming `target` ("10.0.1.4", "10.0.1.0/24").
    std::string explain(const Outcome& outcome, const std::string& target) const;
    /// Delivery at a place: the VM and slot whose running instance holds `to` there (or in the
    /// place's stretched domain); nullopt with the rule and why when none does.
    std::optional<std::pair<Id, Slot>> holder_at(Id place, Ipv4Address to, Rule& rule, std::string& why) const;
    /// Why a VM on `subnet` is off the network and can send nothing: a storm on its layer-2 domain
    /// (STRETCHED-FAULT-DOMAIN), or its subnet active at another site, the VM left behind
    /// (SUBNET-PARTIAL); nullopt when it is on the network.
    std::optional<std::pair<Rule, std::string>> off_network(Id subnet) const;

    /// The prefixes whose routes changed since the last call (`all` when a change touched every
    /// prefix, such as a connection or site change). Clears the record.
    std::vector<std::uint64_t> take_dirty(bool& all);
    static std::uint64_t prefix_key(Ipv4Prefix p) { return std::uint64_t{p.network().value()} << 8 | static_cast<std::uint64_t>(p.length()); }
    static Ipv4Prefix prefix_of(std::uint64_t key) { return Ipv4Prefix(Ipv4Address{static_cast<std::uint32_t>(key >> 8)}, static_cast<int>(key & 0xFF)); }

private:
    struct NextHop {
        Id connection = kNone;  ///< kNone: local (the place is one of this router's networks)
        std::uint16_t hops = 0;
    };
    struct Key {
        std::uint64_t prefix;  ///< prefix_key
        Id place;
        bool operator==(const Key&) const = default;
    };
    struct KeyHash {
        std::size_t operator()(const Key& k) const {
            return std::hash<std::uint64_t>{}(k.prefix * 0x9E3779B97F4A7C15ull ^ k.place);
        }
    };
    struct Router {
        RouteTable table;  ///< prefix -> places
        std::unordered_map<Key, std::vector<NextHop>, KeyHash> hops;  ///< how each (prefix, place) is reached
    };
    struct PlaceHops {
        Id place;
        std::uint16_t hops;
        bool operator==(const PlaceHops&) const = default;
    };
    /// A view: what a connection carries toward one end, by prefix: its places with their hop
    /// counts (sorted by place). Indexed by prefix so a change of one prefix touches one entry.
    using View = std::unordered_map<std::uint64_t, std::vector<PlaceHops>>;
    /// Local routes of a router: prefix -> places.
    using Local = std::unordered_map<std::uint64_t, std::vector<Id>>;
    /// What one connection end should carry of one prefix.
    struct Carried {
        Id connection;
        std::uint8_t end;
        std::vector<PlaceHops> places;  ///< sorted by place
        bool operator==(const Carried&) const = default;
    };
    /// Desired views by prefix: each prefix's carrying connection ends, sorted by (connection, end),
    /// so a change of one prefix costs the routers it reaches, not every connection.
    using Desired = std::unordered_map<std::uint64_t, std::vector<Carried>>;

    /// Makes the routing know networks added at run time (MAP-AUTO-ASR-NETWORK, isolated networks).
    void add_networks();
    Id router_of_vertex(TopologyVertex v) const;
    /// The routers with a network that has a subnet of `prefix`, each once, ascending.
    std::vector<Id> routers_holding(Ipv4Prefix prefix) const;
    Id router_of_network(Id network) const;
    bool router_up(Id router) const;
    std::string router_name(Id router) const;
    /// Which routers each place's advertisements reach, and over which connection (shortest path).
    void compute_paths();
    /// What every connection should carry of `prefix` (or of every prefix when `only` is null).
    Desired wanted_views(const Ipv4Prefix* only) const;
    /// Diffs `wanted` against the desired views (restricted to `only`), makes it desired, and
    /// returns the updates for BGP connections.
    std::vector<RouteUpdate> diff_desired(Desired wanted, const Ipv4Prefix* only);
    /// The desired places of one connection end for one prefix; nullptr when none.
    const std::vector<PlaceHops>* desired_places(Id connection, std::uint8_t end, std::uint64_t prefix) const;
    /// The updates that turn `from` into `to` for one prefix of one connection end.
    void diff_prefix(Id connection, std::uint8_t end, std::uint64_t prefix, const std::vector<PlaceHops>* from,
                     const std::vector<PlaceHops>* to, std::vector<RouteUpdate>& out) const;
    /// Makes what one connection end carries of `prefix` what is desired.
    std::size_t sync_installed(Id connection, std::uint8_t end, Ipv4Prefix prefix);
    /// Makes every carrying connection's installed views (static ones only, when asked) what is
    /// desired. O(desired + installed).
    std::size_t sync_all(bool static_only);
    /// The same for the connections `included` accepts.
    template <typename Included>
    std::size_t sync_where(Included included);
    void apply(const RouteUpdate& u);
    /// Makes the router's local routes for `only` (or all) what its networks' active subnets say.
    void refresh_local(Id router, const Ipv4Prefix* only);
    Local local_entries(Id router, const Ipv4Prefix* only) const;
    /// Empties what a connection carries (it went down): installed and desired, and bumps its epoch.
    void stop_carrying(Id connection);
    void mark_dirty(std::uint64_t prefix) {
        if (!all_dirty_) dirty_.push_back(prefix);
    }
    /// The walk: hop by hop to the network where the address is delivered, or the step that broke.
    Outcome walk(Id router, Ipv4Address to, std::string* path, WalkMemo* memo = nullptr) const;
    ProbeResult probe(Id router, Ipv4Address to, std::string start) const;
    /// Arrival: a running instance holding `to` in the place's network (or its stretched domain).
    ProbeResult deliver(Id network, Ipv4Address to, ProbeResult so_far) const;

    const World& world_;
    std::vector<Router> routers_;  ///< [sites][circuits][azure networks as added]
    std::unordered_map<Id, Id> azure_network_router_;
    std::vector<std::vector<Id>> networks_of_router_;  ///< an on-premises site's networks; an Azure network's router: itself
    std::size_t networks_seen_ = 0;
    /// paths_[origin][router]: the connection over which `router` learns `origin`'s routes and the hop
    /// count; kNone connection when unreachable (or the origin itself).
    std::vector<std::vector<NextHop>> paths_;
    /// What each connection end should carry (by prefix), and what it does carry (per connection).
    Desired desired_;
    std::vector<std::array<View, 2>> installed_;
    std::vector<bool> carrying_;  ///< connection physically up at the last topology change
    std::vector<std::uint64_t> epochs_;  ///< per connection: bumped when it stops carrying
    bool static_pending_ = false;
    bool starting_ = true;                ///< routes not yet installed (see start)
    std::vector<bool> initially_carrying_;  ///< per connection: carried from the start
    /// Subnets by prefix (for per-prefix changes).
    std::unordered_map<std::uint64_t, std::vector<Id>> subnets_by_prefix_;
    std::vector<Local> local_;
    /// Subnets of stretched domains: subnet -> the domain's place and members.
    std::unordered_map<Id, Id> domain_place_;
    std::unordered_map<Id, std::vector<Id>> domain_members_;
    /// Prefixes whose routes changed anywhere since the last take_dirty (all of them when all_dirty_).
    std::vector<std::uint64_t> dirty_;
    bool all_dirty_ = true;
    std::uint64_t route_changes_ = 0;
};

}  // namespace drsim
