#include "sim/import/azure_import.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>
#include <variant>
#include <vector>

#include "sim/addressing/ipv4.hpp"
#include "sim/scenario/input_error.hpp"

namespace drsim {

using nlohmann::json;

// ---------------------------------------------------------------------------------------------
// Regions

namespace {

struct RegionRow {
    const char* key;  // the location as the CLI writes it
    const char* name;
    const char* geo;
};

// Display names and geographies as `az account list-locations` gives them (displayName,
// metadata.geography), for the regions most subscriptions use. Sorted by key.
constexpr RegionRow kRegions[] = {
    {"australiacentral", "Australia Central", "Australia"},
    {"australiaeast", "Australia East", "Australia"},
    {"australiasoutheast", "Australia Southeast", "Australia"},
    {"brazilsouth", "Brazil South", "Brazil"},
    {"canadacentral", "Canada Central", "Canada"},
    {"canadaeast", "Canada East", "Canada"},
    {"centralindia", "Central India", "India"},
    {"centralus", "Central US", "United States"},
    {"chinaeast", "China East", "China"},
    {"chinaeast2", "China East 2", "China"},
    {"chinaeast3", "China East 3", "China"},
    {"chinanorth", "China North", "China"},
    {"chinanorth2", "China North 2", "China"},
    {"chinanorth3", "China North 3", "China"},
    {"eastasia", "East Asia", "Asia Pacific"},
    {"eastus", "East US", "United States"},
    {"eastus2", "East US 2", "United States"},
    {"francecentral", "France Central", "France"},
    {"francesouth", "France South", "France"},
    {"germanynorth", "Germany North", "Germany"},
    {"germanywestcentral", "Germany West Central", "Germany"},
    {"israelcentral", "Israel Central", "Israel"},
    {"italynorth", "Italy North", "Italy"},
    {"japaneast", "Japan East", "Japan"},
    {"japanwest", "Japan West", "Japan"},
    {"koreacentral", "Korea Central", "Korea"},
    {"koreasouth", "Korea South", "Korea"},
    {"mexicocentral", "Mexico Central", "Mexico"},
    {"newzealandnorth", "New Zealand North", "New Zealand"},
    {"northcentralus", "North Central US", "United States"},
    {"northeurope", "North Europe", "Europe"},
    {"norwayeast", "Norway East", "Norway"},
    {"norwaywest", "Norway West", "Norway"},
    {"polandcentral", "Poland Central", "Poland"},
    {"qatarcentral", "Qatar Central", "Qatar"},
    {"southafricanorth", "South Africa North", "South Africa"},
    {"southafricawest", "South Africa West", "South Africa"},
    {"southcentralus", "South Central US", "United States"},
    {"southeastasia", "Southeast Asia", "Asia Pacific"},
    {"southindia", "South India", "India"},
    {"spaincentral", "Spain Central", "Spain"},
    {"swedencentral", "Sweden Central", "Sweden"},
    {"switzerlandnorth", "Switzerland North", "Switzerland"},
    {"switzerlandwest", "Switzerland West", "Switzerland"},
    {"uaecentral", "UAE Central", "UAE"},
    {"uaenorth", "UAE North", "UAE"},
    {"uksouth", "UK South", "United Kingdom"},
    {"ukwest", "UK West", "United Kingdom"},
    {"westcentralus", "West Central US", "United States"},
    {"westeurope", "West Europe", "Europe"},
    {"westindia", "West India", "India"},
    {"westus", "West US", "United States"},
    {"westus2", "West US 2", "United States"},
    {"westus3", "West US 3", "United States"},
};

// "East US" -> "eastus": how one region is recognised whatever the spelling.
std::string region_key(std::string_view location) {
    std::string key;
    for (char c : location)
        if (c != ' ') key += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return key;
}

}  // namespace

AzureRegion azure_region(std::string_view location) {
    const std::string key = region_key(location);
    auto it = std::lower_bound(std::begin(kRegions), std::end(kRegions), key,
                               [](const RegionRow& r, const std::string& k) { return std::string_view{r.key} < k; });
    if (it != std::end(kRegions) && key == it->key) return {it->name, it->geo, true};
    return {std::string{location}, "", false};
}

// ---------------------------------------------------------------------------------------------
// YAML text

std::string yaml_scalar(std::string_view s) {
    auto plain_char = [](unsigned char c) {
        return std::isalnum(c) || c >= 0x80 || c == ' ' || c == '-' || c == '_' || c == '.' || c == '/' || c == '(' ||
               c == ')' || c == '+';
    };
    bool plain = !s.empty() && (std::isalpha(static_cast<unsigned char>(s.front())) || static_cast<unsigned char>(s.front()) >= 0x80 ||
                                s.front() == '_') &&
                 s.back() != ' ' && std::all_of(s.begin(), s.end(), [&](char c) { return plain_char(static_cast<unsigned char>(c)); });
    if (plain) {
        std::string lower;
        for (char c : s) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        static const std::set<std::string> words{"true", "false", "yes", "no", "on", "off", "null", "y", "n"};
        plain = !words.count(lower);
    }
    if (plain) return std::string{s};
    std::string out = "\"";
    for (char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if (c == '"') out += "\\\"";
        else if (c == '\\') out += "\\\\";
        else if (c == '\n') out += "\\n";
        else if (c == '\t') out += "\\t";
        else if (c < 0x20 || c == 0x7f) {
            static const char hex[] = "0123456789abcdef";
            out += "\\x";
            out += hex[c >> 4];
            out += hex[c & 15];
        } else out += ch;
    }
    return out + "\"";
}

std::pair<int, int> line_column(std::string_view text, std::size_t offset) {
    offset = std::min(offset, text.size());
    int line = 1;
    std::size_t line_start = 0;
    for (std::size_t i = 0; i < offset; ++i)
        if (text[i] == '\n') {
            ++line;
            line_start = i + 1;
        }
    return {line, static_cast<int>(offset - line_start) + 1};
}

namespace {

// Comment text on one line: control characters (a newline in a name) shown as '?'.
std::string one_line(std::string_view s) {
    std::string out{s};
    for (char& c : out)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
    return out;
}

std::string lower(std::string_view s) {
    std::string out{s};
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// ---------------------------------------------------------------------------------------------
// Locating a value in the JSON text, for messages. nlohmann::json keeps no positions; the text is
// valid JSON by then, so a scan that skips strings and brackets finds the value a path names.

using JsonStep = std::variant<std::size_t, std::string>;
using JsonPath = std::vector<JsonStep>;

std::string path_text(const JsonPath& path) {
    std::string out;
    for (const auto& step : path) {
        if (const auto* i = std::get_if<std::size_t>(&step)) {
            out += '[';
            out += std::to_string(*i);
            out += ']';
        } else {
            if (!out.empty()) out += '.';
            out += std::get<std::string>(step);
        }
    }
    return out.empty() ? "the top level" : out;
}

class JsonLocator {
public:
    explicit JsonLocator(std::string_view text) : t_(text) {}

    // Offset of the value at `path`; of the deepest value along it that exists.
    std::size_t find(const JsonPath& path) const {
        std::size_t pos = skip_ws(t_.rfind("\xEF\xBB\xBF", 0) == 0 ? 3 : 0);
        for (const auto& step : path) {
            std::optional<std::size_t> next = std::holds_alternative<std::size_t>(step) ? element(pos, std::get<std::size_t>(step))
                                                                                      : member(pos, std::get<std::string>(step));
            if (!next) return pos;
            pos = *next;
        }
        return pos;
    }

private:
    std::size_t skip_ws(std::size_t p) const {
        while (p < t_.size() && (t_[p] == ' ' || t_[p] == '\t' || t_[p] == '\n' || t_[p] == '\r')) ++p;
        return p;
    }
    std::size_t skip_string(std::size_t p) const {  // p at the opening quote; returns after the closing one
        for (++p; p < t_.size() && t_[p] != '"'; ++p)
            if (t_[p] == '\\') ++p;
        return std::min(p + 1, t_.size());
    }
    std::size_t skip_value(std::size_t p) const {
        if (p >= t_.size()) return p;
        if (t_[p] == '"') return skip_string(p);
        if (t_[p] == '[' || t_[p] == '{') {
            int depth = 0;
            while (p < t_.size()) {
                const char c = t_[p];
                if (c == '"') {
                    p = skip_string(p);
                    continue;
                }
                if (c == '[' || c == '{') ++depth;
                if (c == ']' || c == '}') {
                    if (--depth == 0) return p + 1;
                }
                ++p;
            }
            return p;
        }
        while (p < t_.size() && std::string_view{",]} \t\r\n"}.find(t_[p]) == std::string_view::npos) ++p;
        return p;
    }
    std::optional<std::size_t> element(std::size_t p, std::size_t index) const {
        if (p >= t_.size() || t_[p] != '[') return std::nullopt;
        p = skip_ws(p + 1);
        for (std::size_t i = 0; p < t_.size() && t_[p] != ']'; ++i) {
            if (i == index) return p;
            p = skip_ws(skip_value(p));
            if (p < t_.size() && t_[p] == ',') p = skip_ws(p + 1);
        }
        return std::nullopt;
    }
    // The last member of that name, as nlohmann::json keeps the last of duplicate keys.
    std::optional<std::size_t> member(std::size_t p, const std::string& key) const {
        if (p >= t_.size() || t_[p] != '{') return std::nullopt;
        std::optional<std::size_t> found;
        p = skip_ws(p + 1);
        while (p < t_.size() && t_[p] == '"') {
            const std::size_t end = skip_string(p);
            std::string name;
            try {
                name = json::parse(t_.substr(p, end - p)).get<std::string>();
            } catch (const json::exception&) {
            }
            p = skip_ws(end);
            if (p < t_.size() && t_[p] == ':') p = skip_ws(p + 1);
            if (name == key) found = p;
            p = skip_ws(skip_value(p));
            if (p < t_.size() && t_[p] == ',') p = skip_ws(p + 1);
        }
        return found;
    }

    std::string_view t_;
};

std::string describe(const json& v) {
    switch (v.type()) {
        case json::value_t::null: return "null";
        case json::value_t::object: return "an object";
        case json::value_t::array: return "a list";
        case json::value_t::string: return "the string " + v.dump();
        case json::value_t::boolean: return v.get<bool>() ? "true" : "false";
        case json::value_t::discarded: return "nothing";
        default: return "the number " + v.dump();
    }
}

// One input file, parsed, with what it takes to say where a problem is.
class JsonDocument {
public:
    explicit JsonDocument(const JsonInput& in) : in_(in) {
        try {
            root_ = json::parse(in.text);
        } catch (const json::parse_error& e) {
            // e.byte counts the bytes read, the offending one included.
            const auto [line, column] = line_column(in.text, e.byte == 0 ? 0 : e.byte - 1);
            const std::string what = e.what();  // "[json.exception.parse_error.101] parse error at line 1, column 2: syntax error ..."
            const auto detail = what.find(": ");
            throw InputError(in.file, line, column,
                             "not JSON" + (detail == std::string::npos ? std::string{} : ": " + what.substr(detail + 2)));
        }
    }

    const json& root() const { return root_; }

    [[noreturn]] void fail(const JsonPath& path, const std::string& message) const {
        const auto [line, column] = line_column(in_.text, JsonLocator(in_.text).find(path));
        throw InputError(in_.file, line, column, message);
    }

private:
    const JsonInput& in_;
    json root_;
};

// A JSON object of the input with its path, and what it is for messages ("VNet 'hub'").
struct JsonObject {
    const JsonDocument* doc;
    const json* value;
    JsonPath path;
    std::string what;

    JsonPath at(const std::string& key) const {
        JsonPath p = path;
        p.emplace_back(key);
        return p;
    }
    [[noreturn]] void fail_at(const JsonPath& p, const std::string& message) const {
        doc->fail(p, path_text(p) + ": " + message + (what.empty() ? "" : " (" + what + ")"));
    }
    // The member `key`; nullptr when absent or null (the CLI writes null for what is not set).
    const json* get(const std::string& key) const {
        auto it = value->find(key);
        return it == value->end() || it->is_null() ? nullptr : &*it;
    }
    const json& required(const std::string& key, const char* expected) const {
        const json* v = get(key);
        if (!v) fail_at(path, "missing '" + key + "': expected " + expected);
        return *v;
    }
    std::string string(const std::string& key) const {
        const json& v = required(key, "a string");
        if (!v.is_string()) fail_at(at(key), "expected a string, found " + describe(v));
        return v.get<std::string>();
    }
    std::string optional_string(const std::string& key) const {
        const json* v = get(key);
        if (!v) return "";
        if (!v->is_string()) fail_at(at(key), "expected a string, found " + describe(*v));
        return v->get<std::string>();
    }
    bool optional_bool(const std::string& key) const {
        const json* v = get(key);
        if (!v) return false;
        if (!v->is_boolean()) fail_at(at(key), "expected true or false, found " + describe(*v));
        return v->get<bool>();
    }
    JsonObject object(const std::string& key, const std::string& child_what) const {
        const json& v = required(key, "an object");
        if (!v.is_object()) fail_at(at(key), "expected an object, found " + describe(v));
        return {doc, &v, at(key), child_what.empty() ? what : child_what};
    }
    // The list under `key` (empty when absent or null).
    const json* list(const std::string& key) const {
        const json* v = get(key);
        if (v && !v->is_array()) fail_at(at(key), "expected a list, found " + describe(*v));
        return v;
    }
    JsonObject element(const std::string& key, std::size_t i, const std::string& element_what) const {
        JsonPath p = at(key);
        p.emplace_back(i);
        const json& v = value->at(key).at(i);
        if (!v.is_object()) fail_at(p, "expected an object, found " + describe(v));
        return {doc, &v, p, element_what};
    }
};

// The resource group an id names (/subscriptions/S/resourceGroups/RG/...), "" when it has none.
std::string resource_group_of(const std::string& id) {
    const std::string l = lower(id);
    const auto at = l.find("/resourcegroups/");
    if (at == std::string::npos) return "";
    const std::size_t start = at + 16;
    return id.substr(start, id.find('/', start) - start);
}

// The last segment of a resource id: a NIC's name.
std::string last_segment(const std::string& id) {
    std::string s = id;
    while (!s.empty() && s.back() == '/') s.pop_back();
    return s.substr(s.rfind('/') + 1);
}

// A name drsim accepts: no control characters, no brace (a brace range in drsim), not empty.
std::string drsim_name(std::string_view raw) {
    std::string s{raw};
    for (char& c : s)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f || c == '{' || c == '}') c = '-';
    const auto first = s.find_first_not_of(' ');
    if (first == std::string::npos) return "unnamed";
    return s.substr(first, s.find_last_not_of(' ') - first + 1);
}

// Gives each name once: `wanted`, else `wanted-<qualifier>` (the resource group), else
// `wanted-2`, `wanted-3`, … The set `taken` may be seeded with names of other kinds.
class NameRegistry {
public:
    explicit NameRegistry(std::set<std::string> taken = {}) : taken_(std::move(taken)) {}
    std::string claim(const std::string& wanted, const std::string& qualifier) {
        if (taken_.insert(wanted).second) return wanted;
        if (!qualifier.empty() && taken_.insert(wanted + "-" + qualifier).second) return wanted + "-" + qualifier;
        for (int n = 2;; ++n)
            if (taken_.insert(wanted + "-" + std::to_string(n)).second) return wanted + "-" + std::to_string(n);
    }

private:
    std::set<std::string> taken_;
};

// ---------------------------------------------------------------------------------------------
// The model read from the inputs

struct Subnet {
    std::string name;
    Ipv4Prefix prefix;
    std::vector<std::string> notes;
};

struct Peering {
    std::string name;
    std::string remote_id;
    std::string state;  // Connected | Initiated | Disconnected
    bool allow_forwarded = false;
    bool allow_gateway_transit = false;
    bool use_remote_gateways = false;
    JsonPath path;
};

struct Vnet {
    std::size_t index = 0;
    std::string azure_name, resource_group, id, region;  // region: its key ("eastus")
    std::string location;                                // as the listing spells it
    std::string name;                                    // in the scenario
    std::vector<Ipv4Prefix> space;
    std::vector<Subnet> subnets;
    std::vector<Peering> peerings;
    std::vector<std::string> notes;
    bool gateway = false;
    std::vector<std::string> gateway_users;  // VNets whose peering uses this one's gateway
    bool skipped = false;
};

struct Nic {
    std::string network, subnet, ip;  // ip: an address or "dhcp"
    std::vector<std::string> notes;
};

struct Vm {
    std::string azure_name, resource_group, id, region, name;
    std::vector<Nic> nics;
    std::vector<std::string> notes;
};

// "10.0.0.0/24" or "ace:cab:deca::/64". nullopt for IPv6 (not modelled); an error for anything else.
std::optional<Ipv4Prefix> read_prefix(const JsonObject& o, const JsonPath& p, const json& v) {
    if (!v.is_string()) o.fail_at(p, "expected a CIDR prefix string, found " + describe(v));
    const std::string text = v.get<std::string>();
    if (text.find(':') != std::string::npos) return std::nullopt;
    auto prefix = Ipv4Prefix::parse(text);
    if (!prefix) o.fail_at(p, "expected an IPv4 or IPv6 CIDR prefix (10.0.0.0/16), found '" + text + "'");
    return prefix;
}

Vnet read_vnet(const JsonDocument& doc, std::size_t i) {
    const json& v = doc.root()[i];
    JsonObject o{&doc, &v, {i}, ""};
    if (!v.is_object()) o.fail_at(o.path, "expected an object (a VNet), found " + describe(v));
    Vnet net;
    net.index = i;
    if (!v.contains("addressSpace") && (v.contains("privateIps") || v.contains("hardwareProfile") || v.contains("storageProfile")))
        o.fail_at(o.path, "this is a VM, not a VNet: give `az vm list -d -o json` to --vms and `az network vnet list -o json` to --vnets");
    net.azure_name = o.string("name");
    o.what = "VNet '" + one_line(net.azure_name) + "'";
    net.location = o.string("location");
    net.region = region_key(net.location);
    if (net.region.empty()) o.fail_at(o.at("location"), "expected a region name, found an empty string");
    net.id = o.string("id");
    net.resource_group = o.optional_string("resourceGroup");
    if (net.resource_group.empty()) net.resource_group = resource_group_of(net.id);

    const JsonObject space = o.object("addressSpace", "");
    const json* prefixes = space.list("addressPrefixes");
    if (!prefixes) space.required("addressPrefixes", "a list of CIDR prefixes");
    for (std::size_t k = 0; k < prefixes->size(); ++k) {
        JsonPath p = space.at("addressPrefixes");
        p.emplace_back(k);
        const auto prefix = read_prefix(space, p, (*prefixes)[k]);
        if (!prefix) {
            net.notes.push_back("IPv6 address space " + (*prefixes)[k].get<std::string>() + " left out: drsim models IPv4");
            continue;
        }
        const auto clash = std::find_if(net.space.begin(), net.space.end(), [&](const Ipv4Prefix& q) { return q.overlaps(*prefix); });
        if (clash != net.space.end()) {
            net.notes.push_back("address space " + prefix->to_string() + " left out: it overlaps " + clash->to_string());
            continue;
        }
        net.space.push_back(*prefix);
    }

    if (const json* subnets = o.list("subnets")) {
        for (std::size_t k = 0; k < subnets->size(); ++k) {
            JsonObject s = o.element("subnets", k, "");
            const std::string azure_name = s.string("name");
            s.what = o.what + ", subnet '" + one_line(azure_name) + "'";
            std::vector<std::pair<JsonPath, const json*>> texts;
            if (const json* one = s.get("addressPrefix")) texts.emplace_back(s.at("addressPrefix"), one);
            if (const json* many = s.list("addressPrefixes"))
                for (std::size_t m = 0; m < many->size(); ++m) {
                    JsonPath p = s.at("addressPrefixes");
                    p.emplace_back(m);
                    texts.emplace_back(p, &(*many)[m]);
                }
            if (texts.empty()) s.fail_at(s.path, "missing 'addressPrefix' or 'addressPrefixes': expected the subnet's prefix");
            std::vector<Ipv4Prefix> v4;
            std::vector<std::string> notes;
            for (const auto& [p, t] : texts) {
                const auto prefix = read_prefix(s, p, *t);
                if (!prefix) notes.push_back("IPv6 prefix " + t->get<std::string>() + " left out: drsim models IPv4");
                else if (std::find(v4.begin(), v4.end(), *prefix) == v4.end()) v4.push_back(*prefix);  // addressPrefix may repeat one of addressPrefixes
            }
            if (v4.empty()) {
                net.notes.push_back("subnet " + one_line(azure_name) + " left out: it has no IPv4 prefix");
                continue;
            }
            for (std::size_t m = 0; m < v4.size(); ++m) {
                Subnet sub;
                sub.name = drsim_name(azure_name);
                if (sub.name != azure_name) sub.notes.push_back("Azure name '" + one_line(azure_name) + "' (a brace or a control character replaced)");
                if (m > 0) {
                    sub.name += "-" + std::to_string(m + 1);
                    sub.notes.push_back("prefix " + std::to_string(m + 1) + " of Azure subnet " + one_line(azure_name) +
                                        ": a drsim subnet has one prefix");
                }
                sub.prefix = v4[m];
                if (m == 0) sub.notes.insert(sub.notes.end(), notes.begin(), notes.end());
                net.subnets.push_back(std::move(sub));
            }
        }
    }

    if (const json* peerings = o.list("virtualNetworkPeerings")) {
        for (std::size_t k = 0; k < peerings->size(); ++k) {
            JsonObject pe = o.element("virtualNetworkPeerings", k, "");
            Peering p;
            p.name = pe.string("name");
            pe.what = o.what + ", peering '" + one_line(p.name) + "'";
            p.remote_id = pe.object("remoteVirtualNetwork", "").string("id");
            p.state = pe.string("peeringState");
            if (p.state != "Connected" && p.state != "Initiated" && p.state != "Disconnected")
                pe.fail_at(pe.at("peeringState"), "expected Connected, Initiated or Disconnected, found '" + one_line(p.state) + "'");
            p.allow_forwarded = pe.optional_bool("allowForwardedTraffic");
            p.allow_gateway_transit = pe.optional_bool("allowGatewayTransit");
            p.use_remote_gateways = pe.optional_bool("useRemoteGateways");
            p.path = pe.path;
            net.peerings.push_back(std::move(p));
        }
    }
    return net;
}

// Keeps the subnets drsim accepts: sorted by name, unique names, inside the address space, not
// overlapping one another, with a usable address (ADDR-AZURE-RESERVED: at most /29).
void settle_subnets(Vnet& net) {
    std::stable_sort(net.subnets.begin(), net.subnets.end(), [](const Subnet& a, const Subnet& b) { return a.name < b.name; });
    NameRegistry names;
    std::vector<Subnet> kept;
    for (auto& s : net.subnets) {
        const std::string prefix = s.prefix.to_string();
        if (std::none_of(net.space.begin(), net.space.end(), [&](const Ipv4Prefix& p) { return p.contains(s.prefix); })) {
            net.notes.push_back("subnet " + s.name + " (" + prefix + ") left out: outside the address space");
            continue;
        }
        if (s.prefix.hosts(4, 1).empty()) {
            net.notes.push_back("subnet " + s.name + " (" + prefix + ") left out: no usable address (an Azure subnet is at most /29)");
            continue;
        }
        const auto clash = std::find_if(kept.begin(), kept.end(), [&](const Subnet& k) { return k.prefix.overlaps(s.prefix); });
        if (clash != kept.end()) {
            net.notes.push_back("subnet " + s.name + " (" + prefix + ") left out: it overlaps subnet " + clash->name);
            continue;
        }
        const std::string wanted = s.name;
        s.name = names.claim(wanted, "");
        if (s.name != wanted) s.notes.push_back("renamed from " + wanted + ": two subnets had that name");
        kept.push_back(std::move(s));
    }
    net.subnets = std::move(kept);
}

std::string join(const std::vector<std::string>& items, const std::string& sep) {
    std::string out;
    for (const auto& i : items) out += (out.empty() ? "" : sep) + i;
    return out;
}

void write_notes(std::string& out, const std::string& indent, const std::vector<std::string>& notes) {
    for (const auto& n : notes) out += indent + "# " + one_line(n) + "\n";
}

// Where each IPv4 subnet of a region is, by prefix: an address is looked up once per distinct
// prefix length of the region, not compared with every subnet.
struct SubnetRef {
    std::size_t vnet;
    std::size_t subnet;
};
class RegionSubnets {
public:
    void add(const Ipv4Prefix& p, SubnetRef ref) {
        lengths_.insert(p.length());
        by_prefix_[key(p.length(), p.network().value())].push_back(ref);
    }
    std::vector<SubnetRef> holding(Ipv4Address a) const {
        std::vector<SubnetRef> out;
        for (int len : lengths_) {
            const std::uint32_t mask = len == 0 ? 0u : ~std::uint32_t{0} << (32 - len);
            auto it = by_prefix_.find(key(len, a.value() & mask));
            if (it != by_prefix_.end()) out.insert(out.end(), it->second.begin(), it->second.end());
        }
        return out;
    }

private:
    static std::uint64_t key(int len, std::uint32_t network) { return (std::uint64_t(len) << 32) | network; }
    std::set<int> lengths_;
    std::unordered_map<std::uint64_t, std::vector<SubnetRef>> by_prefix_;
};

void require_list(const JsonDocument& doc, const char* command) {
    if (!doc.root().is_array())
        doc.fail({}, std::string{"expected a list (the output of `"} + command + "`), found " + describe(doc.root()));
}

}  // namespace

// ---------------------------------------------------------------------------------------------

std::string import_azure(const JsonInput& vnets_in, const JsonInput* vms_in) {
    const JsonDocument vnet_doc(vnets_in);
    require_list(vnet_doc, "az network vnet list -o json");
    if (vnet_doc.root().empty()) vnet_doc.fail({}, "an empty list: no VNet to import (is `az network vnet list` looking at the right subscription?)");
    std::vector<Vnet> vnets;
    vnets.reserve(vnet_doc.root().size());
    for (std::size_t i = 0; i < vnet_doc.root().size(); ++i) vnets.push_back(read_vnet(vnet_doc, i));

    // Sites: one per region, named as drsim scenarios name Azure regions.
    std::map<std::string, AzureRegion> regions;  // by key; a region not in the table is named by its
    for (const auto& v : vnets) {                 // first spelling in byte order, whatever the listing's order
        auto [it, fresh] = regions.emplace(v.region, azure_region(v.location));
        if (!fresh && !it->second.known && v.location < it->second.name) it->second.name = v.location;
    }
    std::set<std::string> site_names;
    for (auto& [key, r] : regions) {
        r.name = drsim_name(r.name);
        site_names.insert(r.name);
    }

    // Networks: sorted by Azure name (then resource group, region, id), names made unique.
    std::vector<std::size_t> order(vnets.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        const Vnet &x = vnets[a], &y = vnets[b];
        return std::tie(x.azure_name, x.resource_group, x.region, x.id) < std::tie(y.azure_name, y.resource_group, y.region, y.id);
    });
    std::unordered_map<std::string, std::size_t> by_id;  // lower-case id (Azure ids ignore case)
    NameRegistry network_names(site_names);                // a connection's end names one site or network
    std::vector<std::string> skipped_networks;
    for (std::size_t i : order) {
        Vnet& v = vnets[i];
        auto [it, fresh] = by_id.emplace(lower(v.id), i);
        if (!fresh)
            vnet_doc.fail({i, std::string{"id"}}, "[" + std::to_string(i) + "].id: the VNet is listed twice (also [" +
                                                     std::to_string(it->second) + "])");
        if (v.space.empty()) {
            v.skipped = true;
            skipped_networks.push_back("VNet " + one_line(v.azure_name) + " (resource group " + one_line(v.resource_group) +
                                       ") left out: it has no IPv4 address space");
            continue;
        }
        const std::string wanted = drsim_name(v.azure_name);
        v.name = network_names.claim(wanted, drsim_name(v.resource_group));
        if (v.name != v.azure_name) v.notes.insert(v.notes.begin(), "Azure name '" + one_line(v.azure_name) + "' (renamed: the name is taken or not a drsim name)");
        settle_subnets(v);
    }
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return vnets[a].name < vnets[b].name; });

    // Peerings: the two directions of one peering become one connection.
    struct Pair {
        std::size_t a, b;                     // a's name sorts first
        const Peering* ab = nullptr;          // a's peering to b
        const Peering* ba = nullptr;
    };
    std::map<std::pair<std::string, std::string>, Pair> pairs;
    std::vector<std::string> skipped_peerings;
    for (std::size_t i : order) {
        Vnet& v = vnets[i];
        if (v.skipped) continue;
        for (const auto& p : v.peerings) {
            auto it = by_id.find(lower(p.remote_id));
            if (it == by_id.end() || vnets[it->second].skipped || it->second == i) {
                const std::string why = it == by_id.end()       ? "the remote VNet " + one_line(last_segment(p.remote_id)) + " is not in the input"
                                        : it->second == i        ? "it peers the VNet with itself"
                                                                 : "the remote VNet " + one_line(vnets[it->second].azure_name) + " was left out";
                skipped_peerings.push_back("peering " + one_line(p.name) + " of " + v.name + " left out: " + why);
                continue;
            }
            const std::size_t r = it->second;
            if (p.use_remote_gateways) {
                vnets[r].gateway = true;
                vnets[r].gateway_users.push_back(v.name);
            }
            const bool first = v.name < vnets[r].name;
            Pair& pair = pairs[first ? std::pair{v.name, vnets[r].name} : std::pair{vnets[r].name, v.name}];
            pair.a = first ? i : r;
            pair.b = first ? r : i;
            const Peering*& slot = first ? pair.ab : pair.ba;
            if (slot) {
                skipped_peerings.push_back("peering " + one_line(p.name) + " of " + v.name + " left out: " + v.name + " has another peering to " +
                                           vnets[r].name + " (" + one_line(slot->name) + ")");
                continue;
            }
            slot = &p;
        }
    }
    struct Connection {
        std::string name;
        const Pair* pair;
        std::vector<std::string> notes;
    };
    std::vector<Connection> connections;
    NameRegistry connection_names;
    for (const auto& [key, pair] : pairs) {
        const Peering* named = pair.ab ? pair.ab : pair.ba;
        Connection c{"", &pair, {}};
        const std::string wanted = drsim_name(named->name);
        c.name = connection_names.claim(wanted, "");
        const Vnet &a = vnets[pair.a], &b = vnets[pair.b];
        std::vector<std::string> sides;
        for (const auto& [p, v] : {std::pair{pair.ab, &a}, std::pair{pair.ba, &b}})
            if (p)
                sides.push_back(one_line(p->name) + " on " + v->name + " (" + p->state + ", allowForwardedTraffic " +
                                (p->allow_forwarded ? "true" : "false") + ")");
        c.notes.push_back("Azure peering " + join(sides, " and "));
        if (!pair.ab || !pair.ba)
            c.notes.push_back("only " + std::string{pair.ab ? a.name : b.name} + " has a peering to the other: the peering is not established");
        connections.push_back(std::move(c));
    }
    std::sort(connections.begin(), connections.end(), [](const Connection& x, const Connection& y) { return x.name < y.name; });

    // The subnets of each region, for placing NICs by address.
    std::map<std::string, RegionSubnets> region_subnets;
    for (std::size_t i : order)
        if (!vnets[i].skipped)
            for (std::size_t s = 0; s < vnets[i].subnets.size(); ++s) region_subnets[vnets[i].region].add(vnets[i].subnets[s].prefix, {i, s});

    // VMs.
    std::vector<Vm> vms;
    std::vector<std::string> skipped_vms;
    std::optional<JsonDocument> vm_doc;
    if (vms_in) {
        vm_doc.emplace(*vms_in);
        require_list(*vm_doc, "az vm list -d -o json");
        std::set<std::pair<std::string, std::uint32_t>> static_taken;  // (network, address): one NIC each
        std::vector<Vm> read;
        std::vector<std::vector<std::pair<std::string, std::string>>> addresses;  // per VM: (address, NIC name or "")
        for (std::size_t i = 0; i < vm_doc->root().size(); ++i) {
            const json& v = vm_doc->root()[i];
            JsonObject o{&*vm_doc, &v, {i}, ""};
            if (!v.is_object()) o.fail_at(o.path, "expected an object (a VM), found " + describe(v));
            if (v.contains("addressSpace"))
                o.fail_at(o.path, "this is a VNet, not a VM: give `az network vnet list -o json` to --vnets and `az vm list -d -o json` to --vms");
            Vm vm;
            vm.azure_name = o.string("name");
            o.what = "VM '" + one_line(vm.azure_name) + "'";
            vm.region = region_key(o.string("location"));
            vm.id = o.optional_string("id");
            vm.resource_group = o.optional_string("resourceGroup");
            if (vm.resource_group.empty()) vm.resource_group = resource_group_of(vm.id);
            if (!o.get("privateIps"))
                o.fail_at(o.path, "missing 'privateIps': expected the output of `az vm list -d` (-d, --show-details, adds the addresses)");
            const std::string ips = o.string("privateIps");
            const std::string public_ips = o.optional_string("publicIps");
            const std::string power = o.optional_string("powerState");
            std::vector<std::string> nic_names;
            if (o.get("networkProfile")) {
                const JsonObject profile = o.object("networkProfile", "");
                if (profile.list("networkInterfaces"))
                    for (std::size_t k = 0; k < (*profile.value)["networkInterfaces"].size(); ++k)
                        nic_names.push_back(last_segment(profile.element("networkInterfaces", k, o.what).string("id")));
            }
            std::vector<std::string> split;
            for (std::size_t start = 0; start <= ips.size();) {
                std::size_t end = ips.find(',', start);
                if (end == std::string::npos) end = ips.size();
                std::string one = ips.substr(start, end - start);
                one.erase(0, one.find_first_not_of(' '));
                one.erase(one.find_last_not_of(' ') + 1);
                if (!one.empty()) split.push_back(one);
                start = end + 1;
            }
            std::vector<std::pair<std::string, std::string>> addrs;
            // get_vm_details joins the private addresses of every NIC's IP configurations in NIC
            // order: with one NIC every address is its; with as many addresses as NICs, the k-th
            // address is the k-th NIC's; otherwise which NIC holds which is not known.
            for (std::size_t k = 0; k < split.size(); ++k) {
                if (split[k].find(':') == std::string::npos && !Ipv4Address::parse(split[k]))
                    o.fail_at(o.at("privateIps"), "expected addresses separated by commas (10.0.0.4,10.0.1.4), found '" + one_line(split[k]) + "'");
                addrs.emplace_back(split[k], nic_names.size() == 1 ? nic_names[0] : split.size() == nic_names.size() ? nic_names[k] : "");
            }
            std::string about = "resource group " + one_line(vm.resource_group);
            if (!power.empty()) about += "; " + one_line(power);
            if (!public_ips.empty()) about += "; public " + one_line(public_ips);
            vm.notes.push_back(about);
            if (nic_names.size() > 1 && split.size() != nic_names.size())
                vm.notes.push_back("NICs " + one_line(join(nic_names, ", ")) + " hold " + std::to_string(split.size()) +
                                   " addresses: which NIC holds which is not in `az vm list -d`");
            read.push_back(std::move(vm));
            addresses.push_back(std::move(addrs));
        }
        std::vector<std::size_t> vm_order(read.size());
        for (std::size_t i = 0; i < vm_order.size(); ++i) vm_order[i] = i;
        std::sort(vm_order.begin(), vm_order.end(), [&](std::size_t a, std::size_t b) {
            const Vm &x = read[a], &y = read[b];
            return std::tie(x.azure_name, x.resource_group, x.region, x.id) < std::tie(y.azure_name, y.resource_group, y.region, y.id);
        });
        NameRegistry vm_names;
        for (std::size_t i : vm_order) {
            Vm& vm = read[i];
            auto site = regions.find(vm.region);
            const std::string region_name = site != regions.end() ? site->second.name : azure_region(vm.region).name;
            if (site == regions.end()) {
                skipped_vms.push_back("VM " + one_line(vm.azure_name) + " (" + one_line(region_name) + ") left out: no VNet of the input is in its region");
                continue;
            }
            for (const auto& [address, nic_name] : addresses[i]) {
                const std::string label = nic_name.empty() ? address : one_line(nic_name) + " " + address;
                if (address.find(':') != std::string::npos) {
                    vm.notes.push_back(label + " left out: drsim models IPv4");
                    continue;
                }
                const Ipv4Address a = *Ipv4Address::parse(address);
                std::vector<SubnetRef> holders = region_subnets[vm.region].holding(a);
                if (holders.empty()) {
                    vm.notes.push_back(label + " left out: no subnet of " + region_name + " in the input holds it");
                    continue;
                }
                // Ambiguous when VNets of one region share a range: prefer the VM's resource group, then by name.
                std::sort(holders.begin(), holders.end(), [&](const SubnetRef& x, const SubnetRef& y) {
                    const bool xs = lower(vnets[x.vnet].resource_group) == lower(vm.resource_group);
                    const bool ys = lower(vnets[y.vnet].resource_group) == lower(vm.resource_group);
                    if (xs != ys) return xs;
                    return std::tie(vnets[x.vnet].name, vnets[x.vnet].subnets[x.subnet].name) <
                           std::tie(vnets[y.vnet].name, vnets[y.vnet].subnets[y.subnet].name);
                });
                const Vnet& net = vnets[holders[0].vnet];
                const Subnet& sub = net.subnets[holders[0].subnet];
                Nic nic{net.name, sub.name, address, {}};
                if (!nic_name.empty()) nic.notes.push_back("NIC " + one_line(nic_name));
                if (holders.size() > 1) {
                    std::vector<std::string> others;
                    for (std::size_t h = 1; h < holders.size(); ++h)
                        others.push_back(vnets[holders[h].vnet].name + "/" + vnets[holders[h].vnet].subnets[holders[h].subnet].name);
                    nic.notes.push_back("ambiguous: " + address + " is also in " + join(others, ", ") + " of " + region_name +
                                        "; chose " + net.name + "/" + sub.name +
                                        (lower(net.resource_group) == lower(vm.resource_group) ? " (the VM's resource group)" : " (first by name)"));
                }
                if (!sub.prefix.hosts(4, 1).contains(a)) {
                    nic.ip = "dhcp";
                    nic.notes.push_back(address + " is an address Azure reserves in " + sub.prefix.to_string() + ": written as dhcp");
                } else if (!static_taken.insert({net.name, a.value()}).second) {
                    nic.ip = "dhcp";
                    nic.notes.push_back(address + " is held by another NIC of " + net.name + ": written as dhcp");
                }
                vm.nics.push_back(std::move(nic));
            }
            if (vm.nics.empty()) {
                std::vector<std::string> listed;
                for (const auto& entry : addresses[i]) listed.push_back(entry.first);
                skipped_vms.push_back("VM " + one_line(vm.azure_name) + " (" + one_line(region_name) + ") left out: " +
                                      (listed.empty() ? std::string{"it lists no private address"}
                                                      : "none of its private addresses (" + one_line(join(listed, ", ")) +
                                                            ") is in a subnet drsim models"));
                continue;
            }
            const std::string wanted = drsim_name(vm.azure_name);
            vm.name = vm_names.claim(wanted, drsim_name(vm.resource_group));
            if (vm.name != vm.azure_name) vm.notes.insert(vm.notes.begin(), "Azure name '" + one_line(vm.azure_name) + "' (renamed: the name is taken or not a drsim name)");
            vms.push_back(std::move(vm));
        }
        std::sort(vms.begin(), vms.end(), [](const Vm& x, const Vm& y) { return x.name < y.name; });
    }

    // The scenario text.
    auto base = [](const std::string& path) { return one_line(path.substr(path.find_last_of('/') + 1)); };
    std::string out;
    out += "# Imported by `drsim import azure` from " + base(vnets_in.file) + (vms_in ? " and " + base(vms_in->file) : std::string{}) + ".\n";
    out += "# A skeleton: the regions, VNets, subnets, peerings" + std::string{vms_in ? " and VMs" : ""} +
           " the Azure CLI listed, sorted by name.\n"
           "# To make it a drill, add:\n"
           "#   - the target region of the drill, if it is not listed here: a site, and its networks;\n"
           "#   - events: map_network, enable_replication, failover, ... (docs/scenario-format.md, \"events\");\n"
           "#   - expect checks, so that `drsim run` can say whether the drill held;\n"
           "#   - clients, connections to on-premises sites, and `gateway: true` on VNets with a VPN or\n"
           "#     ExpressRoute gateway (the CLI's VNet list does not show gateways).\n"
           "# Then: drsim validate FILE; drsim run FILE.\n";
    out += "scenario: " + yaml_scalar("Imported from Azure") + "\n";
    out += "fabric: azure-to-azure\n";
    out += "sites:\n";
    std::vector<const AzureRegion*> sites;
    for (const auto& [key, r] : regions) sites.push_back(&r);
    std::sort(sites.begin(), sites.end(), [](const AzureRegion* a, const AzureRegion* b) { return a->name < b->name; });
    for (const AzureRegion* r : sites) {
        if (!r->known) out += "  # region " + one_line(r->name) + " is not in drsim's table of region names: rename it if you like, and add its geo\n";
        out += "  - {name: " + yaml_scalar(r->name) + ", kind: azure" + (r->geo.empty() ? "" : ", geo: " + yaml_scalar(r->geo)) + "}\n";
    }

    out += "networks:\n";
    for (std::size_t i : order) {
        const Vnet& v = vnets[i];
        if (v.skipped) continue;
        out += "  # resource group " + one_line(v.resource_group) + "\n";
        write_notes(out, "  ", v.notes);
        if (v.gateway) out += "  # gateway: true because " + join(v.gateway_users, ", ") + " use" + (v.gateway_users.size() == 1 ? "s" : "") + " its gateway (useRemoteGateways)\n";
        out += "  - name: " + yaml_scalar(v.name) + "\n";
        out += "    site: " + yaml_scalar(regions.at(v.region).name) + "\n";
        std::vector<std::string> space;
        for (const auto& p : v.space) space.push_back(p.to_string());
        out += "    address_space: [" + join(space, ", ") + "]\n";
        if (v.gateway) out += "    gateway: true\n";
        if (v.subnets.empty()) continue;
        out += "    subnets:\n";
        for (const auto& s : v.subnets) {
            write_notes(out, "      ", s.notes);
            if (s.name == "GatewaySubnet" && !v.gateway)
                out += "      # the subnet of a VPN or ExpressRoute gateway: set `gateway: true` on the network when one is deployed\n";
            out += "      - {name: " + yaml_scalar(s.name) + ", prefix: " + s.prefix.to_string() + "}\n";
        }
    }
    for (const auto& n : skipped_networks) out += "  # " + n + "\n";
    if (order.size() == skipped_networks.size()) out += "  []\n";

    if (!connections.empty() || !skipped_peerings.empty()) {
        out += "connections:\n";
        for (const auto& c : connections) {
            write_notes(out, "  ", c.notes);
            const Pair& p = *c.pair;
            bool connected = true;
            for (const Peering* d : {p.ab, p.ba})
                if (d && d->state != "Connected") connected = false;
            if (!p.ab || !p.ba) connected = false;
            const bool transit = (p.ab && p.ba) && ((p.ab->allow_gateway_transit && p.ba->use_remote_gateways) ||
                                                    (p.ba->allow_gateway_transit && p.ab->use_remote_gateways));
            out += "  - {name: " + yaml_scalar(c.name) + ", kind: peering, between: [" + yaml_scalar(vnets[p.a].name) + ", " +
                   yaml_scalar(vnets[p.b].name) + "], state: " + (connected ? "connected" : "disconnected") +
                   (transit ? ", gateway_transit: true" : "") + "}\n";
        }
        for (const auto& n : skipped_peerings) out += "  # " + n + "\n";
        if (connections.empty()) out += "  []\n";
    }

    if (!vms_in) {
        out += "# vms: none imported (add --vms with the output of `az vm list -d -o json`)\n";
    } else {
        out += "vms:\n";
        for (const auto& vm : vms) {
            write_notes(out, "  ", vm.notes);
            out += "  - name: " + yaml_scalar(vm.name) + "\n";
            out += "    site: " + yaml_scalar(regions.at(vm.region).name) + "\n";
            out += "    nics:\n";
            for (const auto& nic : vm.nics) {
                write_notes(out, "      ", nic.notes);
                out += "      - {network: " + yaml_scalar(nic.network) + ", subnet: " + yaml_scalar(nic.subnet) + ", ip: " + nic.ip + "}\n";
            }
        }
        for (const auto& n : skipped_vms) out += "  # " + n + "\n";
        if (vms.empty()) out += "  []\n";
        out += "# ip: a NIC's address is written as static; `az vm list -d` does not say whether Azure allocates it\n"
               "# statically or dynamically: write `ip: dhcp` for a dynamic one (IP-DHCP, IP-STATIC).\n";
    }
    out += "events: []\n";
    return out;
}

}  // namespace drsim
