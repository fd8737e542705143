#pragma once
// What a source network lets Site Recovery reach (SPEC §7): the four endpoints an Azure-to-Azure
// replication needs outbound (OUTBOUND-REQUIRED), and which of them a forced tunnel sends
// on-premises (FORCED-TUNNEL-NO-UDR). Each endpoint is allowed by any one of its forms: its URL
// (global Azure or Azure China, as seed 004 lists them; matched as written, ignoring case), its
// service tag (Storage / Storage.<region>, AzureActiveDirectory, AzureSiteRecovery, EventHub /
// EventHub.<region>; the region compared ignoring case and spaces), or a range declared to carry
// it ({range: CIDR, endpoint}). 0.0.0.0/0 in an allow-list allows all four; any other bare CIDR
// stands for none (drsim cannot tell which endpoint's addresses it holds).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/scenario/scenario.hpp"

namespace drsim {

/// The source region as the endpoints see it: its name (for Storage.<region>, EventHub.<region>)
/// and its cloud: Azure China when the site's geo is China (any case), global Azure otherwise.
/// The name is a view of the site's, which outlives it.
struct SourceRegion {
    std::string_view name;
    bool china = false;
};
SourceRegion source_region(std::string_view site_name, std::string_view geo);

/// A set of endpoints (one bit per SrEndpoint).
class EndpointSet {
public:
    EndpointSet() = default;
    static EndpointSet all() {
        EndpointSet s;
        for (SrEndpoint e : kSrEndpoints) s.add(e);
        return s;
    }
    void add(SrEndpoint e) { bits_ |= bit(e); }
    void add(EndpointSet other) { bits_ |= other.bits_; }
    bool has(SrEndpoint e) const { return (bits_ & bit(e)) != 0; }
    bool empty() const { return bits_ == 0; }
    /// The endpoints not in the set, in SrEndpoint order.
    std::vector<SrEndpoint> missing() const;
    bool operator==(const EndpointSet&) const = default;

private:
    static std::uint8_t bit(SrEndpoint e) { return static_cast<std::uint8_t>(1u << static_cast<unsigned>(e)); }
    std::uint8_t bits_ = 0;
};

/// The format's name of an endpoint: storage | login | site_recovery | monitoring.
std::string_view endpoint_key(SrEndpoint e);
/// What the endpoint is, for messages: "storage of East Asia", "Azure AD login", "Site Recovery
/// service", "monitoring".
std::string endpoint_label(SrEndpoint e, const SourceRegion& region);
/// The endpoint's URL in the region's cloud ("*.blob.core.windows.net").
std::string_view endpoint_url(SrEndpoint e, bool china);
/// "Site Recovery service (*.hypervrecoverymanager.windowsazure.com or service tag AzureSiteRecovery)",
/// joined with ", " for each endpoint of `endpoints`.
std::string describe_endpoints(const std::vector<SrEndpoint>& endpoints, const SourceRegion& region);

/// The endpoints a service tag names in `region` (empty for any other tag). Ignores case.
EndpointSet endpoints_of_tag(std::string_view tag, const SourceRegion& region);
/// The endpoints one allow-list entry allows from `region`: by URL, service tag, declared range,
/// or all four for 0.0.0.0/0.
EndpointSet endpoints_allowed_by(const OutboundAllow& entry, const SourceRegion& region);

/// OUTBOUND-REQUIRED: the endpoints a network's outbound rules do not allow from `region`, in
/// SrEndpoint order; empty when outbound is not restricted. O(entries).
std::vector<SrEndpoint> outbound_missing(const std::optional<OutboundSpec>& outbound, const SourceRegion& region);

/// The route that forces traffic on-premises (0.0.0.0/0, next hop onprem); nullptr when none.
const RouteSpec* forced_tunnel_route(const std::vector<RouteSpec>& routes);
/// FORCED-TUNNEL-NO-UDR: with a forced tunnel, the endpoints no route with next hop internet keeps
/// in Azure (by service tag, or a CIDR route declared with `endpoint`); empty without a forced
/// tunnel or when every endpoint has such a route. O(routes).
std::vector<SrEndpoint> tunnelled_endpoints(const std::vector<RouteSpec>& routes, const SourceRegion& region);

/// The details the run's records and the planning warnings share, for network `network`:
/// "outbound from vnet-ea does not allow: <describe_endpoints>" (OUTBOUND-REQUIRED);
std::string outbound_gap_detail(std::string_view network, const std::vector<SrEndpoint>& missing, const SourceRegion& region);
/// "vnet-ea sends outbound traffic through an authenticated proxy, ..." (PROXY-AUTH-UNSUPPORTED);
std::string authenticated_proxy_detail(std::string_view network);
/// "vnet-ea forces 0.0.0.0/0 on-premises; no user-defined route with next hop internet keeps in
/// Azure: ..." naming each tunnelled endpoint with its service tag (FORCED-TUNNEL-NO-UDR).
std::string forced_tunnel_detail(std::string_view network, const std::vector<SrEndpoint>& tunnelled, const SourceRegion& region);

/// A planning warning about one allow-list entry, or nullopt when it is fine: a bare CIDR other
/// than 0.0.0.0/0 (it stands for no endpoint: the {range, endpoint} form says which), a misspelt
/// service tag or URL (with the nearest one), the other cloud's URL, another region's Storage or
/// EventHub tag, or text that is neither a URL, a service tag nor a CIDR. Other URLs and service
/// tags are allowed silently: they stand for none of the four endpoints.
std::optional<std::string> allow_entry_warning(const OutboundAllow& entry, const SourceRegion& region);
/// A planning warning about a route's service tag: a misspelt one (with the nearest), or another
/// region's Storage or EventHub tag; nullopt otherwise.
std::optional<std::string> route_tag_warning(const RouteSpec& route, const SourceRegion& region);

}  // namespace drsim
