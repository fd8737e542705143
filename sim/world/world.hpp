#pragma once
// The DR world at run time: sites, networks, subnets, VMs with their instances and replications,
// mappings, connections. Built once from a validated Scenario; entities are held in vectors and
// addressed by index, names resolve through hash maps, so no operation scans all VMs or subnets.
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/simulator.hpp"
#include "sim/addressing/address_allocator.hpp"
#include "sim/log/log_record.hpp"
#include "sim/log/text.hpp"
#include "sim/rules/rule_catalogue.hpp"
#include "sim/scenario/scenario.hpp"
#include "sim/world/dns_zone.hpp"
#include "sim/world/holder_map.hpp"
#include "sim/world/network_state.hpp"
#include "sim/world/rare_vector.hpp"
#include "sim/world/topology.hpp"

namespace drsim {

using Id = std::uint32_t;
inline constexpr Id kNone = static_cast<Id>(-1);

struct Site {
    std::string name;
    SiteKind kind = SiteKind::onprem;
    std::string geo;
    std::string vmm;
    TopologyVertex vertex{};
};

struct Subnet {
    std::string name;
    Id network = kNone;
    Ipv4Prefix prefix;
    Ipv4Range usable;                    ///< ADDR-AZURE-RESERVED / ADDR-ONPREM-RANGE
    std::optional<Ipv4Range> pool;       ///< VMM static pool
    Id stretched_to = kNone;             ///< site
    AddressAllocator addresses;          ///< every held address of the subnet (one holder each)
    /// The instance whose NIC holds each bound address (a reservation has no entry): ip -> (vm, slot).
    HolderMap holders;
    TopologyVertex vertex{};

    Subnet(std::string n, Id net, Ipv4Prefix p, Ipv4Range u)
        : name(std::move(n)), network(net), prefix(p), usable(u), addresses(u) {}
};

/// SUBNET-FIRST-ALPHA's order: alphabetical ignoring case ("alpha" before "Beta"); names equal but
/// for case are ordered by their bytes ("App" before "app").
bool alphabetically_before(std::string_view a, std::string_view b);

struct Network {
    std::string name;
    Id site = kNone;
    std::vector<Ipv4Prefix> address_space;
    std::string logical_network;
    std::vector<Id> subnets;  ///< in definition order (SUBNET-FIRST-DEFINED)
    std::unordered_map<std::string, Id> subnet_by_name;
    std::vector<std::pair<std::uint32_t, Id>> subnet_by_address;  ///< (network address, subnet), sorted
    Id first_alpha_subnet = kNone;  ///< SUBNET-FIRST-ALPHA, kept current as subnets are added
    bool created_at_run_time = false;  ///< MAP-AUTO-ASR-NETWORK
    /// Outbound rules and user-defined routes as declared (SPEC §7); a network drsim creates has
    /// none (Site Recovery does not copy them: NOT-REPLICATED).
    std::optional<OutboundSpec> outbound;
    std::vector<RouteSpec> routes;
    TopologyVertex vertex{};
};

/// Which instance of a VM: at its home site, at its recovery site, or the test-failover copy.
enum class Slot : std::uint8_t { home = 0, recovery = 1, test = 2 };

struct NicBinding {
    Id network = kNone;  ///< kNone: connected to no network
    Id subnet = kNone;
    std::optional<Ipv4Address> ip;  ///< the held address (dhcp NICs hold one too in Azure)
    bool dhcp = false;
};

/// An instance's own running intervals (site state aside), the open end -1. Nearly every instance
/// runs once, so the first interval is held inline and the others apart, only when there are more.
class RunningIntervals {
public:
    using Interval = std::pair<Millis, Millis>;
    bool empty() const { return first_.first < 0; }
    std::size_t size() const { return empty() ? 0 : 1 + more_.size(); }
    const Interval& operator[](std::size_t i) const { return i == 0 ? first_ : more_[i - 1]; }
    Interval& back() { return more_.empty() ? first_ : more_[more_.size() - 1]; }
    void emplace_back(Millis from, Millis to) {
        if (empty()) first_ = {from, to};
        else more_.emplace_back(from, to);
    }

    class const_iterator {
    public:
        const_iterator(const RunningIntervals* list, std::size_t i) : list_(list), i_(i) {}
        Interval operator*() const { return (*list_)[i_]; }
        const_iterator& operator++() {
            ++i_;
            return *this;
        }
        bool operator==(const const_iterator& o) const { return i_ == o.i_; }

    private:
        const RunningIntervals* list_;
        std::size_t i_;
    };
    const_iterator begin() const { return {this, 0}; }
    const_iterator end() const { return {this, size()}; }

private:
    Interval first_{-1, -1};  ///< from -1: none yet
    RareVector<Interval> more_;
};

struct Instance {
    std::vector<NicBinding> nics;
    RunningIntervals up_intervals;
    engine::EventId boot_event{};  ///< pending boot (cancelled when the instance goes away first)
    Id vm = kNone;  ///< the VM it is an instance of
    Id site = kNone;
    Id host = kNone;  ///< VMM: the Hyper-V host it runs on (MAP-PLACEMENT)
    bool exists = false;
    bool booted = false;     ///< failover/test failover plus boot have elapsed
    bool shut_down = false;  ///< stopped by a planned failover, reprotect, or recovery-plan shutdown
};


/// One NIC's target network as fixed when replication was enabled (A2A), and the rule that chose it.
struct NicTarget {
    Id network = kNone;  ///< kNone: resolved at failover
    Rule rule = Rule::MapResolveAtFailover;  ///< MAP-DEFAULT, MAP-AUTO-*, ...
};

/// Target settings of one direction of a replication ("Compute and Network").
struct TargetSettings {
    std::vector<NicTarget> targets;  ///< per NIC
    std::uint32_t subnet = kNone;  ///< SUBNET-OVERRIDE: the name, held in World::texts (World::held_text); kNone: none
    Id host = kNone;             ///< MAP-PLACEMENT: the host chosen for the replica at enable time
    std::optional<Ipv4Address> ip;  ///< IP-OVERRIDE for the first NIC
    RareVector<ReipRule> reip;   ///< IP-REIP-RULE
    /// IP-VMM-POOL: per NIC, the address reserved at enable time and the subnet holding it.
    RareVector<std::pair<Id, std::optional<Ipv4Address>>> reserved;
};

struct Replication {
    // The flags and ids side by side, so that a million replications carry no padding between them.
    ReplicationState state = ReplicationState::unprotected;
    bool reversed = false;     ///< false: home -> recovery; true: recovery -> home (after reprotect)
    bool test_running = false;
    bool last_failover_planned = false;  ///< the last failover was planned (Azure's protectionState tells them apart)
    Id recovery_site = kNone;  ///< the target site chosen at enable time
    bool job_running = false;  ///< enabling/failover/reprotect job in flight
    /// FORCED-TUNNEL-NO-UDR: the source's Site Recovery traffic is forced on-premises. Decided when
    /// replication is enabled (and again at reprotect, for the reverse direction); cleared by disable.
    bool degraded = false;
    /// The failover job in flight was asked for as `failback`: its end is logged under the name
    /// its start was (a `failover` of a reversed replication is a failback, but logged as asked).
    bool failback_job = false;
    Id plan_run = kNone;  ///< the recovery-plan run this VM is failing over in, if any
    engine::EventId job{};
    TargetSettings forward;  ///< to the recovery site
    /// To home, once reprotected: few VMs ever are, so these are held apart, made on first use.
    std::unique_ptr<TargetSettings> reverse;
    Millis unprotected_since = -1;  ///< UNPROTECTED-WINDOW open since (commit), -1 when closed
    RareVector<std::pair<Millis, Millis>> unprotected_windows;
    /// The source VM's NICs as they were when it was deleted: a failover of a deleted source (what
    /// DR is for) makes its replica from these, by the same rules as any failover.
    RareVector<NicBinding> recorded_source_nics;

    Slot source_slot() const { return reversed ? Slot::recovery : Slot::home; }
    Slot target_slot() const { return reversed ? Slot::home : Slot::recovery; }
    /// The rules that also forbid an operation while a job runs (JOB-IN-PROGRESS), for refusals.
    std::vector<Rule> job_rules() const { return job_running ? std::vector<Rule>{Rule::JobInProgress} : std::vector<Rule>{}; }
    /// The settings of the current direction (the reverse ones made when first asked for).
    TargetSettings& current_settings() {
        if (!reversed) return forward;
        if (!reverse) reverse = std::make_unique<TargetSettings>();
        return *reverse;
    }
    /// UNPROTECTED-WINDOW: protection is back at `now` (a reprotect or a new initial replication
    /// done): closes the open window and gives its length; nullopt when none was open.
    std::optional<Millis> close_unprotected(Millis now) {
        if (unprotected_since < 0) return std::nullopt;
        const Millis length = now - unprotected_since;
        unprotected_windows.emplace_back(unprotected_since, now);
        unprotected_since = -1;
        return length;
    }
    /// UNPROTECTED-WINDOW: the time without protection up to `end`, the open window included.
    Millis unprotected_time(Millis end) const {
        Millis total = 0;
        for (auto [from, to] : unprotected_windows) total += to - from;
        if (unprotected_since >= 0) total += end - unprotected_since;
        return total;
    }
    const TargetSettings& current_settings() const {
        static const TargetSettings none;  // the reverse settings before any were made
        return !reversed ? forward : reverse ? *reverse : none;
    }
};

struct SourceNic {
    Id network = kNone;
    Id subnet = kNone;
    std::optional<Ipv4Address> ip;  ///< nullopt: DHCP
};

/// A VM. Its names are held in the scenario's name tables, and its app is its entry's: the
/// scenario outlives the world built from it.
struct Vm {
    HeldName name;
    HeldName dns_name;  ///< "" for none
    /// Its entry in the scenario: what it shares with the other VMs of the entry (app, resources,
    /// properties) is read there, not held again per VM.
    const VmEntrySpec* entry = nullptr;
    Id home_site = kNone;
    std::uint32_t dns_record = kNone;  ///< its record in World::dns (DNS-RECORD); kNone without dns_name
    Id cloud = kNone;  ///< VMM cloud (kNone when not declared)
    Id host = kNone;
    /// Of the kinds of resources not replicated, what exists at the recovery site: the entry's
    /// target_resources, and what create_resources added.
    RareVector<std::string> target_resources;
    std::array<Instance, 2> instances;  ///< home and recovery, indexed by Slot
    /// The test-failover copy: few VMs ever have one, so it is held apart, made on first use.
    std::unique_ptr<Instance> test_instance;
    Replication replication;

    /// Its app ("" for none).
    const std::string& app() const;
    /// What the source has that is not replicated (NOT-REPLICATED).
    const std::vector<std::string>& resources() const;
    /// The target_ip set in the VM's properties (Hyper-V -> Azure).
    std::optional<Ipv4Address> properties_ip() const { return entry ? entry->target_ip : std::nullopt; }

    /// The instance in `s` (the test one made when first asked for, as an instance that does not exist).
    Instance& instance(Slot s) {
        if (s != Slot::test) return instances[static_cast<std::size_t>(s)];
        if (!test_instance) {
            test_instance = std::make_unique<Instance>();
            test_instance->vm = instances[0].vm;
        }
        return *test_instance;
    }
    const Instance& instance(Slot s) const {
        static const Instance none;  // the test instance before one was made: it does not exist
        if (s != Slot::test) return instances[static_cast<std::size_t>(s)];
        return test_instance ? *test_instance : none;
    }
    /// The instance serving the VM: the target side once a failover has started, else the source side.
    Slot active_slot() const;
    /// The NICs a replica is made from: the source instance's, or those recorded when it was deleted.
    const std::vector<NicBinding>& source_nics() const {
        const Instance& source = instance(replication.source_slot());
        return source.exists ? source.nics : replication.recorded_source_nics.items();
    }
    /// The site the current direction replicates to: the recovery site, or home once reversed.
    Id target_site() const { return replication.reversed ? home_site : replication.recovery_site; }
};

struct Mapping {
    Id target = kNone;
    Millis created = 0;
};

struct Connection {
    std::string name;
    ConnectionKind kind = ConnectionKind::vpn;
    std::array<TopologyVertex, 2> ends{};
    Routing routing = Routing::bgp;
    std::vector<Ipv4Prefix> local_prefixes;
    bool gateway_transit = false;
    TopologyEdge edge{};
};

struct Circuit {
    std::string name;
    Id site = kNone;
    std::string peering_location;
    bool premium = false;
    TopologyVertex vertex{};
};

struct LogicalNetwork {
    std::string name;
    Id site = kNone;
};

/// A VMM cloud; a protected cloud is paired with its protecting cloud at the other site.
struct Cloud {
    std::string name;
    Id site = kNone;
    std::vector<std::string> logical_networks;
    Id protected_by = kNone;
    std::vector<Id> hosts;  ///< in definition order

    bool has_logical_network(const std::string& ln) const {
        for (const auto& l : logical_networks)
            if (l == ln) return true;
        return false;
    }
};

/// A Hyper-V host of a cloud; it reaches the VM networks of the logical networks it has.
struct Host {
    std::string name;
    Id cloud = kNone;
    std::vector<std::string> logical_networks;
};

struct Client {
    std::string name;
    Id site = kNone;
};

/// The world and its indices. Operations mutate it through the methods below, which keep the
/// address invariant ("an address is never held twice in one network") in one place.
class World {
public:
    /// The world at the start of `scenario`, which must outlive it (VM names are views of it).
    explicit World(const Scenario& scenario);
    World(const Scenario&&) = delete;

    Fabric fabric() const { return fabric_; }

    std::vector<Site> sites;
    std::vector<Network> networks;
    std::vector<Subnet> subnets;
    std::vector<Vm> vms;
    std::vector<Connection> connections;
    std::vector<Circuit> circuits;
    std::vector<Client> clients;
    std::vector<Cloud> clouds;
    std::vector<Host> hosts;
    std::vector<std::optional<Mapping>> mappings;  ///< by source network
    Topology topology;
    /// Connectivity over time: connections, sites up, active subnets, storms, peering locations.
    /// The one place that holds it and the one way to change it.
    NetworkState network;
    /// DNS (SPEC §8): a record per VM with a dns_name, its history, the answers clients hold.
    DnsZone dns;

    /// Free text the run's records mention, held once each (TextArg::Kind::text).
    mutable TextTable texts;  ///< mutable: interning adds to it, as a cache would
    /// `text` held for the rest of the run: its index in `texts`, kNone for "".
    std::uint32_t hold_text(std::string_view text) const { return text.empty() ? kNone : texts.intern(text); }
    /// The text held as `index` by hold_text ("" for kNone).
    std::string_view held_text(std::uint32_t index) const { return index == kNone ? std::string_view{} : texts.at(index); }
    /// A record's or a decision's text as the outputs write it: entities named as they are now.
    std::string render(const Text& text) const;
    void render(std::string& out, const Text& text) const;
    /// An argument's text as the world holds it whole — an entity's name, a VM's DNS name, a state,
    /// free text — so it is read, not copied; nullopt for what is composed when rendered (an address,
    /// a subnet's path, a count …) and for none.
    std::optional<std::string_view> held_name(TextArg arg) const;
    /// What a record is about, by name ("" for nothing).
    std::string render(TextArg target) const;

    /// What `vm`'s first NIC answers now, on `instance` (no address when it has none).
    DnsAnswer answer_of(const Instance& instance) const;

    Id site_id(const std::string& name) const { return find(site_by_name_, name); }
    Id network_id(const std::string& name) const { return find(network_by_name_, name); }
    /// The VM named `name` (through the scenario's one index of VM names); kNone when none is.
    Id vm_id(std::string_view name) const {
        auto vm = vm_names_->find(name);
        return vm ? *vm : kNone;
    }
    Id connection_id(const std::string& name) const { return find(connection_by_name_, name); }
    Id client_id(const std::string& name) const { return find(client_by_name_, name); }
    Id cloud_id(const std::string& name) const { return find(cloud_by_name_, name); }
    Id host_id(const std::string& name) const { return find(host_by_name_, name); }
    Id subnet_of(Id network, const std::string& subnet_name) const;
    /// The subnet of `network` whose prefix holds `ip`; kNone when none does. O(log subnets).
    Id subnet_holding(Id network, Ipv4Address ip) const;

    /// Adds a network (MAP-AUTO-ASR-NETWORK) copying `model`'s address space and subnets to `site`.
    Id add_network_copy(const Network& model, const std::string& name, Id site);

    /// Holds `ip` in `subnet` for a NIC. Returns false when it is not usable or already held.
    bool hold(Id subnet, Ipv4Address ip);
    /// Frees a held address; asserts it was held (a double free is a bug).
    void release(Id subnet, Ipv4Address ip);
    /// Frees every address an instance holds and clears its NICs' addresses.
    void release_instance(Instance& instance);
    /// Records `slot` of `vm` as the holder of every address its NICs hold (after they are placed).
    void bind_instance(Id vm, Slot slot);
    /// The VM and slot whose NIC holds `ip` in `subnet`; nullopt when no instance does. O(1).
    std::optional<std::pair<Id, Slot>> holder(Id subnet, Ipv4Address ip) const;

    /// Notes that an instance of `vm` changed (created, booted, stopped, removed, moved): what is
    /// computed per VM (who reaches it) is recomputed for these VMs only. O(1).
    void touch(Id vm) { touched_.push_back(vm); }
    /// Touches every VM with an instance bound in `subnet` (a site or a layer-2 domain changed under
    /// them). O(addresses bound there).
    void touch_holders(Id subnet) {
        subnets[subnet].holders.for_each([this](std::uint32_t, HolderMap::Holder holder) { touch(holder.vm); });
    }
    /// The VMs touched since the last call, each once, ascending. Clears the list.
    std::vector<Id> take_touched();

    bool site_up(Id site) const { return site != kNone && network.site_up(site); }
    /// A connection edge is up when connected and no end is a site that is down; containment
    /// edges always are. Circuits at a peering location that is down carry nothing.
    bool edge_up(TopologyEdge e) const;
    /// Running: exists, booted, not shut down, and its site is up.
    bool running(const Instance& instance) const {
        return instance.exists && instance.booted && !instance.shut_down && site_up(instance.site);
    }

private:
    static Id find(const std::unordered_map<std::string, Id>& index, const std::string& name) {
        auto it = index.find(name);
        return it == index.end() ? kNone : it->second;
    }
    Id add_site(const SiteSpec& spec);
    Id add_network(const std::string& name, Id site, std::vector<Ipv4Prefix> space, std::string logical);
    Id add_subnet(Id network, const std::string& name, Ipv4Prefix prefix, std::optional<Ipv4Range> pool,
                  Id stretched_to);

    Fabric fabric_;
    std::vector<Id> touched_;
    const NameTable* vm_names_;  ///< the scenario's
    std::unordered_map<std::string, Id> site_by_name_, network_by_name_, connection_by_name_,
        client_by_name_, circuit_by_name_, cloud_by_name_, host_by_name_;
};

}  // namespace drsim
