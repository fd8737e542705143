#pragma once
// The scenario as written: the parsed and validated form of a YAML file (SPEC §9). The loader
// produces it; nothing here has run yet. Every name in it has been checked to exist, so the world
// builder can resolve names without failing. Locations are kept for messages about the file.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/addressing/ipv4.hpp"
#include "sim/scenario/name_table.hpp"

namespace drsim {

/// Simulated time in milliseconds (the engine's unit).
using Millis = std::int64_t;

struct Location {
    int line = 0;    ///< 1-based; 0 = unknown
    int column = 0;  ///< 1-based
};

enum class Fabric { azure_to_azure, vmm_to_vmm, vmm_to_azure, hyperv_to_azure };
enum class SiteKind { onprem, azure };

/// The usable range of a subnet prefix at a site of `kind`: network+4 .. broadcast-1 in Azure
/// (ADDR-AZURE-RESERVED), network+1 .. broadcast-1 on premises (ADDR-ONPREM-RANGE); empty when the
/// prefix is too long to have one. The one definition, used by the loader and the world alike.
inline Ipv4Range usable_range(const Ipv4Prefix& prefix, SiteKind kind) {
    return prefix.hosts(kind == SiteKind::azure ? 4u : 1u, 1u);
}

/// A duration that may be a random variable (SPEC §4: fixed, uniform, normal, lognormal).
/// All parameters are in milliseconds except `sigma` of lognormal (dimensionless).
struct Distribution {
    enum class Kind { fixed, uniform, normal, lognormal };
    Kind kind = Kind::fixed;
    Millis value = 0;       ///< fixed
    Millis low = 0;         ///< uniform
    Millis high = 0;        ///< uniform
    Millis mean = 0;        ///< normal
    Millis stddev = 0;      ///< normal
    Millis median = 0;      ///< lognormal
    double sigma = 0.0;     ///< lognormal
    bool operator==(const Distribution&) const = default;
    static Distribution fixed_ms(Millis ms) { return Distribution{.kind = Kind::fixed, .value = ms}; }
};

/// `timing:` — every job duration, with drsim's defaults (documented in docs/scenario-format.md).
struct Timing {
    Distribution initial_replication = Distribution::fixed_ms(60LL * 60 * 1000);  // 1h
    Distribution failover = Distribution::fixed_ms(5LL * 60 * 1000);              // 5m
    Distribution test_failover = Distribution::fixed_ms(5LL * 60 * 1000);         // 5m
    Distribution vm_boot = Distribution::fixed_ms(2LL * 60 * 1000);               // 2m
    Distribution resync = Distribution::fixed_ms(30LL * 60 * 1000);               // 30m (reprotect)
    // A plan's shutdown step. 0 by default: SPEC §4 counts a replica up when failover plus boot have
    // elapsed, so the shutdown is part of the failover time unless a scenario sets it.
    Distribution shutdown = Distribution::fixed_ms(0);
    Distribution route_convergence = Distribution::fixed_ms(30LL * 1000);         // 30s (BGP)
    Distribution dns_update = Distribution::fixed_ms(1LL * 60 * 1000);            // 1m
    Distribution manual_step = Distribution::fixed_ms(10LL * 60 * 1000);         // 10m
    Distribution script_step = Distribution::fixed_ms(1LL * 60 * 1000);          // 1m
};

struct SiteSpec {
    std::string name;
    SiteKind kind = SiteKind::onprem;
    std::string geo;  ///< geopolitical area (Azure); "" when not given
    std::string vmm;  ///< VMM server managing it (on-prem); "" when none
    Location loc;
};

struct LogicalNetworkSpec {
    std::string name;
    std::string site;
    Location loc;
};

struct CloudSpec {
    std::string name;
    std::string site;
    std::vector<std::string> logical_networks;
    std::string protected_by;  ///< the protecting cloud at the other site; "" for none
    Location loc;
};

struct HostSpec {
    std::string name;
    std::string cloud;
    std::optional<std::vector<std::string>> logical_networks;  ///< nullopt: its cloud's
    Location loc;
};

struct SubnetSpec {
    std::string name;
    Ipv4Prefix prefix;
    std::optional<Ipv4Range> pool;  ///< VMM static IP pool, inside the prefix's usable range
    std::string stretched_to;       ///< site the subnet is stretched to; "" when not stretched
    Location loc;
};

/// The four endpoints an Azure-to-Azure replication reaches from the source VM (SPEC §7
/// OUTBOUND-REQUIRED): the source region's storage, Azure AD login, the Site Recovery service and
/// its monitoring. Written in a file as storage | login | site_recovery | monitoring.
enum class SrEndpoint : std::uint8_t { storage, login, site_recovery, monitoring };
inline constexpr std::array<SrEndpoint, 4> kSrEndpoints{SrEndpoint::storage, SrEndpoint::login, SrEndpoint::site_recovery,
                                                        SrEndpoint::monitoring};

/// One entry of `outbound.allow`: a string (a URL, a service tag or a CIDR) or the mapping
/// `{range: CIDR, endpoint: E}`, a range declared to carry endpoint E.
struct OutboundAllow {
    std::string text;                    ///< as written (the mapping form: its range)
    std::optional<Ipv4Prefix> range;     ///< set for a CIDR, bare or in the mapping form
    std::optional<SrEndpoint> endpoint;  ///< the mapping form's endpoint
    Location loc;
};

/// `outbound:` of a network (SPEC §7, OUTBOUND-REQUIRED, PROXY-AUTH-UNSUPPORTED).
struct OutboundSpec {
    bool restricted = false;            ///< false: all outbound allowed (Azure's default)
    std::vector<OutboundAllow> allow;   ///< what is allowed when restricted
    std::string proxy;                  ///< "" | "anonymous" | "authenticated"
    Location loc;
};

/// A user-defined route of a network. Its destination is a CIDR or, as Azure route tables
/// accept, a service tag (FORCED-TUNNEL-NO-UDR).
struct RouteSpec {
    std::string destination;             ///< as written: a CIDR or a service tag
    std::optional<Ipv4Prefix> prefix;    ///< set when the destination is a CIDR
    std::optional<SrEndpoint> endpoint;  ///< `endpoint:` of a CIDR route: the endpoint the range carries
    std::string next_hop;  ///< "internet" | "onprem" | "vnet" | "appliance" | "none"
    Location loc;
};

struct NetworkSpec {
    std::string name;
    std::string site;
    std::vector<Ipv4Prefix> address_space;
    std::string logical_network;  ///< VMM VM networks: the logical network it links to
    std::vector<SubnetSpec> subnets;
    std::optional<OutboundSpec> outbound;
    std::vector<RouteSpec> routes;
    bool gateway = false;  ///< has a VPN/ExpressRoute gateway
    Location loc;
};

struct NicSpec {
    std::string network;
    std::string subnet;
    std::optional<Ipv4Address> ip;  ///< nullopt: DHCP
    Location loc;
};

/// One `vms:` entry: what every VM it stands for shares, held once however many VMs that is
/// (`name: web-{01..20}` stands for twenty VMs, SPEC §9). What differs per VM is in its VmSpec.
struct VmEntrySpec {
    std::string site;
    std::string cloud;  ///< VMM fabrics
    std::string host;   ///< VMM fabrics; "" when not given
    std::optional<Millis> dns_ttl;  ///< the records' own TTL (default: dns.ttl)
    std::string app;
    std::vector<NicSpec> nics;  ///< as written: the entry's first VM's addresses (Scenario::nic_ip)
    std::optional<Ipv4Address> target_ip;  ///< Hyper-V/VMM -> Azure: the address set in the VM's properties
    std::vector<std::string> resources;    ///< nsg, public_ip, load_balancer, route_table, ... (NOT-REPLICATED)
    std::vector<std::string> target_resources;  ///< of those, what exists at the target from the start
    Location loc;
};

/// One VM: what it does not share with the other VMs of its entry. Its names are views of the
/// scenario's name tables (valid while the scenario lives).
struct VmSpec {
    HeldName name;      ///< held in Scenario::vm_names
    HeldName dns_name;  ///< its number put for "{n}"; held in Scenario::dns_names; "" for none
    std::uint32_t entry = 0;    ///< its entry in Scenario::vm_entries
    std::uint32_t offset = 0;   ///< its place in the entry, from 0: its static addresses are the entry's plus this
};

struct CircuitSpec {
    std::string name;
    std::string site;
    std::string peering_location;
    bool premium = false;
    Location loc;
};

enum class ConnectionKind { vpn, vnet_to_vnet, peering, expressroute };
enum class Routing { static_routes, bgp };

struct ConnectionSpec {
    std::string name;
    ConnectionKind kind = ConnectionKind::vpn;
    std::array<std::string, 2> between;  ///< sites, networks or circuits
    Routing routing = Routing::bgp;
    bool connected = true;  ///< initial state
    std::vector<Ipv4Prefix> local_prefixes;
    bool gateway_transit = false;
    Location loc;
};

struct ReipRule {
    Ipv4Prefix from;
    Ipv4Prefix to;  ///< same length as `from`
    Location loc;
};

enum class PlanStepKind { manual, script, dns_update, update_routes, connect, disconnect, subnet_failover, create_resources };

struct PlanStepSpec {
    int after_group = 0;  ///< 0: before the first group; n: after group n (1-based)
    PlanStepKind kind = PlanStepKind::manual;
    std::string text;      ///< manual / script text; dns_update: the VM whose record it is ("" for none)
    std::string target;    ///< dns_update: record name ("" for the records of every VM of the plan);
                           ///< connect/disconnect: connection; subnet_failover: "network/subnet"; create_resources: the VM
    std::vector<std::string> resources;  ///< create_resources
    std::optional<Distribution> duration;  ///< overrides the timing default for this step
    Location loc;
};

struct RecoveryPlanSpec {
    std::string name;
    std::vector<std::vector<std::string>> groups;  ///< boot groups in order (brace ranges expanded)
    std::vector<PlanStepSpec> steps;
    std::vector<ReipRule> reip;
    Location loc;
};

struct DnsSpec {
    Millis ttl = 5LL * 60 * 1000;
    bool dynamic_registration = true;
    Location loc;
};

struct ClientSpec {
    std::string name;
    std::string site;
    Location loc;
};

enum class OpKind {
    map_network, change_mapping, delete_mapping, enable_replication, update_replication,
    disable_replication, failover, test_failover, cleanup_test_failover, commit, reprotect, failback,
    set_vm_network, subnet_failover, update_routes, connect, disconnect, site_down, site_up,
    broadcast_storm, peering_location_down, delete_vm, dns_update, peering_location_up, create_resources, expect
};

enum class InstanceRole { active, primary, replica, test };

/// Which VMs a VM operation applies to: exactly one of `vm`, `recovery_plan`, or `vms` (compact
/// targeting). A `vms` selector is the conjunction of the fields given.
struct VmSelector {
    std::vector<std::string> names;  ///< explicit names (brace ranges expanded)
    std::string pattern;             ///< glob over VM names: * and ?
    std::string network;             ///< VMs with a NIC on this network
    std::string subnet;              ///< ... and this subnet (needs `network`)
    std::string app;
    std::string site;
    bool all = false;                ///< `vms: all`
};

struct OperationSpec {
    OpKind kind = OpKind::expect;
    Location loc;

    // VM operations: exactly one of these three is set.
    std::string vm;
    std::string recovery_plan;
    std::optional<VmSelector> vms;

    // map_network / change_mapping / delete_mapping
    std::string source;
    std::string target;                        ///< delete_mapping: "" = whatever it maps to
    std::optional<bool> both_directions;       ///< map_network: default true on VMM fabrics, false in A2A

    // enable_replication / update_replication
    std::string target_site;
    std::string target_network;
    std::string target_subnet;
    std::optional<Ipv4Address> target_ip;
    std::vector<ReipRule> reip;

    bool planned = true;        ///< failover / failback: type planned (default) | unplanned
    std::string network;        ///< test_failover (""= failover network); set_vm_network ("none" = disconnect)
    std::string subnet;         ///< set_vm_network
    InstanceRole instance = InstanceRole::primary;  ///< delete_vm: primary | replica
    std::string site;           ///< site_down / site_up
    std::string connection;     ///< connect / disconnect
    std::string subnet_network; ///< subnet_failover / broadcast_storm: the network of `subnet`
    std::string to_site;        ///< subnet_failover: where the subnet becomes active
    std::optional<Millis> duration;  ///< broadcast_storm: how long (nullopt: until the end)
    std::string peering_location;
    std::string dns_name;       ///< dns_update: record to update; `vm` is the VM whose record it is ("" when none is)
    std::vector<std::string> resources;  ///< create_resources: what to create at the VM's target
};

struct ExpectSpec {
    enum class Kind { vm, mapping, network_exists, reachable, downtime };
    Kind kind = Kind::vm;
    Location loc;

    // vm
    std::string vm;
    InstanceRole instance = InstanceRole::active;
    int nic = 0;  ///< which NIC `network`, `subnet` and `ip` look at
    std::optional<std::string> site;
    std::optional<std::string> network;  ///< "none": the instance is connected to no network
    std::optional<std::string> subnet;
    std::optional<Ipv4Address> ip;
    std::optional<std::string> state;    ///< unprotected | enabling | protected | failing_over | failed_over | committed | reprotecting
    std::optional<bool> running;
    std::optional<bool> exists;          ///< does the instance exist at all
    std::optional<std::string> host;     ///< VMM: the Hyper-V host it runs on (MAP-PLACEMENT)
    std::optional<std::string> health;   ///< normal | degraded (FORCED-TUNNEL-NO-UDR)

    // mapping
    std::string source;
    std::string target;                  ///< "none": no mapping from `source`

    // network_exists
    std::string network_name;

    // reachable
    std::string from;
    std::string to;
    bool value = true;

    // downtime (only at `end`)
    std::string downtime_vm;
    std::string downtime_app;
    std::string downtime_client;  ///< "": no serving instance; else: the time this client cannot reach it
    Millis downtime_from = 0;
    Millis downtime_max = 0;
};

struct EventSpec {
    bool at_end = false;  ///< `at: end`
    Millis at = 0;
    Location loc;
    OperationSpec op;                  ///< op.kind == expect: see `expects`
    std::vector<ExpectSpec> expects;   ///< one or more checks (`expect:` may be a list)
    std::string expect_error;          ///< "" or a rule id (checked against the catalogue)
    Location expect_error_loc;
};

/// The scenario key of an operation ("enable_replication").
std::string_view op_name(OpKind kind);
/// Glob over a whole VM name: '*' any run of characters, '?' one character (a `vms:` pattern).
bool glob_match(std::string_view pattern, std::string_view text);

/// A random fault of a sweep (SPEC §11): in each run it happens with `probability`, at a time drawn
/// from `at`, and (for site_down, peering_location_down, disconnect) ends after `duration`; a storm
/// lasts its `duration`. `event.op` is the operation as an event would hold it.
struct FaultSpec {
    EventSpec event;
    double probability = 1.0;
    Distribution at;
    std::optional<Distribution> duration;
    Location loc;
};

struct Scenario {
    std::string file;  ///< path as given, for messages
    std::string name;
    std::string variant;  ///< "" for the base, else the variant loaded (SPEC §11)
    std::string description;
    Fabric fabric = Fabric::azure_to_azure;
    std::uint64_t seed = 0;
    /// `allow_refusals: true`: a refusal without `expect_error` is a note, not a failure (SPEC §9).
    bool allow_refusals = false;
    Timing timing;
    std::vector<SiteSpec> sites;
    std::vector<LogicalNetworkSpec> logical_networks;
    std::vector<CloudSpec> clouds;
    std::vector<HostSpec> hosts;
    std::vector<NetworkSpec> networks;
    std::vector<VmEntrySpec> vm_entries;  ///< the `vms:` entries, in file order
    std::vector<VmSpec> vms;              ///< one per VM, compact entries expanded, in file order
    NameTable vm_names;   ///< every VM's name, held once: name -> index in `vms` (the one such index)
    NameTable dns_names;  ///< every VM's dns_name: name -> index in `vms`
    std::vector<CircuitSpec> circuits;
    std::vector<ConnectionSpec> connections;
    std::vector<RecoveryPlanSpec> recovery_plans;
    DnsSpec dns;
    std::vector<ClientSpec> clients;
    std::vector<EventSpec> events;  ///< in file order (the loader does not sort)
    std::vector<FaultSpec> faults;  ///< random faults, drawn only by a sweep

    /// What `vm` shares with the other VMs of its entry.
    const VmEntrySpec& entry_of(const VmSpec& vm) const { return vm_entries[vm.entry]; }
    /// The address of `vm`'s NIC `nic` as declared; nullopt for DHCP. `nic` < its entry's NICs.
    std::optional<Ipv4Address> nic_ip(const VmSpec& vm, std::size_t nic) const {
        const std::optional<Ipv4Address>& first = entry_of(vm).nics[nic].ip;
        if (!first) return std::nullopt;
        return Ipv4Address{first->value() + vm.offset};
    }
};

/// Every VM's name, in definition order (for did-you-mean, on the way to an error).
inline std::vector<std::string_view> vm_names(const Scenario& s) {
    std::vector<std::string_view> names;
    names.reserve(s.vms.size());
    for (const auto& vm : s.vms) names.push_back(vm.name);
    return names;
}

}  // namespace drsim
