// The endpoint matcher of SPEC §7 (sim/decisions/outbound_access): URL patterns, service tags with
// regions, Azure China, declared ranges, forced tunnels, and the planning warnings about entries.
#include <doctest/doctest.h>

#include "sim/decisions/outbound_access.hpp"

using namespace drsim;

namespace {

OutboundAllow text(const std::string& t) {
    OutboundAllow a;
    a.text = t;
    if (auto p = Ipv4Prefix::parse(t)) a.range = p;
    return a;
}

OutboundAllow declared(const std::string& range, SrEndpoint e) {
    OutboundAllow a = text(range);
    a.endpoint = e;
    return a;
}

OutboundSpec restricted(std::vector<OutboundAllow> allow) { return OutboundSpec{true, std::move(allow), "", {}}; }

RouteSpec route(const std::string& destination, const std::string& next_hop, std::optional<SrEndpoint> endpoint = std::nullopt) {
    RouteSpec r;
    r.destination = destination;
    r.prefix = Ipv4Prefix::parse(destination);
    r.endpoint = endpoint;
    r.next_hop = next_hop;
    return r;
}

const SourceRegion east_asia = source_region("East Asia", "Asia Pacific");
const SourceRegion china_east = source_region("China East", "China");

bool allows(const std::string& entry, SrEndpoint e, const SourceRegion& r = east_asia) {
    return endpoints_allowed_by(text(entry), r).has(e);
}

}  // namespace

TEST_CASE("a site whose geo is China is Azure China, in any case; everywhere else is global Azure") {
    CHECK(china_east.china);
    CHECK(source_region("China North", "china").china);
    CHECK_FALSE(east_asia.china);
    CHECK_FALSE(source_region("West Europe", "").china);
}

TEST_CASE("URLs: the pattern as written, ignoring case, in the region's cloud only") {
    CHECK(allows("*.blob.core.windows.net", SrEndpoint::storage));
    CHECK(allows("*.BLOB.core.Windows.net", SrEndpoint::storage));
    CHECK(allows("login.microsoftonline.com", SrEndpoint::login));
    CHECK(allows("*.hypervrecoverymanager.windowsazure.com", SrEndpoint::site_recovery));
    CHECK(allows("*.servicebus.windows.net", SrEndpoint::monitoring));
    // Matched as written: not a narrower name, not the pattern without its "*.".
    CHECK_FALSE(allows("cache1.blob.core.windows.net", SrEndpoint::storage));
    CHECK_FALSE(allows("blob.core.windows.net", SrEndpoint::storage));
    // One URL allows its endpoint only.
    CHECK_FALSE(allows("*.blob.core.windows.net", SrEndpoint::monitoring));
    // Azure China's URLs (seed 004) in China, and not elsewhere; the global ones not in China.
    CHECK(allows("*.blob.core.chinacloudapi.cn", SrEndpoint::storage, china_east));
    CHECK(allows("login.chinacloudapi.cn", SrEndpoint::login, china_east));
    CHECK(allows("*.hypervrecoverymanager.windowsazure.cn", SrEndpoint::site_recovery, china_east));
    CHECK(allows("*.servicebus.chinacloudapi.cn", SrEndpoint::monitoring, china_east));
    CHECK_FALSE(allows("*.servicebus.chinacloudapi.cn", SrEndpoint::monitoring));
    CHECK_FALSE(allows("*.hypervrecoverymanager.windowsazure.com", SrEndpoint::site_recovery, china_east));
}

TEST_CASE("service tags: regional Storage and EventHub match the source region ignoring case and spaces") {
    CHECK(allows("Storage", SrEndpoint::storage));
    CHECK(allows("Storage.EastAsia", SrEndpoint::storage));
    CHECK(allows("storage.eastasia", SrEndpoint::storage));
    CHECK(allows("Storage.East Asia", SrEndpoint::storage));
    CHECK_FALSE(allows("Storage.SoutheastAsia", SrEndpoint::storage));
    CHECK(allows("EventHub", SrEndpoint::monitoring));
    CHECK(allows("EventHub.EastAsia", SrEndpoint::monitoring));
    CHECK_FALSE(allows("EventHub.WestEurope", SrEndpoint::monitoring));
    CHECK(allows("AzureActiveDirectory", SrEndpoint::login));
    CHECK(allows("AzureSiteRecovery", SrEndpoint::site_recovery));
    CHECK_FALSE(allows("AzureSiteRecovery.EastAsia", SrEndpoint::site_recovery));  // not a regional tag
    CHECK_FALSE(allows("AzureMonitor", SrEndpoint::monitoring));
    // Tags work in Azure China too.
    CHECK(allows("Storage.ChinaEast", SrEndpoint::storage, china_east));
    CHECK(allows("AzureSiteRecovery", SrEndpoint::site_recovery, china_east));
}

TEST_CASE("ranges: 0.0.0.0/0 allows all four, a declared range its endpoint, any other bare range none") {
    CHECK(endpoints_allowed_by(text("0.0.0.0/0"), east_asia) == EndpointSet::all());
    CHECK(endpoints_allowed_by(text("13.107.6.152/31"), east_asia).empty());
    const EndpointSet d = endpoints_allowed_by(declared("40.69.144.231/32", SrEndpoint::site_recovery), east_asia);
    CHECK(d.has(SrEndpoint::site_recovery));
    CHECK(d.missing() == std::vector<SrEndpoint>{SrEndpoint::storage, SrEndpoint::login, SrEndpoint::monitoring});
}

TEST_CASE("outbound_missing: nothing when unrestricted; else what no entry allows, in endpoint order") {
    CHECK(outbound_missing(std::nullopt, east_asia).empty());
    CHECK(outbound_missing(OutboundSpec{false, {}, "", {}}, east_asia).empty());
    CHECK(outbound_missing(restricted({}), east_asia) ==
          std::vector<SrEndpoint>{SrEndpoint::storage, SrEndpoint::login, SrEndpoint::site_recovery, SrEndpoint::monitoring});
    CHECK(outbound_missing(restricted({text("Storage.EastAsia"), text("login.microsoftonline.com")}), east_asia) ==
          std::vector<SrEndpoint>{SrEndpoint::site_recovery, SrEndpoint::monitoring});
    CHECK(outbound_missing(restricted({text("Storage"), text("AzureActiveDirectory"), declared("40.69.144.231/32", SrEndpoint::site_recovery),
                                       text("*.servicebus.windows.net")}),
                           east_asia)
              .empty());
    CHECK(outbound_missing(restricted({text("0.0.0.0/0")}), china_east).empty());
}

TEST_CASE("describe_endpoints names each endpoint with its URL and tags") {
    CHECK(describe_endpoints({SrEndpoint::site_recovery}, east_asia) ==
          "Site Recovery service (*.hypervrecoverymanager.windowsazure.com or service tag AzureSiteRecovery)");
    CHECK(describe_endpoints({SrEndpoint::storage, SrEndpoint::monitoring}, china_east) ==
          "storage of China East (*.blob.core.chinacloudapi.cn or service tag Storage / Storage.ChinaEast), "
          "monitoring (*.servicebus.chinacloudapi.cn or service tag EventHub / EventHub.ChinaEast)");
}

TEST_CASE("forced tunnel: a 0.0.0.0/0 route to onprem, and the endpoints no internet route keeps in Azure") {
    CHECK(forced_tunnel_route({route("10.0.0.0/8", "onprem")}) == nullptr);
    CHECK(tunnelled_endpoints({route("AzureSiteRecovery", "internet")}, east_asia).empty());  // no tunnel, nothing tunnelled
    std::vector<RouteSpec> routes{route("0.0.0.0/0", "onprem")};
    REQUIRE(forced_tunnel_route(routes) == &routes[0]);
    CHECK(tunnelled_endpoints(routes, east_asia).size() == 4);
    routes.push_back(route("AzureSiteRecovery", "internet"));
    routes.push_back(route("Storage.EastAsia", "internet"));
    routes.push_back(route("AzureActiveDirectory", "onprem"));        // not next hop internet
    routes.push_back(route("13.107.6.152/31", "internet"));           // a bare range: no endpoint
    CHECK(tunnelled_endpoints(routes, east_asia) == std::vector<SrEndpoint>{SrEndpoint::login, SrEndpoint::monitoring});
    routes.push_back(route("AzureActiveDirectory", "internet"));
    routes.push_back(route("52.165.34.144/32", "internet", SrEndpoint::monitoring));
    CHECK(tunnelled_endpoints(routes, east_asia).empty());
}

TEST_CASE("planning warnings about entries: bare ranges, near misses, the other cloud, another region, nonsense") {
    CHECK_FALSE(allow_entry_warning(text("0.0.0.0/0"), east_asia));
    CHECK_FALSE(allow_entry_warning(declared("10.1.0.0/16", SrEndpoint::storage), east_asia));
    CHECK_FALSE(allow_entry_warning(text("AzureSiteRecovery"), east_asia));
    CHECK_FALSE(allow_entry_warning(text("AzureMonitor"), east_asia));          // another tag: silent
    CHECK_FALSE(allow_entry_warning(text("www.contoso.com"), east_asia));       // another URL: silent
    auto bare = allow_entry_warning(text("10.1.0.0/16"), east_asia);
    REQUIRE(bare);
    CHECK(bare->find("{range: 10.1.0.0/16, endpoint: storage|login|site_recovery|monitoring}") != std::string::npos);
    auto tag = allow_entry_warning(text("AzureSiteRecovry"), east_asia);
    REQUIRE(tag);
    CHECK(tag->find("(did you mean 'AzureSiteRecovery'?)") != std::string::npos);
    auto url = allow_entry_warning(text("*.blob.core.windows.nt"), east_asia);
    REQUIRE(url);
    CHECK(url->find("(did you mean '*.blob.core.windows.net'?)") != std::string::npos);
    auto cloud = allow_entry_warning(text("login.microsoftonline.com"), china_east);
    REQUIRE(cloud);
    CHECK(cloud->find("needs 'login.chinacloudapi.cn'") != std::string::npos);
    auto region = allow_entry_warning(text("Storage.WestEurope"), east_asia);
    REQUIRE(region);
    CHECK(region->find("needs Storage / Storage.EastAsia") != std::string::npos);
    CHECK(allow_entry_warning(text("allow everything"), east_asia));
    CHECK_FALSE(route_tag_warning(route("AzureSiteRecovery", "internet"), east_asia));
    CHECK_FALSE(route_tag_warning(route("0.0.0.0/0", "onprem"), east_asia));
    auto route_tag = route_tag_warning(route("EventHubs", "internet"), east_asia);
    REQUIRE(route_tag);
    CHECK(route_tag->find("(did you mean 'EventHub'?)") != std::string::npos);
}
