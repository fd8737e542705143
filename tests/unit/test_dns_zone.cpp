// DnsRecord::answer: the worst-case answer a client holds is the record as it was one TTL ago.
#include <doctest/doctest.h>

#include "sim/world/dns_zone.hpp"

using namespace drsim;

namespace {
DnsAnswer at(const char* ip) { return DnsAnswer{Ipv4Address::parse(ip), Ipv4Prefix{}}; }
}  // namespace

TEST_CASE("a client keeps the old answer for a full TTL after each change") {
    DnsZone zone;
    const auto id = zone.add(0, 300'000, at("10.0.0.4"));
    CHECK_FALSE(zone.set(id, at("10.0.0.4"), 1000, Rule::DnsDynamicRegistration, "same address"));  // retain IP: no change
    CHECK(zone.record(id).history.empty());
    REQUIRE(zone.set(id, at("10.1.0.4"), 600'000, Rule::DnsDynamicRegistration, "boot"));
    REQUIRE(zone.set(id, at("10.2.0.4"), 700'000, Rule::DnsUpdate, "update"));
    const DnsRecord& r = zone.record(id);
    CHECK(r.current().address->to_string() == "10.2.0.4");
    CHECK(r.answer(0).address->to_string() == "10.0.0.4");
    CHECK(r.answer(899'999).address->to_string() == "10.0.0.4");
    CHECK(r.answer(900'000).address->to_string() == "10.1.0.4");  // exactly change + TTL
    CHECK(r.answer(999'999).address->to_string() == "10.1.0.4");
    CHECK(r.answer(1'000'000).address->to_string() == "10.2.0.4");
    CHECK(r.history[1].before.address->to_string() == "10.1.0.4");
}
