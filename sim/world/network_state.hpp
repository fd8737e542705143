#pragma once
// The state of connectivity over time, in one place: which connections are connected, which sites
// are up, at which site each subnet is active, which stretched subnets are in a broadcast storm,
// and which ExpressRoute peering locations are down. Every change goes through one of the setters
// below, which bump a version number and append to a history (time, what, rule), so whatever is
// computed from connectivity (routes, reachability) can tell what changed and when, and be
// recomputed per change rather than per query.
#include <cstdint>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "sim/rules/rule_catalogue.hpp"
#include "sim/scenario/scenario.hpp"

namespace drsim {

/// One change of connectivity, as it happened.
struct NetworkChange {
    enum class Kind : std::uint8_t { connection, site, subnet_active, storm, peering_location };
    Millis time = 0;
    Kind kind = Kind::connection;
    std::uint32_t entity = 0;  ///< connection, site or subnet index; for a peering location, its index in peering_locations()
    bool up = true;            ///< connected / up / storm over; for subnet_active: true
    std::uint32_t site = 0;    ///< subnet_active: the site the subnet is now active at
    Rule rule = Rule::SiteDown;
};

class NetworkState {
public:
    using Id = std::uint32_t;
    using Interval = std::pair<Millis, Millis>;  ///< [start, end); end -1 while open

    /// Built as the world is: a site starts up, a connection as declared, a subnet active at its
    /// own network's site and not storming; every peering location starts up. Each returns the
    /// index given (the next one). O(1).
    Id add_site();
    Id add_connection(bool connected);
    Id add_subnet(Id site);

    /// Connects or disconnects; false (and no change recorded) when it already was so. O(1).
    bool set_connected(Id connection, bool connected, Millis now, Rule rule);
    /// Takes a site down or up, keeping its down intervals; false when it already was so. O(1).
    bool set_site_up(Id site, bool up, Millis now, Rule rule);
    /// Makes `subnet` active at `site` (SUBNET-FAILOVER); false when it already was. O(1).
    bool set_active_site(Id subnet, Id site, Millis now, Rule rule);
    /// Starts or ends one broadcast storm on a subnet. Storms may overlap: the subnet storms while
    /// any storm on it has not ended. True (and the change recorded) when that changed. O(1).
    bool set_storm(Id subnet, bool storming, Millis now, Rule rule);
    /// Takes a peering location down or up; false when unchanged. O(1) average.
    bool set_peering_location_up(const std::string& location, bool up, Millis now, Rule rule);

    bool connected(Id connection) const { return connected_[connection]; }
    bool site_up(Id site) const { return site_up_[site]; }
    const std::vector<Interval>& site_down_intervals(Id site) const { return site_down_[site]; }
    Id active_site(Id subnet) const { return active_site_[subnet]; }
    bool storm(Id subnet) const { return storms_[subnet] > 0; }
    bool peering_location_up(const std::string& location) const { return !peering_down_.contains(location); }

    /// Bumped by every change: a cache of anything computed from connectivity is valid while the
    /// version it was computed at is current.
    std::uint64_t version() const { return version_; }
    /// Every change, in time order.
    const std::vector<NetworkChange>& history() const { return history_; }
    /// Peering locations named by changes, in order of first change (NetworkChange::entity).
    const std::vector<std::string>& peering_locations() const { return peering_names_; }

private:
    void record(NetworkChange change);

    std::vector<bool> connected_;
    std::vector<bool> site_up_;
    std::vector<std::vector<Interval>> site_down_;
    std::vector<Id> active_site_;
    std::vector<std::uint32_t> storms_;  ///< storms begun and not yet ended, per subnet
    std::unordered_set<std::string> peering_down_;
    std::vector<std::string> peering_names_;
    std::uint64_t version_ = 0;
    std::vector<NetworkChange> history_;
};

}  // namespace drsim
