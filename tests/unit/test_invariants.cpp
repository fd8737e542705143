// Invariants of the world, checked at the end of every simulated instant of 1,000 random valid
// scenarios (two generators: VMM on premises with paired and stretched subnets; Azure-to-Azure with
// ExpressRoute circuits and overlapping ranges), whatever their operations were refused or not:
// - no address is held twice in one network;
// - a NIC's address lies in its subnet's usable range;
// - subnets of one prefix on premises are active at one site, unless stretched;
// - a circuit is never connected to two networks whose address spaces overlap;
// and, over each run's log, Azure's allowedOperations (world/azure_terms) agree with drsim's rules:
// an operation accepted on a VM was allowed in the situation before it, and one refused for its
// state was not.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <sstream>
#include <string>

#include "sim/rules/rule_catalogue.hpp"
#include "sim/run/simulation.hpp"
#include "sim/world/azure_terms.hpp"
#include "sim/scenario/scenario_loader.hpp"

using namespace drsim;

namespace {

using Rng = std::mt19937_64;
int pick(Rng& rng, int n) { return static_cast<int>(rng() % static_cast<std::uint64_t>(n)); }

// VMM to VMM: sites A and B with paired networks of the same prefixes (one subnet stretched), a
// branch on VPNs, random life-cycle and connectivity operations.
std::string vmm_scenario(Rng& rng) {
    std::ostringstream y;
    y << "scenario: random vmm\nfabric: vmm-to-vmm\nallow_refusals: true\n"
      << "timing: {initial_replication: " << 1 + pick(rng, 20) << "m, failover: " << 1 + pick(rng, 5) << "m, vm_boot: "
      << pick(rng, 3) << "m}\n"
      << "sites: [{name: A, kind: onprem}, {name: B, kind: onprem}, {name: br, kind: onprem}]\n"
      << "logical_networks: [{name: la, site: A}, {name: lb, site: B}]\n"
      << "clouds: [{name: ca, site: A, logical_networks: [la], protected_by: cb}, {name: cb, site: B, logical_networks: [lb], protected_by: ca}]\n"
      << "networks:\n";
    for (const char* side : {"a", "b"}) {
        y << "  - {name: net-" << side << ", site: " << (side[0] == 'a' ? "A" : "B") << ", logical_network: l" << side
          << ", subnets: [";
        for (int k = 0; k < 3; ++k)
            y << (k ? ", " : "") << "{name: s" << k << ", prefix: 10.0." << k << ".0/28"
              << (k == 2 && side[0] == 'a' ? ", stretched_to: B" : "") << (k == 1 ? ", pool: 10.0.1.2-10.0.1.9" : "") << "}";
        y << "]}\n";
    }
    y << "vms:\n";
    for (int v = 0; v < 8; ++v)
        y << "  - {name: vm" << v << ", site: A, cloud: ca, app: app" << v % 3 << ", nics: [{network: net-a, subnet: s" << v % 3
          << (pick(rng, 3) == 0 ? "" : ", ip: 10.0." + std::to_string(v % 3) + "." + std::to_string(2 + v)) << "}]}\n";
    y << "connections: [{name: c1, kind: vpn, between: [br, A]}, {name: c2, kind: vpn, between: [br, B], routing: "
      << (pick(rng, 2) ? "static" : "bgp") << "}]\n"
      << "clients: [{name: users, site: br}]\n"
      << "events:\n  - at: 0\n    map_network: {source: net-a, target: net-b}\n"
      << "  - at: 1m\n    enable_replication: {vms: all, target_site: B}\n";
    int t = 2;
    for (int e = 0; e < 25; ++e) {
        t += pick(rng, 15);
        const std::string vm = "vm" + std::to_string(pick(rng, 8));
        y << "  - at: " << t << "m\n    ";
        switch (pick(rng, 12)) {
            case 0: y << "failover: {vm: " << vm << ", type: " << (pick(rng, 2) ? "planned" : "unplanned") << "}\n"; break;
            case 1: y << "test_failover: {vm: " << vm << "}\n"; break;
            case 2: y << "cleanup_test_failover: {vm: " << vm << "}\n"; break;
            case 3: y << "commit: {vm: " << vm << "}\n"; break;
            case 4: y << "reprotect: {vm: " << vm << "}\n"; break;
            case 5: y << "failback: {vm: " << vm << "}\n"; break;
            case 6: y << "site_down: {site: " << (pick(rng, 2) ? "A" : "B") << "}\n"; break;
            case 7: y << "site_up: {site: " << (pick(rng, 2) ? "A" : "B") << "}\n"; break;
            case 8: y << "subnet_failover: {network: net-a, subnet: s" << pick(rng, 2) << ", to_site: " << (pick(rng, 2) ? "A" : "B") << "}\n"; break;
            case 9: y << "set_vm_network: {vm: " << vm << ", network: net-a, subnet: s" << pick(rng, 3) << "}\n"; break;
            case 10: y << "broadcast_storm: {network: net-a, subnet: s2, duration: " << 1 + pick(rng, 5) << "m}\n"; break;
            default: y << "update_routes: {}\n"; break;
        }
    }
    return y.str();
}

// Azure to Azure: two regions whose networks share a range (and one that does not), one circuit,
// connect and disconnect at random, failovers and test failovers.
std::string a2a_scenario(Rng& rng) {
    std::ostringstream y;
    y << "scenario: random a2a\nfabric: azure-to-azure\nallow_refusals: true\n"
      << "timing: {initial_replication: " << 1 + pick(rng, 20) << "m, failover: " << 1 + pick(rng, 5) << "m}\n"
      << "sites: [{name: East, kind: azure, geo: US}, {name: West, kind: azure, geo: US}, {name: HQ, kind: onprem}]\n"
      << "networks:\n"
      << "  - {name: prod, site: East, address_space: [10.5.0.0/16], subnets: [{name: app, prefix: 10.5.1.0/29}, {name: db, prefix: 10.5.2.0/29}]}\n"
      << "  - {name: dr, site: West, address_space: [10.5.0.0/16], subnets: [{name: app, prefix: 10.5.1.0/29}]}\n"
      << "  - {name: other, site: West, address_space: [10.6.0.0/16], subnets: [{name: app, prefix: 10.6.1.0/29}]}\n"
      << "circuits: [{name: er, site: East, peering_location: DC, premium: true}]\n"
      << "connections:\n  - {name: hq-er, kind: expressroute, between: [HQ, er]}\n"
      << "  - {name: er-prod, kind: expressroute, between: [er, prod]}\n"
      << "  - {name: er-dr, kind: expressroute, between: [er, dr], state: disconnected}\n"
      << "  - {name: er-other, kind: expressroute, between: [er, other], state: disconnected}\n"
      << "vms:\n";
    for (int v = 0; v < 6; ++v)
        y << "  - {name: vm" << v << ", site: East, nics: [{network: prod, subnet: " << (v % 2 ? "app" : "db")
          << (pick(rng, 3) == 0 ? "" : ", ip: 10.5." + std::to_string(1 + v % 2 == 1 ? 2 : 1) + "." + std::to_string(4 + v / 2)) << "}]}\n";
    y << "clients: [{name: users, site: HQ}]\n"
      << "events:\n  - at: 0\n    map_network: {source: prod, target: " << (pick(rng, 2) ? "dr" : "other") << "}\n"
      << "  - at: 1m\n    enable_replication: {vms: all, target_site: West}\n";
    const char* conns[] = {"er-prod", "er-dr", "er-other"};
    int t = 2;
    for (int e = 0; e < 25; ++e) {
        t += pick(rng, 15);
        const std::string vm = "vm" + std::to_string(pick(rng, 6));
        y << "  - at: " << t << "m\n    ";
        switch (pick(rng, 9)) {
            case 0:
            case 1: y << "connect: {connection: " << conns[pick(rng, 3)] << "}\n"; break;
            case 2: y << "disconnect: {connection: " << conns[pick(rng, 3)] << "}\n"; break;
            case 3: y << "failover: {vm: " << vm << ", type: " << (pick(rng, 2) ? "planned" : "unplanned") << "}\n"; break;
            case 4: y << "test_failover: {vm: " << vm << "}\n"; break;
            case 5: y << "cleanup_test_failover: {vm: " << vm << "}\n"; break;
            case 6: y << "site_down: {site: " << (pick(rng, 2) ? "East" : "West") << "}\n"; break;
            case 7: y << "site_up: {site: " << (pick(rng, 2) ? "East" : "West") << "}\n"; break;
            default: y << "commit: {vm: " << vm << "}\n"; break;
        }
    }
    return y.str();
}

bool overlap(const std::vector<Ipv4Prefix>& a, const std::vector<Ipv4Prefix>& b) {
    for (const auto& x : a)
        for (const auto& y : b)
            if (x.contains(y) || y.contains(x)) return true;
    return false;
}

// Every invariant of the world now; the first broken one, or "".
std::string broken(const World& w) {
    // Addresses: one holder per network, inside the subnet's usable range.
    std::set<std::pair<Id, std::uint32_t>> held;
    for (const Vm& vm : w.vms)
        for (const Instance& inst : vm.instances) {
            if (!inst.exists) continue;
            for (const NicBinding& nic : inst.nics) {
                if (!nic.ip || nic.network == kNone) continue;
                if (!held.insert({nic.network, nic.ip->value()}).second)
                    return nic.ip->to_string() + " held twice in " + w.networks[nic.network].name;
                if (nic.subnet != kNone && !w.subnets[nic.subnet].usable.contains(*nic.ip))
                    return vm.name + "'s " + nic.ip->to_string() + " is outside the usable range of " + w.subnets[nic.subnet].name;
            }
        }
    // On premises, subnets of one prefix are active at one site (a stretched one at both: skipped).
    std::map<std::uint64_t, std::set<Id>> active;
    for (Id s = 0; s < w.subnets.size(); ++s) {
        const Subnet& sub = w.subnets[s];
        if (w.sites[w.networks[sub.network].site].kind != SiteKind::onprem || sub.stretched_to != kNone) continue;
        bool stretched_pair = false;
        for (Id o = 0; o < w.subnets.size(); ++o)
            if (w.subnets[o].prefix == sub.prefix && w.subnets[o].stretched_to != kNone) stretched_pair = true;
        if (stretched_pair) continue;
        active[(std::uint64_t{sub.prefix.network().value()} << 8) | static_cast<std::uint64_t>(sub.prefix.length())].insert(w.network.active_site(s));
    }
    for (const auto& [prefix, sites] : active)
        if (sites.size() > 1) return "a prefix is active at " + std::to_string(sites.size()) + " sites";
    // A circuit is never on two overlapping networks at once.
    for (const Circuit& circuit : w.circuits) {
        std::vector<Id> networks;
        for (Id c = 0; c < w.connections.size(); ++c) {
            const Connection& conn = w.connections[c];
            if (conn.kind != ConnectionKind::expressroute || !w.network.connected(c)) continue;
            for (int end = 0; end < 2; ++end)
                if (conn.ends[end] == circuit.vertex)
                    for (Id n = 0; n < w.networks.size(); ++n)
                        if (w.networks[n].vertex == conn.ends[1 - end]) networks.push_back(n);
        }
        for (std::size_t i = 0; i < networks.size(); ++i)
            for (std::size_t j = i + 1; j < networks.size(); ++j)
                if (overlap(w.networks[networks[i]].address_space, w.networks[networks[j]].address_space))
                    return circuit.name + " is connected to " + w.networks[networks[i]].name + " and " + w.networks[networks[j]].name +
                           ", which overlap";
    }
    return "";
}

// Rules that refuse an operation for the replication's state (not for a site, a network or an
// address): Azure's allowedOperations would not list it.
bool state_rule(Rule r) {
    switch (r) {
        case Rule::StateNotAllowed:
        case Rule::CommitNeedsFailover:
        case Rule::ReprotectNeedsCommit:
        case Rule::TfoCleanupFirst:
        case Rule::TfoOneAtATime:
        case Rule::FoNeedsRecoveryPoint:
        case Rule::JobInProgress: return true;
        default: return false;
    }
}

// The first record whose outcome disagrees with the allowedOperations before it; "" when none.
// Counts the operations checked in `checked`.
std::string azure_disagreement(const Simulation& sim, int& checked) {
    std::map<std::string, AzureKey> before;  // per VM: the key after its last record
    for (const LogRecord& r : sim.log()) {
        if (r.azure_after == kNoAzureKey) continue;
        const AzureKey was = before.count(sim.world().render(r.target())) ? before[sim.world().render(r.target())] : azure_key(Replication{});
        before[sim.world().render(r.target())] = r.azure_after;
        if (r.phase == Phase::done || r.op() == "failback" || r.op() == "enable_replication") continue;
        const std::string_view name = azure_operation(r.op(), false);
        if (name.empty()) continue;
        if (r.refused_by() && !state_rule(*r.refused_by())) continue;  // refused for another reason
        const auto& allowed = azure_view(was).allowed_operations;
        const bool listed = std::find(allowed.begin(), allowed.end(), name) != allowed.end();
        ++checked;
        if (listed == r.refused_by().has_value())
            return std::string{r.op()} + " " + sim.world().render(r.target()) + " at " + std::to_string(r.time) + " ms was " +
                   (r.refused_by() ? "refused by " + std::string{rule_id(*r.refused_by())} : std::string{"accepted"}) + ", but " +
                   std::string{name} + (listed ? " is" : " is not") + " in allowedOperations of " +
                   std::string{azure_view(was).protection_state};
    }
    return "";
}

}  // namespace

TEST_CASE("1,000 random scenarios keep the world's invariants at every instant") {
    int instants = 0;
    int azure_checked = 0;
    for (std::uint64_t seed = 1; seed <= 1000; ++seed) {
        Rng rng(seed);
        const std::string text = seed % 2 ? vmm_scenario(rng) : a2a_scenario(rng);
        CAPTURE(seed);
        std::unique_ptr<Scenario> scenario;
        try {
            scenario = std::make_unique<Scenario>(load_scenario_text(text, "random.yaml"));
        } catch (const std::exception& e) {
            FAIL("the generator wrote an invalid scenario: " << e.what() << "\n" << text);
        }
        Simulation sim(*scenario);
        std::string first;
        sim.on_instant([&] {
            ++instants;
            if (first.empty()) first = broken(sim.world());
        });
        sim.run();
        if (!first.empty()) FAIL_CHECK(first << "\n" << text);
        if (const std::string azure = azure_disagreement(sim, azure_checked); !azure.empty()) FAIL_CHECK(azure << "\n" << text);
    }
    CHECK(instants > 10000);  // the checks ran, many times
    CHECK(azure_checked > 5000);
}
