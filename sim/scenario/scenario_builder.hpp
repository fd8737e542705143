#pragma once
// Internal to the loader: turns the located YAML tree into a validated Scenario. Split over
// scenario_loader.cpp (top level, topology, VMs, plans) and scenario_events.cpp (events and checks);
// this header is what the two share. Not part of drsim's interface: include scenario_loader.hpp.
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <algorithm>
#include <unordered_map>
#include <utility>
#include <vector>

#include "sim/scenario/scenario.hpp"
#include "sim/scenario/yaml_reader.hpp"

namespace drsim::detail {

/// Name -> index of one kind of thing, with the names kept for "did you mean" suggestions.
class NameIndex {
public:
    /// Adds `name`; returns the index already registered under it, or nullopt when it is new.
    std::optional<std::size_t> add(const std::string& name, std::size_t index);
    std::optional<std::size_t> find(const std::string& name) const;
    /// The registered name closest to `name` (closest_name's rule), or "" when none is close.
    std::string closest(const std::string& name) const;
    const std::vector<std::string>& names() const { return names_; }
    /// Room for `n` names in all, so a large compact entry does not rehash repeatedly. Grows
    /// geometrically: many compact entries in a row still rehash O(log n) times, not once each.
    void reserve(std::size_t n) {
        if (n <= names_.capacity()) return;
        n = std::max(n, 2 * names_.capacity());
        index_.reserve(n);
        names_.reserve(n);
    }

private:
    std::unordered_map<std::string, std::size_t> index_;
    std::vector<std::string> names_;
};

/// A compact name "web-{01..20}": head, the range, tail. Numbers are padded to `width` (the width of
/// the first number as written when it has leading zeros, else 1).
struct BraceRange {
    std::string head;
    std::string tail;
    std::uint64_t first = 0;
    std::uint64_t last = 0;
    std::size_t width = 1;
    std::uint64_t count() const { return last - first + 1; }
    std::string number(std::uint64_t n) const;  ///< n as written in a name
    std::string name(std::uint64_t n) const { return head + number(n) + tail; }
};

/// Most names one brace range may stand for.
inline constexpr std::uint64_t max_brace_range = 1'000'000;
/// Most VMs one scenario may declare, compact entries expanded: a bound on the memory a small file
/// can ask for (a run takes about a kilobyte per VM).
inline constexpr std::uint64_t max_vms = 2'000'000;
/// Highest NIC index a check may name.
inline constexpr std::uint64_t max_nic_index = 16;

class ScenarioBuilder {
public:
    explicit ScenarioBuilder(const std::string& file);
    /// Validates the whole document; throws InputError at the first problem found.
    Scenario build(const YamlNode& root);

    // ---- located refusals and typed readers (shared by both .cpp files) ----

    [[noreturn]] void fail(const Location& loc, const std::string& message) const;

    /// Adds `name` (the next entry of `specs`) to `index`; refuses a duplicate at `name_node`,
    /// naming the line of the first definition.
    template <typename Spec>
    void register_name(NameIndex& index, const YamlNode& name_node, const std::string& name, std::string_view kind,
                       const std::vector<Spec>& specs) {
        if (auto first = index.add(name, specs.size()))
            fail(name_node.loc, "duplicate " + std::string{kind} + " name '" + name + "' (first defined at line " +
                                    std::to_string(specs[*first].loc.line) + ")");
    }

    /// A mapping's entries after its keys were checked against a fixed list.
    class Fields {
    public:
        Fields(const ScenarioBuilder& builder, const YamlNode& node, std::string what);
        /// The value under `key`; nullptr when absent or an empty value.
        const YamlNode* opt(std::string_view key) const;
        /// The value under `key`; refuses a missing key at the mapping.
        const YamlNode& req(std::string_view key) const;
        /// The key node under which `key` is written (for locating messages about the key itself).
        const YamlNode* key_node(std::string_view key) const;
        const YamlNode& node() const { return *node_; }

    private:
        const ScenarioBuilder* builder_;
        const YamlNode* node_;
        std::string what_;
    };

    /// Checks that `node` is a mapping whose keys are all in `allowed`; `what` names it in messages
    /// ("a site", "'failover'").
    Fields fields(const YamlNode& node, const std::string& what, std::initializer_list<std::string_view> allowed) const;
    /// Refuses `key_node` as unknown among `allowed`, with the closest one.
    [[noreturn]] void unknown_key(const YamlNode& key_node, const std::string& what,
                                  const std::vector<std::string_view>& allowed) const;

    const YamlNode& sequence(const YamlNode& node, std::string_view key) const;
    const std::string& scalar(const YamlNode& node, std::string_view key) const;
    /// A non-empty scalar.
    std::string name(const YamlNode& node, std::string_view key) const;
    bool boolean(const YamlNode& node, std::string_view key) const;
    std::uint64_t integer(const YamlNode& node, std::string_view key, std::uint64_t max) const;
    double number(const YamlNode& node, std::string_view key) const;
    Millis duration(const YamlNode& node, std::string_view key) const;
    /// A fixed duration or a {uniform|normal|lognormal: ...} mapping.
    Distribution distribution(const YamlNode& node, std::string_view key) const;
    Ipv4Prefix prefix(const YamlNode& node, std::string_view key) const;
    Ipv4Address address(const YamlNode& node, std::string_view key) const;
    std::vector<ReipRule> reip_rules(const YamlNode& node) const;
    /// storage | login | site_recovery | monitoring.
    SrEndpoint sr_endpoint(const YamlNode& node, std::string_view key) const;
    /// An `outbound.allow` entry: a string, or {range: CIDR, endpoint}.
    OutboundAllow outbound_allow(const YamlNode& node) const;
    /// A list of NOT-REPLICATED resource kinds (nsg, public_ip, ...), each at most once.
    std::vector<std::string> resources(const YamlNode& node, std::string_view key) const;

    /// One of `choices` (text -> value), with the closest one suggested otherwise.
    template <typename E>
    E choice(const YamlNode& node, std::string_view key, std::initializer_list<std::pair<std::string_view, E>> choices) const {
        const std::string& text = scalar(node, key);
        for (const auto& [choice_text, value] : choices)
            if (text == choice_text) return value;
        std::vector<std::string_view> names;
        for (const auto& c : choices) names.push_back(c.first);
        refuse_choice(node, key, names);
    }
    [[noreturn]] void refuse_choice(const YamlNode& node, std::string_view key, const std::vector<std::string_view>& names) const;

    /// The brace range in `text`, nullopt when it has none; refuses a malformed or oversized one.
    std::optional<BraceRange> brace_range(const YamlNode& node, const std::string& text) const;
    /// The names a list entry stands for (itself, or its brace range expanded).
    std::vector<std::string> expand_names(const YamlNode& node, std::string_view key) const;

    /// Index of the `kind` named by `node` in `index`; refuses an unknown name with the closest one.
    std::size_t resolve(const NameIndex& index, const YamlNode& node, std::string_view key, std::string_view kind) const;

    // ---- events (scenario_events.cpp) ----
    void read_events(const YamlNode& node);
    /// `faults:` (SPEC §11): random faults of a sweep.
    void read_faults(const YamlNode& node);

private:
    void read_top_level(const YamlNode& root);
    void read_timing(const YamlNode& node);
    void read_sites(const YamlNode& node);
    void read_logical_networks(const YamlNode& node);
    void read_clouds(const YamlNode& node);
    void read_hosts(const YamlNode& node);
    void read_networks(const YamlNode& node);
    void read_network(const YamlNode& node);
    void read_subnets(const YamlNode& node, NetworkSpec& net, SiteKind kind);
    void read_vms(const YamlNode& node);
    void read_vm_entry(const YamlNode& node);
    void read_circuits(const YamlNode& node);
    void read_connections(const YamlNode& node);
    void read_recovery_plans(const YamlNode& node);
    void read_plan_step(const YamlNode& node, RecoveryPlanSpec& plan);
    void read_dns(const YamlNode& node);
    void read_clients(const YamlNode& node);

    // Events: one operation, its VM target, one check.
    void read_event(const YamlNode& node);
    void read_operation(OpKind kind, const YamlNode& key, const YamlNode& args, EventSpec& event);
    void read_vm_target(const Fields& f, OperationSpec& op, std::string_view op_name);
    VmSelector read_selector(const YamlNode& node);
    void read_check(const YamlNode& node, EventSpec& event);
    /// A network name in an event: a declared network or "<declared>-asr"; returns the declared one.
    std::size_t event_network(const YamlNode& node, std::string_view key) const;
    /// A subnet of network `net` (by name), refused with the closest subnet of that network.
    void check_subnet(std::size_t net, const YamlNode& node, std::string_view key) const;
    /// Index of the VM named by `node`; refuses an unknown name with the closest one.
    std::size_t vm_index(const YamlNode& node, std::string_view key) const;
    /// The VM name closest to `name` (closest_name's rule), or "" when none is close.
    std::string closest_vm(const std::string& name) const;
    /// The VM whose record a `dns_update` names (by `vm` or by `name`) and the record's name; no VM
    /// for a name no VM has, and neither for neither (only when `neither_ok`: a plan step updating
    /// the records of every VM of its plan).
    std::pair<const VmSpec*, std::string> dns_update_target(const YamlNode& args, bool neither_ok);

    const std::string& file_;
    Scenario s_;  ///< its vm_names and dns_names are the indices of VM names and dns_names
    NameIndex sites_, logical_networks_, clouds_, hosts_, networks_, circuits_, connections_, plans_, clients_;
    NameIndex apps_, peering_locations_, all_subnet_names_;
    std::vector<NameIndex> subnets_;  ///< per network
    std::vector<SiteKind> network_site_kind_;
    /// Per network: static address -> index of the VM holding it (clashes across all VMs in O(1)).
    std::vector<std::unordered_map<std::uint32_t, std::size_t>> static_addresses_;
};

/// True when `text` is written with digits, dots and slashes only: meant as a CIDR (and refused as
/// one when malformed), not a URL or a service tag.
bool looks_like_cidr(std::string_view text);

/// "ADDR-AZURE-RESERVED" or "ADDR-ONPREM-RANGE".
std::string_view usable_rule(SiteKind kind);

}  // namespace drsim::detail
