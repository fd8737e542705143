#include "sim/world/network_state.hpp"

#include <algorithm>

namespace drsim {

NetworkState::Id NetworkState::add_site() {
    site_up_.push_back(true);
    site_down_.emplace_back();
    return static_cast<Id>(site_up_.size() - 1);
}

NetworkState::Id NetworkState::add_connection(bool connected) {
    connected_.push_back(connected);
    return static_cast<Id>(connected_.size() - 1);
}

NetworkState::Id NetworkState::add_subnet(Id site) {
    active_site_.push_back(site);
    storms_.push_back(0);
    return static_cast<Id>(active_site_.size() - 1);
}

void NetworkState::record(NetworkChange change) {
    ++version_;
    history_.push_back(change);
}

bool NetworkState::set_connected(Id connection, bool connected, Millis now, Rule rule) {
    if (connected_[connection] == connected) return false;
    connected_[connection] = connected;
    record({now, NetworkChange::Kind::connection, connection, connected, 0, rule});
    return true;
}

bool NetworkState::set_site_up(Id site, bool up, Millis now, Rule rule) {
    if (site_up_[site] == up) return false;
    site_up_[site] = up;
    if (up) site_down_[site].back().second = now;
    else site_down_[site].emplace_back(now, -1);
    record({now, NetworkChange::Kind::site, site, up, site, rule});
    return true;
}

bool NetworkState::set_active_site(Id subnet, Id site, Millis now, Rule rule) {
    if (active_site_[subnet] == site) return false;
    active_site_[subnet] = site;
    record({now, NetworkChange::Kind::subnet_active, subnet, true, site, rule});
    return true;
}

bool NetworkState::set_storm(Id subnet, bool storming, Millis now, Rule rule) {
    std::uint32_t& storms = storms_[subnet];
    if (!storming && storms == 0) return false;
    storms += storming ? 1 : -1;
    if (storms != (storming ? 1u : 0u)) return false;  // another storm began before, or goes on
    record({now, NetworkChange::Kind::storm, subnet, !storming, 0, rule});
    return true;
}

bool NetworkState::set_peering_location_up(const std::string& location, bool up, Millis now, Rule rule) {
    if (peering_location_up(location) == up) return false;
    if (up) peering_down_.erase(location);
    else peering_down_.insert(location);
    auto it = std::find(peering_names_.begin(), peering_names_.end(), location);
    const Id index = static_cast<Id>(it - peering_names_.begin());
    if (it == peering_names_.end()) peering_names_.push_back(location);
    record({now, NetworkChange::Kind::peering_location, index, up, 0, rule});
    return true;
}

}  // namespace drsim
