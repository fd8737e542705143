#pragma once
// One run of a scenario reduced to what studies compare (SPEC §11): the function compare and sweep
// both call. It runs the scenario with a seed, a run id and injected events (a sweep's faults),
// frees the run, and returns its metrics as named numbers and facts.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/run/simulation.hpp"

namespace drsim {

/// What one run measured. Numbers are seconds (or counts), named by path:
/// `app/shop/downtime`, `client/lille-users/app/shop/downtime`, `vm/web1/unprotected`,
/// `run/refused`; facts are text: `vm/web1/site`, `vm/web1/network`, `vm/web1/address`.
struct RunMetrics {
    bool expectations_held = false;
    std::vector<std::string> names;   ///< in the order of the report: apps, clients, VMs, the run
    std::vector<double> values;       ///< aligned with names
    std::vector<std::pair<std::string, std::string>> facts;  ///< with `shaped` only
    std::vector<std::string> faults;  ///< what the injected events were ("site_down New York at 2h13m")
    /// With `shaped`: the metrics as `run --json` shapes them (vms, apps, clients), for compare.
    nlohmann::json shaped;
};

/// Runs `scenario` as `setup` says and measures it; `shaped` (for compare) also fills
/// RunMetrics::shaped and the facts.
/// O(the run + VMs + clients x apps).
RunMetrics run_scenario(const Scenario& scenario, RunSetup setup = {}, bool shaped = false);

/// The faults of `scenario` (its `faults:`) that happen in run `run` of a sweep seeded `seed`, as
/// events to inject, each drawn from the stream (seed, run, "fault/<i>"): whether it happens
/// (probability), when (`at`), and for how long (`duration`; the end is the matching up / connect
/// event; a storm takes it as its own duration). Deterministic in (seed, run, scenario).
std::vector<EventSpec> draw_faults(const Scenario& scenario, std::uint64_t seed, std::uint64_t run);
/// Run `run` of a sweep with `seed`: its seed, run id and the faults drawn for it. The sweep and
/// `drsim run --seed S --run R` both set a run up here, so a replay is that run byte for byte.
RunSetup sweep_run_setup(const Scenario& scenario, std::uint64_t seed, std::uint64_t run);

/// "site_down New York at 2h13m for 30m" — for run records.
std::string describe_fault(const EventSpec& event);

}  // namespace drsim
