// The reachability record (sim/run/reachability_record) against a trivially correct reference: after
// random runs of faults, connections, subnet failovers, route updates, failovers, address changes
// and DNS updates (dynamic or manual registration, TTLs of their own), what the record
// says each client sees of each app and VM must be what probing every VM from every client says.
// The record is computed incrementally (per client site, per prefix whose routes changed, per VM
// that changed), so a missed change shows as a disagreement here.
#include <doctest/doctest.h>

#include <memory>
#include <random>
#include <sstream>
#include <string>

#include "sim/routing/reachability.hpp"
#include "sim/run/simulation.hpp"
#include "sim/scenario/scenario_loader.hpp"

using namespace drsim;

namespace {

// A retain-IP world: two on-premises sites with paired subnets (one stretched), three branches on
// VPNs to both (some static), clients at the branches and at a main site; random events after.
// The world, and the random events as separate texts so that a run can stop after any of them.
struct RandomRun {
    std::string world;
    std::vector<std::string> events;
    std::string text(std::size_t count) const {
        std::string out = world;
        for (std::size_t i = 0; i < count && i < events.size(); ++i) out += events[i];
        return out;
    }
};

RandomRun random_scenario(std::mt19937_64& rng) {
    auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<std::uint64_t>(n)); };
    std::ostringstream y;
    y << "scenario: random reachability\nfabric: vmm-to-vmm\n"
      << "timing: {initial_replication: 10m, failover: 2m, vm_boot: 1m, route_convergence: 30s}\n"
      << "sites:\n  - {name: A, kind: onprem}\n  - {name: B, kind: onprem}\n";
    for (int b = 0; b < 3; ++b) y << "  - {name: br" << b << ", kind: onprem}\n";
    y << "networks:\n";
    for (const char* side : {"A", "B"}) {
        y << "  - name: net-" << side << "\n    site: " << side << "\n    subnets:\n";
        for (int k = 0; k < 4; ++k) {
            y << "      - {name: s" << k << ", prefix: 10.0." << k << ".0/24";
            if (k == 3 && std::string{side} == "A") y << ", stretched_to: B";
            y << "}\n";
        }
    }
    y << "vms:\n";
    // Most VMs are reached by name (SPEC §8), some with their own TTL.
    const char* ttls[] = {"", "", ", dns_ttl: 0s", ", dns_ttl: 30s", ", dns_ttl: 2m"};
    for (int v = 0; v < 10; ++v) {
        y << "  - {name: vm" << v << ", site: A, app: app" << v % 4;
        if (pick(3) != 0) y << ", dns_name: vm" << v << ".example" << ttls[pick(5)];
        y << ", nics: [{network: net-A, subnet: s" << v % 4 << ", ip: 10.0." << v % 4 << "." << 10 + v << "}]}\n";
    }
    // On the stretched subnet at B from the start: reached through A or B alike.
    y << "  - {name: vmb, site: B, app: app3, nics: [{network: net-B, subnet: s3, ip: 10.0.3.50}]}\n";
    y << "  - {name: lone, site: A, nics: [{network: net-A, subnet: s1, ip: 10.0.1.99}]}\n";
    y << "connections:\n";
    for (int b = 0; b < 3; ++b)
        for (const char* side : {"A", "B"})
            y << "  - {name: c" << b << side << ", kind: vpn, between: [br" << b << ", " << side << "], routing: "
              << (pick(3) == 0 ? "static" : "bgp") << (pick(4) == 0 ? ", state: disconnected" : "") << "}\n";
    y << "dns: {ttl: " << 1 + pick(3) << "m, registration: " << (pick(2) ? "dynamic" : "manual") << "}\n";
    y << "clients:\n";
    for (int c = 0; c < 5; ++c) y << "  - {name: cl" << c << ", site: " << (c == 4 ? "A" : "br" + std::to_string(c % 3)) << "}\n";
    y << "events:\n  - at: 0\n    map_network: {source: net-A, target: net-B}\n"
      << "  - at: 1m\n    enable_replication: {vms: all, target_site: B}\n";
    RandomRun run;
    run.world = "allow_refusals: true\n" + y.str();
    int t = 20;  // minutes
    for (int e = 0; e < 30; ++e) {
        t += pick(3) * (pick(2) ? 1 : 0) + (pick(4) == 0 ? 0 : 1);  // some events share an instant
        y.str("");
        y << "  - at: " << t << "m\n    ";
        switch (pick(11)) {
            case 0: y << "site_down: {site: " << (pick(2) ? "A" : "B") << "}\n"; break;
            case 1: y << "site_up: {site: " << (pick(2) ? "A" : "B") << "}\n"; break;
            case 2: y << "connect: {connection: c" << pick(3) << (pick(2) ? "A" : "B") << "}\n"; break;
            case 3: y << "disconnect: {connection: c" << pick(3) << (pick(2) ? "A" : "B") << "}\n"; break;
            case 4: y << "subnet_failover: {network: net-A, subnet: s" << pick(3) << ", to_site: " << (pick(2) ? "A" : "B") << "}\n"; break;
            case 5: y << "update_routes: {}\n"; break;
            case 6: y << "failover: {vm: vm" << pick(10) << ", type: unplanned}\n"; break;
            case 7: y << "broadcast_storm: {network: net-A, subnet: s3, duration: " << 1 + pick(3) << "m}\n"; break;
            case 8: y << "set_vm_network: {vm: vm" << pick(10) << ", network: none}\n"; break;
            case 9:  // a new address: by name, reached once the record follows and the TTL has passed
                y << "set_vm_network: {vm: vm" << pick(10) << ", network: net-" << (pick(2) ? "A" : "B") << ", subnet: s" << pick(3)
                  << "}\n";
                break;
            default: y << "dns_update: {name: vm" << pick(10) << ".example}\n"; break;
        }
        run.events.push_back(y.str());
    }
    return run;
}

}  // namespace

TEST_CASE("reachability record: agrees with probing every VM from every client after random runs") {
    // Each random run is checked when it stops after each of its events in turn, so the record is
    // compared with the reference in many intermediate states, not just the last.
    for (std::uint64_t seed = 1; seed <= 40; ++seed)
      for (std::size_t count = 1; count <= 30; ++count) {
        CAPTURE(seed);
        CAPTURE(count);
        std::mt19937_64 rng(seed);
        const std::string text = random_scenario(rng).text(count);
        auto scenario = std::make_unique<Scenario>(load_scenario_text(text, "random.yaml"));
        auto sim = std::make_unique<Simulation>(*scenario);
        sim->run();
        const World& w = sim->world();
        const auto& record = sim->reachability();
        REQUIRE(record.pairs().size() == w.clients.size() * 5);  // 4 apps and one VM with no app
        // (indented one level less than the loop it is in: the two loops share a body)
        for (const ReachPair& p : record.pairs()) {
            const std::string& client = w.clients[p.client].name;
            bool expected = true;
            std::string first_failure;
            for (Id v = 0; v < w.vms.size(); ++v) {
                const bool member = p.app.empty() ? v == p.vm : w.vms[v].app() == p.app;
                if (!member) continue;
                const ProbeResult r = probe(w, sim->routing(), client, w.vms[v].name, sim->end_time());
                if (!r.reached && expected) first_failure = w.vms[v].name + ": " + r.why;
                expected = expected && r.reached;
            }
            const auto& intervals = record.intervals(p);
            REQUIRE_FALSE(intervals.empty());
            CAPTURE(client);
            CAPTURE(p.app.empty() ? w.vms[p.vm].name : p.app);
            CAPTURE(first_failure);
            CHECK(intervals.back().reachable == expected);
            // Intervals tile the run: each starts where the one before ended, answers alternate.
            for (std::size_t i = 1; i < intervals.size(); ++i) {
                CHECK(intervals[i].start == intervals[i - 1].end);
                CHECK(intervals[i].reachable != intervals[i - 1].reachable);
            }
        }
    }
}
