#include "sim/decisions/outbound_access.hpp"

#include <algorithm>
#include <array>

#include "sim/scenario/input_error.hpp"

namespace drsim {

namespace {

struct EndpointForms {
    SrEndpoint endpoint;
    std::string_view label;       ///< "Site Recovery service"; storage adds "of <region>"
    std::string_view url_global;  ///< seed 004 and SPEC §7
    std::string_view url_china;
    std::string_view tag;         ///< the service tag
    bool regional_tag;            ///< also <tag>.<region>
};

constexpr std::array<EndpointForms, 4> kForms{{
    {SrEndpoint::storage, "storage", "*.blob.core.windows.net", "*.blob.core.chinacloudapi.cn", "Storage", true},
    {SrEndpoint::login, "Azure AD login", "login.microsoftonline.com", "login.chinacloudapi.cn", "AzureActiveDirectory", false},
    {SrEndpoint::site_recovery, "Site Recovery service", "*.hypervrecoverymanager.windowsazure.com",
     "*.hypervrecoverymanager.windowsazure.cn", "AzureSiteRecovery", false},
    {SrEndpoint::monitoring, "monitoring", "*.servicebus.windows.net", "*.servicebus.chinacloudapi.cn", "EventHub", true},
}};

const EndpointForms& forms(SrEndpoint e) { return kForms[static_cast<std::size_t>(e)]; }

std::string lower(std::string_view text) {
    std::string out{text};
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

// A region name as a tag suffix compares it: lower case, no spaces ("East Asia" ~ "EastAsia").
std::string region_key(std::string_view text) {
    std::string out = lower(text);
    std::erase(out, ' ');
    return out;
}

std::string tag_suffix(const SourceRegion& region) {
    std::string out{region.name};
    std::erase(out, ' ');
    return out;
}

std::string tag_forms(const EndpointForms& f, const SourceRegion& region) {
    std::string out{f.tag};
    if (f.regional_tag) out += " / " + std::string{f.tag} + "." + tag_suffix(region);
    return out;
}

// The tags that name one of the four endpoints from `region`, as they are best written.
std::vector<std::string> known_tags(const SourceRegion& region) {
    std::vector<std::string> out;
    for (const auto& f : kForms) {
        out.emplace_back(f.tag);
        if (f.regional_tag) out.push_back(std::string{f.tag} + "." + tag_suffix(region));
    }
    return out;
}

bool tag_like(std::string_view text) {
    return !text.empty() && text.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.") == std::string_view::npos;
}

// A URL rather than a service tag: a scheme, a leading "*.", two dots or more, or a dotted name
// with no capital letter (service tags are written in PascalCase).
bool url_like(std::string_view text) {
    if (text.find("://") != std::string_view::npos || text.starts_with("*.")) return true;
    const auto dots = std::count(text.begin(), text.end(), '.');
    const bool capitals = std::any_of(text.begin(), text.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
    return dots >= 2 || (dots == 1 && !capitals);
}

// The endpoint whose URL in the other cloud is `text`; nullopt when none.
std::optional<SrEndpoint> other_cloud_url(std::string_view text, bool china) {
    const std::string l = lower(text);
    for (const auto& f : kForms)
        if (l == (china ? f.url_global : f.url_china)) return f.endpoint;
    return std::nullopt;
}

// A Storage.<region> or EventHub.<region> tag of another region: the endpoint it would name.
std::optional<SrEndpoint> other_region_tag(std::string_view text) {
    const std::string l = lower(text);
    const auto dot = l.find('.');
    if (dot == std::string::npos || dot + 1 == l.size()) return std::nullopt;
    for (const auto& f : kForms)
        if (f.regional_tag && l.compare(0, dot, lower(f.tag)) == 0 && dot == f.tag.size()) return f.endpoint;
    return std::nullopt;
}

std::string_view cloud_name(bool china) { return china ? "Azure China" : "global Azure"; }

// Warnings shared by allow-list entries and route destinations written as service tags.
std::optional<std::string> tag_warning(std::string_view text, const SourceRegion& region) {
    if (auto e = other_region_tag(text)) {
        const EndpointForms& f = forms(*e);
        return "service tag '" + std::string{text} + "' is another region's " + std::string{f.label} + ": the source region " +
               std::string{region.name} + " needs " + tag_forms(f, region);
    }
    const std::string nearest = closest_name(std::string{text}, known_tags(region));
    if (!nearest.empty())
        return "unknown service tag '" + std::string{text} + "'" + did_you_mean(nearest) + ": it stands for no endpoint";
    return std::nullopt;  // another service tag: valid in Azure, none of the four endpoints
}

}  // namespace

SourceRegion source_region(std::string_view site_name, std::string_view geo) {
    constexpr std::string_view china = "china";
    const bool in_china = geo.size() == china.size() &&
                          std::equal(geo.begin(), geo.end(), china.begin(), [](char a, char b) { return (a | 0x20) == b; });
    return SourceRegion{site_name, in_china};
}

std::vector<SrEndpoint> EndpointSet::missing() const {
    std::vector<SrEndpoint> out;
    for (SrEndpoint e : kSrEndpoints)
        if (!has(e)) out.push_back(e);
    return out;
}

std::string_view endpoint_key(SrEndpoint e) {
    switch (e) {
        case SrEndpoint::storage: return "storage";
        case SrEndpoint::login: return "login";
        case SrEndpoint::site_recovery: return "site_recovery";
        case SrEndpoint::monitoring: return "monitoring";
    }
    return "?";
}

std::string endpoint_label(SrEndpoint e, const SourceRegion& region) {
    std::string label{forms(e).label};
    if (e == SrEndpoint::storage) (label += " of ") += region.name;
    return label;
}

std::string_view endpoint_url(SrEndpoint e, bool china) { return china ? forms(e).url_china : forms(e).url_global; }

std::string describe_endpoints(const std::vector<SrEndpoint>& endpoints, const SourceRegion& region) {
    std::string out;
    for (SrEndpoint e : endpoints) {
        if (!out.empty()) out += ", ";
        out += endpoint_label(e, region) + " (" + std::string{endpoint_url(e, region.china)} + " or service tag " +
               tag_forms(forms(e), region) + ")";
    }
    return out;
}

EndpointSet endpoints_of_tag(std::string_view tag, const SourceRegion& region) {
    EndpointSet out;
    const std::string l = lower(tag);
    const auto dot = l.find('.');
    const std::string base = l.substr(0, dot);
    for (const auto& f : kForms) {
        if (base != lower(f.tag)) continue;
        if (dot == std::string::npos || (f.regional_tag && region_key(l.substr(dot + 1)) == region_key(region.name))) out.add(f.endpoint);
    }
    return out;
}

EndpointSet endpoints_allowed_by(const OutboundAllow& entry, const SourceRegion& region) {
    EndpointSet out;
    if (entry.range) {
        if (entry.endpoint) out.add(*entry.endpoint);
        else if (entry.range->length() == 0) out = EndpointSet::all();
        return out;
    }
    const std::string l = lower(entry.text);
    for (const auto& f : kForms)
        if (l == (region.china ? f.url_china : f.url_global)) out.add(f.endpoint);
    out.add(endpoints_of_tag(entry.text, region));
    return out;
}

std::vector<SrEndpoint> outbound_missing(const std::optional<OutboundSpec>& outbound, const SourceRegion& region) {
    if (!outbound || !outbound->restricted) return {};
    EndpointSet allowed;
    for (const auto& entry : outbound->allow) allowed.add(endpoints_allowed_by(entry, region));
    return allowed.missing();
}

const RouteSpec* forced_tunnel_route(const std::vector<RouteSpec>& routes) {
    for (const auto& r : routes)
        if (r.prefix && r.prefix->length() == 0 && r.next_hop == "onprem") return &r;
    return nullptr;
}

std::vector<SrEndpoint> tunnelled_endpoints(const std::vector<RouteSpec>& routes, const SourceRegion& region) {
    if (!forced_tunnel_route(routes)) return {};
    EndpointSet kept;
    for (const auto& r : routes) {
        if (r.next_hop != "internet") continue;
        if (r.prefix) {
            if (r.endpoint) kept.add(*r.endpoint);
        } else {
            kept.add(endpoints_of_tag(r.destination, region));
        }
    }
    return kept.missing();
}

std::string outbound_gap_detail(std::string_view network, const std::vector<SrEndpoint>& missing, const SourceRegion& region) {
    return "outbound from " + std::string{network} + " does not allow: " + describe_endpoints(missing, region);
}

std::string authenticated_proxy_detail(std::string_view network) {
    return std::string{network} + " sends outbound traffic through an authenticated proxy, which Site Recovery does not support";
}

std::string forced_tunnel_detail(std::string_view network, const std::vector<SrEndpoint>& tunnelled, const SourceRegion& region) {
    std::string names;
    for (SrEndpoint e : tunnelled) {
        if (!names.empty()) names += ", ";
        names += endpoint_label(e, region) + " (service tag " + tag_forms(forms(e), region) + ")";
    }
    return std::string{network} + " forces 0.0.0.0/0 on-premises, and no user-defined route with next hop internet keeps " +
           "this Site Recovery traffic in Azure: " + names;
}

std::optional<std::string> allow_entry_warning(const OutboundAllow& entry, const SourceRegion& region) {
    if (entry.range) {
        if (entry.endpoint || entry.range->length() == 0) return std::nullopt;
        return "range " + entry.text + " stands for no endpoint: only 0.0.0.0/0 allows all four; write {range: " + entry.text +
               ", endpoint: storage|login|site_recovery|monitoring} for a range that carries one";
    }
    if (!endpoints_allowed_by(entry, region).empty()) return std::nullopt;
    const std::string& text = entry.text;
    if (auto e = other_cloud_url(text, region.china))
        return "'" + text + "' is the " + std::string{cloud_name(!region.china)} + " URL of " + std::string{forms(*e).label} +
               "; " + std::string{region.name} + " is in " + std::string{cloud_name(region.china)} + ", which needs '" +
               std::string{endpoint_url(*e, region.china)} + "'";
    if (url_like(text)) {
        // Only a near miss is worth a word: other URLs are allowed for other reasons.
        for (const auto& f : kForms)
            for (std::string_view url : {f.url_global, f.url_china})
                if (edit_distance(text, std::string{url}) <= 2)
                    return "unknown URL '" + text + "'" + did_you_mean(std::string{url}) + ": it stands for no endpoint";
        return std::nullopt;
    }
    if (tag_like(text)) return tag_warning(text, region);
    return "'" + text + "' is neither a URL, a service tag nor a CIDR: it stands for no endpoint";
}

std::optional<std::string> route_tag_warning(const RouteSpec& route, const SourceRegion& region) {
    if (route.prefix || !endpoints_of_tag(route.destination, region).empty()) return std::nullopt;
    return tag_warning(route.destination, region);
}

}  // namespace drsim
