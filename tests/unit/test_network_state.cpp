// NetworkState: the one mutator of connectivity keeps a version and a history of every change.
#include <doctest/doctest.h>

#include "sim/world/network_state.hpp"

using namespace drsim;

TEST_CASE("NetworkState: each change bumps the version and is recorded with its time and rule; no-ops are not") {
    NetworkState n;
    CHECK(n.add_site() == 0);
    CHECK(n.add_site() == 1);
    CHECK(n.add_connection(true) == 0);
    CHECK(n.add_connection(false) == 1);
    CHECK(n.add_subnet(0) == 0);
    CHECK(n.version() == 0);
    CHECK(n.site_up(0));
    CHECK(n.connected(0));
    CHECK_FALSE(n.connected(1));
    CHECK(n.active_site(0) == 0);
    CHECK_FALSE(n.storm(0));
    CHECK(n.peering_location_up("Dublin"));

    CHECK_FALSE(n.set_connected(0, true, 10, Rule::ConnectionState));  // already connected
    CHECK(n.version() == 0);
    CHECK(n.set_connected(1, true, 20, Rule::ConnectionState));
    CHECK(n.set_site_up(1, false, 30, Rule::SiteDown));
    CHECK_FALSE(n.set_site_up(1, false, 35, Rule::SiteDown));
    CHECK(n.set_site_up(1, true, 40, Rule::SiteDown));
    CHECK(n.set_active_site(0, 1, 50, Rule::SubnetFailover));
    CHECK(n.set_storm(0, true, 60, Rule::StretchedFaultDomain));
    CHECK(n.set_peering_location_up("Dublin", false, 70, Rule::ErPeeringLocation));
    CHECK_FALSE(n.peering_location_up("Dublin"));
    CHECK(n.peering_location_up("Amsterdam"));
    CHECK(n.set_peering_location_up("Dublin", true, 80, Rule::ErPeeringLocation));
    CHECK(n.version() == 7);

    const auto& h = n.history();
    REQUIRE(h.size() == 7);
    CHECK(h[0].time == 20);
    CHECK(h[0].kind == NetworkChange::Kind::connection);
    CHECK(h[0].entity == 1);
    CHECK(h[0].up);
    CHECK(h[1].kind == NetworkChange::Kind::site);
    CHECK_FALSE(h[1].up);
    CHECK(h[1].rule == Rule::SiteDown);
    CHECK(h[3].kind == NetworkChange::Kind::subnet_active);
    CHECK(h[3].site == 1);
    CHECK(h[4].kind == NetworkChange::Kind::storm);
    CHECK(h[5].kind == NetworkChange::Kind::peering_location);
    CHECK(n.peering_locations()[h[5].entity] == "Dublin");

    // Down intervals: closed when the site comes back.
    REQUIRE(n.site_down_intervals(1).size() == 1);
    CHECK(n.site_down_intervals(1)[0] == NetworkState::Interval{30, 40});
    CHECK(n.site_down_intervals(0).empty());
}

TEST_CASE("NetworkState: storms on one subnet overlap; it storms until the last of them ends") {
    NetworkState n;
    n.add_site();
    n.add_subnet(0);
    CHECK_FALSE(n.set_storm(0, false, 5, Rule::StretchedFaultDomain));  // none to end
    CHECK(n.set_storm(0, true, 10, Rule::StretchedFaultDomain));
    CHECK_FALSE(n.set_storm(0, true, 20, Rule::StretchedFaultDomain));  // a second one: no change
    CHECK(n.storm(0));
    CHECK_FALSE(n.set_storm(0, false, 30, Rule::StretchedFaultDomain));  // the first ends, the second goes on
    CHECK(n.storm(0));
    CHECK(n.set_storm(0, false, 40, Rule::StretchedFaultDomain));
    CHECK_FALSE(n.storm(0));
    REQUIRE(n.history().size() == 2);
    CHECK(n.history()[0].time == 10);
    CHECK_FALSE(n.history()[0].up);
    CHECK(n.history()[1].time == 40);
    CHECK(n.history()[1].up);
}
