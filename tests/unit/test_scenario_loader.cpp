// The scenario loader: a full scenario parses into the expected structure, every duration form, the
// compact forms, and every load-time refusal with its exact line, column and message.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include "sim/scenario/input_error.hpp"
#include "sim/scenario/scenario_loader.hpp"
#include "sim/scenario/yaml_reader.hpp"

using namespace drsim;

namespace {

constexpr Millis s_ms = 1000;
constexpr Millis m_ms = 60 * s_ms;
constexpr Millis h_ms = 60 * m_ms;
constexpr Millis d_ms = 24 * h_ms;

Ipv4Address ip(const char* text) { return *Ipv4Address::parse(text); }
Ipv4Prefix cidr(const char* text) { return *Ipv4Prefix::parse(text); }

bool same_timing(const Timing& a, const Timing& b) {
    return a.initial_replication == b.initial_replication && a.failover == b.failover && a.test_failover == b.test_failover &&
           a.vm_boot == b.vm_boot && a.resync == b.resync && a.shutdown == b.shutdown &&
           a.route_convergence == b.route_convergence &&
           a.dns_update == b.dns_update && a.manual_step == b.manual_step && a.script_step == b.script_step;
}

// A YAML text with one "$$" marking where the loader must point; the marker is removed.
struct Marked {
    std::string text;
    int line = 0;
    int column = 0;
};

Marked marked(const std::string& with_marker) {
    auto at = with_marker.find("$$");
    REQUIRE_MESSAGE(at != std::string::npos, "test text has no $$ marker");
    Marked m;
    m.text = with_marker.substr(0, at) + with_marker.substr(at + 2);
    m.line = 1 + static_cast<int>(std::count(with_marker.begin(), with_marker.begin() + static_cast<long>(at), '\n'));
    auto line_start = with_marker.rfind('\n', at == 0 ? 0 : at - 1);
    m.column = static_cast<int>(line_start == std::string::npos || at == 0 ? at + 1 : at - line_start);
    return m;
}

// Loads `with_marker` and checks the one InputError it must raise: at the marker, with `fragment`.
void check_refused(const std::string& with_marker, const std::string& fragment) {
    Marked m = marked(with_marker);
    const std::string shown = m.text.size() > 400 ? "..." + m.text.substr(m.text.size() - 400) : m.text;
    CAPTURE(shown);
    try {
        load_scenario_text(m.text, "case.yaml");
        FAIL_CHECK("loaded without error; expected: " << fragment);
    } catch (const InputError& e) {
        const std::string what = e.what();
        CAPTURE(what);
        CHECK(e.file() == "case.yaml");
        CHECK(e.line() == m.line);
        CHECK(e.column() == m.column);
        CHECK_MESSAGE(e.message().find(fragment) != std::string::npos, "message lacks: " << fragment);
        CHECK(std::string{e.what()}.rfind("case.yaml:" + std::to_string(m.line) + ":" + std::to_string(m.column) + ": error: ", 0) == 0);
    }
}

// Sites and networks most refusal cases build on (no `vms`, `events` ...: cases add those).
const std::string topology = R"(scenario: t
fabric: azure-to-azure
sites:
  - {name: East US, kind: azure, geo: US}
  - {name: West US, kind: azure, geo: US}
  - {name: HQ, kind: onprem}
  - {name: DR, kind: onprem}
networks:
  - name: vnet-east
    site: East US
    address_space: [10.0.0.0/16]
    subnets:
      - {name: app, prefix: 10.0.0.0/24}
      - {name: db, prefix: 10.0.1.0/24}
  - name: vnet-west
    site: West US
    address_space: [10.1.0.0/16]
    subnets:
      - {name: app, prefix: 10.1.0.0/24}
  - name: hq-net
    site: HQ
    subnets:
      - {name: lan, prefix: 192.168.1.0/24, pool: 192.168.1.50-192.168.1.99}
)";

// VMs, a circuit, a connection, a client and a plan on top of `topology`; event cases add `events`.
const std::string world = topology + R"(vms:
  - {name: web1, site: East US, app: shop, dns_name: web1.contoso.example, nics: [{network: vnet-east, subnet: app, ip: 10.0.0.4}]}
  - {name: db1, site: East US, app: shop, nics: [{network: vnet-east, subnet: db, ip: dhcp}]}
  - {name: file1, site: HQ, nics: [{network: hq-net, subnet: lan, ip: 192.168.1.10}]}
circuits:
  - {name: er-east, site: East US, peering_location: Washington DC}
connections:
  - {name: s2s, kind: vpn, between: [HQ, vnet-east], local_prefixes: [192.168.0.0/16], routing: static}
clients:
  - {name: branch, site: HQ}
recovery_plans:
  - name: rp
    groups: [[db1], [web1]]
)";

const std::string two_sites = "scenario: t\nsites:\n  - {name: A, kind: azure}\n  - {name: H, kind: onprem}\n  - {name: H2, kind: onprem}\n";

}  // namespace

// ---------------------------------------------------------------------------------------------

TEST_CASE("a full scenario parses into the expected structure") {
    const std::string text = R"(# yaml-language-server: $schema=../docs/scenario.schema.json
scenario: Full example
description: every section once
fabric: vmm-to-vmm
seed: 18446744073709551615
timing:
  failover: 10m
  vm_boot: {uniform: [1m, 3m]}
  resync: {normal: {mean: 30m, stddev: 5m}}
  initial_replication: {lognormal: {median: 1h, sigma: 0.5}}
  script_step: 250ms
sites:
  - {name: Primary, kind: onprem, vmm: vmm1}
  - {name: Recovery, kind: onprem, vmm: vmm1}
  - {name: Azure East, kind: azure, geo: US}
logical_networks:
  - {name: ln-p, site: Primary}
  - {name: ln-r, site: Recovery}
clouds:
  - {name: cloud-p, site: Primary, logical_networks: [ln-p], protected_by: cloud-r}
  - {name: cloud-r, site: Recovery, logical_networks: [ln-r]}
hosts:
  - {name: host-p1, cloud: cloud-p}
  - {name: host-r1, cloud: cloud-r, logical_networks: [ln-r]}
networks:
  - name: vmnet-p
    site: Primary
    logical_network: ln-p
    subnets:
      - {name: app, prefix: 192.168.1.0/24, pool: 192.168.1.50-192.168.1.99, stretched_to: Recovery}
      - {name: db, prefix: 192.168.2.0/24, pool: {first: 192.168.2.10, last: 192.168.2.20}}
  - name: vmnet-r
    site: Recovery
    address_space: [192.168.0.0/16, 172.16.0.0/16]
    logical_network: ln-r
    subnets: [{name: app, prefix: 172.16.1.0/24}]
  - name: vnet-east
    site: Azure East
    address_space: [10.0.0.0/16]
    subnets: [{name: app, prefix: 10.0.0.0/24}]
    outbound: {restricted: true, allow: [AzureActiveDirectory, 13.107.6.152/31, {range: 40.69.144.231/32, endpoint: site_recovery}], proxy: anonymous}
    routes: [{prefix: 0.0.0.0/0, next_hop: onprem}, {prefix: AzureSiteRecovery, next_hop: internet}, {prefix: 52.165.34.144/32, endpoint: monitoring, next_hop: internet}]
    gateway: true
vms:
  - name: app1
    site: Primary
    cloud: cloud-p
    host: host-p1
    dns_name: app1.contoso.example
    app: crm
    nics:
      - {network: vmnet-p, subnet: app, ip: 192.168.1.20}
      - {network: vmnet-p, subnet: db}
    target_ip: 10.0.0.20
    resources: [nsg, public_ip]
    target_resources: [nsg]
circuits:
  - {name: er1, site: Azure East, peering_location: Amsterdam, premium: true}
connections:
  - {name: link, kind: vpn, between: [Primary, vnet-east], routing: static, state: disconnected, local_prefixes: [192.168.0.0/16]}
  - {name: er-link, kind: expressroute, between: [er1, vnet-east], gateway_transit: true}
recovery_plans:
  - name: rp-crm
    groups: [[app1]]
    steps:
      - {after_group: 0, script: prepare.ps1, duration: 2m}
      - {after_group: 1, dns_update: {name: crm.contoso.example}}
      - {after_group: 1, update_routes: {}}
      - {after_group: 1, connect: link}
      - {after_group: 1, subnet_failover: {network: vmnet-p, subnet: app}, duration: {uniform: [1m, 2m]}}
      - {after_group: 1, manual: check the app}
    reip: [{from: 192.168.1.0/24, to: 172.16.1.0/24}]
dns: {ttl: 5m, registration: manual}
clients: [{name: branch, site: Azure East}]
events:
  - at: 0
    map_network: {source: vmnet-p, target: vmnet-r, both_directions: false}
  - at: 1m
    enable_replication: {vm: app1, target_site: Recovery, target_network: vmnet-r, target_subnet: app, target_ip: 172.16.1.20,
                         reip: [{from: 192.168.2.0/24, to: 172.16.2.0/24}]}
  - at: 2h
    test_failover: {vm: app1, network: vmnet-r-asr}
  - at: 2h5m
    expect: {vm: app1, instance: test, nic: 1, site: Recovery, network: vmnet-r, subnet: app, ip: 172.16.1.254, state: protected, running: true, exists: true}
  - at: 3h
    change_mapping: {source: vmnet-p, target: vmnet-r}
    expect_error: MAP-CHANGE-REVERSE-FIRST
  - at: 3h
    failover: {recovery_plan: rp-crm, type: unplanned}
  - at: 4h
    expect:
      - {reachable: {from: branch, to: app1}, value: false}
      - {reachable: {from: app1, to: 10.0.0.20}}
      - {mapping: {source: vmnet-p, target: none}}
      - {network_exists: anything-at-all, value: false}
  - at: 4h
    set_vm_network: {vm: app1, network: none}
  - at: 4h
    set_vm_network: {vm: app1, network: vmnet-r, subnet: app}
  - at: 5h
    site_down: {site: Primary}
  - at: 5h
    update_routes:
  - at: 5h
    broadcast_storm: {network: vmnet-p, subnet: app, duration: 10m}
  - at: 5h
    subnet_failover: {network: vmnet-p, subnet: app, to_site: Recovery}
  - at: 5h
    dns_update: {vm: app1}
  - at: 6h
    peering_location_down: {peering_location: Amsterdam}
  - at: 6h
    delete_vm: {vm: app1, instance: replica}
  - at: 6h
    disconnect: {connection: er-link}
  - at: 1d
    reprotect: {vms: [app1], target_network: vmnet-p}
  - at: end
    expect: {downtime: {app: crm, from: 3h, max: 1h30m}}
)";
    Scenario s = load_scenario_text(text, "full.yaml");
    CHECK(s.file == "full.yaml");
    CHECK(s.name == "Full example");
    CHECK(s.description == "every section once");
    CHECK(s.fabric == Fabric::vmm_to_vmm);
    CHECK(s.seed == 18446744073709551615ULL);

    CHECK(s.timing.failover == Distribution::fixed_ms(10 * m_ms));
    CHECK(s.timing.vm_boot.kind == Distribution::Kind::uniform);
    CHECK(s.timing.vm_boot.low == 1 * m_ms);
    CHECK(s.timing.vm_boot.high == 3 * m_ms);
    CHECK(s.timing.resync.kind == Distribution::Kind::normal);
    CHECK(s.timing.resync.mean == 30 * m_ms);
    CHECK(s.timing.resync.stddev == 5 * m_ms);
    CHECK(s.timing.initial_replication.kind == Distribution::Kind::lognormal);
    CHECK(s.timing.initial_replication.median == h_ms);
    CHECK(s.timing.initial_replication.sigma == doctest::Approx(0.5));
    CHECK(s.timing.script_step == Distribution::fixed_ms(250));
    CHECK(s.timing.test_failover == Timing{}.test_failover);  // untouched default

    REQUIRE(s.sites.size() == 3);
    CHECK(s.sites[0].name == "Primary");
    CHECK(s.sites[0].vmm == "vmm1");
    CHECK(s.sites[0].loc.line == 13);
    CHECK(s.sites[0].loc.column == 5);
    CHECK(s.sites[2].kind == SiteKind::azure);
    CHECK(s.sites[2].geo == "US");

    REQUIRE(s.logical_networks.size() == 2);
    CHECK(s.logical_networks[1].site == "Recovery");
    REQUIRE(s.clouds.size() == 2);
    CHECK(s.clouds[0].protected_by == "cloud-r");
    CHECK(s.clouds[0].logical_networks == std::vector<std::string>{"ln-p"});
    CHECK(s.clouds[1].protected_by.empty());
    REQUIRE(s.hosts.size() == 2);
    CHECK_FALSE(s.hosts[0].logical_networks.has_value());
    CHECK(s.hosts[1].logical_networks == std::vector<std::string>{"ln-r"});

    REQUIRE(s.networks.size() == 3);
    const NetworkSpec& p = s.networks[0];
    CHECK(p.logical_network == "ln-p");
    CHECK(p.address_space == std::vector<Ipv4Prefix>{cidr("192.168.1.0/24"), cidr("192.168.2.0/24")});  // from the subnets
    REQUIRE(p.subnets.size() == 2);
    CHECK(p.subnets[0].pool == Ipv4Range{ip("192.168.1.50"), ip("192.168.1.99")});
    CHECK(p.subnets[0].stretched_to == "Recovery");
    CHECK(p.subnets[1].pool == Ipv4Range{ip("192.168.2.10"), ip("192.168.2.20")});
    CHECK(p.subnets[1].stretched_to.empty());
    CHECK(s.networks[1].address_space.size() == 2);
    const NetworkSpec& e = s.networks[2];
    REQUIRE(e.outbound.has_value());
    CHECK(e.outbound->restricted);
    REQUIRE(e.outbound->allow.size() == 3);
    CHECK(e.outbound->allow[0].text == "AzureActiveDirectory");
    CHECK_FALSE(e.outbound->allow[0].range.has_value());
    CHECK(e.outbound->allow[1].range == cidr("13.107.6.152/31"));
    CHECK_FALSE(e.outbound->allow[1].endpoint.has_value());
    CHECK(e.outbound->allow[2].range == cidr("40.69.144.231/32"));
    CHECK(e.outbound->allow[2].endpoint == SrEndpoint::site_recovery);
    CHECK(e.outbound->proxy == "anonymous");
    REQUIRE(e.routes.size() == 3);
    CHECK(e.routes[0].prefix == cidr("0.0.0.0/0"));
    CHECK(e.routes[0].next_hop == "onprem");
    CHECK(e.routes[1].destination == "AzureSiteRecovery");
    CHECK_FALSE(e.routes[1].prefix.has_value());
    CHECK(e.routes[2].endpoint == SrEndpoint::monitoring);
    CHECK(e.gateway);
    CHECK_FALSE(p.gateway);

    REQUIRE(s.vms.size() == 1);
    const VmSpec& vm = s.vms[0];
    const VmEntrySpec& entry = s.entry_of(vm);
    CHECK(vm.name == "app1");
    CHECK(entry.cloud == "cloud-p");
    CHECK(entry.host == "host-p1");
    CHECK(vm.dns_name == "app1.contoso.example");
    CHECK(entry.app == "crm");
    REQUIRE(entry.nics.size() == 2);
    CHECK(s.nic_ip(vm, 0) == ip("192.168.1.20"));
    CHECK_FALSE(s.nic_ip(vm, 1).has_value());  // no ip: DHCP
    CHECK(entry.nics[1].subnet == "db");
    CHECK(entry.target_ip == ip("10.0.0.20"));
    CHECK(entry.resources == std::vector<std::string>{"nsg", "public_ip"});
    CHECK(entry.target_resources == std::vector<std::string>{"nsg"});
    CHECK(s.vm_names.find("app1") == 0u);
    CHECK(s.dns_names.find("app1.contoso.example") == 0u);

    REQUIRE(s.circuits.size() == 1);
    CHECK(s.circuits[0].premium);
    CHECK(s.circuits[0].peering_location == "Amsterdam");
    REQUIRE(s.connections.size() == 2);
    CHECK(s.connections[0].kind == ConnectionKind::vpn);
    CHECK(s.connections[0].routing == Routing::static_routes);
    CHECK_FALSE(s.connections[0].connected);
    CHECK(s.connections[0].between == std::array<std::string, 2>{"Primary", "vnet-east"});
    CHECK(s.connections[0].local_prefixes == std::vector<Ipv4Prefix>{cidr("192.168.0.0/16")});
    CHECK(s.connections[1].routing == Routing::bgp);  // default
    CHECK(s.connections[1].connected);                 // default
    CHECK(s.connections[1].gateway_transit);

    REQUIRE(s.recovery_plans.size() == 1);
    const RecoveryPlanSpec& plan = s.recovery_plans[0];
    CHECK(plan.groups == std::vector<std::vector<std::string>>{{"app1"}});
    REQUIRE(plan.steps.size() == 6);
    CHECK(plan.steps[0].kind == PlanStepKind::script);
    CHECK(plan.steps[0].text == "prepare.ps1");
    CHECK(plan.steps[0].after_group == 0);
    CHECK(plan.steps[0].duration == Distribution::fixed_ms(2 * m_ms));
    CHECK(plan.steps[1].kind == PlanStepKind::dns_update);
    CHECK(plan.steps[1].target == "crm.contoso.example");
    CHECK(plan.steps[2].kind == PlanStepKind::update_routes);
    CHECK(plan.steps[3].kind == PlanStepKind::connect);
    CHECK(plan.steps[3].target == "link");
    CHECK(plan.steps[4].kind == PlanStepKind::subnet_failover);
    CHECK(plan.steps[4].target == "vmnet-p/app");
    CHECK(plan.steps[4].duration->kind == Distribution::Kind::uniform);
    CHECK(plan.steps[5].kind == PlanStepKind::manual);
    CHECK(plan.steps[5].text == "check the app");
    CHECK_FALSE(plan.steps[5].duration.has_value());
    REQUIRE(plan.reip.size() == 1);
    CHECK(plan.reip[0].to == cidr("172.16.1.0/24"));

    CHECK(s.dns.ttl == 5 * m_ms);
    CHECK_FALSE(s.dns.dynamic_registration);
    REQUIRE(s.clients.size() == 1);
    CHECK(s.clients[0].site == "Azure East");

    REQUIRE(s.events.size() == 19);
    const auto& ev = s.events;
    CHECK(ev[0].at == 0);
    CHECK(ev[0].op.kind == OpKind::map_network);
    CHECK(ev[0].op.both_directions == false);
    CHECK(ev[0].op.source == "vmnet-p");
    CHECK(ev[1].at == m_ms);
    CHECK(ev[1].op.kind == OpKind::enable_replication);
    CHECK(ev[1].op.vm == "app1");
    CHECK(ev[1].op.target_site == "Recovery");
    CHECK(ev[1].op.target_network == "vmnet-r");
    CHECK(ev[1].op.target_subnet == "app");
    CHECK(ev[1].op.target_ip == ip("172.16.1.20"));
    CHECK(ev[1].op.reip.size() == 1);
    CHECK(ev[2].op.network == "vmnet-r-asr");  // MAP-AUTO-ASR-NETWORK names are accepted in events
    CHECK(ev[3].at == 2 * h_ms + 5 * m_ms);
    REQUIRE(ev[3].expects.size() == 1);
    const ExpectSpec& x = ev[3].expects[0];
    CHECK(x.kind == ExpectSpec::Kind::vm);
    CHECK(x.instance == InstanceRole::test);
    CHECK(x.nic == 1);
    CHECK(x.site == "Recovery");
    CHECK(x.network == "vmnet-r");
    CHECK(x.subnet == "app");
    CHECK(x.ip == ip("172.16.1.254"));
    CHECK(x.state == "protected");
    CHECK(x.running == true);
    CHECK(x.exists == true);
    CHECK(ev[4].expect_error == "MAP-CHANGE-REVERSE-FIRST");
    CHECK(ev[4].expect_error_loc.line == 87);
    CHECK(ev[5].op.recovery_plan == "rp-crm");
    CHECK_FALSE(ev[5].op.planned);
    REQUIRE(ev[6].expects.size() == 4);
    CHECK(ev[6].expects[0].kind == ExpectSpec::Kind::reachable);
    CHECK_FALSE(ev[6].expects[0].value);
    CHECK(ev[6].expects[1].to == "10.0.0.20");
    CHECK(ev[6].expects[1].value);
    CHECK(ev[6].expects[2].kind == ExpectSpec::Kind::mapping);
    CHECK(ev[6].expects[2].target == "none");
    CHECK(ev[6].expects[3].kind == ExpectSpec::Kind::network_exists);
    CHECK(ev[6].expects[3].network_name == "anything-at-all");
    CHECK_FALSE(ev[6].expects[3].value);
    CHECK(ev[7].op.network == "none");
    CHECK(ev[8].op.subnet == "app");
    CHECK(ev[9].op.site == "Primary");
    CHECK(ev[10].op.kind == OpKind::update_routes);
    CHECK(ev[11].op.duration == 10 * m_ms);
    CHECK(ev[11].op.subnet_network == "vmnet-p");
    CHECK(ev[12].op.to_site == "Recovery");
    CHECK(ev[13].op.dns_name == "app1.contoso.example");
    CHECK(ev[14].op.peering_location == "Amsterdam");
    CHECK(ev[15].op.instance == InstanceRole::replica);
    CHECK(ev[16].op.connection == "er-link");
    CHECK(ev[17].at == d_ms);
    REQUIRE(ev[17].op.vms.has_value());
    CHECK(ev[17].op.vms->names == std::vector<std::string>{"app1"});
    CHECK(ev[17].op.target_network == "vmnet-p");
    CHECK(ev[18].at_end);
    const ExpectSpec& dt = ev[18].expects[0];
    CHECK(dt.kind == ExpectSpec::Kind::downtime);
    CHECK(dt.downtime_app == "crm");
    CHECK(dt.downtime_from == 3 * h_ms);
    CHECK(dt.downtime_max == h_ms + 30 * m_ms);
}

TEST_CASE("defaults of an almost empty scenario") {
    Scenario s = load_scenario_text("scenario: tiny\nsites: [{name: A, kind: azure}]\n", "tiny.yaml");
    CHECK(s.fabric == Fabric::azure_to_azure);
    CHECK(s.seed == 0);
    CHECK(same_timing(s.timing, Timing{}));
    CHECK(s.vms.empty());
    CHECK(s.events.empty());
    CHECK(s.dns.ttl == 5 * m_ms);
    CHECK(s.dns.dynamic_registration);
}

TEST_CASE("events are kept in file order and default values are filled") {
    Scenario s = load_scenario_text(world + R"(events:
  - {at: 2h, failover: {vm: web1}}
  - {at: 1h, failback: {vm: web1, type: planned}}
  - {at: 0, map_network: {source: vnet-east, target: vnet-west}}
  - {at: 0, delete_vm: {vm: web1}}
  - {at: 0, expect: {vm: web1, running: true}}
)", "order.yaml");
    REQUIRE(s.events.size() == 5);
    CHECK(s.events[0].at == 2 * h_ms);
    CHECK(s.events[0].op.planned);  // default type
    CHECK(s.events[1].at == h_ms);
    CHECK(s.events[1].op.kind == OpKind::failback);
    CHECK(s.events[2].at == 0);
    CHECK_FALSE(s.events[2].op.both_directions.has_value());
    CHECK(s.events[3].op.instance == InstanceRole::primary);
    CHECK(s.events[4].expects[0].instance == InstanceRole::active);
    CHECK(s.events[4].expects[0].nic == 0);
    CHECK(s.events[0].loc.line == 38);
    CHECK(s.events[0].op.loc.line == 38);
}

TEST_CASE("durations: every form") {
    CHECK(parse_duration("0") == 0);
    CHECK(parse_duration("0s") == 0);
    CHECK(parse_duration("90s") == 90 * s_ms);
    CHECK(parse_duration("5m") == 5 * m_ms);
    CHECK(parse_duration("1h30m") == h_ms + 30 * m_ms);
    CHECK(parse_duration("1m30s") == m_ms + 30 * s_ms);
    CHECK(parse_duration("2d") == 2 * d_ms);
    CHECK(parse_duration("250ms") == 250);
    CHECK(parse_duration("1d2h3m4s5ms") == d_ms + 2 * h_ms + 3 * m_ms + 4 * s_ms + 5);
    CHECK(parse_duration("2h5m") == 2 * h_ms + 5 * m_ms);
    CHECK(parse_duration("36525d") == 36525 * d_ms);  // exactly 100 years: allowed

    for (const char* bad : {"", "5", "00", "m", "5x", "1.5h", "-5m", "+5m", " 5m", "5m ", "5 m", "30m1h", "1h1h", "1s500ms5s",
                            "5ms1s", "1H", "5mm", "h5", "1d1d", "5min", "5sec"}) {
        CAPTURE(bad);
        CHECK_FALSE(parse_duration(bad).has_value());
    }
    // Absurd: more than 100 years, including numbers that would overflow 64 bits.
    CHECK_FALSE(parse_duration("36526d").has_value());
    CHECK_FALSE(parse_duration("876601h").has_value());
    CHECK_FALSE(parse_duration("99999999999999999999999s").has_value());
    CHECK_FALSE(parse_duration("36525d1ms").has_value());

    Scenario s = load_scenario_text(two_sites + "timing: {failover: 1h30m, vm_boot: 0, resync: 250ms, dns_update: 2d}\n", "d.yaml");
    CHECK(s.timing.failover.value == h_ms + 30 * m_ms);
    CHECK(s.timing.vm_boot.value == 0);
    CHECK(s.timing.resync.value == 250);
    CHECK(s.timing.dns_update.value == 2 * d_ms);
}

TEST_CASE("compact VM entries expand in order, with padding, {n} and consecutive addresses") {
    Scenario s = load_scenario_text(topology + R"(vms:
  - name: web-{08..11}
    site: East US
    app: web
    dns_name: web{n}.contoso.example
    nics: [{network: vnet-east, subnet: app, ip: 10.0.0.250}, {network: vnet-east, subnet: db}]
  - name: db{1..3}x
    site: East US
    nics: [{network: vnet-east, subnet: db, ip: 10.0.1.10}]
  - {name: solo, site: East US, nics: [{network: vnet-east, subnet: db, ip: 10.0.1.13}]}
)", "compact.yaml");
    REQUIRE(s.vms.size() == 8);
    CHECK(s.vms[0].name == "web-08");
    CHECK(s.vms[1].name == "web-09");
    CHECK(s.vms[2].name == "web-10");
    CHECK(s.vms[3].name == "web-11");
    CHECK(s.vms[0].dns_name == "web08.contoso.example");
    CHECK(s.vms[3].dns_name == "web11.contoso.example");
    CHECK(s.nic_ip(s.vms[0], 0) == ip("10.0.0.250"));
    CHECK(s.nic_ip(s.vms[3], 0) == ip("10.0.0.253"));
    CHECK_FALSE(s.nic_ip(s.vms[3], 1).has_value());
    CHECK(s.entry_of(s.vms[3]).app == "web");
    CHECK(s.vms[3].entry == s.vms[0].entry);  // expanded VMs share their entry (and its location)
    CHECK(s.vm_entries.size() == 3);
    CHECK(s.vm_names.find("web-10") == 2u);
    CHECK_FALSE(s.vm_names.find("web-12").has_value());
    CHECK(s.vms[4].name == "db1x");
    CHECK(s.vms[6].name == "db3x");
    CHECK(s.nic_ip(s.vms[6], 0) == ip("10.0.1.12"));
    CHECK(s.vms[7].name == "solo");

    // Width grows past the first number's width; no padding without a leading zero.
    Scenario wide = load_scenario_text(topology + "vms:\n  - {name: \"v{098..100}\", site: East US, nics: [{network: vnet-east, subnet: app}]}\n"
                                                  "  - {name: \"u{9..10}\", site: East US, nics: [{network: vnet-east, subnet: app}]}\n",
                                       "wide.yaml");
    REQUIRE(wide.vms.size() == 5);
    CHECK(wide.vms[0].name == "v098");
    CHECK(wide.vms[2].name == "v100");
    CHECK(wide.vms[3].name == "u9");
    CHECK(wide.vms[4].name == "u10");
}

TEST_CASE("compact targeting: vms selectors and brace ranges in plans") {
    Scenario s = load_scenario_text(topology + R"(vms:
  - {name: "web-{01..05}", site: East US, app: web, nics: [{network: vnet-east, subnet: app, ip: 10.0.0.10}]}
  - {name: db-1, site: East US, app: db, nics: [{network: vnet-east, subnet: db}]}
recovery_plans:
  - name: rp
    groups: [[db-1], ["web-{01..03}", web-05]]
events:
  - {at: 0, enable_replication: {vms: all, target_site: West US}}
  - {at: 0, failover: {vms: web-*}}
  - {at: 0, failover: {vms: "web-0?"}}
  - {at: 0, commit: {vms: [db-1, "web-{04..05}"]}}
  - {at: 0, disable_replication: {vms: {pattern: "web-*", network: vnet-east, subnet: app, app: web, site: East US}}}
  - {at: 0, test_failover: {vms: "web-{02..03}"}}
  - {at: 0, cleanup_test_failover: {vms: db-1}}
)", "targets.yaml");
    REQUIRE(s.recovery_plans.size() == 1);
    CHECK(s.recovery_plans[0].groups ==
          std::vector<std::vector<std::string>>{{"db-1"}, {"web-01", "web-02", "web-03", "web-05"}});
    const auto& ev = s.events;
    REQUIRE(ev.size() == 7);
    REQUIRE(ev[0].op.vms.has_value());
    CHECK(ev[0].op.vms->all);
    CHECK(ev[0].op.vm.empty());
    CHECK(ev[1].op.vms->pattern == "web-*");
    CHECK_FALSE(ev[1].op.vms->all);
    CHECK(ev[2].op.vms->pattern == "web-0?");
    CHECK(ev[3].op.vms->names == std::vector<std::string>{"db-1", "web-04", "web-05"});
    const VmSelector& sel = *ev[4].op.vms;
    CHECK(sel.pattern == "web-*");
    CHECK(sel.network == "vnet-east");
    CHECK(sel.subnet == "app");
    CHECK(sel.app == "web");
    CHECK(sel.site == "East US");
    CHECK(ev[5].op.vms->names == std::vector<std::string>{"web-02", "web-03"});
    CHECK(ev[6].op.vms->names == std::vector<std::string>{"db-1"});
}

// ---------------------------------------------------------------------------------------------
// Refusals. Each case marks with $$ the exact place the message must point at.

TEST_CASE("refused: YAML-level problems") {
    // Something left open at the end of the file is reported where it starts.
    check_refused("scenario: t\nsites: $$[{name: A, kind: azure}\n",
                  "YAML syntax error: did not find expected ',' or ']' while parsing a flow sequence (started here and "
                  "still open at the end of the file)");
    check_refused("scenario: t\n sites$$: x\n", "YAML syntax error: mapping values are not allowed in this context");
    check_refused("$$", "empty file");
    check_refused("$$# only a comment\n", "empty file");
    check_refused("$$- a\n- b\n", "expected a scenario mapping");
    check_refused("$$# comment\n\njust text\n", "expected a scenario mapping (scenario:, sites:, ...) at the top level, found 'just text'");
    check_refused("scenario: t\nsites: [{name: A, kind: azure}]\n$$scenario: u\n", "duplicate key 'scenario' in one mapping (first at line 1)");
    check_refused("scenario: t\nsites: [{name: A, kind: azure, $$kind: onprem}]\n", "duplicate key 'kind'");
    check_refused("scenario: &n t\nsites: [{name: $$*n, kind: azure}]\n", "aliases");
    check_refused("scenario: t\nsites: [{name: A, kind: azure}]\n$$---\nscenario: u\n", "one YAML document");
    check_refused("scenario: t\nsites: [{name: A, kind: azure}]\n$$[a]: 1\n", "expected a plain key, found a list");
    check_refused("scenario: t\n$$: 1\nsites: [{name: A, kind: azure}]\n", "did not find expected key");  // libyaml's refusal
    check_refused("scenario: t\n?$$ \n: 1\nsites: [{name: A, kind: azure}]\n", "expected a key, found an empty key");

    // 65 levels of nesting: refused at the 65th opening, while parsing.
    std::string deep = "scenario: t\nsites: [{name: A, kind: azure}]\ndescription: ";
    for (int i = 0; i < 63; ++i) deep += "[";
    deep += "$$[";
    for (int i = 0; i < 64; ++i) deep += "]";
    check_refused(deep + "\n", "nesting deeper than 64 levels");
    // ... and a pathological depth does not crash either.
    std::string very_deep = "scenario: t\nsites: [{name: A, kind: azure}]\ndescription: ";
    for (int i = 0; i < 63; ++i) very_deep += "[";
    very_deep += "$$";
    very_deep += std::string(100000, '[') + std::string(100064, ']');
    check_refused(very_deep + "\n", "nesting deeper");
}

TEST_CASE("refused: what a lenient YAML parser lets through") {
    const std::string head = "scenario: t\nsites:\n  - {name: A, kind: azure}\n";
    // An unclosed quote: at the end of the file, or swallowing the lines after it.
    check_refused(head + "description: $$\"never closed\n", "found unexpected end of stream while scanning a quoted scalar");
    check_refused(head + "description: $$'never closed\n", "found unexpected end of stream while scanning a quoted scalar");
    check_refused("scenario: t\ndescription: $$\"swallows\nsites:\n  - {name: A, kind: azure}\n",
                  "found unexpected end of stream while scanning a quoted scalar (started here and still open at the end of the file)");
    check_refused(head + "  - {name: $$\"B, kind: azure}\n  - {name: \"C\", kind: azure}\n",
                  "a quoted scalar starts here and continues on line 5, which is not indented past its parent (column 3): "
                  "is its closing quote missing?");
    check_refused(head + "description: $$\"a\nevents: \"b\"\n", "continues on line 5, which is not indented past its parent (column 1)");
    // Text that is not UTF-8, and control characters.
    check_refused("scenario: caf$$\xe9\nsites:\n  - {name: A, kind: azure}\n",
                  "not valid UTF-8: byte 0xE9 starts a character that the next byte does not continue; a scenario file must be UTF-8");
    check_refused(head + "description: $$\xff\n", "invalid leading UTF-8 octet (byte 0xFF)");
    check_refused(head + "description: ab $$\xe2\x82\n", "byte 0xE2 starts a character that the next byte does not continue");
    check_refused(head + "description: ab $$\xe2\x82", "incomplete UTF-8 octet sequence");
    check_refused(head + "description: a$$\x01" "b\n", "control characters are not allowed (character 0x01)");
    // Tabs as indentation, bad indentation, unclosed or stray brackets, a value with two colons.
    check_refused("scenario: t\nsites:\n$$\t- {name: A, kind: azure}\n", "YAML indents with spaces, never tabs");
    check_refused("scenario: t\nsites:\n  - name: A\n$$\tkind: azure\n", "found a tab character that violates indentation");
    check_refused(head + " $$description: x\n", "did not find expected key while parsing a block mapping (started at line 1, column 1)");
    check_refused(head + "description: a$$: b\n", "mapping values are not allowed in this context");
    check_refused("scenario: t\nsites: [{name: A, kind: azure}]$$]\n", "did not find expected key");
    check_refused("scenario: t\nsites: $$[{name: A, kind: azure}\nnetworks: []\n",
                  "did not find expected ',' or ']' while parsing a flow sequence: the bracket here is not closed before line 3, column 1");
    check_refused("scenario: t\nsites: [{name: A, kind: azure}, $$, {name: B, kind: azure}]\n", "did not find expected node content");
    check_refused(head + "...\n$$events: []\n", "did not find expected <document start>");
    check_refused(head + "description: \"a $$\\q\"\n", "found unknown escape character while parsing a quoted scalar");
}

TEST_CASE("accepted: quoted scalars over several lines, indented past their collection") {
    Scenario s = load_scenario_text("scenario: \"two\n  lines\"\nsites:\n  - {name: 'A\n     B', kind: azure}\n"
                                    "description: \"x\n\n y\"\n",
                                    "multi.yaml");
    CHECK(s.name == "two lines");
    CHECK(s.sites[0].name == "A B");
    CHECK(s.description == "x\ny");
}

TEST_CASE("refused: top level") {
    check_refused("scenario: t\nsites: [{name: A, kind: azure}]\n$$sties: []\n", "unknown key 'sties' in the scenario (top level) (did you mean 'sites'?)");
    check_refused("scenario: t\nsites: [{name: A, kind: azure}]\n$$colour: red\n", "valid keys: scenario, description");
    check_refused("$$description: x\nsites: [{name: A, kind: azure}]\n", "missing required key 'scenario'");
    check_refused("$$scenario: x\n", "missing required key 'sites'");
    check_refused("scenario: x\nsites: $$[]\n", "expected at least one site");
    check_refused("scenario: x\nsites: $$East US\n", "'sites': expected a list, found 'East US'");
    check_refused("scenario: $$[a, b]\nsites: [{name: A, kind: azure}]\n", "'scenario': expected a string, found a list");
    check_refused("scenario: $$''\nsites: [{name: A, kind: azure}]\n", "expected a non-empty name");
    check_refused("scenario: t\nfabric: $$azure-to-azur\nsites: [{name: A, kind: azure}]\n",
                  "'fabric': expected one of azure-to-azure | vmm-to-vmm | vmm-to-azure | hyperv-to-azure, found 'azure-to-azur' (did you mean 'azure-to-azure'?)");
    check_refused("scenario: t\nseed: $$-1\nsites: [{name: A, kind: azure}]\n", "'seed': expected a non-negative integer, found '-1'");
    check_refused("scenario: t\nseed: $$seven\nsites: [{name: A, kind: azure}]\n", "expected a non-negative integer");
    check_refused("scenario: t\nseed: $$18446744073709551616\nsites: [{name: A, kind: azure}]\n", "out of range");
}

TEST_CASE("refused: durations and timing") {
    check_refused(two_sites + "timing: {failover: $$1.5h}\n", "'failover': expected a duration");
    check_refused(two_sites + "timing: {failover: $$30}\n", "a duration needs a unit, found '30' (did you mean '30s'?)");
    check_refused(two_sites + "timing: {failover: $$30m1h}\n", "units d h m s ms in that order");
    check_refused(two_sites + "timing: {failover: $$1h1h}\n", "expected a duration");
    check_refused(two_sites + "timing: {failover: $$36526d}\n", "is absurd (more than 100 years)");
    check_refused(two_sites + "timing: {failover: $$[1m]}\n", "expected a duration or a distribution mapping");
    check_refused(two_sites + "timing: {$$failovr: 1m}\n", "unknown key 'failovr' in 'timing' (did you mean 'failover'?)");
    check_refused(two_sites + "timing: {failover: {$$uniforme: [1m, 2m]}}\n", "unknown key 'uniforme' in a distribution (did you mean 'uniform'?)");
    check_refused(two_sites + "timing: {failover: $${uniform: [1m, 2m], normal: {mean: 1m, stddev: 1s}}}\n",
                  "a distribution mapping has exactly one key");
    check_refused(two_sites + "timing: {failover: {uniform: [$$3m, 2m]}}\n", "LOW (3m) is above HIGH (2m)");
    check_refused(two_sites + "timing: {failover: {uniform: $$[1m]}}\n", "expected a list of two durations");
    check_refused(two_sites + "timing: {failover: {normal: $${mean: 1m}}}\n", "missing required key 'stddev'");
    check_refused(two_sites + "timing: {failover: {lognormal: {median: 1m, sigma: $$0}}}\n", "0 < sigma <= 10");
    check_refused(two_sites + "timing: {failover: {lognormal: {median: 1m, sigma: $$11}}}\n", "0 < sigma <= 10");
    check_refused(two_sites + "timing: {failover: {lognormal: {median: 1m, sigma: $$wide}}}\n", "'sigma': expected a number");
    check_refused(two_sites + "dns: {ttl: $$5 minutes}\n", "'ttl': expected a duration");
    check_refused(two_sites + "dns: {ttl: 5m, registration: $$dynamc}\n", "(did you mean 'dynamic'?)");
}

TEST_CASE("refused: sites, VMM objects") {
    check_refused("scenario: t\nsites:\n  - {name: A, kind: $$cloud}\n", "'kind': expected one of onprem | azure, found 'cloud'");
    check_refused("scenario: t\nsites:\n  - $$A\n", "expected a mapping (a site), found 'A'");
    check_refused("scenario: t\nsites:\n  - {name: A, kind: azure}\n  - {name: $$A, kind: onprem}\n", "duplicate site name 'A' (first defined at line 3)");
    check_refused("scenario: t\nsites:\n  - $${name: A}\n", "missing required key 'kind' in a site");
    check_refused("scenario: t\nsites:\n  - name: A\n    $$knd: azure\n", "(did you mean 'kind'?)");
    check_refused(two_sites + "logical_networks: [{name: ln, site: $$Hq}]\n", "unknown site 'Hq' (did you mean 'H'?)");
    check_refused(two_sites + "logical_networks: [{name: ln, site: H}, {name: $$ln, site: H2}]\n", "duplicate logical network name 'ln'");
    check_refused(two_sites + "logical_networks: [{name: ln, site: H}, {name: ln2, site: H2}]\n"
                              "clouds: [{name: c, site: H, logical_networks: [$$ln2]}]\n",
                  "logical network 'ln2' is at site 'H2', not at cloud 'c''s site 'H'");
    check_refused(two_sites + "clouds: [{name: c1, site: H, protected_by: $$c2}, {name: c2, site: H}]\n",
                  "protected by cloud 'c2' at the same site 'H'");
    check_refused(two_sites + "clouds: [{name: c1, site: H, protected_by: $$c3}, {name: c2, site: H2}]\n", "unknown cloud 'c3' (did you mean");
    check_refused(two_sites + "logical_networks: [{name: ln, site: H}, {name: ln2, site: H2}]\n"
                              "clouds: [{name: c, site: H}]\nhosts: [{name: h, cloud: c, logical_networks: [$$ln2]}]\n",
                  "not at site 'H' of the host's cloud 'c'");
    check_refused(two_sites + "clouds: [{name: c, site: H}]\nhosts: [{name: h, cloud: $$cc}]\n", "unknown cloud 'cc' (did you mean 'c'?)");
}

TEST_CASE("refused: networks and subnets") {
    const std::string n = two_sites + "networks:\n";
    check_refused(n + "  - {name: v, site: A, address_space: [10.0.0.0/16], subnets: [{name: s, prefix: $$10.1.0.0/24}]}\n",
                  "subnet 's' prefix 10.1.0.0/24 is outside the address space of network 'v' (10.0.0.0/16)");
    check_refused(n + "  - name: v\n    site: A\n    subnets:\n      - {name: a, prefix: 10.0.0.0/24}\n      - {name: b, prefix: $$10.0.0.128/25}\n",
                  "subnet 'b' (10.0.0.128/25) overlaps subnet 'a' (10.0.0.0/24, line 10)");
    check_refused(n + "  - name: v\n    site: A\n    subnets:\n      - {name: a, prefix: 10.0.0.0/25}\n      - {name: b, prefix: $$10.0.0.0/16}\n",
                  "overlaps subnet 'a'");
    check_refused(n + "  - {name: v, site: A, address_space: [10.0.0.0/16, $$10.0.128.0/17]}\n",
                  "address space prefix 10.0.128.0/17 overlaps 10.0.0.0/16");
    check_refused(n + "  - {name: v, site: A, subnets: [{name: a, prefix: 10.0.0.0/24}, {name: $$a, prefix: 10.0.1.0/24}]}\n",
                  "duplicate subnet name 'a' in network 'v'");
    check_refused(n + "  - {name: v, site: A}\n  - {name: $$v, site: H}\n", "duplicate network name 'v' (first defined at line 7)");
    check_refused(n + "  - {name: v, site: A, address_space: [$$10.0.0.1/16]}\n", "'10.0.0.1/16' has host bits set (did you mean '10.0.0.0/16'?)");
    check_refused(n + "  - {name: v, site: A, address_space: [$$10.0.0/16]}\n", "expected a CIDR prefix like 10.0.0.0/24, found '10.0.0/16'");
    check_refused(n + "  - {name: v, site: A, address_space: [$$10.0.0.0/33]}\n", "expected a CIDR prefix");
    check_refused(n + "  - {name: v, site: A, subnets: [{name: a, prefix: $$10.0.0.0/30}]}\n",
                  "has no usable address at an Azure site (ADDR-AZURE-RESERVED");
    check_refused(n + "  - {name: v, site: H, subnets: [{name: a, prefix: $$10.0.0.0/31}]}\n",
                  "has no usable address at an on-premises site (ADDR-ONPREM-RANGE");
    check_refused(n + "  - {name: v, site: A, subnets: [{name: a, prefix: 10.0.0.0/24, pool: $$10.0.0.2-10.0.0.9}]}\n",
                  "pool 10.0.0.2 - 10.0.0.9 is outside the usable range 10.0.0.4 - 10.0.0.254 of subnet 'a' (ADDR-AZURE-RESERVED)");
    check_refused(n + "  - {name: v, site: H, subnets: [{name: a, prefix: 10.0.0.0/24, pool: {first: 10.0.0.1, last: 10.0.0.9}}]}\n"
                      "  - {name: w, site: H, subnets: [{name: a, prefix: 10.1.0.0/24, pool: $$10.1.0.9..10.1.0.20}]}\n",
                  "'pool': expected FIRST-LAST");
    check_refused(n + "  - {name: v, site: H, subnets: [{name: a, prefix: 10.0.0.0/24, pool: $${first: 10.0.0.1, last: 10.0.1.9}}]}\n",
                  "outside the usable range 10.0.0.1 - 10.0.0.254 of subnet 'a' (ADDR-ONPREM-RANGE)");
    check_refused(n + "  - {name: v, site: H, subnets: [{name: a, prefix: 10.0.0.0/24, pool: $$10.0.0.9-10.0.0.5}]}\n",
                  "is after last");
    check_refused(n + "  - {name: v, site: H, subnets: [{name: a, prefix: 10.0.0.0/24, stretched_to: $$A}]}\n",
                  "STRETCHED-NOT-AZURE");
    check_refused(n + "  - {name: v, site: A, subnets: [{name: a, prefix: 10.0.0.0/24, stretched_to: $$H}]}\n",
                  "cannot be stretched between 'A' (azure) and 'H' (onprem) (STRETCHED-NOT-AZURE");
    check_refused(n + "  - {name: v, site: H, subnets: [{name: a, prefix: 10.0.0.0/24, stretched_to: $$H}]}\n", "stretched to its own");
    check_refused(n + "  - {name: v, site: H, subnets: [{name: a, prefix: 10.0.0.0/24, stretched_to: $$H3}]}\n", "unknown site 'H3' (did you mean 'H'?)");
    check_refused(two_sites + "logical_networks: [{name: ln, site: H2}]\nnetworks:\n  - {name: v, site: H, logical_network: $$ln}\n",
                  "logical network 'ln' is at site 'H2', not at network 'v''s site 'H'");
    check_refused(n + "  - {name: v, site: A, routes: [{prefix: 0.0.0.0/0, next_hop: $$on-prem}]}\n", "(did you mean 'onprem'?)");
    check_refused(n + "  - {name: v, site: A, outbound: {restricted: $$yes}}\n", "'restricted': expected a boolean (true or false), found 'yes'");
    check_refused(n + "  - {name: v, site: A, outbound: {proxy: $$basic}}\n", "'proxy': expected one of none | anonymous | authenticated");
    check_refused(n + "  - {name: v, site: A, outbound: {allow: [$$10.0.0.1/24]}}\n", "'allow': '10.0.0.1/24' has host bits set (did you mean '10.0.0.0/24'?)");
    check_refused(n + "  - {name: v, site: A, outbound: {allow: [{range: 10.0.0.0/24, endpoint: $$storag}]}}\n", "(did you mean 'storage'?)");
    check_refused(n + "  - {name: v, site: A, outbound: {allow: [$${range: 10.0.0.0/24}]}}\n", "missing required key 'endpoint'");
    check_refused(n + "  - {name: v, site: A, outbound: {allow: [$$[AzureSiteRecovery]]}}\n", "'allow': expected a URL, a service tag, a CIDR or {range");
    check_refused(n + "  - {name: v, site: A, routes: [{prefix: $$\"Azure Site Recovery\", next_hop: internet}]}\n",
                  "'prefix': expected a CIDR prefix like 10.0.0.0/24 or a service tag");
    check_refused(n + "  - {name: v, site: A, routes: [{prefix: $$10.0.0/24, next_hop: internet}]}\n", "'prefix': expected a CIDR prefix");
    check_refused(n + "  - {name: v, site: A, routes: [{prefix: Storage, endpoint: $$storage, next_hop: internet}]}\n",
                  "the route's prefix 'Storage' is a service tag");
    check_refused(n + "  - {name: v, site: A, $$adress_space: [10.0.0.0/16]}\n", "unknown key 'adress_space' in a network (did you mean 'address_space'?)");
    check_refused(n + "  - {name: v, site: A, subnets: [{name: a, $$prefx: 10.0.0.0/24}]}\n", "(did you mean 'prefix'?)");
    check_refused(n + "  - {name: v, site: A, address_space: $$[]}\n", "expected at least one prefix");
}

TEST_CASE("refused: VMs") {
    const std::string v = topology + "vms:\n";
    check_refused(v + "  - {name: x, site: East US, nics: [{network: $$vnet-west, subnet: app}]}\n",
                  "network 'vnet-west' is at site 'West US', not at the VM's site 'East US'");
    check_refused(v + "  - {name: x, site: East US, nics: [{network: $$vnet-eats, subnet: app}]}\n", "unknown network 'vnet-eats' (did you mean 'vnet-east'?)");
    check_refused(v + "  - {name: x, site: East US, nics: [{network: vnet-east, subnet: $$dbs}]}\n", "network 'vnet-east' has no subnet 'dbs' (did you mean 'db'?)");
    check_refused(v + "  - {name: x, site: East US, nics: [{network: vnet-east, subnet: app, ip: $$10.0.0.3}]}\n",
                  "address 10.0.0.3 is outside the usable range 10.0.0.4 - 10.0.0.254 of subnet 'app' (10.0.0.0/24) (ADDR-AZURE-RESERVED)");
    check_refused(v + "  - {name: x, site: East US, nics: [{network: vnet-east, subnet: app, ip: $$10.0.1.5}]}\n", "ADDR-AZURE-RESERVED");
    check_refused(v + "  - {name: x, site: HQ, nics: [{network: hq-net, subnet: lan, ip: $$192.168.1.255}]}\n",
                  "outside the usable range 192.168.1.1 - 192.168.1.254 of subnet 'lan' (192.168.1.0/24) (ADDR-ONPREM-RANGE)");
    check_refused(v + "  - {name: x, site: East US, nics: [{network: vnet-east, subnet: app, ip: $$10.0.0.256}]}\n",
                  "'ip': expected an IPv4 address like 10.0.0.4 or 'dhcp', found '10.0.0.256'");
    check_refused(v + "  - {name: x, site: East US, nics: [{network: vnet-east, subnet: app, ip: 10.0.0.9}]}\n"
                      "  - {name: y, site: East US, nics: [{network: vnet-east, subnet: app, ip: $$10.0.0.9}]}\n",
                  "address 10.0.0.9 of VM 'y' in network 'vnet-east' is already used by VM 'x' (line 25)");
    check_refused(v + "  - {name: x, site: East US, nics: [{network: vnet-east, subnet: app, ip: 10.0.0.9}, {network: vnet-east, subnet: app, ip: $$10.0.0.9}]}\n",
                  "has address 10.0.0.9 twice");
    check_refused(v + "  - {name: x, site: East US, nics: [{network: vnet-east, subnet: app}]}\n  - {name: $$x, site: East US, nics: [{network: vnet-east, subnet: app}]}\n",
                  "duplicate VM name 'x' (first defined at line 25)");
    check_refused(v + "  - {name: w-3, site: East US, nics: [{network: vnet-east, subnet: app}]}\n  - {name: $$\"w-{1..5}\", site: East US, nics: [{network: vnet-east, subnet: app}]}\n",
                  "duplicate VM name 'w-3' (from 'w-{1..5}') (first defined at line 25)");
    check_refused(v + "  - $${name: x, site: East US}\n", "missing required key 'nics' in a VM");
    check_refused(v + "  - {name: x, site: East US, nics: $$[]}\n", "expected at least one NIC");
    check_refused(v + "  - {name: x, site: East US, nics: $${network: vnet-east, subnet: app}}\n", "'nics': expected a list, found a mapping");
    check_refused(v + "  - {name: x, site: East US, resources: [$$nsgs], nics: [{network: vnet-east, subnet: app}]}\n", "(did you mean 'nsg'?)");
    check_refused(v + "  - {name: x, site: East US, resources: [nsg, $$nsg], nics: [{network: vnet-east, subnet: app}]}\n", "'nsg' is listed twice");
    check_refused(v + "  - {name: x, site: East US, target_resources: [$$lb], nics: [{network: vnet-east, subnet: app}]}\n",
                  "'target_resources': expected one of nsg | public_ip | load_balancer");
    check_refused(v + "  - {name: x, site: East US, target_ip: $$10.0.0, nics: [{network: vnet-east, subnet: app}]}\n", "'target_ip': expected an IPv4 address");
    check_refused(v + "  - {name: x, site: East US, $$dns: x.example, nics: [{network: vnet-east, subnet: app}]}\n", "unknown key 'dns' in a VM; valid keys: name, site, cloud, host, dns_name");
    check_refused(v + "  - {name: x, site: East US, dns_name: $$\"x{n}.example\", nics: [{network: vnet-east, subnet: app}]}\n", "needs a brace range");
    // Compact entries.
    check_refused(v + "  - {name: \"w-{1..100}\", site: East US, nics: [{network: vnet-east, subnet: app, ip: $$10.0.0.200}]}\n",
                  "the 100 VMs of 'w-{1..100}' need addresses 10.0.0.200 .. 10.0.1.43, past the end of the usable range 10.0.0.4 - 10.0.0.254");
    check_refused(v + "  - {name: $$\"w-{5..1}\", site: East US, nics: [{network: vnet-east, subnet: app}]}\n", "malformed brace range in 'w-{5..1}': 5 is above 1");
    check_refused(v + "  - {name: $$\"w-{1..x}\", site: East US, nics: [{network: vnet-east, subnet: app}]}\n", "malformed brace range");
    check_refused(v + "  - {name: $$\"w-{1..2}-{1..2}\", site: East US, nics: [{network: vnet-east, subnet: app}]}\n", "more than one brace range");
    check_refused(v + "  - {name: $$\"w-{1..1000001}\", site: East US, nics: [{network: vnet-east, subnet: app}]}\n",
                  "stands for 1000001 names; at most 1,000,000 per entry");
    check_refused(v + "  - {name: \"w-{1..3}\", site: East US, nics: [{network: vnet-east, subnet: app, ip: 10.0.0.10}]}\n"
                      "  - {name: z, site: East US, nics: [{network: vnet-east, subnet: app, ip: $$10.0.0.12}]}\n",
                  "is already used by VM 'w-3'");
}

TEST_CASE("refused: VMM placement of VMs") {
    const std::string vmm = two_sites + R"(clouds:
  - {name: c1, site: H}
  - {name: c2, site: H2}
  - {name: c3, site: H}
hosts:
  - {name: h1, cloud: c1}
  - {name: h2, cloud: c2}
networks:
  - {name: n1, site: H, subnets: [{name: s, prefix: 10.0.0.0/24}]}
vms:
)";
    check_refused(vmm + "  - {name: x, site: H, cloud: $$c2, nics: [{network: n1, subnet: s}]}\n", "cloud 'c2' is at site 'H2', not at the VM's site 'H'");
    check_refused(vmm + "  - {name: x, site: H, cloud: c3, host: $$h1, nics: [{network: n1, subnet: s}]}\n", "host 'h1' is in cloud 'c1', not in the VM's cloud 'c3'");
    check_refused(vmm + "  - {name: x, site: H, host: $$h2, nics: [{network: n1, subnet: s}]}\n", "host 'h2' is in cloud 'c2' at site 'H2'");
    check_refused(vmm + "  - {name: x, site: H, host: $$h9, nics: [{network: n1, subnet: s}]}\n", "unknown host 'h9' (did you mean");
    Scenario ok = load_scenario_text(vmm + "  - {name: x, site: H, host: h1, nics: [{network: n1, subnet: s}]}\n", "ok.yaml");
    CHECK(ok.entry_of(ok.vms[0]).cloud == "c1");  // a host implies its cloud
}

TEST_CASE("refused: circuits, connections, plans, clients") {
    const std::string w = topology + "vms:\n  - {name: web1, site: East US, nics: [{network: vnet-east, subnet: app}]}\n"
                                     "  - {name: db1, site: East US, nics: [{network: vnet-east, subnet: db}]}\n";
    check_refused(w + "circuits: [{name: er, site: $$HQ, peering_location: X}]\n", "a circuit's site is the Azure region it serves");
    check_refused(w + "circuits: [$${name: er, site: East US}]\n", "missing required key 'peering_location' in a circuit");
    check_refused(w + "connections: [{name: c, kind: vpn, between: $$[HQ]}]\n", "expected exactly two ends");
    check_refused(w + "connections: [{name: c, kind: vpn, between: [HQ, $$vnet-eastt]}]\n",
                  "unknown connection end 'vnet-eastt': expected a site, network or circuit (did you mean 'vnet-east'?)");
    check_refused(w + "connections: [{name: c, kind: $$s2s, between: [HQ, vnet-east]}]\n", "'kind': expected one of vpn | vnet-to-vnet | peering | expressroute");
    check_refused(w + "connections: [{name: c, kind: vpn, between: [HQ, $$HQ]}]\n", "two different ends");
    check_refused(w + "connections: [{name: c, kind: vpn, between: [HQ, vnet-east], routing: $$ospf}]\n", "'routing': expected one of static | bgp");
    check_refused(w + "connections: [{name: c, kind: vpn, between: [HQ, vnet-east], state: $$up}]\n", "'state': expected one of connected | disconnected");
    check_refused(w + "connections: [{name: c, kind: vpn, between: [HQ, vnet-east], local_prefixes: [$$192.168.0.0]}]\n", "expected a CIDR prefix");
    check_refused(w + "connections: [{name: c, kind: vpn, between: [HQ, vnet-east]}, {name: $$c, kind: vpn, between: [HQ, vnet-west]}]\n",
                  "duplicate connection name 'c'");
    check_refused(w + "recovery_plans: [{name: rp, groups: [[db1], [web1, $$db1]]}]\n",
                  "VM 'db1' is already in recovery plan 'rp' (line 27); a VM appears at most once in a plan");
    check_refused(w + "recovery_plans: [{name: rp, groups: [[db1], [$$\"web{1..2}\"]]}]\n", "unknown VM 'web2' (from 'web{1..2}')");
    check_refused(w + "recovery_plans: [{name: rp, groups: [[$$web]]}]\n", "unknown VM 'web' (did you mean 'web1'?)");
    check_refused(w + "recovery_plans: [{name: rp, groups: [$$db1]}]\n", "expected a list of lists of VM names");
    check_refused(w + "recovery_plans: [{name: rp, groups: [[db1]], steps: [{after_group: $$2, manual: x}]}]\n",
                  "'after_group': 2 is past the last group of plan 'rp', which has 1 groups");
    check_refused(w + "recovery_plans: [{name: rp, groups: [[db1]], steps: [{after_group: 1, manual: x, $$script: y}]}]\n",
                  "a plan step has exactly one action; found 'manual' and 'script'");
    check_refused(w + "recovery_plans: [{name: rp, groups: [[db1]], steps: [$${after_group: 1}]}]\n", "a plan step needs one action");
    check_refused(w + "recovery_plans: [{name: rp, groups: [[db1]], steps: [{after_group: 1, connect: $$s2s}]}]\n", "unknown connection 's2s'");
    check_refused(w + "recovery_plans: [{name: rp, groups: [[db1]], steps: [{after_group: 1, subnet_failover: {network: vnet-east, subnet: $$ap}}]}]\n",
                  "network 'vnet-east' has no subnet 'ap' (did you mean 'app'?)");
    check_refused(w + "recovery_plans: [{name: rp, groups: [[db1]], reip: [{from: 10.0.0.0/24, to: $$172.16.0.0/16}]}]\n",
                  "must have the same length as 'from' (10.0.0.0/24)");
    check_refused(w + "recovery_plans: [{name: rp, groups: [[db1]]}, {name: $$rp, groups: []}]\n", "duplicate recovery plan name 'rp'");
    check_refused(w + "clients: [{name: $$web1, site: HQ}]\n", "client name 'web1' is also a VM's name");
    check_refused(w + "clients: [{name: b, site: HQ}, {name: $$b, site: HQ}]\n", "duplicate client name 'b'");
}

TEST_CASE("refused: events and operations") {
    const std::string e = world + "events:\n";
    check_refused(e + "  - {at: 0, $$failovr: {vm: web1}}\n", "unknown key 'failovr' in an event (did you mean 'failover'?)");
    check_refused(e + "  - {at: 0, failover: {vm: web1}, $$commit: {vm: web1}}\n", "exactly one operation; found 'failover' and 'commit'");
    check_refused(e + "  - $${at: 0}\n", "an event needs one operation (map_network, enable_replication, failover, expect, ...); found only 'at'");
    check_refused(e + "  - $${at: 0, expect_error: MAP-CREATE}\n", "found only 'at', 'expect_error'");
    check_refused(e + "  - $${failover: {vm: web1}}\n", "missing required key 'at' in an event");
    check_refused(e + "  - {at: $$soon, failover: {vm: web1}}\n", "'at': expected a duration");
    check_refused(e + "  - {at: $$5, failover: {vm: web1}}\n", "did you mean '5s'?");
    check_refused(e + "  - $$failover\n", "expected a mapping (an event");
    check_refused(e + "  - {at: 0, failover: {vm: web1}, expect_error: $$MAP-CHANGE-REVERSE-FRIST}\n",
                  "unknown rule id 'MAP-CHANGE-REVERSE-FRIST' (did you mean 'MAP-CHANGE-REVERSE-FIRST'?)");
    check_refused(e + "  - {at: 0, expect: {vm: web1, running: true}, $$expect_error: MAP-CREATE}\n", "'expect_error' cannot go with 'expect'");
    check_refused(e + "  - {at: 0, failover: {vm: $$web2}}\n", "unknown VM 'web2' (did you mean 'web1'?)");
    check_refused(e + "  - {at: 0, failover: {vm: web1, $$vms: all}}\n", "exactly one of 'vm', 'recovery_plan' or 'vms'; found 'vm' and 'vms'");
    check_refused(e + "  - {at: 0, failover: $${type: planned}}\n", "'failover' needs its VMs");
    check_refused(e + "  - {at: 0, failover: {vm: web1, $$tpye: planned}}\n", "unknown key 'tpye' in 'failover' (did you mean 'type'?)");
    check_refused(e + "  - {at: 0, failover: {vm: web1, type: $$plannd}}\n", "(did you mean 'planned'?)");
    check_refused(e + "  - {at: 0, failover: $$web1}\n", "expected a mapping ('failover'), found 'web1'");
    check_refused(e + "  - {at: 0, failover: {recovery_plan: $$rp1}}\n", "unknown recovery plan 'rp1' (did you mean 'rp'?)");
    check_refused(e + "  - {at: 0, failover: {vms: $$wbe-*}}\n", "no VM matches pattern 'wbe-*'");
    check_refused(e + "  - {at: 0, failover: {vms: [web1, $$db2]}}\n", "unknown VM 'db2' (did you mean 'db1'?)");
    check_refused(e + "  - {at: 0, failover: {vms: $$[]}}\n", "expected at least one VM name");
    check_refused(e + "  - {at: 0, failover: {vms: {subnet: $$app}}}\n", "'subnet' in a VM selector needs 'network'");
    check_refused(e + "  - {at: 0, failover: {vms: {app: $$shp}}}\n", "no VM has app 'shp' (did you mean 'shop'?)");
    check_refused(e + "  - {at: 0, failover: {vms: {$$ap: shop}}}\n", "unknown key 'ap' in a VM selector (did you mean 'app'?)");
    check_refused(e + "  - {at: 0, enable_replication: $${vm: web1}}\n", "missing required key 'target_site' in 'enable_replication'");
    check_refused(e + "  - {at: 0, enable_replication: {vm: web1, target_site: $$Wst US}}\n", "unknown site 'Wst US' (did you mean 'West US'?)");
    check_refused(e + "  - {at: 0, enable_replication: {vm: web1, target_site: West US, target_network: $$vnet-wset}}\n",
                  "unknown network 'vnet-wset' (did you mean 'vnet-west'?)");
    check_refused(e + "  - {at: 0, enable_replication: {vm: web1, target_site: West US, target_network: vnet-west, target_subnet: $$db}}\n",
                  "network 'vnet-west' has no subnet 'db'");
    check_refused(e + "  - {at: 0, enable_replication: {vm: web1, target_site: West US, target_ip: $$10.1.0}}\n", "'target_ip': expected an IPv4 address");
    check_refused(e + "  - {at: 0, update_replication: {vm: web1, $$target_site: West US}}\n", "unknown key 'target_site' in 'update_replication'");
    check_refused(e + "  - {at: 0, test_failover: {vm: web1, network: $$vnet-west-asr-asr}}\n", "unknown network 'vnet-west-asr-asr'");
    check_refused(e + "  - {at: 0, map_network: {source: vnet-east, target: $$vnet-wes}}\n", "(did you mean 'vnet-west'?)");
    check_refused(e + "  - {at: 0, map_network: $${source: vnet-east}}\n", "missing required key 'target' in 'map_network'");
    check_refused(e + "  - {at: 0, map_network: {source: vnet-east, target: vnet-west, both_directions: $$both}}\n", "expected a boolean");
    check_refused(e + "  - {at: 0, delete_mapping: {source: vnet-east, $$both_directions: true}}\n", "unknown key 'both_directions' in 'delete_mapping'");
    check_refused(e + "  - {at: 0, delete_vm: {vm: web1, instance: $$test}}\n", "'instance': expected one of primary | replica");
    check_refused(e + "  - {at: 0, delete_vm: {$$vms: all}}\n", "unknown key 'vms' in 'delete_vm'");
    check_refused(e + "  - {at: 0, set_vm_network: {vm: web1, network: none, $$subnet: app}}\n", "'subnet' makes no sense with 'network: none'");
    check_refused(e + "  - {at: 0, set_vm_network: $${vm: web1, network: vnet-west}}\n", "missing required key 'subnet' in 'set_vm_network'");
    check_refused(e + "  - {at: 0, dns_update: {vm: web1, $$name: x.example}}\n", "one of 'vm' or 'name', not both");
    check_refused(e + "  - {at: 0, dns_update: {vm: $$db1}}\n", "VM 'db1' has no dns_name to update");
    check_refused(e + "  - {at: 0, dns_update: $${}}\n", "'dns_update' needs 'vm'");
    check_refused(e + "  - {at: 0, subnet_failover: {network: vnet-east, subnet: $$apps, to_site: West US}}\n", "(did you mean 'app'?)");
    check_refused(e + "  - {at: 0, subnet_failover: {network: vnet-east, subnet: app, to_site: $$Wset US}}\n", "unknown site 'Wset US'");
    check_refused(e + "  - {at: 0, broadcast_storm: {network: hq-net, subnet: lan, duration: $$forever}}\n", "'duration': expected a duration");
    check_refused(e + "  - {at: 0, update_routes: {$$now: true}}\n", "unknown key 'now' in 'update_routes'");
    check_refused(e + "  - {at: 0, create_resources: {vm: web1, resources: [$$lb]}}\n", "'resources': expected one of nsg | public_ip");
    check_refused(e + "  - {at: 0, create_resources: {vm: web1, resources: $$[]}}\n", "expected at least one resource");
    check_refused(e + "  - {at: 0, create_resources: $${vm: web1}}\n", "missing required key 'resources' in 'create_resources'");
    check_refused(e + "  - {at: 0, expect: {vm: web1, health: $$slow}}\n", "'health': expected one of normal | degraded");
    check_refused(e + "  - {at: 0, connect: {connection: $$s2}}\n", "unknown connection 's2' (did you mean 's2s'?)");
    check_refused(e + "  - {at: 0, disconnect: {$$conection: s2s}}\n", "(did you mean 'connection'?)");
    check_refused(e + "  - {at: 0, site_down: {site: $$HQ2}}\n", "unknown site 'HQ2' (did you mean 'HQ'?)");
    check_refused(e + "  - {at: 0, site_down: $$HQ}\n", "expected a mapping ('site_down'), found 'HQ'");
    check_refused(e + "  - {at: 0, peering_location_down: {peering_location: $$Washington}}\n",
                  "unknown peering location (of any circuit) 'Washington' (did you mean 'Washington DC'?)");
}

TEST_CASE("refused: checks") {
    const std::string e = world + "events:\n";
    check_refused(e + "  - {at: 0, expect: {vm: web1, $$runing: true}}\n", "unknown key 'runing' in a check (did you mean 'running'?)");
    check_refused(e + "  - {at: 0, expect: {vm: web1, running: true, $$reachable: {from: branch, to: web1}}}\n",
                  "a check is exactly one of vm, mapping, network_exists, reachable, downtime; found 'vm' and 'reachable'");
    check_refused(e + "  - {at: 0, expect: $${site: HQ}}\n", "a check needs one of vm, mapping");
    check_refused(e + "  - {at: 0, expect: $${vm: web1}}\n", "a VM check needs at least one of site, network, subnet, ip, state, running, exists");
    check_refused(e + "  - {at: 0, expect: {vm: web1, state: $$failedover}}\n", "(did you mean 'failed_over'?)");
    check_refused(e + "  - {at: 0, expect: {vm: web1, instance: $$replca, running: true}}\n", "(did you mean 'replica'?)");
    check_refused(e + "  - {at: 0, expect: {vm: web1, nic: $$17, running: true}}\n", "'nic': 17 is out of range (at most 16)");
    check_refused(e + "  - {at: 0, expect: {vm: web1, nic: $$1, running: true}}\n", "VM 'web1' has 1 NIC(s); NICs count from 0");
    check_refused(e + "  - {at: 0, expect: {vm: web1, network: $$vnet-eas}}\n", "unknown network 'vnet-eas' (did you mean 'vnet-east'?)");
    check_refused(e + "  - {at: 0, expect: {vm: web1, network: vnet-west, subnet: $$db}}\n", "network 'vnet-west' has no subnet 'db'");
    check_refused(e + "  - {at: 0, expect: {vm: web1, subnet: $$lna}}\n", "no network has a subnet 'lna' (did you mean 'lan'?)");
    check_refused(e + "  - {at: 0, expect: {vm: web1, site: $$Est US}}\n", "unknown site 'Est US' (did you mean 'East US'?)");
    check_refused(e + "  - {at: 0, expect: {vm: web1, ip: $$10.0.0.300}}\n", "'ip': expected an IPv4 address");
    check_refused(e + "  - {at: 0, expect: {vm: web1, running: $$1}}\n", "'running': expected a boolean (true or false), found '1'");
    check_refused(e + "  - {at: 0, expect: {reachable: {from: $$brnch, to: web1}}}\n", "unknown client or VM 'brnch' (did you mean 'branch'?)");
    check_refused(e + "  - {at: 0, expect: {reachable: {from: branch, to: $$web-1}}}\n",
                  "'to': expected a VM name or an IPv4 address, found 'web-1' (did you mean 'web1'?)");
    check_refused(e + "  - {at: 0, expect: {reachable: $${from: branch}}}\n", "missing required key 'to' in 'reachable'");
    check_refused(e + "  - {at: 0, expect: {reachable: {from: branch, to: web1}, value: $$maybe}}\n", "'value': expected a boolean");
    check_refused(e + "  - {at: 0, expect: {mapping: $${source: vnet-east}}}\n", "missing required key 'target' in 'mapping'");
    check_refused(e + "  - {at: 0, expect: {network_exists: vnet-east, $$vm: web1}}\n", "found 'network_exists' and 'vm'");
    check_refused(e + "  - {at: 0, expect: {mapping: {source: a, target: b}, $$value: true}}\n", "unknown key 'value' in a mapping check");
    check_refused(e + "  - {at: 1h, expect: {$$downtime: {vm: web1, max: 5m}}}\n", "'downtime' is checked only at 'at: end'");
    check_refused(e + "  - {at: end, expect: {downtime: {vm: web1, $$app: shop, max: 5m}}}\n", "one of 'vm' or 'app', not both");
    check_refused(e + "  - {at: end, expect: {downtime: $${vm: web1}}}\n", "missing required key 'max' in 'downtime'");
    check_refused(e + "  - {at: end, expect: {downtime: {app: $$shap, max: 5m}}}\n", "no VM has app 'shap' (did you mean 'shop'?)");
    check_refused(e + "  - {at: end, expect: {downtime: {vm: web1, from: $$-1m, max: 5m}}}\n", "'from': expected a duration");
    check_refused(e + "  - {at: 0, expect: $$[]}\n", "expected at least one check");
    check_refused(e + "  - {at: 0, expect: [{vm: web1, running: true}, $$web1]}\n", "expected a mapping (a check");
}

TEST_CASE("accepted: names that events may use although not declared") {
    Scenario s = load_scenario_text(world + R"(events:
  - {at: 0, map_network: {source: vnet-east-asr, target: vnet-east}}
  - {at: 0, enable_replication: {vm: web1, target_site: West US, target_network: vnet-east-asr, target_subnet: db}}
  - {at: 0, expect: {mapping: {source: no-such-net, target: none}}}
  - {at: 0, expect: {network_exists: vnet-west-asr}}
  - {at: 0, expect: {vm: web1, network: vnet-east-asr, subnet: db}}
  - {at: 0, expect: {reachable: {from: web1, to: 10.9.9.9}}}
  - {at: 0, enable_replication: {vm: web1, target_site: West US, target_subnet: anything}}
)", "asr.yaml");
    REQUIRE(s.events.size() == 7);
    CHECK(s.events[0].op.source == "vnet-east-asr");
    CHECK(s.events[1].op.target_network == "vnet-east-asr");
    CHECK(s.events[4].expects[0].network == "vnet-east-asr");
    CHECK(s.events[6].op.target_subnet == "anything");
    // The runtime rule PLAN-MAX-VMS is not a load-time refusal.
    std::string big = topology + "vms:\n  - {name: \"v{1..150}\", site: East US, nics: [{network: vnet-east, subnet: app}]}\n"
                                 "recovery_plans:\n  - {name: big, groups: [[\"v{1..150}\"]]}\n";
    CHECK(load_scenario_text(big, "big.yaml").recovery_plans[0].groups[0].size() == 150);
}

TEST_CASE("an unreadable file is an InputError naming it, at line 0") {
    const std::string missing = "/nonexistent/dir/scenario.yaml";
    try {
        load_scenario_file(missing);
        FAIL_CHECK("loaded a missing file");
    } catch (const InputError& e) {
        CHECK(e.file() == missing);
        CHECK(e.line() == 0);
        CHECK(std::string{e.what()}.find(missing) != std::string::npos);
        CHECK(e.message().find("cannot read") != std::string::npos);
    }
    try {
        load_scenario_file(DRSIM_SOURCE_DIR "/tests");
        FAIL_CHECK("loaded a directory");
    } catch (const InputError& e) {
        CHECK(e.line() == 0);
        CHECK(e.message().find("directory") != std::string::npos);
    }
}

TEST_CASE("no input crashes the loader or escapes as another exception") {
    // Truncations and byte flips of a valid scenario: each must load or raise InputError only.
    const std::string base = world + "events:\n  - {at: 1h, failover: {vm: web1}}\n  - {at: end, expect: {downtime: {app: shop, max: 1h}}}\n";
    int refused = 0;
    for (std::size_t cut = 0; cut < base.size(); cut += 7) {
        for (const std::string& text : {base.substr(0, cut), base.substr(0, cut) + "\x01" + base.substr(cut + 1),
                                        base.substr(0, cut) + "{" + base.substr(cut), base.substr(0, cut) + "\t" + base.substr(cut)}) {
            try {
                load_scenario_text(text, "fuzz.yaml");
            } catch (const InputError& e) {
                ++refused;
                CHECK(e.line() >= 1);
            } catch (const std::exception& e) {
                FAIL_CHECK("non-InputError exception: " << e.what());
            }
        }
    }
    CHECK(refused > 0);
}

TEST_CASE("the malformed battery: every file is refused where its comment says") {
    namespace fs = std::filesystem;
    const fs::path dir = fs::path(DRSIM_SOURCE_DIR) / "tests" / "malformed";
    REQUIRE(fs::is_directory(dir));
    const std::regex header(R"(^# expect-error: (\d+):(\d+): (.+)$)");
    int files = 0;
    for (const auto& entry : fs::directory_iterator(dir)) {
        if (entry.path().extension() != ".yaml") continue;
        ++files;
        std::ifstream in(entry.path());
        std::string first_line;
        std::getline(in, first_line);
        std::smatch m;
        CAPTURE(entry.path().string());
        REQUIRE_MESSAGE(std::regex_match(first_line, m, header), "first line is not '# expect-error: L:C: fragment'");
        int line = std::stoi(m[1]);
        int column = std::stoi(m[2]);
        std::string fragment = m[3];
        try {  // as `drsim validate` reads it: the base, then each variant
            const ScenarioDocument doc = ScenarioDocument::from_file(entry.path().string());
            doc.load();
            for (const auto& v : doc.variants()) doc.load(v.name);
            FAIL_CHECK("loaded without error");
        } catch (const InputError& e) {
            const std::string what = e.what();
            CAPTURE(what);
            CHECK(e.file() == entry.path().string());
            CHECK(e.line() == line);
            CHECK(e.column() == column);
            CHECK_MESSAGE(what.find(fragment) != std::string::npos, "message lacks: " << fragment);
        }
    }
    CHECK(files >= 25);
}

TEST_CASE("performance: 10,000 explicit VMs and a 100,000-VM compact entry load (bounded even in Debug)") {
    std::string many = topology.substr(0, topology.find("networks:")) +
                       "networks:\n  - {name: big, site: East US, address_space: [10.0.0.0/8], subnets: [{name: s, prefix: 10.0.0.0/8}]}\nvms:\n";
    for (int i = 0; i < 10000; ++i)
        many += "  - {name: vm" + std::to_string(i) + ", site: East US, nics: [{network: big, subnet: s, ip: 10.0." +
                std::to_string(i / 250) + "." + std::to_string(4 + i % 250) + "}]}\n";
    auto t0 = std::chrono::steady_clock::now();
    Scenario s = load_scenario_text(many, "many.yaml");
    auto t1 = std::chrono::steady_clock::now();
    CHECK(s.vms.size() == 10000);
    CHECK(s.nic_ip(s.vms[9999], 0) == ip("10.0.39.253"));
    std::string compact = topology.substr(0, topology.find("networks:")) +
                          "networks:\n  - {name: big, site: East US, subnets: [{name: s, prefix: 10.0.0.0/8}]}\n"
                          "vms:\n  - {name: \"vm{000001..100000}\", site: East US, dns_name: \"vm{n}.example\", nics: [{network: big, subnet: s, ip: 10.0.0.4}]}\n";
    Scenario c = load_scenario_text(compact, "compact.yaml");
    auto t2 = std::chrono::steady_clock::now();
    REQUIRE(c.vms.size() == 100000);
    CHECK(c.vms[99999].name == "vm100000");
    CHECK(c.vms[99999].dns_name == "vm100000.example");
    CHECK(c.nic_ip(c.vms[99999], 0) == Ipv4Address{ip("10.0.0.4").value() + 99999});
    CHECK(c.dns_names.find("vm100000.example") == 99999u);
    MESSAGE("10,000 explicit VMs: " << std::chrono::duration<double>(t1 - t0).count() << " s; 100,000 compact VMs: "
                                    << std::chrono::duration<double>(t2 - t1).count() << " s (this build)");
    // Generous bounds: this test also runs in Debug with sanitizers; the Release figures are far lower.
    CHECK(std::chrono::duration<double>(t1 - t0).count() < 20.0);
    CHECK(std::chrono::duration<double>(t2 - t1).count() < 20.0);
}


// ---------------------------------------------------------------------------------------------
// The located tree the reader builds: what is a null, a plain or a quoted scalar, and where nodes are.

TEST_CASE("the YAML tree: nulls, plain and quoted scalars, positions") {
    const std::string text =
        "a:\nb: ~\nc: null\nd: NULL\ne: Null\nf: ''\ng: !!str null\nh: |\n  text\ni: >\n  folded\nj: ! x\n"
        "k: &anchor v\nl: [1, {m: 'it''s'}, \"q\\tw\"]\nn:\n  - \n  - x\n";
    YamlNode root = parse_yaml_document(text, "t.yaml");
    REQUIRE(root.is_mapping());
    REQUIRE(root.entry_count() == 13);
    CHECK(root.loc.line == 1);
    CHECK(root.loc.column == 1);
    for (const char* key : {"a", "b", "c", "d", "e"}) {
        CAPTURE(key);
        CHECK(root.find(key)->is_null());
    }
    // An empty value is where it would have been written: right after its indicator.
    CHECK(root.find("a")->loc.line == 1);
    CHECK(root.find("a")->loc.column == 3);
    auto quoted = [&](const char* key, const std::string& value) {
        CAPTURE(key);
        const YamlNode* node = root.find(key);
        REQUIRE(node);
        CHECK(node->is_scalar());
        CHECK(node->quoted);
        CHECK(node->text == value);
    };
    quoted("f", "");
    quoted("g", "null");
    quoted("h", "text\n");
    quoted("i", "folded\n");
    quoted("j", "x");
    const YamlNode& k = *root.find("k");
    CHECK((k.is_scalar() && !k.quoted && k.text == "v"));
    CHECK(k.loc.line == 13);
    CHECK(k.loc.column == 4);  // at the anchor, where the node starts
    const YamlNode& l = *root.find("l");
    REQUIRE(l.is_sequence());
    REQUIRE(l.items.size() == 3);
    CHECK((l.items[0].text == "1" && !l.items[0].quoted));
    CHECK(l.items[1].is_mapping());
    CHECK(l.items[1].loc.column == 8);
    CHECK(l.items[1].value(0).text == "it's");
    CHECK(l.items[2].text == "q\tw");
    const YamlNode& n = *root.find("n");
    REQUIRE(n.is_sequence());
    CHECK(n.items[0].is_null());
    CHECK(n.items[0].loc.line == 16);
    CHECK((n.items[1].is_scalar() && n.items[1].text == "x"));
    // A key's position is the key's first character; columns count characters, not bytes.
    YamlNode utf8 = parse_yaml_document("\xc3\xa9t\xc3\xa9: x\n", "u.yaml");
    CHECK(utf8.key(0).text == "\xc3\xa9t\xc3\xa9");
    CHECK(utf8.value(0).loc.column == 6);
    // A byte-order mark and CRLF line ends are fine.
    YamlNode bom = parse_yaml_document("\xef\xbb\xbf" "a: b\r\nc: d\r\n", "bom.yaml");
    CHECK(bom.find("c")->text == "d");
    CHECK(bom.key(1).loc.line == 2);
}

TEST_CASE("the errors of a file are reported together, without the ones that follow from them") {
    // The VM web9 is refused (its subnet is unknown); the event naming web9 follows from that and is
    // not reported; the event with a misspelt operation and the bad client are.
    const std::string text = world.substr(0, world.find("circuits:")) +
                             "  - {name: web9, site: East US, nics: [{network: vnet-east, subnet: apps}]}\n"
                             "clients:\n  - {name: branch, site: HQQ}\n"
                             "events:\n"
                             "  - at: 1h\n    failover: {vm: web9}\n"
                             "  - at: 2h\n    failovr: {vm: web1}\n";
    try {
        load_scenario_text(text, "f.yaml");
        FAIL("loaded without error");
    } catch (const InputError& e) {
        CHECK(e.message().find("has no subnet 'apps'") != std::string::npos);
        REQUIRE(e.following().size() == 2);
        CHECK(e.following()[0].message().find("unknown site 'HQQ'") != std::string::npos);
        CHECK(e.following()[1].message().find("unknown key 'failovr'") != std::string::npos);
        CHECK_FALSE(e.truncated());
    }
}

TEST_CASE("a list emptied because its only item was refused is not reported empty") {
    try {
        load_scenario_text("scenario: x\nsites:\n  - {name: Oslo, kind: azur}\n", "f.yaml");
        FAIL("loaded without error");
    } catch (const InputError& e) {
        CHECK(e.message().find("'azur'") != std::string::npos);
        CHECK(e.following().empty());
    }
    try {  // a list empty as written still is
        load_scenario_text("scenario: x\nsites: []\n", "f.yaml");
        FAIL("loaded without error");
    } catch (const InputError& e) {
        CHECK(e.message().find("expected at least one site") != std::string::npos);
    }
}

TEST_CASE("at most max_errors_per_file errors are reported for one file") {
    std::string text = topology + "vms:\n";
    for (int i = 0; i < 30; ++i) text += "  - {name: v" + std::to_string(i) + ", site: Nowhere}\n";
    try {
        load_scenario_text(text, "f.yaml");
        FAIL("loaded without error");
    } catch (const InputError& e) {
        CHECK(e.following().size() + 1 == max_errors_per_file);
        CHECK(e.truncated());
        CHECK(e.following().back().line() == e.line() + static_cast<int>(max_errors_per_file) - 1);
    }
}
