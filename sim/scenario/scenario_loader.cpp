#include "sim/scenario/scenario_loader.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <limits>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <ranges>
#include <sstream>
#include <unistd.h>
#include <unordered_set>

#include "sim/scenario/duration.hpp"
#include "sim/scenario/input_error.hpp"
#include "sim/scenario/scenario_builder.hpp"
#include "sim/scenario/yaml_reader.hpp"

namespace drsim {

namespace detail {

namespace {

std::string join(const std::vector<std::string_view>& names, std::string_view separator = ", ") {
    std::string out;
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (i) out += separator;
        out += names[i];
    }
    return out;
}

std::string quoted(std::string_view text) {
    std::string out = "'";
    out += text;
    out += '\'';
    return out;
}

std::string line_ref(const Location& loc) { return "line " + std::to_string(loc.line); }

std::string range_text(const Ipv4Range& r) { return r.first.to_string() + " - " + r.last.to_string(); }

std::string_view kind_name(SiteKind kind) { return kind == SiteKind::azure ? "azure" : "onprem"; }

// Prefixes inserted in file order; reports the first earlier prefix a new one overlaps.
// O(log n) per insertion: the inserted prefixes are disjoint, so only the neighbours can overlap.
class PrefixSet {
public:
    /// Index of an inserted prefix that `p` overlaps (and `p` is not inserted), or nullopt (inserted).
    std::optional<std::size_t> insert(const Ipv4Prefix& p, std::size_t index) {
        std::uint32_t first = p.network().value();
        std::uint32_t last = p.broadcast().value();
        auto next = by_first_.lower_bound(first);
        if (next != by_first_.end() && next->first <= last) return next->second.second;
        if (next != by_first_.begin()) {
            auto previous = std::prev(next);
            if (previous->second.first >= first) return previous->second.second;
        }
        by_first_.emplace(first, std::make_pair(last, index));
        return std::nullopt;
    }

private:
    std::map<std::uint32_t, std::pair<std::uint32_t, std::size_t>> by_first_;
};

}  // namespace

// ---------------------------------------------------------------------------------------------
// Helpers

std::optional<std::size_t> NameIndex::add(const std::string& name, std::size_t index) {
    auto [it, inserted] = index_.emplace(name, index);
    if (!inserted) return it->second;
    names_.push_back(name);
    return std::nullopt;
}

std::optional<std::size_t> NameIndex::find(const std::string& name) const {
    auto it = index_.find(name);
    if (it == index_.end()) return std::nullopt;
    return it->second;
}

std::string NameIndex::closest(const std::string& name) const { return closest_name(name, names_); }

std::string BraceRange::number(std::uint64_t n) const {
    std::string digits = std::to_string(n);
    if (digits.size() < width) digits.insert(0, width - digits.size(), '0');
    return digits;
}

std::string_view usable_rule(SiteKind kind) { return kind == SiteKind::azure ? "ADDR-AZURE-RESERVED" : "ADDR-ONPREM-RANGE"; }

ScenarioBuilder::ScenarioBuilder(const std::string& file) : file_(file) { s_.file = file; }

void ScenarioBuilder::fail(const Location& loc, const std::string& message) const {
    throw InputError(file_, loc.line, loc.column, message);
}

ScenarioBuilder::Fields::Fields(const ScenarioBuilder& builder, const YamlNode& node, std::string what)
    : builder_(&builder), node_(&node), what_(std::move(what)) {}

const YamlNode* ScenarioBuilder::Fields::opt(std::string_view key) const {
    const YamlNode* value = node_->find(key);
    return value && !value->is_null() ? value : nullptr;
}

const YamlNode& ScenarioBuilder::Fields::req(std::string_view key) const {
    const YamlNode* value = node_->find(key);
    if (!value) builder_->fail(node_->loc, "missing required key '" + std::string{key} + "' in " + what_);
    return *value;
}

const YamlNode* ScenarioBuilder::Fields::key_node(std::string_view key) const {
    for (std::size_t i = 0; i < node_->entry_count(); ++i)
        if (node_->key(i).text == key) return &node_->key(i);
    return nullptr;
}

ScenarioBuilder::Fields ScenarioBuilder::fields(const YamlNode& node, const std::string& what,
                                                std::initializer_list<std::string_view> allowed) const {
    if (!node.is_mapping()) fail(node.loc, "expected a mapping (" + what + "), found " + describe_node(node));
    for (std::size_t i = 0; i < node.entry_count(); ++i) {
        const YamlNode& key = node.key(i);
        bool known = false;
        for (auto a : allowed) known = known || key.text == a;
        if (!known) unknown_key(key, what, std::vector<std::string_view>(allowed));
    }
    return Fields(*this, node, what);
}

void ScenarioBuilder::unknown_key(const YamlNode& key_node, const std::string& what,
                                  const std::vector<std::string_view>& allowed) const {
    std::string suggestion = closest_name(key_node.text, allowed);
    fail(key_node.loc, "unknown key '" + key_node.text + "' in " + what + did_you_mean(suggestion) +
                           (allowed.empty() ? "; it takes no keys (write it with an empty value, or {})" : "; valid keys: " + join(allowed)));
}

const YamlNode& ScenarioBuilder::sequence(const YamlNode& node, std::string_view key) const {
    if (!node.is_sequence()) fail(node.loc, quoted(key) + ": expected a list, found " + describe_node(node));
    return node;
}

const std::string& ScenarioBuilder::scalar(const YamlNode& node, std::string_view key) const {
    if (!node.is_scalar()) fail(node.loc, quoted(key) + ": expected a string, found " + describe_node(node));
    return node.text;
}

std::string ScenarioBuilder::name(const YamlNode& node, std::string_view key) const {
    const std::string& text = scalar(node, key);
    if (text.empty()) fail(node.loc, quoted(key) + ": expected a non-empty name, found ''");
    return text;
}

bool ScenarioBuilder::boolean(const YamlNode& node, std::string_view key) const {
    if (node.is_scalar() && !node.quoted) {
        const std::string& t = node.text;
        if (t == "true" || t == "True" || t == "TRUE") return true;
        if (t == "false" || t == "False" || t == "FALSE") return false;
    }
    fail(node.loc, quoted(key) + ": expected a boolean (true or false), found " + describe_node(node));
}

std::uint64_t ScenarioBuilder::integer(const YamlNode& node, std::string_view key, std::uint64_t max) const {
    const std::string& text = node.is_scalar() ? node.text : std::string{};
    bool digits = !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
    if (!node.is_scalar() || !digits)
        fail(node.loc, quoted(key) + ": expected a non-negative integer, found " + describe_node(node));
    std::uint64_t value = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || value > max)
        fail(node.loc, quoted(key) + ": " + text + " is out of range (at most " + std::to_string(max) + ")");
    (void)ptr;
    return value;
}

double ScenarioBuilder::number(const YamlNode& node, std::string_view key) const {
    if (node.is_scalar()) {
        const std::string& text = node.text;
        double value = 0;
        auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (ec == std::errc{} && ptr == text.data() + text.size() && std::isfinite(value)) return value;
    }
    fail(node.loc, quoted(key) + ": expected a number, found " + describe_node(node));
}

Millis ScenarioBuilder::duration(const YamlNode& node, std::string_view key) const {
    if (!node.is_scalar())
        fail(node.loc, quoted(key) + ": expected a duration (like 90s, 5m, 1h30m, 2d, 250ms or 0), found " + describe_node(node));
    auto parsed = parse_duration_text(node.text);
    if (parsed.status == DurationParse::Status::ok) return parsed.ms;
    if (parsed.status == DurationParse::Status::absurd)
        fail(node.loc, quoted(key) + ": duration '" + node.text + "' is absurd (more than 100 years)");
    const std::string& t = node.text;
    if (!t.empty() && t.find_first_not_of("0123456789") == std::string::npos)
        fail(node.loc, quoted(key) + ": a duration needs a unit, found '" + t + "'" + did_you_mean(t + "s"));
    fail(node.loc, quoted(key) + ": expected a duration (like 90s, 5m, 1h30m, 2d, 250ms or 0; units d h m s ms "
                                 "in that order), found " + describe_node(node));
}

Distribution ScenarioBuilder::distribution(const YamlNode& node, std::string_view key) const {
    if (node.is_scalar()) return Distribution::fixed_ms(duration(node, key));
    if (!node.is_mapping())
        fail(node.loc, quoted(key) + ": expected a duration or a distribution mapping ({uniform: [LOW, HIGH]}, "
                                     "{normal: {mean, stddev}}, {lognormal: {median, sigma}}), found " + describe_node(node));
    static const std::vector<std::string_view> kinds = {"uniform", "normal", "lognormal"};
    if (node.entry_count() != 1)
        fail(node.loc, quoted(key) + ": a distribution mapping has exactly one key (uniform, normal or lognormal), found " +
                           std::to_string(node.entry_count()));
    const YamlNode& kind_key = node.key(0);
    const YamlNode& args = node.value(0);
    Distribution d;
    if (kind_key.text == "uniform") {
        sequence(args, "uniform");
        if (args.items.size() != 2)
            fail(args.loc, "'uniform': expected a list of two durations [LOW, HIGH], found " +
                               std::to_string(args.items.size()) + " items");
        d.kind = Distribution::Kind::uniform;
        d.low = duration(args.items[0], "uniform");
        d.high = duration(args.items[1], "uniform");
        if (d.low > d.high) fail(args.items[0].loc, "'uniform': LOW (" + args.items[0].text + ") is above HIGH (" + args.items[1].text + ")");
    } else if (kind_key.text == "normal") {
        auto f = fields(args, "a normal distribution", {"mean", "stddev"});
        d.kind = Distribution::Kind::normal;
        d.mean = duration(f.req("mean"), "mean");
        d.stddev = duration(f.req("stddev"), "stddev");
    } else if (kind_key.text == "lognormal") {
        auto f = fields(args, "a lognormal distribution", {"median", "sigma"});
        d.kind = Distribution::Kind::lognormal;
        d.median = duration(f.req("median"), "median");
        const YamlNode& sigma = f.req("sigma");
        d.sigma = number(sigma, "sigma");
        if (!(d.sigma > 0.0 && d.sigma <= 10.0))
            fail(sigma.loc, "'sigma': expected a number with 0 < sigma <= 10, found " + describe_node(sigma));
    } else {
        unknown_key(kind_key, "a distribution", kinds);
    }
    return d;
}

Ipv4Prefix ScenarioBuilder::prefix(const YamlNode& node, std::string_view key) const {
    const std::string& text = scalar(node, key);
    if (auto p = Ipv4Prefix::parse(text)) return *p;
    // A common slip: an address with its length ("10.0.0.1/24"). Say which prefix was meant.
    auto slash = text.find('/');
    if (slash != std::string::npos) {
        auto address = Ipv4Address::parse(std::string_view{text}.substr(0, slash));
        auto with_zero_host = address ? Ipv4Prefix::parse(text.substr(0, slash) + "/32") : std::nullopt;
        std::string len_text = text.substr(slash + 1);
        int length = -1;
        auto [ptr, ec] = std::from_chars(len_text.data(), len_text.data() + len_text.size(), length);
        const bool plain_length = !len_text.empty() && len_text.size() <= 2 && (len_text.size() == 1 || len_text[0] != '0');
        if (address && with_zero_host && plain_length && ec == std::errc{} && ptr == len_text.data() + len_text.size() &&
            length >= 0 && length <= 32) {
            std::uint32_t mask = length == 0 ? 0u : ~std::uint32_t{0} << (32 - length);
            Ipv4Prefix meant{Ipv4Address{address->value() & mask}, length};
            fail(node.loc, quoted(key) + ": '" + text + "' has host bits set" + did_you_mean(meant.to_string()));
        }
    }
    fail(node.loc, quoted(key) + ": expected a CIDR prefix like 10.0.0.0/24, found " + describe_node(node));
}

Ipv4Address ScenarioBuilder::address(const YamlNode& node, std::string_view key) const {
    const std::string& text = scalar(node, key);
    if (auto a = Ipv4Address::parse(text)) return *a;
    fail(node.loc, quoted(key) + ": expected an IPv4 address like 10.0.0.4, found " + describe_node(node));
}

std::vector<ReipRule> ScenarioBuilder::reip_rules(const YamlNode& node) const {
    std::vector<ReipRule> rules;
    for (const YamlNode& item : sequence(node, "reip").items) {
        auto f = fields(item, "a reip rule", {"from", "to"});
        ReipRule rule{prefix(f.req("from"), "from"), prefix(f.req("to"), "to"), item.loc};
        if (rule.from.length() != rule.to.length())
            fail(f.req("to").loc, "'to': " + rule.to.to_string() + " must have the same length as 'from' (" +
                                      rule.from.to_string() + ") so the host part can be kept (IP-REIP-RULE)");
        rules.push_back(rule);
    }
    return rules;
}

bool looks_like_cidr(std::string_view text) {
    return !text.empty() && text.find_first_not_of("0123456789./") == std::string_view::npos;
}

SrEndpoint ScenarioBuilder::sr_endpoint(const YamlNode& node, std::string_view key) const {
    return choice<SrEndpoint>(node, key, {{"storage", SrEndpoint::storage}, {"login", SrEndpoint::login},
                                          {"site_recovery", SrEndpoint::site_recovery}, {"monitoring", SrEndpoint::monitoring}});
}

OutboundAllow ScenarioBuilder::outbound_allow(const YamlNode& node) const {
    OutboundAllow entry;
    entry.loc = node.loc;
    if (node.is_mapping()) {
        auto f = fields(node, "an 'allow' range", {"range", "endpoint"});
        const YamlNode& range = f.req("range");
        entry.text = name(range, "range");
        entry.range = prefix(range, "range");
        entry.endpoint = sr_endpoint(f.req("endpoint"), "endpoint");
        return entry;
    }
    if (!node.is_scalar())
        fail(node.loc, "'allow': expected a URL, a service tag, a CIDR or {range: CIDR, endpoint: storage|login|site_recovery|monitoring}, found " +
                           describe_node(node));
    entry.text = name(node, "allow");
    if (looks_like_cidr(entry.text)) entry.range = prefix(node, "allow");
    return entry;
}

std::vector<std::string> ScenarioBuilder::resources(const YamlNode& node, std::string_view key) const {
    std::vector<std::string> out;
    for (const YamlNode& r : sequence(node, key).items) {
        std::string resource = choice<std::string>(r, key, {{"nsg", "nsg"}, {"public_ip", "public_ip"}, {"load_balancer", "load_balancer"},
                                                            {"route_table", "route_table"}, {"gateway", "gateway"}, {"peering", "peering"},
                                                            {"expressroute_connection", "expressroute_connection"}});
        if (std::find(out.begin(), out.end(), resource) != out.end())
            fail(r.loc, quoted(key) + ": '" + resource + "' is listed twice");
        out.push_back(std::move(resource));
    }
    return out;
}

void ScenarioBuilder::refuse_choice(const YamlNode& node, std::string_view key, const std::vector<std::string_view>& names) const {
    std::string found = describe_node(node);
    std::string suggestion = node.is_scalar() ? closest_name(node.text, names) : std::string{};
    fail(node.loc, quoted(key) + ": expected one of " + join(names, " | ") + ", found " + found + did_you_mean(suggestion));
}

std::optional<BraceRange> ScenarioBuilder::brace_range(const YamlNode& node, const std::string& text) const {
    auto open = text.find('{');
    if (open == std::string::npos) return std::nullopt;
    auto malformed = [&](const std::string& why) {
        fail(node.loc, "malformed brace range in '" + text + "': " + why + " (expected one {A..B} with decimal A <= B)");
    };
    auto close = text.find('}', open);
    if (close == std::string::npos) malformed("no closing '}'");
    std::string inside = text.substr(open + 1, close - open - 1);
    auto dots = inside.find("..");
    if (dots == std::string::npos) malformed("no '..'");
    std::string a = inside.substr(0, dots);
    std::string b = inside.substr(dots + 2);
    auto decimal = [](const std::string& s) { return !s.empty() && s.size() <= 9 && s.find_first_not_of("0123456789") == std::string::npos; };
    if (!decimal(a) || !decimal(b)) malformed("'" + inside + "' is not two decimal numbers of at most 9 digits");
    if (text.find_first_of("{}", close + 1) != std::string::npos) malformed("more than one brace range");
    BraceRange r;
    r.head = text.substr(0, open);
    r.tail = text.substr(close + 1);
    r.first = std::stoull(a);
    r.last = std::stoull(b);
    r.width = a.size() > 1 && a[0] == '0' ? a.size() : 1;
    if (r.first > r.last) malformed(a + " is above " + b);
    if (r.count() > max_brace_range)
        fail(node.loc, "brace range in '" + text + "' stands for " + std::to_string(r.count()) +
                           " names; at most 1,000,000 per entry");
    return r;
}

std::vector<std::string> ScenarioBuilder::expand_names(const YamlNode& node, std::string_view key) const {
    std::string text = name(node, key);
    auto range = brace_range(node, text);
    if (!range) return {text};
    std::vector<std::string> names;
    names.reserve(range->count());
    for (std::uint64_t n = range->first; n <= range->last; ++n) names.push_back(range->name(n));
    return names;
}

std::size_t ScenarioBuilder::resolve(const NameIndex& index, const YamlNode& node, std::string_view key, std::string_view kind) const {
    std::string text = name(node, key);
    if (auto i = index.find(text)) return *i;
    fail(node.loc, "unknown " + std::string{kind} + " '" + text + "'" + did_you_mean(index.closest(text)));
}

// ---------------------------------------------------------------------------------------------
// Top level and topology

Scenario ScenarioBuilder::build(const YamlNode& root) {
    read_top_level(root);
    return std::move(s_);
}

void ScenarioBuilder::read_top_level(const YamlNode& root) {
    if (!root.is_mapping())
        fail(Location{1, 1}, "expected a scenario mapping (scenario:, sites:, ...) at the top level, found " + describe_node(root));
    auto f = fields(root, "the scenario (top level)",
                    {
             "scenario", "description", "fabric", "seed", "allow_refusals", "timing", "sites", "logical_networks", "clouds", "hosts",
             "networks", "vms", "circuits", "connections", "recovery_plans", "dns", "clients", "events", "faults", "variants"});
    s_.name = name(f.req("scenario"), "scenario");
    if (auto* n = f.opt("description")) s_.description = scalar(*n, "description");
    if (auto* n = f.opt("fabric"))
        s_.fabric = choice<Fabric>(*n, "fabric", {{"azure-to-azure", Fabric::azure_to_azure}, {"vmm-to-vmm", Fabric::vmm_to_vmm},
                                                  {"vmm-to-azure", Fabric::vmm_to_azure}, {"hyperv-to-azure", Fabric::hyperv_to_azure}});
    if (auto* n = f.opt("seed")) s_.seed = integer(*n, "seed", std::numeric_limits<std::uint64_t>::max());
    if (auto* n = f.opt("allow_refusals")) s_.allow_refusals = boolean(*n, "allow_refusals");
    if (auto* n = f.opt("timing")) read_timing(*n);
    const YamlNode& sites = f.req("sites");
    read_sites(sites);
    // Sections are read in dependency order, whatever their order in the file, so that every name
    // a section uses is known when it is read.
    if (auto* n = f.opt("logical_networks")) read_logical_networks(*n);
    if (auto* n = f.opt("clouds")) read_clouds(*n);
    if (auto* n = f.opt("hosts")) read_hosts(*n);
    if (auto* n = f.opt("networks")) read_networks(*n);
    if (auto* n = f.opt("vms")) read_vms(*n);
    if (auto* n = f.opt("circuits")) read_circuits(*n);
    if (auto* n = f.opt("connections")) read_connections(*n);
    if (auto* n = f.opt("recovery_plans")) read_recovery_plans(*n);
    if (auto* n = f.opt("dns")) read_dns(*n);
    if (auto* n = f.opt("clients")) read_clients(*n);
    if (auto* n = f.opt("events")) read_events(*n);
    if (auto* n = f.opt("faults")) read_faults(*n);
    // `variants` was read when the file was parsed (scenario/variants).
}

void ScenarioBuilder::read_timing(const YamlNode& node) {
    auto f = fields(node, "'timing'", {"initial_replication", "failover", "test_failover", "vm_boot", "resync", "shutdown",
                                       "route_convergence", "dns_update", "manual_step",
                                       "script_step"});
    Timing& t = s_.timing;
    std::pair<std::string_view, Distribution*> slots[] = {
        {"initial_replication", &t.initial_replication}, {"failover", &t.failover}, {"test_failover", &t.test_failover},
        {"vm_boot", &t.vm_boot}, {"resync", &t.resync}, {"shutdown", &t.shutdown},
        {"route_convergence", &t.route_convergence},
        {"dns_update", &t.dns_update}, {"manual_step", &t.manual_step}, {"script_step", &t.script_step}};
    for (auto& [key, slot] : slots)
        if (const YamlNode* n = f.opt(key)) *slot = distribution(*n, key);  // empty: the default
}

void ScenarioBuilder::read_sites(const YamlNode& node) {
    sequence(node, "sites");
    if (node.items.empty()) fail(node.loc, "'sites': expected at least one site, found an empty list");
    for (const YamlNode& item : node.items) {
        auto f = fields(item, "a site", {"name", "kind", "geo", "vmm"});
        SiteSpec site;
        const YamlNode& name_node = f.req("name");
        site.name = name(name_node, "name");
        site.kind = choice<SiteKind>(f.req("kind"), "kind", {{"onprem", SiteKind::onprem}, {"azure", SiteKind::azure}});
        if (auto* n = f.opt("geo")) site.geo = scalar(*n, "geo");
        if (auto* n = f.opt("vmm")) site.vmm = scalar(*n, "vmm");
        site.loc = item.loc;
        register_name(sites_, name_node, site.name, "site", s_.sites);
        s_.sites.push_back(std::move(site));
    }
}

void ScenarioBuilder::read_logical_networks(const YamlNode& node) {
    for (const YamlNode& item : sequence(node, "logical_networks").items) {
        auto f = fields(item, "a logical network", {"name", "site"});
        const YamlNode& name_node = f.req("name");
        LogicalNetworkSpec ln{name(name_node, "name"), "", item.loc};
        ln.site = s_.sites[resolve(sites_, f.req("site"), "site", "site")].name;
        register_name(logical_networks_, name_node, ln.name, "logical network", s_.logical_networks);
        s_.logical_networks.push_back(std::move(ln));
    }
}

void ScenarioBuilder::read_clouds(const YamlNode& node) {
    std::vector<const YamlNode*> protected_by;  // resolved once every cloud is known
    for (const YamlNode& item : sequence(node, "clouds").items) {
        auto f = fields(item, "a cloud", {"name", "site", "logical_networks", "protected_by"});
        const YamlNode& name_node = f.req("name");
        CloudSpec cloud;
        cloud.name = name(name_node, "name");
        cloud.site = s_.sites[resolve(sites_, f.req("site"), "site", "site")].name;
        if (auto* list = f.opt("logical_networks")) {
            for (const YamlNode& ln_node : sequence(*list, "logical_networks").items) {
                const auto& ln = s_.logical_networks[resolve(logical_networks_, ln_node, "logical_networks", "logical network")];
                if (ln.site != cloud.site)
                    fail(ln_node.loc, "logical network '" + ln.name + "' is at site '" + ln.site + "', not at cloud '" +
                                          cloud.name + "''s site '" + cloud.site + "'");
                cloud.logical_networks.push_back(ln.name);
            }
        }
        protected_by.push_back(f.opt("protected_by"));
        cloud.loc = item.loc;
        register_name(clouds_, name_node, cloud.name, "cloud", s_.clouds);
        s_.clouds.push_back(std::move(cloud));
    }
    for (std::size_t i = 0; i < s_.clouds.size(); ++i) {
        if (!protected_by[i]) continue;
        const CloudSpec& other = s_.clouds[resolve(clouds_, *protected_by[i], "protected_by", "cloud")];
        if (other.site == s_.clouds[i].site)
            fail(protected_by[i]->loc, "cloud '" + s_.clouds[i].name + "' is protected by cloud '" + other.name +
                                           "' at the same site '" + other.site + "'; the protecting cloud must be at another site");
        s_.clouds[i].protected_by = other.name;
    }
}

void ScenarioBuilder::read_hosts(const YamlNode& node) {
    for (const YamlNode& item : sequence(node, "hosts").items) {
        auto f = fields(item, "a host", {"name", "cloud", "logical_networks"});
        const YamlNode& name_node = f.req("name");
        HostSpec host;
        host.name = name(name_node, "name");
        const CloudSpec& cloud = s_.clouds[resolve(clouds_, f.req("cloud"), "cloud", "cloud")];
        host.cloud = cloud.name;
        if (auto* list = f.opt("logical_networks")) {
            host.logical_networks.emplace();
            for (const YamlNode& ln_node : sequence(*list, "logical_networks").items) {
                const auto& ln = s_.logical_networks[resolve(logical_networks_, ln_node, "logical_networks", "logical network")];
                if (ln.site != cloud.site)
                    fail(ln_node.loc, "logical network '" + ln.name + "' is at site '" + ln.site + "', not at site '" +
                                          cloud.site + "' of the host's cloud '" + cloud.name + "'");
                host.logical_networks->push_back(ln.name);
            }
        }
        host.loc = item.loc;
        register_name(hosts_, name_node, host.name, "host", s_.hosts);
        s_.hosts.push_back(std::move(host));
    }
}

void ScenarioBuilder::read_networks(const YamlNode& node) {
    for (const YamlNode& item : sequence(node, "networks").items) read_network(item);
}

void ScenarioBuilder::read_network(const YamlNode& item) {
    auto f = fields(item, "a network", {"name", "site", "address_space", "logical_network", "subnets", "outbound", "routes", "gateway"});
    const YamlNode& name_node = f.req("name");
    NetworkSpec net;
    net.name = name(name_node, "name");
    net.loc = item.loc;
    const SiteSpec& site = s_.sites[resolve(sites_, f.req("site"), "site", "site")];
    net.site = site.name;
    register_name(networks_, name_node, net.name, "network", s_.networks);
    subnets_.emplace_back();
    network_site_kind_.push_back(site.kind);

    if (auto* list = f.opt("address_space")) {
        sequence(*list, "address_space");
        if (list->items.empty()) fail(list->loc, "'address_space': expected at least one prefix, found an empty list");
        PrefixSet seen;
        for (const YamlNode& p_node : list->items) {
            Ipv4Prefix p = prefix(p_node, "address_space");
            if (auto clash = seen.insert(p, net.address_space.size()))
                fail(p_node.loc, "address space prefix " + p.to_string() + " overlaps " + net.address_space[*clash].to_string() +
                                     " of the same network '" + net.name + "'");
            net.address_space.push_back(p);
        }
    }
    if (auto* n = f.opt("logical_network")) {
        const auto& ln = s_.logical_networks[resolve(logical_networks_, *n, "logical_network", "logical network")];
        if (ln.site != net.site)
            fail(n->loc, "logical network '" + ln.name + "' is at site '" + ln.site + "', not at network '" + net.name +
                             "''s site '" + net.site + "'");
        net.logical_network = ln.name;
    }
    if (auto* n = f.opt("subnets")) read_subnets(*n, net, site.kind);
    if (!f.opt("address_space"))
        for (const auto& subnet : net.subnets) net.address_space.push_back(subnet.prefix);

    if (auto* n = f.opt("outbound")) {
        auto o = fields(*n, "'outbound'", {"restricted", "allow", "proxy"});
        OutboundSpec out;
        out.loc = n->loc;
        if (auto* r = o.opt("restricted")) out.restricted = boolean(*r, "restricted");
        if (auto* a = o.opt("allow"))
            for (const YamlNode& entry : sequence(*a, "allow").items) out.allow.push_back(outbound_allow(entry));
        if (auto* p = o.opt("proxy"))
            out.proxy = choice<std::string>(*p, "proxy", {{"none", ""}, {"anonymous", "anonymous"}, {"authenticated", "authenticated"}});
        net.outbound = std::move(out);
    }
    if (auto* n = f.opt("routes")) {
        for (const YamlNode& r_node : sequence(*n, "routes").items) {
            auto r = fields(r_node, "a route", {"prefix", "endpoint", "next_hop"});
            RouteSpec route;
            const YamlNode& destination = r.req("prefix");
            route.destination = name(destination, "prefix");
            // Azure route tables take a CIDR or a service tag as the address prefix.
            if (looks_like_cidr(route.destination)) route.prefix = prefix(destination, "prefix");
            else if (route.destination.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.") !=
                     std::string::npos)
                fail(destination.loc, "'prefix': expected a CIDR prefix like 10.0.0.0/24 or a service tag like AzureSiteRecovery, found " +
                                          describe_node(destination));
            if (auto* e = r.opt("endpoint")) {
                if (!route.prefix)
                    fail(e->loc, "'endpoint' declares what a CIDR route's range carries; the route's prefix '" + route.destination +
                                     "' is a service tag, which names its endpoint itself");
                route.endpoint = sr_endpoint(*e, "endpoint");
            }
            // drsim's words, or Azure's nextHopType for the same.
            route.next_hop = choice<std::string>(r.req("next_hop"), "next_hop",
                                                 {{"internet", "internet"}, {"onprem", "onprem"}, {"vnet", "vnet"},
                                                  {"appliance", "appliance"}, {"none", "none"}, {"Internet", "internet"},
                                                  {"VirtualNetworkGateway", "onprem"}, {"VnetLocal", "vnet"},
                                                  {"VirtualAppliance", "appliance"}, {"None", "none"}});
            route.loc = r_node.loc;
            net.routes.push_back(std::move(route));
        }
    }
    if (auto* n = f.opt("gateway")) net.gateway = boolean(*n, "gateway");
    s_.networks.push_back(std::move(net));
}

void ScenarioBuilder::read_subnets(const YamlNode& node, NetworkSpec& net, SiteKind kind) {
    NameIndex& names = subnets_.back();
    PrefixSet seen;
    bool explicit_space = !net.address_space.empty();
    for (const YamlNode& item : sequence(node, "subnets").items) {
        auto f = fields(item, "a subnet", {"name", "prefix", "pool", "stretched_to"});
        const YamlNode& name_node = f.req("name");
        SubnetSpec subnet;
        subnet.name = name(name_node, "name");
        subnet.loc = item.loc;
        if (auto first = names.add(subnet.name, net.subnets.size()))
            fail(name_node.loc, "duplicate subnet name '" + subnet.name + "' in network '" + net.name + "' (first defined at " +
                                    line_ref(net.subnets[*first].loc) + ")");
        all_subnet_names_.add(subnet.name, 0);
        const YamlNode& prefix_node = f.req("prefix");
        subnet.prefix = prefix(prefix_node, "prefix");
        Ipv4Range usable = usable_range(subnet.prefix, kind);
        if (usable.empty())
            fail(prefix_node.loc, "subnet '" + subnet.name + "' prefix " + subnet.prefix.to_string() + " has no usable address at " +
                                      (kind == SiteKind::azure ? "an Azure site (ADDR-AZURE-RESERVED: the first four addresses and the last are reserved; at most /29)"
                                                               : "an on-premises site (ADDR-ONPREM-RANGE: the first and last addresses are reserved; at most /30)"));
        if (explicit_space) {
            bool inside = false;
            for (const auto& space : net.address_space) inside = inside || space.contains(subnet.prefix);
            if (!inside) {
                std::string spaces;
                for (const auto& space : net.address_space) spaces += (spaces.empty() ? "" : ", ") + space.to_string();
                fail(prefix_node.loc, "subnet '" + subnet.name + "' prefix " + subnet.prefix.to_string() +
                                          " is outside the address space of network '" + net.name + "' (" + spaces + ")");
            }
        }
        if (auto clash = seen.insert(subnet.prefix, net.subnets.size())) {
            const SubnetSpec& other = net.subnets[*clash];
            fail(prefix_node.loc, "subnet '" + subnet.name + "' (" + subnet.prefix.to_string() + ") overlaps subnet '" + other.name +
                                      "' (" + other.prefix.to_string() + ", " + line_ref(other.loc) + ") of network '" + net.name + "'");
        }
        if (auto* pool_node = f.opt("pool")) {
            Ipv4Range pool;
            if (pool_node->is_mapping()) {
                auto p = fields(*pool_node, "a pool", {"first", "last"});
                pool.first = address(p.req("first"), "first");
                pool.last = address(p.req("last"), "last");
            } else {
                const std::string& text = scalar(*pool_node, "pool");
                auto dash = text.find('-');
                auto first = dash == std::string::npos ? std::nullopt : Ipv4Address::parse(std::string_view{text}.substr(0, dash));
                auto last = dash == std::string::npos ? std::nullopt : Ipv4Address::parse(std::string_view{text}.substr(dash + 1));
                if (!first || !last)
                    fail(pool_node->loc, "'pool': expected FIRST-LAST like \"10.1.0.50-10.1.0.99\" or {first, last}, found " +
                                             describe_node(*pool_node));
                pool = Ipv4Range{*first, *last};
            }
            if (pool.empty())
                fail(pool_node->loc, "'pool': first address " + pool.first.to_string() + " is after last " + pool.last.to_string());
            if (!usable.contains(pool.first) || !usable.contains(pool.last))
                fail(pool_node->loc, "pool " + range_text(pool) + " is outside the usable range " + range_text(usable) +
                                         " of subnet '" + subnet.name + "' (" + std::string{usable_rule(kind)} + ")");
            subnet.pool = pool;
        }
        if (auto* n = f.opt("stretched_to")) {
            const SiteSpec& other = s_.sites[resolve(sites_, *n, "stretched_to", "site")];
            if (other.name == net.site)
                fail(n->loc, "subnet '" + subnet.name + "' is stretched to its own network's site '" + other.name + "'");
            if (other.kind == SiteKind::azure || kind == SiteKind::azure)
                fail(n->loc, "subnet '" + subnet.name + "' cannot be stretched between '" + net.site + "' (" +
                                 std::string{kind_name(kind)} + ") and '" + other.name + "' (" + std::string{kind_name(other.kind)} +
                                 ") (STRETCHED-NOT-AZURE: a subnet cannot be stretched to or from an Azure site)");
            subnet.stretched_to = other.name;
        }
        net.subnets.push_back(std::move(subnet));
    }
}

// ---------------------------------------------------------------------------------------------
// VMs

void ScenarioBuilder::read_vms(const YamlNode& node) {
    // The total is counted before any entry expands, so that a small file asking for more VMs than
    // max_vms is refused at once, at the entry that crosses it. An entry whose name is malformed is
    // left to read_vm_entry, which refuses it in file order.
    std::uint64_t total = 0, with_dns_name = 0;
    for (const YamlNode& item : sequence(node, "vms").items) {
        const YamlNode* name_node = item.is_mapping() ? item.find("name") : nullptr;
        if (!name_node || !name_node->is_scalar()) continue;
        std::uint64_t count = 1;
        try {
            const auto range = brace_range(*name_node, name_node->text);
            count = range ? range->count() : 1;
        } catch (const InputError&) {
            continue;
        }
        total += count;
        if (item.find("dns_name")) with_dns_name += count;
        if (total > max_vms)
            throw InputError(file_, name_node->loc.line, name_node->loc.column,
                             "'" + name_node->text + "' brings the scenario to " + std::to_string(total) + " VMs; at most " +
                                 std::to_string(max_vms / 1'000'000) + ",000,000 in one scenario (docs/scenario-format.md)")
                .mark_about_whole_file();
    }
    s_.vm_entries.reserve(node.items.size());
    s_.vms.reserve(total);
    s_.vm_names.reserve(total);
    s_.dns_names.reserve(with_dns_name);
    for (const YamlNode& item : node.items) read_vm_entry(item);
}

namespace {

// Writes `text` into `out` with every "{n}" replaced by `number`.
void put_number(std::string& out, std::string_view text, std::string_view number) {
    out.clear();
    for (std::size_t from = 0;;) {
        const std::size_t at = text.find("{n}", from);
        out.append(text.substr(from, at - from));
        if (at == std::string_view::npos) return;
        out.append(number);
        from = at + 3;
    }
}

}  // namespace

void ScenarioBuilder::read_vm_entry(const YamlNode& item) {
    auto f = fields(item, "a VM", {"name", "site", "cloud", "host", "dns_name", "dns_ttl", "app", "nics", "target_ip", "resources",
                                   "target_resources"});
    const YamlNode& name_node = f.req("name");
    std::string vm_name = name(name_node, "name");
    auto range = brace_range(name_node, vm_name);

    VmEntrySpec tmpl;
    tmpl.loc = item.loc;
    const SiteSpec& site = s_.sites[resolve(sites_, f.req("site"), "site", "site")];
    tmpl.site = site.name;
    if (auto* n = f.opt("cloud")) {
        const CloudSpec& cloud = s_.clouds[resolve(clouds_, *n, "cloud", "cloud")];
        if (cloud.site != site.name)
            fail(n->loc, "cloud '" + cloud.name + "' is at site '" + cloud.site + "', not at the VM's site '" + site.name + "'");
        tmpl.cloud = cloud.name;
    }
    if (auto* n = f.opt("host")) {
        const HostSpec& host = s_.hosts[resolve(hosts_, *n, "host", "host")];
        if (tmpl.cloud.empty()) {
            // A host implies its cloud; the cloud must still be at the VM's site.
            const CloudSpec& cloud = s_.clouds[*clouds_.find(host.cloud)];
            if (cloud.site != site.name)
                fail(n->loc, "host '" + host.name + "' is in cloud '" + cloud.name + "' at site '" + cloud.site +
                                 "', not at the VM's site '" + site.name + "'");
            tmpl.cloud = cloud.name;
        } else if (host.cloud != tmpl.cloud) {
            fail(n->loc, "host '" + host.name + "' is in cloud '" + host.cloud + "', not in the VM's cloud '" + tmpl.cloud + "'");
        }
        tmpl.host = host.name;
    }
    const YamlNode* dns_node = f.opt("dns_name");
    std::string dns_name;  // as written: "{n}" stands for each VM's number
    if (dns_node) {
        dns_name = scalar(*dns_node, "dns_name");
        if (!range && dns_name.find("{n}") != std::string::npos)
            fail(dns_node->loc, "'{n}' in dns_name needs a brace range {A..B} in the VM's name");
        if (range && range->count() > 1 && dns_name.find("{n}") == std::string::npos)
            fail(dns_node->loc, "the " + std::to_string(range->count()) + " VMs of '" + vm_name + "' would share the dns_name '" +
                                    dns_name + "': put '{n}' in it");
    }
    if (auto* n = f.opt("dns_ttl")) {
        if (!dns_node) fail(n->loc, "'dns_ttl' is the TTL of the VM's DNS record: it needs 'dns_name'");
        tmpl.dns_ttl = duration(*n, "dns_ttl");
    }
    if (auto* n = f.opt("app")) {
        tmpl.app = name(*n, "app");
        apps_.add(tmpl.app, 0);
    }
    std::uint64_t count = range ? range->count() : 1;

    const YamlNode& nics = sequence(f.req("nics"), "nics");
    if (nics.items.empty()) fail(nics.loc, "'nics': expected at least one NIC, found an empty list");
    std::vector<std::size_t> nic_network;
    std::vector<const YamlNode*> nic_ip_node;
    nic_network.reserve(nics.items.size());
    nic_ip_node.reserve(nics.items.size());
    tmpl.nics.reserve(nics.items.size());
    for (const YamlNode& nic_node : nics.items) {
        auto nf = fields(nic_node, "a NIC", {"network", "subnet", "ip"});
        NicSpec nic;
        nic.loc = nic_node.loc;
        const YamlNode& net_node = nf.req("network");
        std::size_t net_index = resolve(networks_, net_node, "network", "network");
        const NetworkSpec& net = s_.networks[net_index];
        if (net.site != site.name)
            fail(net_node.loc, "network '" + net.name + "' is at site '" + net.site + "', not at the VM's site '" + site.name + "'");
        nic.network = net.name;
        const YamlNode& subnet_node = nf.req("subnet");
        std::string subnet_name = name(subnet_node, "subnet");
        auto subnet_index = subnets_[net_index].find(subnet_name);
        if (!subnet_index)
            fail(subnet_node.loc, "network '" + net.name + "' has no subnet '" + subnet_name + "'" +
                                      did_you_mean(subnets_[net_index].closest(subnet_name)));
        const SubnetSpec& subnet = net.subnets[*subnet_index];
        nic.subnet = subnet.name;
        const YamlNode* ip_node = nf.opt("ip");
        if (ip_node && !(ip_node->is_scalar() && ip_node->text == "dhcp")) {
            if (ip_node->is_scalar() && !Ipv4Address::parse(ip_node->text))
                fail(ip_node->loc, "'ip': expected an IPv4 address like 10.0.0.4 or 'dhcp', found " + describe_node(*ip_node));
            Ipv4Address ip = address(*ip_node, "ip");
            Ipv4Range usable = usable_range(subnet.prefix, network_site_kind_[net_index]);
            if (!usable.contains(ip))
                fail(ip_node->loc, "address " + ip.to_string() + " is outside the usable range " + range_text(usable) + " of subnet '" +
                                       subnet.name + "' (" + subnet.prefix.to_string() + ") (" +
                                       std::string{usable_rule(network_site_kind_[net_index])} + ")");
            if (count > 1 && std::uint64_t{ip.value()} + (count - 1) > usable.last.value()) {
                std::uint64_t last = std::uint64_t{ip.value()} + (count - 1);
                std::string last_text = last > 0xffffffffULL ? std::string{"beyond 255.255.255.255"}
                                                             : Ipv4Address{static_cast<std::uint32_t>(last)}.to_string();
                fail(ip_node->loc, "the " + std::to_string(count) + " VMs of '" + vm_name + "' need addresses " + ip.to_string() +
                                       " .. " + last_text + ", past the end of the usable range " + range_text(usable) +
                                       " of subnet '" + subnet.name + "' (" + std::string{usable_rule(network_site_kind_[net_index])} + ")");
            }
            nic.ip = ip;
        } else if (ip_node == nullptr || ip_node->is_scalar()) {
            nic.ip = std::nullopt;  // DHCP
        }
        nic_network.push_back(net_index);
        nic_ip_node.push_back(ip_node);
        tmpl.nics.push_back(std::move(nic));
    }
    if (auto* n = f.opt("target_ip")) tmpl.target_ip = address(*n, "target_ip");
    if (auto* n = f.opt("resources")) tmpl.resources = resources(*n, "resources");
    if (auto* n = f.opt("target_resources")) tmpl.target_resources = resources(*n, "target_resources");

    if (static_addresses_.size() < s_.networks.size()) static_addresses_.resize(s_.networks.size());
    if (count > 1) {
        for (std::size_t net : nic_network) {
            auto& addresses = static_addresses_[net];
            const std::size_t needed = addresses.size() + count;
            // Geometric growth: reserving exactly per entry would rehash once per compact entry.
            if (needed > addresses.bucket_count() * addresses.max_load_factor())
                addresses.reserve(std::max(needed, 2 * addresses.size()));
        }
    }
    const auto entry_index = static_cast<std::uint32_t>(s_.vm_entries.size());
    s_.vm_entries.push_back(std::move(tmpl));
    const VmEntrySpec& entry = s_.vm_entries.back();
    // The VMs of the entry: each name (and dns_name) is written into one buffer and held once in
    // the scenario's name table; nothing else is copied per VM.
    std::string vm_text = range ? range->head : vm_name, dns_text = dns_name;
    // Writes VM k's name (and dns_name, when it has one) into `name` (and `dns`); `name` starts
    // with the range's head.
    const auto name_vm = [&](std::uint64_t k, std::string& name, std::string& dns) {
        char digits[24];
        const std::uint64_t n = range->first + k;
        std::size_t length = static_cast<std::size_t>(std::to_chars(digits, digits + sizeof digits, n).ptr - digits);
        const std::size_t pad = range->width > length ? range->width - length : 0;
        name.resize(range->head.size());
        name.append(pad, '0').append(digits, length).append(range->tail);
        if (dns_node) {
            std::string number(pad, '0');
            number.append(digits, length);
            put_number(dns, dns_name, number);
        }
    };
    // A table of a million names is larger than the caches: each VM's names are made this many VMs
    // ahead, with their hashes, and their places in the index loaded then, so that the misses of
    // neighbouring VMs overlap (1M VMs: adding the names went from 17 % of the run's cycles to 3 %).
    constexpr std::uint64_t kAhead = 16;
    struct Named {
        std::string name, dns;
        std::size_t name_hash = 0, dns_hash = 0;
    };
    std::array<Named, kAhead> ahead;
    if (range)
        for (Named& a : ahead) a.name = range->head;
    const auto name_ahead = [&](std::uint64_t k) {
        if (!range || k >= count) return;
        Named& a = ahead[k % kAhead];
        name_vm(k, a.name, a.dns);
        a.name_hash = NameTable::hash(a.name);
        s_.vm_names.prefetch(a.name_hash);
        if (!a.dns.empty()) {
            a.dns_hash = NameTable::hash(a.dns);
            s_.dns_names.prefetch(a.dns_hash);
        }
    };
    for (std::uint64_t k = 0; k < kAhead; ++k) name_ahead(k);
    for (std::uint64_t k = 0; k < count; ++k) {
        const auto index = static_cast<std::uint32_t>(s_.vms.size());
        VmSpec vm;
        vm.entry = entry_index;
        vm.offset = static_cast<std::uint32_t>(k);
        std::size_t name_hash = 0, dns_hash = 0;
        if (range) {  // VM k's names, made ahead; their place in `ahead` goes to VM k + kAhead
            Named& a = ahead[k % kAhead];
            vm_text.swap(a.name);
            dns_text.swap(a.dns);
            name_hash = a.name_hash;
            dns_hash = a.dns_hash;
            name_ahead(k + kAhead);
        } else {
            name_hash = NameTable::hash(vm_text);
            dns_hash = NameTable::hash(dns_text);
        }
        if (!dns_text.empty()) {
            auto held = s_.dns_names.add(dns_text, index, dns_hash);
            if (!held) {
                const VmSpec& first = s_.vms[*s_.dns_names.find(dns_text)];
                fail(dns_node->loc, "dns_name '" + dns_text + "' of VM '" + vm_text + "' is already VM '" + std::string{first.name} +
                                        "''s (" + line_ref(s_.entry_of(first).loc) + "): a DNS record answers one VM");
            }
            vm.dns_name = *held;
        }
        auto held = s_.vm_names.add(vm_text, index, name_hash);
        if (!held) {
            const VmSpec& first = s_.vms[*s_.vm_names.find(vm_text)];
            fail(name_node.loc, "duplicate VM name '" + vm_text + "'" + (range ? " (from '" + vm_name + "')" : std::string{}) +
                                    " (first defined at " + line_ref(s_.entry_of(first).loc) + ")");
        }
        vm.name = *held;
        for (std::size_t i = 0; i < entry.nics.size(); ++i) {
            if (!entry.nics[i].ip) continue;
            const Ipv4Address ip{entry.nics[i].ip->value() + static_cast<std::uint32_t>(k)};
            auto [it, inserted] = static_addresses_[nic_network[i]].emplace(ip.value(), index);
            if (!inserted && it->second != index) {
                const VmSpec& other = s_.vms[it->second];
                fail(nic_ip_node[i]->loc, "address " + ip.to_string() + " of VM '" + vm_text + "' in network '" +
                                              entry.nics[i].network + "' is already used by VM '" + std::string{other.name} + "' (" +
                                              line_ref(s_.entry_of(other).loc) + ")");
            }
            if (!inserted)
                fail(nic_ip_node[i]->loc, "VM '" + vm_text + "' has address " + ip.to_string() + " twice in network '" +
                                              entry.nics[i].network + "'");
        }
        s_.vms.push_back(vm);
    }
}

std::size_t ScenarioBuilder::vm_index(const YamlNode& node, std::string_view key) const {
    std::string text = name(node, key);
    if (auto i = s_.vm_names.find(text)) return *i;
    fail(node.loc, "unknown VM '" + text + "'" + did_you_mean(closest_vm(text)));
}

std::string ScenarioBuilder::closest_vm(const std::string& name) const {
    return closest_name(name, vm_names(s_));
}

// ---------------------------------------------------------------------------------------------
// Circuits, connections, plans, DNS, clients

void ScenarioBuilder::read_circuits(const YamlNode& node) {
    for (const YamlNode& item : sequence(node, "circuits").items) {
        auto f = fields(item, "a circuit", {"name", "site", "peering_location", "premium"});
        const YamlNode& name_node = f.req("name");
        CircuitSpec c;
        c.name = name(name_node, "name");
        c.loc = item.loc;
        const YamlNode& site_node = f.req("site");
        const SiteSpec& site = s_.sites[resolve(sites_, site_node, "site", "site")];
        if (site.kind != SiteKind::azure)
            fail(site_node.loc, "circuit '" + c.name + "' site '" + site.name + "' is on-premises; a circuit's site is the Azure region it serves");
        c.site = site.name;
        c.peering_location = name(f.req("peering_location"), "peering_location");
        peering_locations_.add(c.peering_location, 0);
        if (auto* n = f.opt("premium")) c.premium = boolean(*n, "premium");
        register_name(circuits_, name_node, c.name, "circuit", s_.circuits);
        s_.circuits.push_back(std::move(c));
    }
}

void ScenarioBuilder::read_connections(const YamlNode& node) {
    for (const YamlNode& item : sequence(node, "connections").items) {
        auto f = fields(item, "a connection", {"name", "kind", "between", "routing", "state", "local_prefixes", "gateway_transit"});
        const YamlNode& name_node = f.req("name");
        ConnectionSpec c;
        c.name = name(name_node, "name");
        c.loc = item.loc;
        c.kind = choice<ConnectionKind>(f.req("kind"), "kind", {{"vpn", ConnectionKind::vpn}, {"vnet-to-vnet", ConnectionKind::vnet_to_vnet},
                                                               {"peering", ConnectionKind::peering}, {"expressroute", ConnectionKind::expressroute}});
        const YamlNode& between = sequence(f.req("between"), "between");
        if (between.items.size() != 2)
            fail(between.loc, "'between': expected exactly two ends (sites, networks or circuits), found " +
                                  std::to_string(between.items.size()));
        for (int i = 0; i < 2; ++i) {
            const YamlNode& end = between.items[static_cast<std::size_t>(i)];
            std::string end_name = name(end, "between");
            int kinds = int{sites_.find(end_name).has_value()} + int{networks_.find(end_name).has_value()} +
                        int{circuits_.find(end_name).has_value()};
            if (kinds == 0) {
                std::vector<std::string> all = sites_.names();
                all.insert(all.end(), networks_.names().begin(), networks_.names().end());
                all.insert(all.end(), circuits_.names().begin(), circuits_.names().end());
                fail(end.loc, "unknown connection end '" + end_name + "': expected a site, network or circuit" +
                                  did_you_mean(closest_name(end_name, all)));
            }
            if (kinds > 1)
                fail(end.loc, "connection end '" + end_name + "' is ambiguous: it names more than one of a site, a network and a circuit");
            c.between[static_cast<std::size_t>(i)] = end_name;
        }
        if (c.between[0] == c.between[1]) fail(between.items[1].loc, "a connection joins two different ends; both are '" + c.between[0] + "'");
        if (auto* n = f.opt("routing"))
            c.routing = choice<Routing>(*n, "routing", {{"static", Routing::static_routes}, {"bgp", Routing::bgp}});
        if (auto* n = f.opt("state")) c.connected = choice<bool>(*n, "state", {{"connected", true}, {"disconnected", false}});
        if (auto* n = f.opt("local_prefixes"))
            for (const YamlNode& p : sequence(*n, "local_prefixes").items) c.local_prefixes.push_back(prefix(p, "local_prefixes"));
        if (auto* n = f.opt("gateway_transit")) c.gateway_transit = boolean(*n, "gateway_transit");
        register_name(connections_, name_node, c.name, "connection", s_.connections);
        s_.connections.push_back(std::move(c));
    }
}

void ScenarioBuilder::read_recovery_plans(const YamlNode& node) {
    for (const YamlNode& item : sequence(node, "recovery_plans").items) {
        auto f = fields(item, "a recovery plan", {"name", "groups", "steps", "reip"});
        const YamlNode& name_node = f.req("name");
        RecoveryPlanSpec plan;
        plan.name = name(name_node, "name");
        plan.loc = item.loc;
        register_name(plans_, name_node, plan.name, "recovery plan", s_.recovery_plans);
        std::unordered_map<std::string, int> in_plan;  // VM -> line where the plan first lists it
        for (const YamlNode& group_node : sequence(f.req("groups"), "groups").items) {
            if (!group_node.is_sequence())
                fail(group_node.loc, "'groups': expected a list of lists of VM names (a boot group is a list, like [web1, web2]), found " +
                                         describe_node(group_node));
            std::vector<std::string> group;
            for (const YamlNode& entry : group_node.items) {
                for (std::string& vm : expand_names(entry, "groups")) {
                    if (!s_.vm_names.find(vm))
                        fail(entry.loc, "unknown VM '" + vm + "'" + (vm != entry.text ? " (from '" + entry.text + "')" : std::string{}) +
                                            did_you_mean(closest_vm(vm)));
                    auto [it, inserted] = in_plan.emplace(vm, entry.loc.line);
                    if (!inserted)
                        fail(entry.loc, "VM '" + vm + "' is already in recovery plan '" + plan.name + "' (line " +
                                            std::to_string(it->second) + "); a VM appears at most once in a plan");
                    group.push_back(std::move(vm));
                }
            }
            plan.groups.push_back(std::move(group));
        }
        if (auto* n = f.opt("steps"))
            for (const YamlNode& step : sequence(*n, "steps").items) read_plan_step(step, plan);
        if (auto* n = f.opt("reip")) plan.reip = reip_rules(*n);
        s_.recovery_plans.push_back(std::move(plan));
    }
}

void ScenarioBuilder::read_plan_step(const YamlNode& node, RecoveryPlanSpec& plan) {
    static const std::vector<std::string_view> kinds = {"manual", "script", "dns_update", "update_routes", "connect", "disconnect",
                                                        "subnet_failover", "create_resources"};
    auto f = fields(node, "a recovery plan step", {"after_group", "manual", "script", "dns_update", "update_routes", "connect",
                                                   "disconnect", "subnet_failover", "create_resources", "duration"});
    PlanStepSpec step;
    step.loc = node.loc;
    const YamlNode& after = f.req("after_group");
    step.after_group = static_cast<int>(integer(after, "after_group", 1'000'000));
    if (static_cast<std::size_t>(step.after_group) > plan.groups.size())
        fail(after.loc, "'after_group': " + std::to_string(step.after_group) + " is past the last group of plan '" + plan.name +
                            "', which has " + std::to_string(plan.groups.size()) + " groups");
    const YamlNode* kind_key = nullptr;
    for (std::size_t i = 0; i < node.entry_count(); ++i) {
        const YamlNode& key = node.key(i);
        if (std::find(kinds.begin(), kinds.end(), key.text) == kinds.end()) continue;
        if (kind_key)
            fail(key.loc, "a plan step has exactly one action; found '" + kind_key->text + "' and '" + key.text + "'");
        kind_key = &key;
    }
    if (!kind_key) fail(node.loc, "a plan step needs one action: one of " + join(kinds));
    const YamlNode& value = *node.find(kind_key->text);
    const std::string& kind = kind_key->text;
    if (kind == "manual" || kind == "script") {
        step.kind = kind == "manual" ? PlanStepKind::manual : PlanStepKind::script;
        step.text = scalar(value, kind);
    } else if (kind == "dns_update") {
        step.kind = PlanStepKind::dns_update;
        // `name` (a record), `vm` (its record), or neither: the records of every VM of the plan.
        auto [vm, record] = dns_update_target(value, true);
        step.target = std::move(record);
        step.text = vm ? std::string{vm->name} : "";
    } else if (kind == "update_routes") {
        step.kind = PlanStepKind::update_routes;
        if (!value.is_null()) fields(value, "'update_routes'", {});
    } else if (kind == "connect" || kind == "disconnect") {
        step.kind = kind == "connect" ? PlanStepKind::connect : PlanStepKind::disconnect;
        step.target = s_.connections[resolve(connections_, value, kind, "connection")].name;
    } else if (kind == "create_resources") {
        step.kind = PlanStepKind::create_resources;
        auto cr = fields(value, "'create_resources'", {"vm", "resources"});
        step.target = s_.vms[vm_index(cr.req("vm"), "vm")].name;
        step.resources = resources(cr.req("resources"), "resources");
        if (step.resources.empty()) fail(cr.req("resources").loc, "'resources': expected at least one resource, found an empty list");
    } else {
        step.kind = PlanStepKind::subnet_failover;
        auto sf = fields(value, "'subnet_failover'", {"network", "subnet"});
        std::size_t net = resolve(networks_, sf.req("network"), "network", "network");
        check_subnet(net, sf.req("subnet"), "subnet");
        step.target = s_.networks[net].name + "/" + sf.req("subnet").text;
    }
    if (auto* n = f.opt("duration")) step.duration = distribution(*n, "duration");
    plan.steps.push_back(std::move(step));
}

void ScenarioBuilder::read_dns(const YamlNode& node) {
    auto f = fields(node, "'dns'", {"ttl", "registration"});
    s_.dns.loc = node.loc;
    if (auto* n = f.opt("ttl")) s_.dns.ttl = duration(*n, "ttl");
    if (auto* n = f.opt("registration"))
        s_.dns.dynamic_registration = choice<bool>(*n, "registration", {{"dynamic", true}, {"manual", false}});
}

void ScenarioBuilder::read_clients(const YamlNode& node) {
    for (const YamlNode& item : sequence(node, "clients").items) {
        auto f = fields(item, "a client", {"name", "site"});
        const YamlNode& name_node = f.req("name");
        ClientSpec c{name(name_node, "name"), "", item.loc};
        c.site = s_.sites[resolve(sites_, f.req("site"), "site", "site")].name;
        if (s_.vm_names.find(c.name))
            fail(name_node.loc, "client name '" + c.name + "' is also a VM's name; 'reachable: {from}' could not tell them apart");
        register_name(clients_, name_node, c.name, "client", s_.clients);
        s_.clients.push_back(std::move(c));
    }
}

void ScenarioBuilder::check_subnet(std::size_t net, const YamlNode& node, std::string_view key) const {
    std::string subnet = name(node, key);
    if (!subnets_[net].find(subnet))
        fail(node.loc, "network '" + s_.networks[net].name + "' has no subnet '" + subnet + "'" + did_you_mean(subnets_[net].closest(subnet)));
}

}  // namespace detail

// ---------------------------------------------------------------------------------------------

namespace {

// Runs `load`, turning anything but an InputError into one: bad input is never a crash.
template <typename Load>
auto guarded(const std::string& file, Load load) {
    try {
        return load();
    } catch (const InputError&) {
        throw;
    } catch (const std::bad_alloc&) {
        throw InputError(file, 0, 0, "the scenario is too large to load (out of memory)");
    } catch (const std::exception& e) {
        throw InputError(file, 0, 0, std::string{"cannot load scenario: "} + e.what());
    }
}

// Appends what `read` returns (bytes, 0 at the end, -1 on error) to a string, refusing more than
// max_scenario_bytes, so that an endless source (/dev/zero, a pipe) is refused instead of filling
// memory.
template <typename Read>
std::string read_all(const std::string& name, Read read) {
    std::string content;
    std::vector<char> piece(1 << 20);
    for (;;) {
        const long n = read(piece.data(), piece.size());
        if (n < 0) throw InputError(name, 0, 0, "cannot read scenario file: " + std::string{std::strerror(errno)});
        if (n == 0) return content;
        content.append(piece.data(), static_cast<std::size_t>(n));
        if (content.size() > max_scenario_bytes)
            throw InputError(name, 0, 0, "the scenario file is larger than " + std::to_string(max_scenario_bytes >> 20) +
                                             " MiB; write many VMs with compact entries (docs/scenario-format.md)");
    }
}

std::string read_file(const std::string& path) {
    if (path == "-")
        return read_all(std::string{stdin_name}, [](char* buffer, std::size_t size) -> long {
            for (;;) {
                const ssize_t n = ::read(STDIN_FILENO, buffer, size);
                if (n >= 0 || errno != EINTR) return static_cast<long>(n);
            }
        });
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) throw InputError(path, 0, 0, "cannot read scenario file: it is a directory");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(path, 0, 0, "cannot read scenario file: " + std::string{std::strerror(errno)});
    return read_all(path, [&in](char* buffer, std::size_t size) -> long {
        in.read(buffer, static_cast<std::streamsize>(size));
        if (in.bad()) {
            errno = EIO;
            return -1;
        }
        return static_cast<long>(in.gcount());
    });
}

// True when a node starting at `start` starts at or before `e`'s location.
bool starts_by(const Location& start, const InputError& e) {
    return start.line < e.line() || (start.line == e.line() && start.column <= e.column());
}

// Takes the top-level list item holding `e`'s location out of `tree`; its name goes to `removed`,
// and the list's place to `emptied` when that was its last item. Keys and items are in file order,
// so the holder is the last one starting by the location.
bool remove_item_holding(YamlNode& tree, const InputError& e, std::vector<std::string>& removed, std::vector<Location>& emptied) {
    if (e.line() <= 0 || !tree.is_mapping()) return false;
    YamlNode* section = nullptr;
    for (std::size_t i = 0; i + 1 < tree.items.size(); i += 2)
        if (starts_by(tree.items[i].loc, e)) section = &tree.items[i + 1];
    if (!section || !section->is_sequence()) return false;
    auto holder = section->items.end();
    for (auto it = section->items.begin(); it != section->items.end(); ++it)
        if (starts_by(it->loc, e)) holder = it;
    if (holder == section->items.end()) return false;
    if (const YamlNode* name = holder->is_mapping() ? holder->find("name") : nullptr)
        if (name->is_scalar()) removed.push_back(name->text);
    section->items.erase(holder);
    if (section->items.empty()) emptied.push_back(section->loc);
    return true;
}

// Errors after the first, as a compiler reports them. The builder stops at its first error; to find
// the next, the item of a top-level list that holds the error (a site, network, VM, event …) is
// taken out of a copy of the tree and the whole file built again, from scratch each time, so no
// half-read item can mislead what follows. An error that only names an item taken out ("unknown VM
// 'web1'" after web1 was refused) follows from an earlier one: it is not reported, and its own item
// is taken out too; so does an error about a list that is empty only because its items were. Stops at an error outside any list item (nothing to take out), at a clean
// build, or when max_errors_per_file are found.
void find_following_errors(InputError& first, const YamlNode& root, const std::string& file) {
    YamlNode tree = root;
    std::vector<InputError> following;
    std::vector<std::string> removed;
    std::vector<Location> emptied;
    InputError current = first;
    bool truncated = false;
    // Each pass takes one item out and builds the file again; cascades count as passes too, and
    // the passes are bounded (a file with more errors than that says how many it showed).
    for (std::size_t pass = 0; pass < max_errors_per_file + 10; ++pass) {
        if (current.about_whole_file() || !remove_item_holding(tree, current, removed, emptied)) break;
        try {
            detail::ScenarioBuilder(file).build(tree);
            break;
        } catch (const InputError& e) {
            current = e;
        }
        const bool cascade = std::any_of(removed.begin(), removed.end(), [&](const std::string& name) {
            return current.message().find("'" + name + "'") != std::string::npos;
        }) || std::any_of(emptied.begin(), emptied.end(), [&](const Location& at) {
            return at.line == current.line() && at.column == current.column();
        });
        if (cascade) continue;  // its item is taken out at the next pass (a list emptied has none: the search ends)
        if (following.size() + 1 == max_errors_per_file) {
            truncated = true;
            break;
        }
        following.push_back(current);  // a limit crossed (about_whole_file) ends the search at the next pass
    }
    first.set_following(std::move(following), truncated);
}

// The patch of variant `name` in `root`'s `variants:` list; nullptr when absent.
const YamlNode* patch_of(const YamlNode& root, const std::string& name) {
    const YamlNode* list = root.is_mapping() ? root.find("variants") : nullptr;
    if (!list || !list->is_sequence()) return nullptr;
    for (const YamlNode& item : list->items) {
        const YamlNode* n = item.is_mapping() ? item.find("name") : nullptr;
        if (n && n->is_scalar() && n->text == name) return item.find("patch") ? item.find("patch") : &item;
    }
    return nullptr;
}

bool inside(const YamlNode& node, int line, int column) {
    if (node.loc.line == line && node.loc.column == column) return true;
    for (const YamlNode& child : node.items)
        if (inside(child, line, column)) return true;
    return false;
}

// The patch entry naming `text`: the innermost list item of `node` holding a scalar `text` (the
// `{name: web1, remove: true}` of a patch), or that scalar when no list item holds it; first in file
// order; nullptr when none does.
const YamlNode* find_naming(const YamlNode& node, const std::string& text, const YamlNode* item = nullptr) {
    if (node.is_scalar() && node.text == text) return item ? item : &node;
    for (const YamlNode& child : node.items)
        if (const YamlNode* found = find_naming(child, text, node.is_sequence() ? &child : item)) return found;
    return nullptr;
}

// An error of variant `name` where the patch caused it (SPEC §11). An error located in the patch is
// there already. One located in the base (a VM the patch removed is still named there; a subnet the
// patch moved no longer holds an address) is moved to the patch entry that names what the message
// quotes, else to the patch itself, and says where the base failed.
InputError in_patch(const InputError& e, const YamlNode& root, const std::string& name, const std::string& file) {
    const YamlNode* patch = patch_of(root, name);
    if (!patch || e.line() <= 0 || inside(*patch, e.line(), e.column())) return e;
    const YamlNode* at = patch;
    const std::string& m = e.message();
    for (std::size_t open = m.find('\''); open != std::string::npos; open = m.find('\'', open + 1)) {
        const std::size_t close = m.find('\'', open + 1);
        if (close == std::string::npos) break;
        if (const YamlNode* found = find_naming(*patch, m.substr(open + 1, close - open - 1))) {
            at = found;
            break;
        }
        open = close;
    }
    return InputError(file, at->loc.line, at->loc.column,
                      "variant '" + name + "': with this patch, line " + std::to_string(e.line()) + ":" + std::to_string(e.column()) +
                          " fails: " + m);
}

}  // namespace

ScenarioDocument ScenarioDocument::from_text(const std::string& text, const std::string& file) {
    return guarded(file, [&] {
        ScenarioDocument doc;
        doc.file_ = file;
        doc.root_ = parse_yaml_document(text, file);
        doc.variants_ = variants_of(doc.root_, file);
        return doc;
    });
}

ScenarioDocument ScenarioDocument::from_file(const std::string& path) {
    return from_text(read_file(path), path == "-" ? std::string{stdin_name} : path);
}

Scenario ScenarioDocument::load(const std::string& variant) const {
    return guarded(file_, [&] {
        detail::ScenarioBuilder builder(file_);
        // The base is read as parsed (the builder passes over `variants`); a variant from a copy.
        const bool base = variant.empty() || variant == "base";
        if (!base) {
            try {
                Scenario s = builder.build(apply_variant(root_, variant, file_));
                s.variant = variant;
                return s;
            } catch (const InputError& e) {
                throw in_patch(e, root_, variant, file_);
            }
        }
        try {
            return builder.build(root_);
        } catch (InputError& first) {
            find_following_errors(first, root_, file_);
            throw;
        }
    });
}

Scenario load_scenario_text(const std::string& text, const std::string& file) { return ScenarioDocument::from_text(text, file).load(); }

Scenario load_scenario_file(const std::string& path) { return ScenarioDocument::from_file(path).load(); }

}  // namespace drsim
