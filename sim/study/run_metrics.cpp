#include "sim/study/run_metrics.hpp"

#include <memory>

#include "engine/random_streams.hpp"
#include "engine/sim_time.hpp"
#include "sim/ops/operation_table.hpp"
#include "sim/report/run_report.hpp"

namespace drsim {

namespace {

double secs(Millis ms) { return static_cast<double>(ms) / 1000.0; }

}  // namespace

RunMetrics run_scenario(const Scenario& scenario, RunSetup setup, bool shaped) {
    RunMetrics m;
    for (const auto& e : setup.extra_events) m.faults.push_back(describe_fault(e));
    // The run is freed when this returns: a sweep of thousands keeps only their numbers.
    auto sim = std::make_unique<Simulation>(scenario, std::move(setup));
    sim->run();
    const World& w = sim->world();
    m.expectations_held = count_expectations(*sim).all_held();
    if (shaped) m.shaped = build_json(*sim)["metrics"];
    auto add = [&](std::string name, double value) {
        m.names.push_back(std::move(name));
        m.values.push_back(value);
    };
    for (const auto& [app, vms] : sim->apps()) {
        const DowntimeMetric d = sim->app_downtime(app);
        add("app/" + app + "/downtime", secs(d.downtime));
        add("app/" + app + "/time_to_recover", secs(d.longest_outage));
        add("app/" + app + "/outages", d.outages);
    }
    for (const ReachPair& p : sim->reachability().pairs()) {
        const DowntimeMetric d = sim->pair_downtime(p);
        const std::string base = "client/" + w.clients[p.client].name + (p.app.empty() ? "/vm/" + w.vms[p.vm].name : "/app/" + p.app);
        add(base + "/downtime", secs(d.downtime));
        add(base + "/time_to_recover", secs(d.longest_outage));
        add(base + "/outages", d.outages);
    }
    std::uint64_t dns_changes = 0;
    for (Id v = 0; v < w.vms.size(); ++v) {
        const Vm& vm = w.vms[v];
        const DowntimeMetric d = sim->vm_downtime(v);
        add("vm/" + vm.name + "/downtime", secs(d.downtime));
        add("vm/" + vm.name + "/unprotected", secs(vm.replication.unprotected_time(sim->end_time())));
        if (shaped) {  // where it came back: for compare's table, not a sweep's numbers
            const Instance& active = vm.instance(vm.active_slot());
            const NicBinding nic = active.exists && !active.nics.empty() ? active.nics[0] : NicBinding{};
            m.facts.emplace_back("vm/" + vm.name + "/site", active.exists ? w.sites[active.site].name : "-");
            m.facts.emplace_back("vm/" + vm.name + "/network", nic.network == kNone ? "-" : w.networks[nic.network].name);
            m.facts.emplace_back("vm/" + vm.name + "/address", nic.ip ? nic.ip->to_string() : "-");
        }
        if (vm.dns_record != kNone) dns_changes += w.dns.record(vm.dns_record).history.size();
    }
    std::uint64_t refused = 0;
    for (const LogRecord& r : sim->log()) refused += r.outcome == Outcome::refused;
    add("run/refused", static_cast<double>(refused));
    add("run/dns_changes", static_cast<double>(dns_changes));
    add("run/route_changes", static_cast<double>(sim->routing().route_changes()));
    return m;
}

RunSetup sweep_run_setup(const Scenario& scenario, std::uint64_t seed, std::uint64_t run) {
    RunSetup setup;
    setup.seed = seed;
    setup.run_id = run;
    setup.extra_events = draw_faults(scenario, seed, run);
    return setup;
}

std::vector<EventSpec> draw_faults(const Scenario& scenario, std::uint64_t seed, std::uint64_t run) {
    std::vector<EventSpec> out;
    engine::RandomStreams streams(seed, run);
    for (std::size_t i = 0; i < scenario.faults.size(); ++i) {
        const FaultSpec& f = scenario.faults[i];
        engine::RandomStream& r = streams.stream("fault/" + std::to_string(i));
        // Every draw is made whether or not the fault happens: a fault's numbers do not depend on another's.
        const bool happens = r.uniform01() < f.probability;
        const Millis at = draw(f.at, r);
        const std::optional<Millis> lasts = f.duration ? std::optional<Millis>{draw(*f.duration, r)} : std::nullopt;
        if (!happens) continue;
        EventSpec start = f.event;
        start.at = at;
        start.at_end = false;
        if (start.op.kind == OpKind::broadcast_storm) {
            if (lasts) start.op.duration = lasts;
            out.push_back(std::move(start));
            continue;
        }
        out.push_back(start);
        if (!lasts) continue;
        EventSpec end = f.event;
        end.at = at + *lasts;
        end.at_end = false;
        end.op.kind = start.op.kind == OpKind::site_down               ? OpKind::site_up
                      : start.op.kind == OpKind::peering_location_down ? OpKind::peering_location_up
                                                                        : OpKind::connect;
        out.push_back(std::move(end));
    }
    return out;
}

std::string describe_fault(const EventSpec& e) {
    std::string out = std::string{op_name(e.op.kind)} + " " + target_of(e.op) + " at " + engine::format_duration(e.at);
    if (e.op.kind == OpKind::broadcast_storm && e.op.duration) out += " for " + engine::format_duration(*e.op.duration);
    return out;
}

}  // namespace drsim
