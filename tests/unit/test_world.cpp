// The Azure-to-Azure world through its public pieces: usable ranges, the target-subnet and address
// choosers on a World built from a loaded scenario, and the replication life cycle replayed by a
// Simulation — each refusal of SPEC §4 changes nothing, the address invariant holds over a
// randomised run, runs are deterministic, and downtime is what the timing says.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "sim/decisions/address_chooser.hpp"
#include "sim/decisions/target_subnet_chooser.hpp"
#include "sim/report/run_report.hpp"
#include "sim/run/simulation.hpp"
#include "sim/scenario/scenario_loader.hpp"
#include "sim/world/world.hpp"

using namespace drsim;

namespace {

constexpr Millis kSecond = 1000;
constexpr Millis kMinute = 60 * kSecond;
constexpr Millis kHour = 60 * kMinute;

Ipv4Address ip(const char* text) {
    auto a = Ipv4Address::parse(text);
    REQUIRE_MESSAGE(a.has_value(), "test address does not parse: ", text);
    return *a;
}

Ipv4Prefix cidr(const char* text) {
    auto p = Ipv4Prefix::parse(text);
    REQUIRE_MESSAGE(p.has_value(), "test prefix does not parse: ", text);
    return *p;
}

std::string str(const std::optional<Ipv4Address>& a) { return a ? a->to_string() : std::string{"(none)"}; }

bool has_rule(std::span<const Decision> decisions, Rule rule) {
    return std::any_of(decisions.begin(), decisions.end(), [&](const Decision& d) { return d.rule == rule; });
}

bool has_warning(std::span<const Decision> decisions, Rule rule) {
    return std::any_of(decisions.begin(), decisions.end(), [&](const Decision& d) { return d.rule == rule && d.warning; });
}

std::string rules_of(std::span<const Decision> decisions) {
    std::string out;
    for (const auto& d : decisions) out += std::string{rule_id(d.rule)} + (d.warning ? "(warning) " : " ");
    return out;
}

// A scenario and a finished run of it. The Simulation keeps a reference to the Scenario, so both
// live on the heap and never move.
struct Run {
    std::unique_ptr<Scenario> scenario;
    std::unique_ptr<Simulation> sim;

    const World& world() const { return sim->world(); }
    const Vm& vm(const std::string& name) const {
        Id id = world().vm_id(name);
        REQUIRE_MESSAGE(id != kNone, "no VM ", name);
        return world().vms[id];
    }
    Id network(const std::string& name) const {
        Id id = world().network_id(name);
        REQUIRE_MESSAGE(id != kNone, "no network ", name);
        return id;
    }
    Id site(const std::string& name) const {
        Id id = world().site_id(name);
        REQUIRE_MESSAGE(id != kNone, "no site ", name);
        return id;
    }
    /// The records of scenario event `index` (file order); the last event when -1.
    std::vector<const LogRecord*> records_of_event(int index = -1) const {
        if (index < 0) index = static_cast<int>(scenario->events.size()) - 1;
        std::vector<const LogRecord*> out;
        for (const auto& r : sim->log())
            if (r.event_index == index) out.push_back(&r);
        return out;
    }
    /// The job-end record (phase done) of `op` for `target` at `time`, or nullptr.
    const LogRecord* done_record(std::string_view op, const std::string& target, Millis time) const {
        for (const auto& r : sim->log())
            if (r.phase == Phase::done && r.op() == op && sim->world().render(r.target()) == target && r.time == time) return &r;
        return nullptr;
    }
};

Run run_scenario(const std::string& text) {
    Run r;
    r.scenario = std::make_unique<Scenario>(load_scenario_text(text, "t.yaml"));
    r.sim = std::make_unique<Simulation>(*r.scenario);
    r.sim->run();
    return r;
}

// Everything about the world an operation could change, as text (so a difference shows in the
// failure message): sites, networks and their mappings, every subnet's allocator, every VM's
// replication and instances with their NICs and up-intervals.
std::string snapshot(const World& w) {
    std::ostringstream out;
    auto net_name = [&](Id n) { return n == kNone ? std::string{"-"} : w.networks[n].name; };
    auto subnet_name = [&](Id s) { return s == kNone ? std::string{"-"} : w.subnets[s].name; };
    auto site_name = [&](Id s) { return s == kNone ? std::string{"-"} : w.sites[s].name; };
    for (Id s = 0; s < w.sites.size(); ++s)
        out << "site " << w.sites[s].name << " up=" << w.site_up(s) << " downs=" << w.network.site_down_intervals(s).size() << "\n";
    for (Id n = 0; n < w.networks.size(); ++n) {
        out << "network " << w.networks[n].name << " at " << site_name(w.networks[n].site) << " subnets=" << w.networks[n].subnets.size();
        if (n < w.mappings.size() && w.mappings[n]) out << " -> " << net_name(w.mappings[n]->target) << " since " << w.mappings[n]->created;
        out << "\n";
    }
    for (const auto& s : w.subnets)
        out << "subnet " << net_name(s.network) << "/" << s.name << " free=" << s.addresses.free_count()
            << " lowest=" << str(s.addresses.lowest_free()) << " highest=" << str(s.addresses.highest_free()) << "\n";
    for (const auto& vm : w.vms) {
        const Replication& r = vm.replication;
        out << "vm " << vm.name << " state=" << to_string(r.state) << " reversed=" << r.reversed
            << " recovery_site=" << site_name(r.recovery_site) << " test=" << r.test_running << "/"
            << net_name(vm.instance(Slot::test).nics.empty() ? kNone : vm.instance(Slot::test).nics[0].network)
            << " job=" << r.job_running << " unprotected_since=" << r.unprotected_since
            << " windows=" << r.unprotected_windows.size() << "\n";
        const TargetSettings none;
        for (std::size_t k = 0; k < 2; ++k) {
            const TargetSettings& t = k == 0 ? r.forward : r.reverse ? *r.reverse : none;
            out << "  settings[" << k << "] subnet=" << t.subnet << " ip=" << str(t.ip) << " networks=";
            for (const NicTarget& n : t.targets) out << net_name(n.network) << ",";
            out << "\n";
        }
        for (Slot slot : {Slot::home, Slot::recovery, Slot::test}) {
            const Instance& i = vm.instance(slot);
            out << "  slot " << static_cast<int>(slot) << " exists=" << i.exists << " site=" << site_name(i.site)
                << " booted=" << i.booted << " shut_down=" << i.shut_down << " up=";
            for (auto [a, b] : i.up_intervals) out << "[" << a << "," << b << ")";
            for (const auto& nic : i.nics)
                out << " nic{" << net_name(nic.network) << "/" << subnet_name(nic.subnet) << " " << str(nic.ip)
                    << (nic.dhcp ? " dhcp" : "") << "}";
            out << "\n";
        }
    }
    return out.str();
}

// ---------------------------------------------------------------------------------------------
// The Azure-to-Azure scenario most life-cycle cases use. Timing: enabled at 0 -> protected at 30m;
// failover 10m + boot 2m; resync 20m; test failover 5m + boot 2m.
const std::string kLifeCycleTopology = R"(scenario: life cycle
fabric: azure-to-azure
timing: {initial_replication: 30m, failover: 10m, vm_boot: 2m, resync: 20m, test_failover: 5m}
sites:
  - {name: East Asia, kind: azure}
  - {name: Southeast Asia, kind: azure}
networks:
  - {name: vnet-ea, site: East Asia, address_space: [10.0.0.0/16], subnets: [{name: app, prefix: 10.0.0.0/24}]}
  - {name: vnet-sea, site: Southeast Asia, address_space: [10.0.0.0/16], subnets: [{name: app, prefix: 10.0.0.0/24}]}
  - {name: vnet-iso, site: Southeast Asia, address_space: [10.0.0.0/16], subnets: [{name: app, prefix: 10.0.0.0/24}]}
  - {name: vnet-other, site: Southeast Asia, address_space: [10.5.0.0/16], subnets: [{name: app, prefix: 10.5.0.0/24}]}
vms:
  - {name: web1, site: East Asia, app: shop, nics: [{network: vnet-ea, subnet: app, ip: 10.0.0.19}]}
events:
)";

std::string life_cycle(const std::string& events) { return kLifeCycleTopology + events; }

// Event lines (each a YAML list item), in the order of the life cycle.
const std::string kEnable = "  - {at: 0s, enable_replication: {vm: web1, target_site: Southeast Asia, target_network: vnet-sea}}\n";
const std::string kFailover = "  - {at: 1h, failover: {vm: web1}}\n";                 // failed_over 1h10m, up 1h12m
const std::string kCommit = "  - {at: 1h15m, commit: {vm: web1}}\n";
const std::string kReprotect = "  - {at: 1h30m, reprotect: {vm: web1}}\n";            // protected again 1h50m
const std::string kFailback = "  - {at: 2h, failback: {vm: web1}}\n";                 // failed_over 2h10m, up 2h12m

// Runs `prefix` alone and `prefix` + `refused` (one event, later than every job of the prefix);
// checks that the added operation was refused by `rule` and that the world is as without it.
void check_refusal_changes_nothing_in(const std::string& topology, const std::string& prefix, const std::string& refused,
                                      Rule rule) {
    Run without = run_scenario(topology + prefix);
    Run with = run_scenario(topology + prefix + refused);
    const auto records = with.records_of_event();
    REQUIRE_MESSAGE(!records.empty(), "the refused operation left no log record");
    for (const LogRecord* rec : records) {
        CAPTURE(with.world().render(rec->target()));
        CAPTURE(with.world().render(rec->detail()));
        CHECK(rec->outcome == Outcome::refused);
        REQUIRE(rec->refused_by().has_value());
        const std::vector<Rule> also = rec->also_refused_by();
        const bool named = *rec->refused_by() == rule ||
                           std::find(also.begin(), also.end(), rule) != also.end();
        CHECK_MESSAGE(named, "refused by ", rule_id(*rec->refused_by()), ", expected ", rule_id(rule));
    }
    CHECK(snapshot(with.world()) == snapshot(without.world()));
}

void check_refusal_changes_nothing(const std::string& prefix, const std::string& refused, Rule rule) {
    check_refusal_changes_nothing_in(kLifeCycleTopology, prefix, refused, rule);
}

}  // namespace

// =============================================================================================
// Usable ranges (SPEC §1)

// ADDR-AZURE-RESERVED, ADDR-ONPREM-RANGE
TEST_CASE("usable_range: Azure /24 is .4-.254, on-premises /24 is .1-.254, Azure /29 is .4-.6") {
    const Ipv4Range azure24 = usable_range(cidr("10.0.0.0/24"), SiteKind::azure);
    CHECK(azure24.first == ip("10.0.0.4"));
    CHECK(azure24.last == ip("10.0.0.254"));
    const Ipv4Range onprem24 = usable_range(cidr("192.168.1.0/24"), SiteKind::onprem);
    CHECK(onprem24.first == ip("192.168.1.1"));
    CHECK(onprem24.last == ip("192.168.1.254"));
    const Ipv4Range azure29 = usable_range(cidr("10.0.9.0/29"), SiteKind::azure);
    CHECK(azure29.first == ip("10.0.9.4"));
    CHECK(azure29.last == ip("10.0.9.6"));
    const Ipv4Range onprem29 = usable_range(cidr("10.0.9.8/29"), SiteKind::onprem);
    CHECK(onprem29.first == ip("10.0.9.9"));
    CHECK(onprem29.last == ip("10.0.9.14"));
    // A prefix that is not at the start of a /8 or /16: offsets are from its own network address.
    const Ipv4Range azure_mid = usable_range(cidr("10.1.2.64/26"), SiteKind::azure);
    CHECK(azure_mid.first == ip("10.1.2.68"));
    CHECK(azure_mid.last == ip("10.1.2.126"));
}

// ADDR-AZURE-RESERVED, ADDR-ONPREM-RANGE: a World's subnets carry the range of their site's kind.
TEST_CASE("usable_range: the World gives each subnet the range of its site's kind") {
    const Scenario s = load_scenario_text(R"(scenario: ranges
sites:
  - {name: East Asia, kind: azure}
  - {name: HQ, kind: onprem}
networks:
  - {name: vnet, site: East Asia, address_space: [10.0.0.0/16], subnets: [{name: a, prefix: 10.0.0.0/24}, {name: b, prefix: 10.0.9.0/29}]}
  - {name: lan, site: HQ, address_space: [10.0.0.0/16], subnets: [{name: a, prefix: 10.0.0.0/24}]}
)",
                                          "t.yaml");
    World w(s);
    const Subnet& azure_a = w.subnets[w.subnet_of(w.network_id("vnet"), "a")];
    const Subnet& azure_b = w.subnets[w.subnet_of(w.network_id("vnet"), "b")];
    const Subnet& onprem_a = w.subnets[w.subnet_of(w.network_id("lan"), "a")];
    CHECK(azure_a.usable == Ipv4Range{ip("10.0.0.4"), ip("10.0.0.254")});
    CHECK(azure_a.addresses.free_count() == 251);
    CHECK(azure_b.usable == Ipv4Range{ip("10.0.9.4"), ip("10.0.9.6")});
    CHECK(azure_b.addresses.free_count() == 3);
    CHECK(onprem_a.usable == Ipv4Range{ip("10.0.0.1"), ip("10.0.0.254")});
    CHECK(onprem_a.addresses.lowest_free() == ip("10.0.0.1"));
    CHECK(onprem_a.addresses.free_count() == 254);
}


// ADDR-AZURE-RESERVED at the top of the address space: an on-premises /30 at 255.255.255.252 has two
// usable addresses; its copy into Azure (MAP-AUTO-ASR-NETWORK) has none, not 0.0.0.0-255.255.255.254.
TEST_CASE("usable_range: a subnet at the top of the address space, on premises and copied into Azure") {
    const Scenario s = load_scenario_text(R"(scenario: top
sites:
  - {name: HQ, kind: onprem}
  - {name: West Europe, kind: azure}
networks:
  - {name: lan, site: HQ, address_space: [255.255.255.248/29], subnets: [{name: top, prefix: 255.255.255.252/30}]}
)",
                                          "t.yaml");
    World w(s);
    const Subnet& onprem = w.subnets[w.subnet_of(w.network_id("lan"), "top")];
    CHECK(onprem.usable == Ipv4Range{ip("255.255.255.253"), ip("255.255.255.254")});
    Id copy = w.add_network_copy(w.networks[w.network_id("lan")], "lan-asr", w.site_id("West Europe"));
    const Subnet& azure = w.subnets[w.subnet_of(copy, "top")];
    CHECK(azure.usable.empty());
    CHECK(azure.addresses.free_count() == 0);
    CHECK_FALSE(azure.addresses.lowest_free().has_value());
}
// =============================================================================================
// Target subnet (SPEC §3)

namespace {

// Target networks whose subnets are defined out of alphabetical order: in vnet-t "app" is first
// alphabetically but second defined; in vnet-u it is last defined; lan-t is on-premises.
const std::string kSubnetWorld = R"(scenario: subnets
fabric: azure-to-azure
sites:
  - {name: East Asia, kind: azure}
  - {name: Southeast Asia, kind: azure}
  - {name: DR, kind: onprem}
networks:
  - name: vnet-t
    site: Southeast Asia
    address_space: [10.1.0.0/16]
    subnets:
      - {name: web, prefix: 10.1.1.0/24}
      - {name: app, prefix: 10.1.3.0/24}
      - {name: db, prefix: 10.1.2.0/24}
  - name: vnet-u
    site: Southeast Asia
    address_space: [10.2.0.0/16]
    subnets:
      - {name: web, prefix: 10.2.1.0/24}
      - {name: db, prefix: 10.2.2.0/24}
      - {name: app, prefix: 10.2.3.0/24}
  - name: lan-t
    site: DR
    address_space: [192.168.0.0/16]
    subnets:
      - {name: web, prefix: 192.168.1.0/24}
      - {name: app, prefix: 192.168.3.0/24}
  - {name: bare, site: Southeast Asia, address_space: [172.16.0.0/16]}
)";

struct SubnetCase {
    const World& w;
    Id choose(const char* network, const char* source, const char* override_subnet, Decisions& out) const {
        Id n = w.network_id(network);
        REQUIRE(n != kNone);
        return choose_target_subnet(w, n, source, override_subnet, out);
    }
    Id subnet(const char* network, const char* name) const {
        Id s = w.subnet_of(w.network_id(network), name);
        REQUIRE(s != kNone);
        return s;
    }
};

}  // namespace

// SUBNET-OVERRIDE: the override wins where the network has a subnet of that name, over the same name.
TEST_CASE("choose_target_subnet: an override wins where the network has it") {
    const Scenario s = load_scenario_text(kSubnetWorld, "t.yaml");
    const World w(s);
    const SubnetCase c{w};
    Decisions out;
    CHECK(c.choose("vnet-t", "web", "db", out) == c.subnet("vnet-t", "db"));
    REQUIRE(out.size() == 1);
    CHECK(out[0].rule == Rule::SubnetOverride);
    CHECK_FALSE(bool{out[0].warning});  // a bit-field: doctest takes operands by reference
    out.clear();
    CHECK(c.choose("vnet-u", "app", "db", out) == c.subnet("vnet-u", "db"));
    REQUIRE(out.size() == 1);
    CHECK(out[0].rule == Rule::SubnetOverride);
}

// SUBNET-OVERRIDE only where the network has it; else SUBNET-SAME-NAME / SUBNET-FIRST-*.
TEST_CASE("choose_target_subnet: an override the network lacks falls through to the next rules") {
    const Scenario s = load_scenario_text(kSubnetWorld, "t.yaml");
    const World w(s);
    const SubnetCase c{w};
    Decisions out;
    CHECK(c.choose("lan-t", "app", "db", out) == c.subnet("lan-t", "app"));  // lan-t has no db
    REQUIRE(out.size() == 1);
    CHECK(out[0].rule == Rule::SubnetSameName);
    out.clear();
    CHECK(c.choose("vnet-t", "mail", "nosuch", out) == c.subnet("vnet-t", "app"));
    REQUIRE(out.size() == 1);
    CHECK(out[0].rule == Rule::SubnetFirstAlpha);
    out.clear();
    CHECK(c.choose("lan-t", "mail", "db", out) == c.subnet("lan-t", "web"));
    REQUIRE(out.size() == 1);
    CHECK(out[0].rule == Rule::SubnetFirstDefined);
}

// SUBNET-SAME-NAME
TEST_CASE("choose_target_subnet: the subnet with the source subnet's name") {
    const Scenario s = load_scenario_text(kSubnetWorld, "t.yaml");
    const World w(s);
    const SubnetCase c{w};
    for (const char* name : {"web", "db", "app"}) {
        CAPTURE(name);
        Decisions out;
        CHECK(c.choose("vnet-t", name, "", out) == c.subnet("vnet-t", name));
        REQUIRE(out.size() == 1);
        CHECK(out[0].rule == Rule::SubnetSameName);
    }
    Decisions out;
    CHECK(c.choose("lan-t", "web", "", out) == c.subnet("lan-t", "web"));
    REQUIRE(out.size() == 1);
    CHECK(out[0].rule == Rule::SubnetSameName);
}

// SUBNET-FIRST-ALPHA (Azure target): first in alphabetical order whatever the definition order.
TEST_CASE("choose_target_subnet: an Azure target without the name gets the first subnet alphabetically") {
    const Scenario s = load_scenario_text(kSubnetWorld, "t.yaml");
    const World w(s);
    const SubnetCase c{w};
    for (const char* net : {"vnet-t", "vnet-u"}) {
        CAPTURE(net);
        Decisions out;
        CHECK(c.choose(net, "mail", "", out) == c.subnet(net, "app"));
        REQUIRE(out.size() == 1);
        CHECK(out[0].rule == Rule::SubnetFirstAlpha);
    }
}

// SUBNET-FIRST-ALPHA ignores case ("alpha" before "Beta"); names equal but for case go by their bytes.
TEST_CASE("alphabetically_before: case-insensitive, then by bytes") {
    CHECK(alphabetically_before("alpha", "Beta"));
    CHECK_FALSE(alphabetically_before("Beta", "alpha"));
    CHECK(alphabetically_before("Zeta", "zulu"));
    CHECK(alphabetically_before("App", "app"));
    CHECK_FALSE(alphabetically_before("app", "App"));
    CHECK(alphabetically_before("app", "apps"));
    CHECK(alphabetically_before("APP", "apps"));
    CHECK_FALSE(alphabetically_before("app", "app"));
    CHECK(alphabetically_before("a_b", "ab"));  // '_' (0x5F) sorts before 'b' once lowered
}

TEST_CASE("choose_target_subnet: SUBNET-FIRST-ALPHA puts alpha before Beta") {
    const Scenario s = load_scenario_text(R"(scenario: case
sites: [{name: R1, kind: azure}]
networks:
  - name: vnet
    site: R1
    address_space: [10.0.0.0/16]
    subnets: [{name: Beta, prefix: 10.0.1.0/24}, {name: Gamma, prefix: 10.0.3.0/24}, {name: alpha, prefix: 10.0.2.0/24}]
)",
                                          "t.yaml");
    const World w(s);
    Decisions out;
    CHECK(choose_target_subnet(w, w.network_id("vnet"), "mail", "", out) == w.subnet_of(w.network_id("vnet"), "alpha"));
    REQUIRE(out.size() == 1);
    CHECK(out[0].rule == Rule::SubnetFirstAlpha);
}

// SUBNET-FIRST-DEFINED (on-premises / VMM target): the first subnet as defined, not alphabetically.
TEST_CASE("choose_target_subnet: an on-premises target without the name gets the first subnet defined") {
    const Scenario s = load_scenario_text(kSubnetWorld, "t.yaml");
    const World w(s);
    const SubnetCase c{w};
    Decisions out;
    CHECK(c.choose("lan-t", "mail", "", out) == c.subnet("lan-t", "web"));
    REQUIRE(out.size() == 1);
    CHECK(out[0].rule == Rule::SubnetFirstDefined);
}

TEST_CASE("choose_target_subnet: a network with no subnet gives kNone and no decision") {
    const Scenario s = load_scenario_text(kSubnetWorld, "t.yaml");
    const World w(s);
    Decisions out;
    CHECK(choose_target_subnet(w, w.network_id("bare"), "app", "", out) == kNone);
    CHECK(out.empty());
}

// SUBNET-FIRST-ALPHA on a network MAP-AUTO-ASR-NETWORK copies at run time.
TEST_CASE("choose_target_subnet: a run-time copy of a network keeps its first-alphabetical subnet") {
    const Scenario s = load_scenario_text(kSubnetWorld, "t.yaml");
    World w(s);
    const Id copy = w.add_network_copy(w.networks[w.network_id("vnet-u")], "vnet-u-asr", w.site_id("East Asia"));
    REQUIRE(copy == w.network_id("vnet-u-asr"));
    Decisions out;
    const Id chosen = choose_target_subnet(w, copy, "mail", "", out);
    REQUIRE(chosen != kNone);
    CHECK(w.subnets[chosen].name == "app");
    CHECK(w.subnets[chosen].network == copy);
    REQUIRE(out.size() == 1);
    CHECK(out[0].rule == Rule::SubnetFirstAlpha);
}

// =============================================================================================
// Address (SPEC §3)

namespace {

// Southeast Asia's vnet-sea has the source's address space; 10.0.0.4 and 10.0.0.19 are taken there,
// so its lowest free address is 10.0.0.5. vnet-other is another space with 10.1.0.4 taken. The /29
// "tiny" (usable .4-.6) is full.
const std::string kAddressWorld = R"(scenario: addresses
fabric: azure-to-azure
sites:
  - {name: East Asia, kind: azure}
  - {name: Southeast Asia, kind: azure}
networks:
  - {name: vnet-ea, site: East Asia, address_space: [10.0.0.0/16], subnets: [{name: app, prefix: 10.0.0.0/24}]}
  - name: vnet-sea
    site: Southeast Asia
    address_space: [10.0.0.0/16]
    subnets:
      - {name: app, prefix: 10.0.0.0/24}
      - {name: tiny, prefix: 10.0.9.0/29}
      - {name: roomy, prefix: 10.0.8.0/29}
  - {name: vnet-other, site: Southeast Asia, address_space: [10.1.0.0/16], subnets: [{name: app, prefix: 10.1.0.0/24}]}
vms:
  - {name: web1, site: East Asia, nics: [{network: vnet-ea, subnet: app, ip: 10.0.0.19}]}
  - {name: sea-a, site: Southeast Asia, nics: [{network: vnet-sea, subnet: app, ip: 10.0.0.4}]}
  - {name: sea-b, site: Southeast Asia, nics: [{network: vnet-sea, subnet: app, ip: 10.0.0.19}]}
  - {name: other-a, site: Southeast Asia, nics: [{network: vnet-other, subnet: app, ip: 10.1.0.4}]}
  - {name: "tiny-{1..3}", site: Southeast Asia, nics: [{network: vnet-sea, subnet: tiny, ip: 10.0.9.4}]}
)";

struct AddressCase {
    std::unique_ptr<Scenario> scenario = std::make_unique<Scenario>(load_scenario_text(kAddressWorld, "t.yaml"));
    World w{*scenario};
    Decisions out;

    Id subnet(const char* network, const char* name) const {
        Id s = w.subnet_of(w.network_id(network), name);
        REQUIRE(s != kNone);
        return s;
    }
    AddressRequest request(Id target_subnet, const char* source_ip) const {
        AddressRequest rq;
        rq.subnet = target_subnet;
        rq.source_subnet = subnet("vnet-ea", "app");
        rq.source_kind = SiteKind::azure;
        if (source_ip) rq.source_ip = ip(source_ip);
        return rq;
    }
    bool held(Id s, const char* a) const { return !w.subnets[s].addresses.is_free(ip(a)); }
};

}  // namespace

// IP-FO-SAME-SPACE, free source address: the same address, held afterwards.
TEST_CASE("choose_address: same address space, source address free -> the same address") {
    AddressCase c;
    const Id app = c.subnet("vnet-sea", "app");
    REQUIRE_FALSE(c.held(app, "10.0.0.20"));
    const auto held_before = c.w.subnets[app].addresses.held_count();
    AddressChoice got = choose_address(c.w, c.request(app, "10.0.0.20"), c.out);
    CAPTURE(rules_of(c.out));
    CHECK(got.ok);
    CHECK(got.ip == ip("10.0.0.20"));
    CHECK_FALSE(got.dhcp);
    CHECK(has_rule(c.out, Rule::IpFoSameSpace));
    CHECK_FALSE(has_rule(c.out, Rule::AddrLowestFree));
    CHECK(c.held(app, "10.0.0.20"));
    CHECK(c.w.subnets[app].addresses.held_count() == held_before + 1);
}

// IP-FO-SAME-SPACE, taken source address: ADDR-LOWEST-FREE.
TEST_CASE("choose_address: same address space, source address taken -> the lowest free, ADDR-LOWEST-FREE") {
    AddressCase c;
    const Id app = c.subnet("vnet-sea", "app");
    REQUIRE(c.held(app, "10.0.0.19"));
    AddressChoice got = choose_address(c.w, c.request(app, "10.0.0.19"), c.out);
    CAPTURE(rules_of(c.out));
    CHECK(got.ok);
    CHECK(got.ip == ip("10.0.0.5"));  // .4 is taken too
    CHECK(has_rule(c.out, Rule::IpFoSameSpace));
    CHECK(has_rule(c.out, Rule::AddrLowestFree));
    CHECK(c.held(app, "10.0.0.5"));
    // The next such NIC gets the next free one: the first is really held.
    Decisions more;
    CHECK(choose_address(c.w, c.request(app, "10.0.0.19"), more).ip == ip("10.0.0.6"));
}

// IP-FO-OTHER-SPACE: the target subnet does not hold the source address -> ADDR-LOWEST-FREE.
TEST_CASE("choose_address: another address space -> the lowest free, IP-FO-OTHER-SPACE") {
    AddressCase c;
    const Id other = c.subnet("vnet-other", "app");
    AddressChoice got = choose_address(c.w, c.request(other, "10.0.0.19"), c.out);
    CAPTURE(rules_of(c.out));
    CHECK(got.ok);
    CHECK(got.ip == ip("10.1.0.5"));  // 10.1.0.4 is taken
    CHECK(has_rule(c.out, Rule::IpFoOtherSpace));
    CHECK(has_rule(c.out, Rule::AddrLowestFree));
    CHECK_FALSE(has_rule(c.out, Rule::IpFoSameSpace));
    CHECK(c.held(other, "10.1.0.5"));
}

// IP-OVERRIDE: a free target_ip is used.
TEST_CASE("choose_address: target_ip free -> used, IP-OVERRIDE without warning") {
    AddressCase c;
    const Id app = c.subnet("vnet-sea", "app");
    AddressRequest rq = c.request(app, "10.0.0.20");
    rq.override_ip = ip("10.0.0.50");
    AddressChoice got = choose_address(c.w, rq, c.out);
    CAPTURE(rules_of(c.out));
    CHECK(got.ok);
    CHECK(got.ip == ip("10.0.0.50"));
    CHECK(has_rule(c.out, Rule::IpOverride));
    CHECK_FALSE(has_warning(c.out, Rule::IpOverride));
    CHECK(c.held(app, "10.0.0.50"));
    CHECK_FALSE(c.held(app, "10.0.0.20"));  // the source address was not taken as well
}

// IP-OVERRIDE: a taken target_ip -> a warning and ADDR-LOWEST-FREE.
TEST_CASE("choose_address: target_ip taken -> warning and the lowest free") {
    AddressCase c;
    const Id app = c.subnet("vnet-sea", "app");
    AddressRequest rq = c.request(app, "10.0.0.20");
    rq.override_ip = ip("10.0.0.19");
    AddressChoice got = choose_address(c.w, rq, c.out);
    CAPTURE(rules_of(c.out));
    CHECK(got.ok);
    CHECK(got.ip == ip("10.0.0.5"));
    CHECK(has_warning(c.out, Rule::IpOverride));
    CHECK(has_rule(c.out, Rule::AddrLowestFree));
    CHECK(c.held(app, "10.0.0.5"));
    CHECK_FALSE(c.held(app, "10.0.0.20"));
}

// IP-TFO-SAME: test failover, the source address is usable and free in the test network.
TEST_CASE("choose_address: test failover, source address free -> the same address, IP-TFO-SAME") {
    AddressCase c;
    const Id app = c.subnet("vnet-sea", "app");
    AddressRequest rq = c.request(app, "10.0.0.20");
    rq.test = true;
    AddressChoice got = choose_address(c.w, rq, c.out);
    CAPTURE(rules_of(c.out));
    CHECK(got.ok);
    CHECK(got.ip == ip("10.0.0.20"));
    CHECK(has_rule(c.out, Rule::IpTfoSame));
    CHECK_FALSE(has_rule(c.out, Rule::IpTfoEnd));
    CHECK(c.held(app, "10.0.0.20"));
}

// IP-TFO-SAME: the preferred address is target_ip where set.
TEST_CASE("choose_address: test failover prefers target_ip over the source address") {
    AddressCase c;
    const Id app = c.subnet("vnet-sea", "app");
    AddressRequest rq = c.request(app, "10.0.0.20");
    rq.test = true;
    rq.override_ip = ip("10.0.0.77");
    AddressChoice got = choose_address(c.w, rq, c.out);
    CAPTURE(rules_of(c.out));
    CHECK(got.ip == ip("10.0.0.77"));
    CHECK(has_rule(c.out, Rule::IpTfoSame));
    CHECK_FALSE(c.held(app, "10.0.0.20"));
}

// IP-TFO-END: the seed example, 10.0.0.19 taken in 10.0.0.0/24 -> 10.0.0.254 (ADDR-HIGHEST-FREE).
TEST_CASE("choose_address: test failover, source address taken -> the highest free, 10.0.0.254") {
    AddressCase c;
    const Id app = c.subnet("vnet-sea", "app");
    AddressRequest rq = c.request(app, "10.0.0.19");
    rq.test = true;
    AddressChoice got = choose_address(c.w, rq, c.out);
    CAPTURE(rules_of(c.out));
    CHECK(got.ok);
    CHECK(got.ip == ip("10.0.0.254"));
    CHECK(has_rule(c.out, Rule::IpTfoEnd));
    CHECK(has_rule(c.out, Rule::AddrHighestFree));
    CHECK(c.held(app, "10.0.0.254"));
    // A second test instance wanting the same address gets the next one down.
    Decisions more;
    CHECK(choose_address(c.w, rq, more).ip == ip("10.0.0.253"));
}

// IP-TFO-END also when the preferred address is outside the test subnet's usable range.
TEST_CASE("choose_address: test failover into another address space -> the highest free") {
    AddressCase c;
    const Id other = c.subnet("vnet-other", "app");
    AddressRequest rq = c.request(other, "10.0.0.19");
    rq.test = true;
    AddressChoice got = choose_address(c.w, rq, c.out);
    CAPTURE(rules_of(c.out));
    CHECK(got.ip == ip("10.1.0.254"));
    CHECK(has_rule(c.out, Rule::IpTfoEnd));
}

// IP-DHCP in Azure: a DHCP NIC with the lowest free address.
TEST_CASE("choose_address: a DHCP source NIC gets a DHCP NIC with the lowest free address") {
    AddressCase c;
    const Id app = c.subnet("vnet-sea", "app");
    AddressRequest rq = c.request(app, "10.0.0.20");
    rq.source_dhcp = true;
    AddressChoice got = choose_address(c.w, rq, c.out);
    CAPTURE(rules_of(c.out));
    CHECK(got.ok);
    CHECK(got.dhcp);
    CHECK(got.ip == ip("10.0.0.5"));
    CHECK(has_rule(c.out, Rule::IpDhcp));
    CHECK(has_rule(c.out, Rule::AddrLowestFree));
    CHECK_FALSE(has_rule(c.out, Rule::IpStatic));
    CHECK(c.held(app, "10.0.0.5"));
    CHECK_FALSE(c.held(app, "10.0.0.20"));
}

// IP-OVERRIDE wins over IP-DHCP: target_ip set on the replication makes the target NIC static.
TEST_CASE("choose_address: a DHCP source NIC with target_ip gets a static NIC at that address") {
    AddressCase c;
    const Id app = c.subnet("vnet-sea", "app");
    AddressRequest rq = c.request(app, "10.0.0.20");
    rq.source_dhcp = true;
    rq.override_ip = ip("10.0.0.77");
    AddressChoice got = choose_address(c.w, rq, c.out);
    CAPTURE(rules_of(c.out));
    CHECK(got.ok);
    CHECK_FALSE(got.dhcp);
    CHECK(got.ip == ip("10.0.0.77"));
    CHECK(has_rule(c.out, Rule::IpOverride));
    CHECK_FALSE(has_rule(c.out, Rule::IpDhcp));
    CHECK(c.held(app, "10.0.0.77"));
}

// ADDR-SUBNET-FULL: no free usable address -> ok == false, nothing held.
TEST_CASE("choose_address: a full subnet refuses with ADDR-SUBNET-FULL and holds nothing") {
    AddressCase c;
    const Id tiny = c.subnet("vnet-sea", "tiny");
    REQUIRE(c.w.subnets[tiny].addresses.free_count() == 0);
    const std::string before = snapshot(c.w);
    for (bool test : {false, true}) {
        for (bool dhcp : {false, true}) {
            CAPTURE(test);
            CAPTURE(dhcp);
            Decisions out;
            AddressRequest rq = c.request(tiny, "10.0.9.5");
            rq.test = test;
            rq.source_dhcp = dhcp;
            AddressChoice got = choose_address(c.w, rq, out);
            CAPTURE(rules_of(out));
            CHECK_FALSE(got.ok);
            CHECK_FALSE(got.ip.has_value());
            CHECK(has_rule(out, Rule::AddrSubnetFull));
        }
    }
    CHECK(c.w.subnets[tiny].addresses.held_count() == 3);
    CHECK(snapshot(c.w) == before);
}

// ADDR-SUBNET-FULL after the last free address has gone to an earlier replica.
TEST_CASE("choose_address: a /29 gives its three usable addresses, then is full") {
    AddressCase c;
    const Id roomy = c.subnet("vnet-sea", "roomy");  // 10.0.8.0/29, usable .4-.6, all free
    std::set<std::uint32_t> given;
    for (int i = 0; i < 3; ++i) {
        Decisions out;
        AddressChoice got = choose_address(c.w, c.request(roomy, "10.0.0.19"), out);
        REQUIRE(got.ok);
        REQUIRE(got.ip.has_value());
        CHECK(c.w.subnets[roomy].usable.contains(*got.ip));
        given.insert(got.ip->value());
    }
    CHECK(given == std::set<std::uint32_t>{ip("10.0.8.4").value(), ip("10.0.8.5").value(), ip("10.0.8.6").value()});
    Decisions out;
    AddressChoice got = choose_address(c.w, c.request(roomy, "10.0.0.19"), out);
    CHECK_FALSE(got.ok);
    CHECK(has_rule(out, Rule::AddrSubnetFull));
    CHECK(c.w.subnets[roomy].addresses.held_count() == 3);
}

// =============================================================================================
// The life cycle through a Simulation (SPEC §4)

// §4 state table: enabling -> protected once initial_replication has elapsed; FO-NEEDS-RECOVERY-POINT
// until then; an event at the very time the job ends sees it ended.
TEST_CASE("life cycle: enable -> enabling, then protected exactly after initial_replication") {
    Run r = run_scenario(life_cycle(kEnable +
                                    "  - {at: 29m59s, failover: {vm: web1}}\n"
                                    "  - {at: 30m, failover: {vm: web1}}\n"));
    const auto enable = r.records_of_event(0);
    REQUIRE(enable.size() == 1);
    CHECK(enable[0]->outcome == Outcome::ok);
    CHECK(enable[0]->phase == Phase::start);
    CHECK(enable[0]->state_after() == "enabling");
    const LogRecord* done = r.done_record("enable_replication", "web1", 30 * kMinute);
    REQUIRE(done != nullptr);
    CHECK(done->state_after() == "protected");

    const auto early = r.records_of_event(1);
    REQUIRE(early.size() == 1);
    CHECK(early[0]->refused_by() == Rule::FoNeedsRecoveryPoint);
    CHECK(early[0]->state_after() == "enabling");
    const auto on_time = r.records_of_event(2);
    REQUIRE(on_time.size() == 1);
    CHECK_FALSE(on_time[0]->refused_by().has_value());
    CHECK(on_time[0]->state_after() == "failing_over");

    const Vm& vm = r.vm("web1");
    CHECK(vm.replication.recovery_site == r.site("Southeast Asia"));
    CHECK(vm.replication.state == ReplicationState::failed_over);
}

TEST_CASE("life cycle: after enable only, the VM is protected and nothing runs at the target") {
    Run r = run_scenario(life_cycle(kEnable));
    const Vm& vm = r.vm("web1");
    CHECK(vm.replication.state == ReplicationState::protected_);
    CHECK_FALSE(vm.replication.reversed);
    CHECK_FALSE(vm.replication.job_running);
    CHECK(vm.replication.recovery_site == r.site("Southeast Asia"));
    REQUIRE(vm.replication.forward.targets.size() == 1);
    CHECK(vm.replication.forward.targets[0].network == r.network("vnet-sea"));
    CHECK_FALSE(vm.instance(Slot::recovery).exists);
    CHECK(r.world().running(vm.instance(Slot::home)));
    CHECK(r.sim->end_time() == 30 * kMinute);
    // MAP-AUTO-ON-ENABLE: a target network named, no mappings: both directions are created.
    const auto& forward = r.world().mappings[r.network("vnet-ea")];
    const auto& reverse = r.world().mappings[r.network("vnet-sea")];
    REQUIRE(forward.has_value());
    REQUIRE(reverse.has_value());
    CHECK(forward->target == r.network("vnet-sea"));
    CHECK(reverse->target == r.network("vnet-ea"));
    CHECK_FALSE(r.world().mappings[r.network("vnet-iso")].has_value());
    const auto enable = r.records_of_event(0);
    REQUIRE(enable.size() == 1);
    CHECK(has_rule(enable[0]->decisions(), Rule::MapAutoOnEnable));
}

// FO-PLANNED-NEEDS-SOURCE: a planned failover shuts the source VM down when it starts.
TEST_CASE("life cycle: a planned failover shuts the source down; the replica keeps the address") {
    Run r = run_scenario(life_cycle(kEnable + kFailover));
    const Vm& vm = r.vm("web1");
    const Instance& home = vm.instance(Slot::home);
    const Instance& replica = vm.instance(Slot::recovery);
    CHECK(vm.replication.state == ReplicationState::failed_over);
    CHECK(home.exists);
    CHECK(home.shut_down);
    CHECK_FALSE(r.world().running(home));
    REQUIRE(home.up_intervals.size() == 1);
    CHECK(home.up_intervals[0].second == 1 * kHour);  // stopped when the failover started
    REQUIRE(replica.exists);
    CHECK(replica.site == r.site("Southeast Asia"));
    CHECK(r.world().running(replica));
    REQUIRE(replica.nics.size() == 1);
    CHECK(replica.nics[0].network == r.network("vnet-sea"));
    CHECK(replica.nics[0].ip == ip("10.0.0.19"));  // IP-FO-SAME-SPACE
    const Id sea_app = r.world().subnet_of(r.network("vnet-sea"), "app");
    CHECK_FALSE(r.world().subnets[sea_app].addresses.is_free(ip("10.0.0.19")));
    const auto fo = r.records_of_event(1);
    REQUIRE(fo.size() == 1);
    CHECK(has_rule(fo[0]->decisions(), Rule::FoPlannedNeedsSource));
    CHECK(has_rule(fo[0]->decisions(), Rule::IpFoSameSpace));
    CHECK(fo[0]->state_after() == "failing_over");
}

// FO-PLANNED-NEEDS-SOURCE / FO-UNPLANNED-DATA-LOSS: an unplanned failover leaves the source as it is.
TEST_CASE("life cycle: an unplanned failover does not shut the source down") {
    Run r = run_scenario(life_cycle(kEnable + "  - {at: 1h, failover: {vm: web1, type: unplanned}}\n"));
    const Vm& vm = r.vm("web1");
    const Instance& home = vm.instance(Slot::home);
    CHECK(vm.replication.state == ReplicationState::failed_over);
    // (That it was unplanned is the FO-UNPLANNED-DATA-LOSS decision checked below.)
    CHECK_FALSE(home.shut_down);
    CHECK(r.world().running(home));
    CHECK(r.world().running(vm.instance(Slot::recovery)));
    const auto fo = r.records_of_event(1);
    REQUIRE(fo.size() == 1);
    CHECK(has_rule(fo[0]->decisions(), Rule::FoUnplannedDataLoss));
    CHECK_FALSE(has_rule(fo[0]->decisions(), Rule::FoPlannedNeedsSource));
}

// UNPROTECTED-WINDOW: commit opens it, reprotect's end closes it.
TEST_CASE("life cycle: commit opens the unprotected window, reprotect closes it when it ends") {
    SUBCASE("committed, not reprotected: open since the commit") {
        Run r = run_scenario(life_cycle(kEnable + kFailover + kCommit));
        const Replication& rep = r.vm("web1").replication;
        CHECK(rep.state == ReplicationState::committed);
        CHECK(rep.unprotected_since == 1 * kHour + 15 * kMinute);
        CHECK(rep.unprotected_windows.empty());
    }
    SUBCASE("reprotected: one closed window from commit to the end of the resync") {
        Run r = run_scenario(life_cycle(kEnable + kFailover + kCommit + kReprotect));
        const Replication& rep = r.vm("web1").replication;
        CHECK(rep.state == ReplicationState::protected_);
        CHECK(rep.reversed);
        CHECK(rep.unprotected_since == -1);
        REQUIRE(rep.unprotected_windows.size() == 1);
        CHECK(rep.unprotected_windows[0].first == 1 * kHour + 15 * kMinute);
        CHECK(rep.unprotected_windows[0].second == 1 * kHour + 50 * kMinute);
        const LogRecord* done = r.done_record("reprotect", "web1", 1 * kHour + 50 * kMinute);
        REQUIRE(done != nullptr);
        CHECK(has_rule(done->decisions(), Rule::UnprotectedWindow));
    }
    SUBCASE("a failover without commit opens no window") {
        Run r = run_scenario(life_cycle(kEnable + kFailover));
        CHECK(r.vm("web1").replication.unprotected_since == -1);
    }
    SUBCASE("disabled after the commit: still open; enabled again: closed when protected") {
        Run disabled = run_scenario(life_cycle(kEnable + kFailover + kCommit + "  - {at: 1h20m, disable_replication: {vm: web1}}\n"));
        CHECK(disabled.vm("web1").replication.unprotected_since == 1 * kHour + 15 * kMinute);
        CHECK(disabled.vm("web1").replication.unprotected_windows.empty());
        Run again = run_scenario(life_cycle(kEnable + kFailover + kCommit + "  - {at: 1h20m, disable_replication: {vm: web1}}\n" +
                                            "  - {at: 2h, enable_replication: {vm: web1, target_site: East Asia}}\n"));
        const Replication& rep = again.vm("web1").replication;
        CHECK(rep.state == ReplicationState::protected_);
        CHECK(rep.unprotected_since == -1);
        REQUIRE(rep.unprotected_windows.size() == 1);
        CHECK(rep.unprotected_windows[0].first == 1 * kHour + 15 * kMinute);
        CHECK(rep.unprotected_windows[0].second > 2 * kHour);
    }
}

// REPROTECT-REMOVES-OLD (SPEC §4, A2A): reprotect removes the old primary once the resync ends,
// freeing its address; the reverse direction targets the network mapped from the replica's.
TEST_CASE("life cycle: A2A reprotect removes the old primary and frees its address") {
    Run r = run_scenario(life_cycle(kEnable + kFailover + kCommit + kReprotect +
                                    "  - at: 1h40m\n"
                                    "    expect: [{vm: web1, instance: primary, exists: true, running: false}, {vm: web1, state: reprotecting}]\n"));
    const Vm& vm = r.vm("web1");
    const Id ea_app = r.world().subnet_of(r.network("vnet-ea"), "app");
    CHECK_FALSE(vm.instance(Slot::home).exists);
    CHECK(vm.instance(Slot::home).nics.empty());
    CHECK(r.world().subnets[ea_app].addresses.is_free(ip("10.0.0.19")));
    CHECK(r.world().subnets[ea_app].addresses.held_count() == 0);
    CHECK(vm.replication.reversed);
    CHECK(vm.replication.state == ReplicationState::protected_);
    REQUIRE(vm.replication.reverse);
    REQUIRE(vm.replication.reverse->targets.size() == 1);
    CHECK(vm.replication.reverse->targets[0].network == r.network("vnet-ea"));
    // The replica serves, still on its address.
    CHECK(r.world().running(vm.instance(Slot::recovery)));
    CHECK(vm.instance(Slot::recovery).nics[0].ip == ip("10.0.0.19"));
    const LogRecord* done = r.done_record("reprotect", "web1", 1 * kHour + 50 * kMinute);
    REQUIRE(done != nullptr);
    CHECK(has_rule(done->decisions(), Rule::ReprotectRemovesOld));
    // During the resync the old primary was still there (shut down).
    for (const auto& e : r.sim->expectations()) {
        CAPTURE(e.check);
        CAPTURE(e.found);
        CHECK(e.ok);
    }
    CHECK(r.sim->expectations().size() == 2);
}

// Failback after an A2A reprotect: IP-FO-SAME-SPACE gives the original address back, because the
// reprotect freed it (REPROTECT-REMOVES-OLD).
TEST_CASE("life cycle: failback restores the original address; the final reprotect frees the replica's") {
    Run r = run_scenario(life_cycle(kEnable + kFailover + kCommit + kReprotect + kFailback +
                                    "  - {at: 2h15m, commit: {vm: web1}}\n"
                                    "  - {at: 2h20m, reprotect: {vm: web1}}\n"));
    const Vm& vm = r.vm("web1");
    const Instance& home = vm.instance(Slot::home);
    REQUIRE(home.exists);
    CHECK(home.site == r.site("East Asia"));
    REQUIRE(home.nics.size() == 1);
    CHECK(home.nics[0].network == r.network("vnet-ea"));
    CHECK(home.nics[0].ip == ip("10.0.0.19"));
    CHECK(r.world().running(home));
    CHECK(vm.replication.state == ReplicationState::protected_);
    CHECK_FALSE(vm.replication.reversed);
    CHECK_FALSE(vm.instance(Slot::recovery).exists);
    const Id sea_app = r.world().subnet_of(r.network("vnet-sea"), "app");
    CHECK(r.world().subnets[sea_app].addresses.held_count() == 0);
    const auto fb = r.records_of_event(4);
    REQUIRE(fb.size() == 1);
    CHECK(fb[0]->op() == "failback");
    CHECK(has_rule(fb[0]->decisions(), Rule::IpFoSameSpace));
    CHECK_FALSE(has_rule(fb[0]->decisions(), Rule::AddrLowestFree));
}

// SPEC §3: "replica addresses [are freed] by failback/disable"; DISABLE-REPLICATION. After failback
// and commit, the replica in Southeast Asia is shut down and serves nothing: disabling replication
// removes it and frees 10.0.0.19 in vnet-sea.
TEST_CASE("life cycle: disable after failback and commit frees the old replica's address") {
    Run r = run_scenario(life_cycle(kEnable + kFailover + kCommit + kReprotect + kFailback +
                                    "  - {at: 2h15m, commit: {vm: web1}}\n"
                                    "  - {at: 2h20m, disable_replication: {vm: web1}}\n"));
    const Vm& vm = r.vm("web1");
    CHECK(vm.replication.state == ReplicationState::unprotected);
    CHECK(r.world().running(vm.instance(Slot::home)));               // the failed-back VM serves
    CHECK_FALSE(vm.instance(Slot::recovery).exists);
    const Id sea_app = r.world().subnet_of(r.network("vnet-sea"), "app");
    CHECK(r.world().subnets[sea_app].addresses.is_free(ip("10.0.0.19")));
}

// =============================================================================================
// Each refusal of SPEC §4: the record names the rule, and the world is as if it had not been tried.

// FO-NEEDS-RECOVERY-POINT: no failover or test failover while enabling.
TEST_CASE("refusal FO-NEEDS-RECOVERY-POINT: failover and test failover while enabling") {
    SUBCASE("failover") {
        check_refusal_changes_nothing(kEnable, "  - {at: 10m, failover: {vm: web1}}\n", Rule::FoNeedsRecoveryPoint);
    }
    SUBCASE("test failover") {
        check_refusal_changes_nothing(kEnable, "  - {at: 10m, test_failover: {vm: web1, network: vnet-iso}}\n",
                                      Rule::FoNeedsRecoveryPoint);
    }
}

// FO-PLANNED-NEEDS-SOURCE: a planned failover needs the source site up; an unplanned one does not.
TEST_CASE("refusal FO-PLANNED-NEEDS-SOURCE: planned failover with the source site down") {
    const std::string down = kEnable + "  - {at: 40m, site_down: {site: East Asia}}\n";
    check_refusal_changes_nothing(down, "  - {at: 1h, failover: {vm: web1, type: planned}}\n", Rule::FoPlannedNeedsSource);
    // The same failover, unplanned, goes ahead.
    Run r = run_scenario(life_cycle(down + "  - {at: 1h, failover: {vm: web1, type: unplanned}}\n"));
    CHECK(r.vm("web1").replication.state == ReplicationState::failed_over);
    CHECK(r.world().running(r.vm("web1").instance(Slot::recovery)));
}

// REPROTECT-NEEDS-COMMIT: reprotect needs a committed failover.
TEST_CASE("refusal REPROTECT-NEEDS-COMMIT: reprotect while protected, and after failover before commit") {
    SUBCASE("protected") {
        check_refusal_changes_nothing(kEnable, "  - {at: 1h, reprotect: {vm: web1}}\n", Rule::ReprotectNeedsCommit);
    }
    SUBCASE("failed over, not committed") {
        check_refusal_changes_nothing(kEnable + kFailover, "  - {at: 1h20m, reprotect: {vm: web1}}\n", Rule::ReprotectNeedsCommit);
    }
}

// REPROTECT-NEEDS-SOURCE-SITE: the old primary site must be up.
TEST_CASE("refusal REPROTECT-NEEDS-SOURCE-SITE: reprotect with the old primary's region down") {
    check_refusal_changes_nothing(kEnable + "  - {at: 50m, site_down: {site: East Asia}}\n" +
                                      "  - {at: 1h, failover: {vm: web1, type: unplanned}}\n" + kCommit,
                                  "  - {at: 1h30m, reprotect: {vm: web1}}\n", Rule::ReprotectNeedsSourceSite);
}

// REPROTECT-NEEDS-SOURCE-VM: a delete_vm of the old primary makes reprotect impossible.
TEST_CASE("refusal REPROTECT-NEEDS-SOURCE-VM: reprotect after delete_vm of the old primary") {
    const std::string prefix = kEnable + kFailover + kCommit + "  - {at: 1h20m, delete_vm: {vm: web1, instance: primary}}\n";
    check_refusal_changes_nothing(prefix, "  - {at: 1h30m, reprotect: {vm: web1}}\n", Rule::ReprotectNeedsSourceVm);
    // The delete itself freed the old primary's address.
    Run r = run_scenario(life_cycle(prefix));
    CHECK_FALSE(r.vm("web1").instance(Slot::home).exists);
    CHECK(r.world().subnets[r.world().subnet_of(r.network("vnet-ea"), "app")].addresses.is_free(ip("10.0.0.19")));
}

// REPROTECT-KEEPS-NETWORK: reprotect cannot change the target network.
TEST_CASE("refusal REPROTECT-KEEPS-NETWORK: reprotect naming a target network") {
    check_refusal_changes_nothing(kEnable + kFailover + kCommit, "  - {at: 1h30m, reprotect: {vm: web1, target_network: vnet-ea}}\n",
                                  Rule::ReprotectKeepsNetwork);
}

// TFO-ONE-AT-A-TIME: one test failover per VM at a time, only from protected.
TEST_CASE("refusal TFO-ONE-AT-A-TIME: a second test failover, and a test failover when not protected") {
    const std::string tfo = "  - {at: 40m, test_failover: {vm: web1, network: vnet-iso}}\n";
    SUBCASE("a second test failover while one runs") {
        check_refusal_changes_nothing(kEnable + tfo, "  - {at: 50m, test_failover: {vm: web1, network: vnet-iso}}\n",
                                      Rule::TfoOneAtATime);
    }
    SUBCASE("a test failover of a committed VM") {
        check_refusal_changes_nothing(kEnable + kFailover + kCommit, "  - {at: 1h20m, test_failover: {vm: web1, network: vnet-iso}}\n",
                                      Rule::TfoOneAtATime);
    }
}

// TFO-CLEANUP-FIRST: while a test failover runs, only cleanup_test_failover is allowed.
TEST_CASE("refusal TFO-CLEANUP-FIRST: failover while a test failover runs") {
    const std::string tfo = "  - {at: 40m, test_failover: {vm: web1, network: vnet-iso}}\n";
    check_refusal_changes_nothing(kEnable + tfo, "  - {at: 1h, failover: {vm: web1}}\n", Rule::TfoCleanupFirst);
    // After the cleanup the same failover goes ahead, and the test address is free again.
    Run r = run_scenario(life_cycle(kEnable + tfo + "  - {at: 50m, cleanup_test_failover: {vm: web1}}\n" + kFailover));
    const Vm& vm = r.vm("web1");
    CHECK(vm.replication.state == ReplicationState::failed_over);
    CHECK_FALSE(vm.instance(Slot::test).exists);
    CHECK(r.world().subnets[r.world().subnet_of(r.network("vnet-iso"), "app")].addresses.held_count() == 0);
}

// TFO-CLEANUP-FIRST (SPEC §4 state table): "protected + test running — allowed next:
// cleanup_test_failover only": disable_replication is refused.
TEST_CASE("refusal TFO-CLEANUP-FIRST: disable_replication while a test failover runs") {
    check_refusal_changes_nothing(kEnable + "  - {at: 40m, test_failover: {vm: web1, network: vnet-iso}}\n",
                                  "  - {at: 1h, disable_replication: {vm: web1}}\n", Rule::TfoCleanupFirst);
}

// FAILBACK-NEEDS-REVERSE: failback is a failover of a reversed (reprotected) replication.
TEST_CASE("refusal FAILBACK-NEEDS-REVERSE: failback before any reprotect") {
    SUBCASE("protected, forward") {
        check_refusal_changes_nothing(kEnable, "  - {at: 1h, failback: {vm: web1}}\n", Rule::FailbackNeedsReverse);
    }
    SUBCASE("committed, not reprotected") {
        check_refusal_changes_nothing(kEnable + kFailover + kCommit, "  - {at: 1h30m, failback: {vm: web1}}\n",
                                      Rule::FailbackNeedsReverse);
    }
}

// MAP-ONE-TARGET: a source network has at most one mapping.
TEST_CASE("refusal MAP-ONE-TARGET: a second mapping of one source network") {
    const std::string map = "  - {at: 0s, map_network: {source: vnet-ea, target: vnet-sea}}\n";
    check_refusal_changes_nothing(map, "  - {at: 1m, map_network: {source: vnet-ea, target: vnet-other}}\n", Rule::MapOneTarget);
    Run r = run_scenario(life_cycle(map + "  - {at: 1m, map_network: {source: vnet-ea, target: vnet-other}}\n"));
    const auto& m = r.world().mappings[r.network("vnet-ea")];
    REQUIRE(m.has_value());
    CHECK(m->target == r.network("vnet-sea"));
    CHECK_FALSE(r.world().mappings[r.network("vnet-sea")].has_value());  // A2A: one direction per call
}

// MAP-CHANGE-REVERSE-FIRST: changing A -> B is refused while B -> A exists; deleting it first works.
TEST_CASE("refusal MAP-CHANGE-REVERSE-FIRST: change_mapping while the reverse mapping exists") {
    const std::string both = "  - {at: 0s, map_network: {source: vnet-ea, target: vnet-sea}}\n"
                             "  - {at: 0s, map_network: {source: vnet-sea, target: vnet-ea}}\n";
    const std::string change = "  - {at: 1m, change_mapping: {source: vnet-ea, target: vnet-other}}\n";
    check_refusal_changes_nothing(both, change, Rule::MapChangeReverseFirst);
    Run r = run_scenario(life_cycle(both + "  - {at: 30s, delete_mapping: {source: vnet-sea}}\n" + change));
    const auto changed = r.records_of_event(3);
    REQUIRE(changed.size() == 1);
    CHECK_FALSE(changed[0]->refused_by().has_value());
    REQUIRE(r.world().mappings[r.network("vnet-ea")].has_value());
    CHECK(r.world().mappings[r.network("vnet-ea")]->target == r.network("vnet-other"));
}

// IP-OVERRIDE: a target_ip outside the target subnet's usable range is refused when it is set.
TEST_CASE("refusal IP-OVERRIDE: enable with a target_ip outside the usable range") {
    for (const char* bad : {"10.0.0.2", "10.0.0.255", "10.0.1.10"}) {
        CAPTURE(bad);
        check_refusal_changes_nothing(
            "", std::string{"  - {at: 0s, enable_replication: {vm: web1, target_site: Southeast Asia, target_network: vnet-sea, target_ip: "} +
                    bad + "}}\n",
            Rule::IpOverride);
    }
    // In range: accepted, and the replica gets it at failover.
    Run r = run_scenario(life_cycle(
        "  - {at: 0s, enable_replication: {vm: web1, target_site: Southeast Asia, target_network: vnet-sea, target_ip: 10.0.0.77}}\n" +
        kFailover));
    REQUIRE(r.vm("web1").instance(Slot::recovery).exists);
    CHECK(r.vm("web1").instance(Slot::recovery).nics[0].ip == ip("10.0.0.77"));
}

// IP-TFO-SAME, TFO-PRODUCTION-NETWORK, TFO-ONE-AT-A-TIME (the source keeps running), and
// cleanup_test_failover frees the test address, so the real failover can have it.
TEST_CASE("test failover in the production network: same address, a warning, freed by cleanup") {
    const std::string tfo = kEnable + "  - {at: 40m, test_failover: {vm: web1}}\n";
    Run running = run_scenario(life_cycle(tfo));
    const Vm& vm = running.vm("web1");
    const Instance& test = vm.instance(Slot::test);
    REQUIRE(test.exists);
    CHECK(test.site == running.site("Southeast Asia"));
    REQUIRE(test.nics.size() == 1);
    CHECK(test.nics[0].network == running.network("vnet-sea"));
    CHECK(test.nics[0].ip == ip("10.0.0.19"));
    CHECK(running.world().running(test));
    CHECK(vm.replication.test_running);
    CHECK(vm.replication.state == ReplicationState::protected_);
    CHECK(running.world().running(vm.instance(Slot::home)));  // the source keeps running
    const auto rec = running.records_of_event(1);
    REQUIRE(rec.size() == 1);
    CHECK(rec[0]->outcome == Outcome::warning);
    CHECK(has_warning(rec[0]->decisions(), Rule::TfoProductionNetwork));
    CHECK(has_rule(rec[0]->decisions(), Rule::IpTfoSame));

    Run after = run_scenario(life_cycle(tfo + "  - {at: 50m, cleanup_test_failover: {vm: web1}}\n" + kFailover));
    const Vm& vm2 = after.vm("web1");
    CHECK_FALSE(vm2.instance(Slot::test).exists);
    CHECK_FALSE(vm2.replication.test_running);
    REQUIRE(vm2.instance(Slot::recovery).exists);
    CHECK(vm2.instance(Slot::recovery).nics[0].ip == ip("10.0.0.19"));  // IP-FO-SAME-SPACE: free again
    const auto fo = after.records_of_event(3);
    REQUIRE(fo.size() == 1);
    CHECK(has_rule(fo[0]->decisions(), Rule::IpFoSameSpace));
    CHECK_FALSE(has_rule(fo[0]->decisions(), Rule::AddrLowestFree));
}

// IP-TFO-END through a run: the source address is taken in the test network -> the highest free.
TEST_CASE("test failover into a network where the source address is taken: 10.0.0.254") {
    std::string topology = kLifeCycleTopology;
    topology.insert(topology.find("events:\n"),
                    "  - {name: iso-resident, site: Southeast Asia, nics: [{network: vnet-iso, subnet: app, ip: 10.0.0.19}]}\n");
    Run r = run_scenario(topology + kEnable + "  - {at: 40m, test_failover: {vm: web1, network: vnet-iso}}\n");
    const Instance& test = r.vm("web1").instance(Slot::test);
    REQUIRE(test.exists);
    CHECK(test.nics[0].network == r.network("vnet-iso"));
    CHECK(test.nics[0].ip == ip("10.0.0.254"));
    const auto rec = r.records_of_event(1);
    REQUIRE(rec.size() == 1);
    CHECK(has_rule(rec[0]->decisions(), Rule::IpTfoEnd));
    CHECK_FALSE(has_rule(rec[0]->decisions(), Rule::TfoProductionNetwork));  // vnet-iso is not the failover network
}

// ADDR-SUBNET-FULL through a run, on a VM with two NICs: the first NIC's address, already chosen,
// must be given back when the second NIC finds its subnet full; the failover changes nothing.
TEST_CASE("refusal ADDR-SUBNET-FULL: a two-NIC failover whose second subnet is full holds nothing") {
    const std::string topology = R"(scenario: full
fabric: azure-to-azure
timing: {initial_replication: 30m, failover: 10m, vm_boot: 2m, test_failover: 5m}
sites:
  - {name: East Asia, kind: azure}
  - {name: Southeast Asia, kind: azure}
networks:
  - {name: vnet-ea, site: East Asia, address_space: [10.0.0.0/16], subnets: [{name: app, prefix: 10.0.0.0/24}, {name: db, prefix: 10.0.1.0/29}]}
  - {name: vnet-sea, site: Southeast Asia, address_space: [10.0.0.0/16], subnets: [{name: app, prefix: 10.0.0.0/24}, {name: db, prefix: 10.0.1.0/29}]}
vms:
  - {name: web1, site: East Asia, nics: [{network: vnet-ea, subnet: app, ip: 10.0.0.19}, {network: vnet-ea, subnet: db, ip: 10.0.1.4}]}
  - {name: "full-{1..3}", site: Southeast Asia, nics: [{network: vnet-sea, subnet: db, ip: 10.0.1.4}]}
events:
)";
    const std::string enable = "  - {at: 0s, enable_replication: {vm: web1, target_site: Southeast Asia, target_network: vnet-sea}}\n";
    SUBCASE("failover") {
        check_refusal_changes_nothing_in(topology, enable, "  - {at: 1h, failover: {vm: web1}}\n", Rule::AddrSubnetFull);
    }
    SUBCASE("test failover") {
        check_refusal_changes_nothing_in(topology, enable, "  - {at: 1h, test_failover: {vm: web1}}\n", Rule::AddrSubnetFull);
    }
    Run r = run_scenario(topology + enable + "  - {at: 1h, failover: {vm: web1}}\n");
    const Id sea_app = r.world().subnet_of(r.network("vnet-sea"), "app");
    CHECK(r.world().subnets[sea_app].addresses.held_count() == 0);
    CHECK_FALSE(r.vm("web1").instance(Slot::recovery).exists);
    CHECK(r.vm("web1").replication.state == ReplicationState::protected_);
    CHECK_FALSE(r.vm("web1").instance(Slot::home).shut_down);  // refused before the planned shutdown
}

// =============================================================================================
// Mappings at enable (SPEC §2)

// MAP-AUTO-ASR-NETWORK: no target network and no mapping -> <source>-asr with the same address
// space and subnets in the target region, mapped both ways.
TEST_CASE("MAP-AUTO-ASR-NETWORK creates <source>-asr with the same subnets, mapped both ways") {
    const std::string text = R"(scenario: asr
fabric: azure-to-azure
timing: {initial_replication: 30m, failover: 10m, vm_boot: 2m}
sites:
  - {name: East Asia, kind: azure}
  - {name: Southeast Asia, kind: azure}
networks:
  - name: vnet-ea
    site: East Asia
    address_space: [10.0.0.0/16, 10.9.0.0/16]
    subnets:
      - {name: web, prefix: 10.0.1.0/24}
      - {name: db, prefix: 10.0.2.0/24}
      - {name: mgmt, prefix: 10.9.0.0/27}
vms:
  - {name: web1, site: East Asia, nics: [{network: vnet-ea, subnet: web, ip: 10.0.1.10}]}
  - {name: db1, site: East Asia, nics: [{network: vnet-ea, subnet: db, ip: 10.0.2.10}]}
events:
  - {at: 1m, enable_replication: {vm: web1, target_site: Southeast Asia}}
  - {at: 2m, enable_replication: {vm: db1, target_site: Southeast Asia}}
  - {at: 1h, failover: {vms: all}}
)";
    const Scenario scenario = load_scenario_text(text, "t.yaml");
    {
        const World before(scenario);
        CHECK(before.network_id("vnet-ea-asr") == kNone);
        CHECK(before.networks.size() == 1);
    }
    Run r = run_scenario(text);
    const World& w = r.world();
    const Id src = r.network("vnet-ea");
    const Id asr = r.network("vnet-ea-asr");
    CHECK(w.networks.size() == 2);  // db1 reuses the copy
    CHECK(w.networks[asr].site == r.site("Southeast Asia"));
    CHECK(w.networks[asr].created_at_run_time);
    CHECK(w.networks[asr].address_space == w.networks[src].address_space);
    REQUIRE(w.networks[asr].subnets.size() == w.networks[src].subnets.size());
    for (std::size_t i = 0; i < w.networks[src].subnets.size(); ++i) {
        const Subnet& a = w.subnets[w.networks[src].subnets[i]];
        const Subnet& b = w.subnets[w.networks[asr].subnets[i]];
        CAPTURE(a.name);
        CHECK(b.name == a.name);
        CHECK(b.prefix == a.prefix);
        CHECK(b.network == asr);
        CHECK(b.usable == a.usable);
    }
    REQUIRE(w.mappings[src].has_value());
    CHECK(w.mappings[src]->target == asr);
    REQUIRE(w.mappings[asr].has_value());
    CHECK(w.mappings[asr]->target == src);

    const auto enable1 = r.records_of_event(0);
    REQUIRE(enable1.size() == 1);
    CHECK(has_rule(enable1[0]->decisions(), Rule::MapAutoAsrNetwork));
    const auto enable2 = r.records_of_event(1);
    REQUIRE(enable2.size() == 1);
    CHECK(has_rule(enable2[0]->decisions(), Rule::MapDefault));
    // Replicas land in the copy, in the subnet of the same name, on the same address.
    for (const char* name : {"web1", "db1"}) {
        CAPTURE(name);
        const Instance& replica = r.vm(name).instance(Slot::recovery);
        REQUIRE(replica.exists);
        REQUIRE(replica.nics.size() == 1);
        CHECK(replica.nics[0].network == asr);
        CHECK(replica.nics[0].ip == r.vm(name).instance(Slot::home).nics[0].ip);
        CHECK(w.subnets[replica.nics[0].subnet].name == w.subnets[r.vm(name).instance(Slot::home).nics[0].subnet].name);
    }
}

// MAP-CHANGE-NEW-ONLY: changing a mapping changes the default for later replications only.
TEST_CASE("MAP-CHANGE-NEW-ONLY: an existing replication keeps its target network") {
    const std::string text = life_cycle(
        "  - {at: 0s, map_network: {source: vnet-ea, target: vnet-sea}}\n"
        "  - {at: 1m, enable_replication: {vm: web1, target_site: Southeast Asia}}\n"
        "  - {at: 2m, change_mapping: {source: vnet-ea, target: vnet-other}}\n"
        "  - {at: 3m, enable_replication: {vm: web2, target_site: Southeast Asia}}\n"
        "  - {at: 1h, failover: {vms: all}}\n");
    // A second VM on the source network.
    const std::string with_web2 = [&] {
        std::string t = text;
        const std::string anchor = "vms:\n";
        t.insert(t.find(anchor) + anchor.size(),
                 "  - {name: web2, site: East Asia, nics: [{network: vnet-ea, subnet: app, ip: 10.0.0.20}]}\n");
        return t;
    }();
    Run r = run_scenario(with_web2);
    const World& w = r.world();
    REQUIRE(w.mappings[r.network("vnet-ea")].has_value());
    CHECK(w.mappings[r.network("vnet-ea")]->target == r.network("vnet-other"));
    const Vm& web1 = r.vm("web1");
    const Vm& web2 = r.vm("web2");
    REQUIRE(web1.replication.forward.targets.size() == 1);
    CHECK(web1.replication.forward.targets[0].network == r.network("vnet-sea"));
    CHECK(web2.replication.forward.targets[0].network == r.network("vnet-other"));
    REQUIRE(web1.instance(Slot::recovery).exists);
    REQUIRE(web2.instance(Slot::recovery).exists);
    CHECK(web1.instance(Slot::recovery).nics[0].network == r.network("vnet-sea"));
    CHECK(web1.instance(Slot::recovery).nics[0].ip == ip("10.0.0.19"));
    CHECK(web2.instance(Slot::recovery).nics[0].network == r.network("vnet-other"));
    CHECK(web2.instance(Slot::recovery).nics[0].ip == ip("10.5.0.4"));  // IP-FO-OTHER-SPACE
    const auto change = r.records_of_event(2);
    REQUIRE(change.size() == 1);
    CHECK_FALSE(change[0]->refused_by().has_value());
    CHECK(has_rule(change[0]->decisions(), Rule::MapChangeNewOnly));
}

// =============================================================================================
// The address invariant (SPEC §3): an address is never held by two live NICs of one network.

namespace {

// 50 VMs fail over into vnet-sea, which has their address space with 10.0.0.10-29 already taken by
// 20 residents, and run test failovers in that same network, at random. vm-01..40 are static
// (10.0.0.10-49), vm-41..50 DHCP; update_replication sets target_ip (IP-OVERRIDE) to addresses
// that may be taken; disable_replication removes test instances, and enable_replication (in either
// direction) protects a VM again. Most operations are refused in
// the state the VM happens to be in; that is part of the test.
std::string invariant_scenario(std::uint32_t seed, int steps) {
    std::string text = R"(scenario: invariant
fabric: azure-to-azure
timing: {initial_replication: 10m, failover: 3m, vm_boot: 1m, resync: 4m, test_failover: 2m}
sites:
  - {name: East Asia, kind: azure}
  - {name: Southeast Asia, kind: azure}
networks:
  - {name: vnet-ea, site: East Asia, address_space: [10.0.0.0/16], subnets: [{name: app, prefix: 10.0.0.0/24}]}
  - {name: vnet-sea, site: Southeast Asia, address_space: [10.0.0.0/16], subnets: [{name: app, prefix: 10.0.0.0/24}, {name: db, prefix: 10.0.1.0/26}]}
vms:
  - {name: "vm-{01..40}", site: East Asia, nics: [{network: vnet-ea, subnet: app, ip: 10.0.0.10}]}
  - {name: "vm-{41..50}", site: East Asia, nics: [{network: vnet-ea, subnet: app, ip: dhcp}]}
  - {name: "resident-{01..20}", site: Southeast Asia, nics: [{network: vnet-sea, subnet: app, ip: 10.0.0.10}]}
events:
  - {at: 0s, map_network: {source: vnet-ea, target: vnet-sea}}
  - {at: 0s, map_network: {source: vnet-sea, target: vnet-ea}}
  - {at: 0s, enable_replication: {vms: "vm-*", target_site: Southeast Asia}}
)";
    std::mt19937 rng(seed);
    auto pick = [&](std::uint32_t n) { return static_cast<std::uint32_t>(rng() % n); };
    static const char* const kOps[] = {"test_failover", "test_failover", "test_failover", "cleanup_test_failover",
                                       "cleanup_test_failover", "failover", "failover", "commit",
                                       "reprotect", "failback", "update_replication", "disable_replication",
                                       "enable_replication", "enable_replication"};
    constexpr std::uint32_t kOpCount = sizeof kOps / sizeof kOps[0];
    Millis at = 11 * kMinute;
    for (int i = 0; i < steps; ++i) {
        at += static_cast<Millis>(pick(4)) * 30 * kSecond;
        char name[8];
        std::snprintf(name, sizeof name, "vm-%02u", static_cast<unsigned>(pick(50) + 1));
        const std::string op = kOps[pick(kOpCount)];
        std::string args = std::string{"{vm: "} + name;
        if (op == "test_failover") args += ", network: vnet-sea";
        if (op == "failover" && pick(2) == 0) args += ", type: unplanned";
        if (op == "update_replication") args += ", target_ip: 10.0.0." + std::to_string(4 + pick(40));
        if (op == "enable_replication") args += pick(2) == 0 ? ", target_site: Southeast Asia" : ", target_site: East Asia";
        text += "  - {at: " + std::to_string(at / kSecond) + "s, " + op + ": " + args + "}}\n";
    }
    return text;
}

// Walks every live NIC: no (network, address) twice, every held address not free in its allocator,
// and every allocator holds exactly the addresses of live NICs (nothing leaked). Returns the problems.
std::vector<std::string> address_invariant_problems(const World& w) {
    std::vector<std::string> problems;
    std::map<std::pair<Id, std::uint32_t>, std::vector<std::string>> holders;
    std::vector<std::set<std::uint32_t>> nic_addresses(w.subnets.size());
    for (const Vm& vm : w.vms) {
        for (Slot slot : {Slot::home, Slot::recovery, Slot::test}) {
            const Instance& inst = vm.instance(slot);
            if (!inst.exists) continue;
            for (const NicBinding& nic : inst.nics) {
                if (!nic.ip || nic.subnet == kNone) continue;
                const std::string who = vm.name + "/slot" + std::to_string(static_cast<int>(slot));
                holders[{nic.network, nic.ip->value()}].push_back(who);
                if (w.subnets[nic.subnet].network != nic.network)
                    problems.push_back(who + ": subnet " + w.subnets[nic.subnet].name + " is not of its network");
                if (w.subnets[nic.subnet].addresses.is_free(*nic.ip))
                    problems.push_back(who + " holds " + nic.ip->to_string() + ", which its allocator has free");
                nic_addresses[nic.subnet].insert(nic.ip->value());
            }
        }
    }
    for (const auto& [key, who] : holders) {
        if (who.size() == 1) continue;
        std::string names;
        for (const auto& n : who) names += " " + n;
        problems.push_back(Ipv4Address{key.second}.to_string() + " held by " + std::to_string(who.size()) +
                           " live NICs of " + w.networks[key.first].name + ":" + names);
    }
    for (Id s = 0; s < w.subnets.size(); ++s)
        if (w.subnets[s].addresses.held_count() != nic_addresses[s].size())
            problems.push_back(w.networks[w.subnets[s].network].name + "/" + w.subnets[s].name + " holds " +
                               std::to_string(w.subnets[s].addresses.held_count()) + " addresses, live NICs " +
                               std::to_string(nic_addresses[s].size()));
    return problems;
}

}  // namespace

TEST_CASE("invariant: random test failovers, cleanups and failovers of 50 VMs never share an address") {
    constexpr int kSteps = 400;
    // The invariant at several points of one random sequence: each prefix is a run of its own.
    for (int steps : {kSteps / 4, kSteps / 2, 3 * kSteps / 4, kSteps}) {
        CAPTURE(steps);
        Run r = run_scenario(invariant_scenario(20240607u, steps));
        const auto problems = address_invariant_problems(r.world());
        for (const auto& p : problems) FAIL_CHECK(p);
        CHECK(problems.empty());
        if (steps != kSteps) continue;
        // The sequence really exercised the allocators: many accepted test failovers and failovers,
        // some of them on addresses taken in the target network.
        int tfo_ok = 0, fo_ok = 0, tfo_end = 0, fo_lowest = 0, cleanups = 0, overrides_taken = 0, disables = 0, enables = 0;
        for (const auto& rec : r.sim->log()) {
            if (rec.refused_by() || rec.phase == Phase::done) continue;
            if (rec.op() == "test_failover") {
                ++tfo_ok;
                tfo_end += has_rule(rec.decisions(), Rule::IpTfoEnd);
            } else if (rec.op() == "failover" || rec.op() == "failback") {
                ++fo_ok;
                fo_lowest += has_rule(rec.decisions(), Rule::AddrLowestFree);
                overrides_taken += has_warning(rec.decisions(), Rule::IpOverride);
            } else if (rec.op() == "cleanup_test_failover") {
                ++cleanups;
            } else if (rec.op() == "disable_replication") {
                ++disables;
            } else if (rec.op() == "enable_replication" && rec.event_index > 2) {
                ++enables;
            }
        }
        INFO("accepted: " << tfo_ok << " test failovers (" << tfo_end << " IP-TFO-END), " << fo_ok << " failovers ("
                             << fo_lowest << " lowest free, " << overrides_taken << " taken target_ip), " << cleanups
                             << " cleanups, " << disables << " disables, " << enables << " re-enables");
        CHECK(tfo_ok >= 20);
        CHECK(tfo_end >= 5);
        CHECK(fo_ok >= 10);
        CHECK(fo_lowest >= 3);
        CHECK(cleanups >= 10);
        CHECK(disables >= 3);
        CHECK(enables >= 3);
    }
}

TEST_CASE("invariant check: a NIC given another's address is caught") {
    // Guards the walk above: plant a duplicate in a World and the walk must report it.
    const Scenario scenario = load_scenario_text(invariant_scenario(1u, 0), "t.yaml");
    World w(scenario);
    REQUIRE(address_invariant_problems(w).empty());
    Vm& a = w.vms[w.vm_id("resident-01")];
    Vm& b = w.vms[w.vm_id("resident-02")];
    b.instance(Slot::home).nics[0].ip = a.instance(Slot::home).nics[0].ip;
    const auto problems = address_invariant_problems(w);
    CAPTURE(problems.size());
    const bool duplicate = std::any_of(problems.begin(), problems.end(),
                                       [](const std::string& p) { return p.find("held by 2 live NICs") != std::string::npos; });
    CHECK(duplicate);
    // resident-02's own address is still held by nobody: a leak.
    const bool leak = std::any_of(problems.begin(), problems.end(),
                                  [](const std::string& p) { return p.find("live NICs 19") != std::string::npos; });
    CHECK(leak);
}

// =============================================================================================
// Determinism (architecture: a run is determined by its file and seed)

TEST_CASE("determinism: the same scenario run twice gives identical output") {
    const std::string text = R"(scenario: determinism
fabric: azure-to-azure
seed: 7
timing:
  initial_replication: {uniform: [20m, 40m]}
  failover: {normal: {mean: 10m, stddev: 2m}}
  vm_boot: {lognormal: {median: 2m, sigma: 0.5}}
  test_failover: {uniform: [1m, 9m]}
sites:
  - {name: East Asia, kind: azure}
  - {name: Southeast Asia, kind: azure}
networks:
  - {name: vnet-ea, site: East Asia, address_space: [10.0.0.0/16], subnets: [{name: app, prefix: 10.0.0.0/24}]}
  - {name: vnet-sea, site: Southeast Asia, address_space: [10.0.0.0/16], subnets: [{name: app, prefix: 10.0.0.0/24}]}
vms:
  - {name: "web-{1..8}", site: East Asia, app: shop, nics: [{network: vnet-ea, subnet: app, ip: 10.0.0.10}]}
events:
  - {at: 0s, enable_replication: {vms: all, target_site: Southeast Asia, target_network: vnet-sea}}
  - {at: 45m, test_failover: {vms: "web-*", network: vnet-sea}}
  - {at: 50m, cleanup_test_failover: {vms: "web-{1..4}"}}
  - {at: 1h, failover: {vms: "web-{1..6}"}}
  - at: end
    expect: {downtime: {app: shop, max: 1h}}
)";
    Run first = run_scenario(text);
    Run second = run_scenario(text);
    const std::string a = build_json(*first.sim).dump();
    const std::string b = build_json(*second.sim).dump();
    CHECK(a.size() > 1000);
    CHECK(a == b);
    CHECK(snapshot(first.world()) == snapshot(second.world()));
    CHECK(first.sim->log().size() == second.sim->log().size());

    // The timings are really random: another seed gives another run, so equality above means something.
    std::string other = text;
    other.replace(other.find("seed: 7"), 7, "seed: 8");
    Run third = run_scenario(other);
    CHECK(build_json(*third.sim).dump() != a);
}

TEST_CASE("determinism: a seed scenario file run twice gives identical JSON") {
    const std::string path = DRSIM_SOURCE_DIR "/scenarios/seeds/a2a-11-life-cycle.yaml";
    const Scenario s1 = load_scenario_file(path);
    const Scenario s2 = load_scenario_file(path);
    Simulation a(s1), b(s2);
    a.run();
    b.run();
    CHECK(a.log().size() > 10);
    CHECK(build_json(a).dump() == build_json(b).dump());
}

// =============================================================================================
// Downtime (SPEC §4 durations, §10 metrics)

// FO-PLANNED-NEEDS-SOURCE shuts the source down at the start; the replica is up after failover + boot.
TEST_CASE("downtime: a planned failover with failover 10m and vm_boot 2m is down exactly 12m") {
    Run r = run_scenario(life_cycle(kEnable + kFailover + "  - {at: 3h, commit: {vm: web1}}\n"));
    const DowntimeMetric m = r.sim->vm_downtime(r.world().vm_id("web1"));
    CHECK(m.downtime == 12 * kMinute);
    CHECK(m.outages == 1);
    CHECK(m.longest_outage == 12 * kMinute);
    REQUIRE(m.outage_intervals.size() == 1);
    CHECK(m.outage_intervals[0].first == 1 * kHour);
    CHECK(m.outage_intervals[0].second == 1 * kHour + 12 * kMinute);
    CHECK(r.sim->app_downtime("shop").downtime == 12 * kMinute);
}

// SPEC §9: the time with no running *serving* instance. The source an unplanned failover leaves
// running no longer serves: the VM is down until the replica is up, as its clients find it.
TEST_CASE("downtime: an unplanned failover with the source still up is down until the replica is up") {
    Run r = run_scenario(life_cycle(kEnable + "  - {at: 1h, failover: {vm: web1, type: unplanned}}\n"));
    const DowntimeMetric m = r.sim->vm_downtime(r.world().vm_id("web1"));
    CHECK(m.downtime == 12 * kMinute);
    REQUIRE(m.outage_intervals.size() == 1);
    CHECK(m.outage_intervals[0].first == 1 * kHour);
}

TEST_CASE("downtime: a region outage then an unplanned failover: down from the outage until the replica boots") {
    Run r = run_scenario(life_cycle(kEnable + "  - {at: 50m, site_down: {site: East Asia}}\n" +
                                    "  - {at: 1h, failover: {vm: web1, type: unplanned}}\n"));
    const DowntimeMetric m = r.sim->vm_downtime(r.world().vm_id("web1"));
    CHECK(m.downtime == 22 * kMinute);  // 50m .. 1h12m
    CHECK(m.outages == 1);
}

// =============================================================================================
// The topology as DOT: names are escaped, so a name ending in a backslash or holding a quote cannot
// end a DOT string early.

#include "sim/report/dot_graph.hpp"

TEST_CASE("topology_dot escapes backslashes and quotes in names") {
    const Scenario s = load_scenario_text(R"(scenario: dot
sites:
  - {name: "HQ \"main\"", kind: onprem}
networks:
  - {name: "lan\\", site: "HQ \"main\"", address_space: [10.0.0.0/16], subnets: [{name: "a\\b", prefix: 10.0.0.0/24}]}
)",
                                          "t.yaml");
    const World w(s);
    const std::string dot = topology_dot(w);
    CAPTURE(dot);
    CHECK(dot.find(R"x("net:lan\\" [label="lan\\\n10.0.0.0/16"])x") != std::string::npos);
    CHECK(dot.find(R"x(label="HQ \"main\" (on-premises)")x") != std::string::npos);
    CHECK(dot.find(R"x("subnet:lan\\/a\\b" [label="a\\b\n10.0.0.0/24")x") != std::string::npos);
}

TEST_CASE("topology_dot draws each VM in its subnet, a count per kind beyond the limit, and escapes names") {
    const Scenario s = load_scenario_text(R"(scenario: dot vms
sites:
  - {name: A, kind: azure}
networks:
  - {name: n, site: A, address_space: [10.0.0.0/16], subnets: [{name: few, prefix: 10.0.0.0/24}, {name: many, prefix: 10.0.1.0/24}]}
vms:
  - {name: "web\e[31m1", site: A, nics: [{network: n, subnet: few, ip: 10.0.0.4}]}
  - {name: "bulk-{1..25}", site: A, nics: [{network: n, subnet: many, ip: 10.0.1.10}]}
)",
                                          "t.yaml");
    const World w(s);
    const std::string dot = topology_dot(w, DotOptions{20});
    CAPTURE(dot);
    CHECK(dot.find(R"x("vm:web\\x1b[31m1/primary/n/few" [label="web\\x1b[31m1\n10.0.0.4")x") != std::string::npos);
    CHECK(dot.find('\x1b') == std::string::npos);
    CHECK(dot.find(R"x("vms:n/many" [label="25 VM instances\n25 primary", shape=folder])x") != std::string::npos);
    CHECK(dot.find("vm:bulk-1/") == std::string::npos);
    CHECK(topology_dot(w, DotOptions{30}).find(R"x("vm:bulk-25/primary/n/many" [label="bulk-25\n10.0.1.34")x") != std::string::npos);
}

namespace {
// seconds_text as it was first written, with strings: the reference for the one made in a buffer.
std::string seconds_reference(drsim::Millis ms) {
    const bool negative = ms < 0;
    const drsim::Millis a = negative ? -ms : ms;
    std::string text = (negative ? "-" : "") + std::to_string(a / 1000);
    if (a % 1000 == 0) return text;
    std::string frac = std::to_string(a % 1000);
    frac.insert(0, 3 - frac.size(), '0');
    while (frac.back() == '0') frac.pop_back();
    return text + "." + frac;
}
}  // namespace

TEST_CASE("seconds_text: whole seconds bare, milliseconds without trailing zeros, as the reference on random values") {
    CHECK(drsim::seconds_text(0) == "0");
    CHECK(drsim::seconds_text(7'698'841) == "7698.841");
    CHECK(drsim::seconds_text(500) == "0.5");
    CHECK(drsim::seconds_text(1'050) == "1.05");
    CHECK(drsim::seconds_text(-1'005) == "-1.005");
    CHECK(drsim::seconds_text(-3'000) == "-3");
    CHECK(drsim::seconds_text(std::numeric_limits<drsim::Millis>::max()) == "9223372036854775.807");
    CHECK(drsim::seconds_text(std::numeric_limits<drsim::Millis>::min()) == "-9223372036854775.808");
    std::mt19937_64 rng(3);
    for (int i = 0; i < 20'000; ++i) {
        // Magnitudes of every size, and many multiples of 10 and 100 ms.
        auto ms = static_cast<drsim::Millis>(rng() >> (rng() % 63));
        if (i % 3 == 0) ms -= ms % 10;
        if (i % 5 == 0) ms -= ms % 100;
        if (i % 2 == 0) ms = -ms;
        REQUIRE(drsim::seconds_text(ms) == seconds_reference(ms));
    }
}

namespace {
// A run's JSON (write_json) as text: compact (indent < 0) or indented, its long arrays on two threads
// when `threads` (and the writer would use them).
std::string json_text(const drsim::Simulation& sim, int indent = -1, bool threads = true) {
    std::string out;
    drsim::reporting::StringSink sink(out);
    drsim::reporting::JsonWriter j(sink, indent);
    j.allow_threads(threads);
    drsim::write_json(sim, j);
    sink.flush();
    return out;
}
}  // namespace

TEST_CASE("a run's JSON is the same bytes whether its long arrays are written on one thread or two") {
    // 4,500 VMs on static addresses and 4,500 on DHCP: 45,000 records, 9,000 final states and 9,000
    // VMs' metrics, each past the length from which JsonWriter::items uses a second thread.
    const std::string text = R"(scenario: json on two threads
fabric: azure-to-azure
timing: {initial_replication: 30m, failover: {uniform: [5m, 15m]}, vm_boot: 2m}
sites:
  - {name: East US, kind: azure, geo: United States}
  - {name: West US, kind: azure, geo: United States}
networks:
  - {name: src, site: East US, address_space: [10.0.0.0/16], subnets: [{name: a, prefix: 10.0.0.0/18}, {name: "b \"quoted\"", prefix: 10.0.64.0/18}]}
  - {name: dst, site: West US, address_space: [10.0.0.0/16], subnets: [{name: a, prefix: 10.0.0.0/18}]}
vms:
  - {name: "web-{0001..4500}", site: East US, nics: [{network: src, subnet: a, ip: 10.0.0.10}]}
  - {name: "db-{0001..4500}", site: East US, nics: [{network: src, subnet: "b \"quoted\""}]}
events:
  - {at: 0s, map_network: {source: src, target: dst}}
  - {at: 1m, enable_replication: {vms: all, target_site: West US}}
  - {at: 2h, failover: {vms: all, type: unplanned}}
)";
    const drsim::Scenario scenario = drsim::load_scenario_text(text, "two-threads.yaml");
    drsim::Simulation sim(scenario);
    sim.run();
    REQUIRE(sim.log().size() > 20'000);
    const std::string one = json_text(sim, -1, false);
    CHECK(json_text(sim, -1, true) == one);
    CHECK(one.find(R"("subnet":"b \"quoted\"")") != std::string::npos);
}

TEST_CASE("texts remembered while one run's JSON is written are not those of the next run's JSON") {
    // Two runs alike but for their networks' names: the same texts (forms and ids) name other
    // networks. Each document written on this thread must name its own run's networks.
    const auto scenario_named = [](const std::string& source, const std::string& target) {
        return "scenario: remembered texts\nfabric: azure-to-azure\n"
               "sites:\n  - {name: East US, kind: azure, geo: United States}\n"
               "  - {name: West US, kind: azure, geo: United States}\n"
               "networks:\n  - {name: " + source + ", site: East US, address_space: [10.0.0.0/16], subnets: [{name: a, prefix: 10.0.0.0/24}]}\n"
               "  - {name: " + target + ", site: West US, address_space: [10.0.0.0/16], subnets: [{name: a, prefix: 10.0.0.0/24}]}\n"
               "vms:\n  - {name: \"vm-{1..3}\", site: East US, nics: [{network: " + source + ", subnet: a}]}\n"
               "events:\n  - {at: 0s, map_network: {source: " + source + ", target: " + target + "}}\n"
               "  - {at: 1m, enable_replication: {vms: all, target_site: West US}}\n";
    };
    const auto json_of = [](const std::string& text) {
        const drsim::Scenario scenario = drsim::load_scenario_text(text, "remembered.yaml");
        drsim::Simulation sim(scenario);
        sim.run();
        return json_text(sim, -1, false);  // every record on this thread, one after the other
    };
    const std::string first = json_of(scenario_named("src-one", "dst-one"));
    const std::string second = json_of(scenario_named("src-two", "dst-two"));
    CHECK(first.find("from the mapping src-one -> dst-one") != std::string::npos);
    CHECK(second.find("from the mapping src-two -> dst-two") != std::string::npos);
    CHECK(second.find("src-one") == std::string::npos);
    CHECK(second.find("dst-one") == std::string::npos);
}

TEST_CASE("every bundled scenario's compact JSON, written from remembered members, is its indented JSON, written directly") {
    // A compact document copies what it wrote before under the same key (reporting/json_memo.hpp); an
    // indented one writes every member. A key that left out something its bytes depend on would make
    // the two differ wherever two records share the rest.
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(DRSIM_SOURCE_DIR "/scenarios"))
        if (entry.path().extension() == ".yaml") files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    REQUIRE(files.size() > 40);
    for (const auto& file : files) {
        CAPTURE(file.string());
        const drsim::Scenario scenario = drsim::load_scenario_file(file.string());
        drsim::Simulation sim(scenario);
        sim.run();
        const std::string compact = json_text(sim, -1);
        CHECK(nlohmann::json::parse(compact) == nlohmann::json::parse(json_text(sim, 2)));
        CHECK(compact.find('\n') == std::string::npos);
    }
}

TEST_CASE("records of one event alike but for the state after each say their own state in compact JSON") {
    // Both commits are refused by one rule at one line; only the VMs' states differ (protected,
    // unprotected), so the members the compact writer remembers for the first must not serve the second.
    const std::string text = R"(scenario: one line, states apart
fabric: azure-to-azure
sites:
  - {name: East US, kind: azure, geo: United States}
  - {name: West US, kind: azure, geo: United States}
networks:
  - {name: src, site: East US, address_space: [10.0.0.0/16], subnets: [{name: a, prefix: 10.0.0.0/24}]}
  - {name: dst, site: West US, address_space: [10.0.0.0/16], subnets: [{name: a, prefix: 10.0.0.0/24}]}
vms:
  - {name: guarded, site: East US, nics: [{network: src, subnet: a}]}
  - {name: bare, site: East US, nics: [{network: src, subnet: a}]}
events:
  - {at: 0s, map_network: {source: src, target: dst}}
  - {at: 1m, enable_replication: {vm: guarded, target_site: West US}}
  - {at: 2h, commit: {vms: all}}
)";
    const drsim::Scenario scenario = drsim::load_scenario_text(text, "states.yaml");
    drsim::Simulation sim(scenario);
    sim.run();
    std::map<std::string, std::string> state_after;
    const nlohmann::json doc = nlohmann::json::parse(json_text(sim));
    for (const auto& e : doc["events"])
        if (e["op"] == "commit") {
            CHECK(e["rule"] == "COMMIT-NEEDS-FAILOVER");
            state_after[e["target"]] = e["state_after"];
        }
    CHECK(state_after == std::map<std::string, std::string>{{"bare", "unprotected"}, {"guarded", "protected"}});
}

TEST_CASE("reachability: an app that stays lost through an instant gets no second record, though which VM is down changed") {
    // ledger's a1 fails over (lost at 1h); at 1h3m a1 boots while a subnet failover leaves a2
    // behind: the app was and stays unreachable, so there is one loss record, not two.
    const Run run = run_scenario(R"(
scenario: t
fabric: vmm-to-vmm
timing: {initial_replication: 10m, failover: 2m, vm_boot: 1m}
sites: [{name: Turin, kind: onprem}, {name: Genoa, kind: onprem}]
networks:
  - {name: tn, site: Turin, subnets: [{name: s, prefix: 192.168.30.0/24}]}
  - {name: gn, site: Genoa, subnets: [{name: s, prefix: 192.168.30.0/24}]}
vms:
  - {name: a1, site: Turin, app: ledger, nics: [{network: tn, subnet: s, ip: 192.168.30.10}]}
  - {name: a2, site: Turin, app: ledger, nics: [{network: tn, subnet: s, ip: 192.168.30.11}]}
connections: [{name: t-g, kind: vpn, between: [Turin, Genoa]}]
clients: [{name: genoa, site: Genoa}]
events:
  - {at: 0, map_network: {source: tn, target: gn}}
  - {at: 1m, enable_replication: {vm: a1, target_site: Genoa}}
  - {at: 1h, failover: {vm: a1}}
  - {at: 1h3m, subnet_failover: {network: tn, subnet: s, to_site: Genoa}}
)");
    std::vector<Millis> changes;
    for (const auto& r : run.sim->log())
        if (r.op() == "reachability") changes.push_back(r.time);
    CHECK(changes == std::vector<Millis>{60 * 60'000});
}

TEST_CASE("a failover of a reversed replication ends under the name it started with; a failback under its own") {
    const Run run = run_scenario(R"(
scenario: t
fabric: azure-to-azure
timing: {initial_replication: 10m, failover: 4m, vm_boot: 1m, resync: 10m}
sites: [{name: A, kind: azure}, {name: B, kind: azure}]
networks:
  - {name: na, site: A, address_space: [10.1.0.0/16], subnets: [{name: s, prefix: 10.1.0.0/24}]}
  - {name: nb, site: B, address_space: [10.2.0.0/16], subnets: [{name: s, prefix: 10.2.0.0/24}]}
vms:
  - {name: v, site: A, nics: [{network: na, subnet: s, ip: 10.1.0.10}]}
  - {name: w, site: A, nics: [{network: na, subnet: s, ip: 10.1.0.11}]}
events:
  - {at: 0, enable_replication: {vms: all, target_site: B, target_network: nb}}
  - {at: 20m, failover: {vms: all}}
  - {at: 30m, commit: {vms: all}}
  - {at: 31m, reprotect: {vms: all}}
  - {at: 1h, failover: {vm: v}}
  - {at: 1h, failback: {vm: w}}
)");
    std::vector<std::string> ends;
    for (const auto& r : run.sim->log())
        if (r.phase == Phase::done && r.time == 64 * 60'000 && (r.op() == "failover" || r.op() == "failback"))
            ends.push_back(std::string{r.op()} + " " + run.world().render(r.target()));
    CHECK(ends == std::vector<std::string>{"failover v", "failback w"});
}

TEST_CASE("reachability: a VM lost because its site went down is lost by SITE-DOWN, not by the route that went with it") {
    const Run run = run_scenario(R"(
scenario: t
fabric: azure-to-azure
sites: [{name: Oslo, kind: azure}, {name: Depot, kind: onprem}]
networks:
  - {name: n-osl, site: Oslo, address_space: [10.50.0.0/16], subnets: [{name: s1, prefix: 10.50.1.0/24}]}
vms:
  - {name: alpha, site: Oslo, nics: [{network: n-osl, subnet: s1, ip: 10.50.1.20}]}
connections: [{name: c1, kind: vpn, between: [Depot, n-osl]}]
clients: [{name: depot, site: Depot}]
events:
  - {at: 10m, site_down: {site: Oslo}}
  - {at: 20m, site_up: {site: Oslo}}
  - at: 15m
    expect: {reachable: {from: depot, to: alpha}, value: false}
)");
    const ReachPair* pair = run.sim->reachability().find(run.world(), "depot", "alpha");
    REQUIRE(pair != nullptr);
    const auto& intervals = run.sim->reachability().intervals(*pair);
    REQUIRE(intervals.size() >= 2);
    CHECK(intervals[1].start == 10 * 60'000);
    CHECK_FALSE(intervals[1].reachable);
    CHECK(intervals[1].rule == Rule::SiteDown);
    CHECK(intervals[1].detail.find("Oslo is down") != std::string::npos);
    CHECK(run.sim->expectations().at(0).found.find("SITE-DOWN") != std::string::npos);
}

TEST_CASE("downtime: the time with no running serving instance; a source left running by an unplanned failover does not serve") {
    // u1: unplanned failover at 1h with its source up: the replica serves from 1h and is up at
    // 1h7m, so 7m down although the primary never stopped. u2: its site fails at 2h, an unplanned
    // failover brings it up at 2h7m, and the site coming back at 3h restarts the old primary, which
    // does not serve: 7m down, one outage.
    const Run run = run_scenario(R"(
scenario: t
fabric: vmm-to-vmm
timing: {initial_replication: 10m, failover: 5m, vm_boot: 2m}
sites: [{name: P, kind: onprem}, {name: Q, kind: onprem}, {name: R, kind: onprem}]
networks:
  - {name: p, site: P, subnets: [{name: s, prefix: 10.1.0.0/24}]}
  - {name: q, site: Q, subnets: [{name: s, prefix: 10.2.0.0/24}]}
  - {name: r, site: R, subnets: [{name: s, prefix: 10.3.0.0/24}]}
vms:
  - {name: u1, site: P, nics: [{network: p, subnet: s, ip: 10.1.0.10}]}
  - {name: u2, site: R, nics: [{network: r, subnet: s, ip: 10.3.0.10}]}
events:
  - {at: 0, map_network: {source: p, target: q}}
  - {at: 0, map_network: {source: r, target: q}}
  - {at: 1m, enable_replication: {vms: all, target_site: Q}}
  - {at: 1h, failover: {vm: u1, type: unplanned}}
  - {at: 2h, site_down: {site: R}}
  - {at: 2h, failover: {vm: u2, type: unplanned}}
  - {at: 3h, site_up: {site: R}}
)");
    const DowntimeMetric u1 = run.sim->vm_downtime(run.world().vm_id("u1"));
    CHECK(u1.downtime == 7 * 60'000);
    CHECK(u1.outages == 1);
    const DowntimeMetric u2 = run.sim->vm_downtime(run.world().vm_id("u2"));
    CHECK(u2.downtime == 7 * 60'000);
    CHECK(u2.outages == 1);
    CHECK(run.sim->vm_downtime(run.world().vm_id("u1"), 90 * 60'000).downtime == 0);  // from 1h30m
}

TEST_CASE("a replica deleted while it fails over has nothing to boot: no boot record follows the failover") {
    Run r = run_scenario(life_cycle(kEnable + kFailover + "  - {at: 1h5m, delete_vm: {vm: web1, instance: replica}}\n"));
    CHECK(r.done_record("failover", "web1", 1 * kHour + 10 * kMinute) != nullptr);
    for (const auto& rec : r.sim->log()) CHECK(rec.op() != "vm_boot");
    CHECK_FALSE(r.vm("web1").instance(Slot::recovery).exists);
}
