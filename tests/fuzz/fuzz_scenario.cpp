// libFuzzer target: scenario bytes -> the loader -> a bounded run -> every output (docs/reliability.md).
// Bad input must end in one InputError; anything else (another exception, a crash, a sanitizer
// report, a leak) is a finding. Built only with -DDRSIM_FUZZ=ON (clang); run it with scripts/fuzz.
#include <cstddef>
#include <cstdint>
#include <string>

#include "reporting/document.hpp"
#include "sim/report/dot_graph.hpp"
#include "sim/report/html_report.hpp"
#include "sim/report/run_report.hpp"
#include "sim/run/simulation.hpp"
#include "sim/scenario/input_error.hpp"
#include "sim/scenario/scenario_loader.hpp"

namespace {

// A fuzz iteration should take milliseconds: larger inputs only slow the search down, and the
// loader's and the run's costs for large scenarios are measured by the benchmarks instead.
constexpr std::size_t max_input_bytes = 64 * 1024;
constexpr std::size_t max_vms = 2000;
constexpr std::size_t max_events = 200;
constexpr std::size_t max_variants = 8;
constexpr std::size_t max_clients = 50;
constexpr std::size_t max_plans = 50;

bool small_enough(const drsim::Scenario& s) {
    return s.vms.size() <= max_vms && s.events.size() <= max_events && s.clients.size() <= max_clients &&
           s.recovery_plans.size() <= max_plans;
}

// Everything `drsim run --json --csv --report`, `drsim explain` and `drsim graph` render.
void run_and_render(const drsim::Scenario& scenario) {
    drsim::Simulation sim(scenario);
    std::size_t sink = drsim::topology_dot(sim.world()).size();  // `drsim graph` (the world as it starts)
    sim.run();
    drsim::ReportOptions verbose;
    verbose.verbose = true;
    const drsim::reporting::Document doc = drsim::build_document(sim);
    sink += drsim::reporting::render_text(doc).size();
    sink += drsim::reporting::render_html(drsim::build_html_report(sim)).size();  // --report
    sink += drsim::reporting::render_text(drsim::build_document(sim, verbose)).size();
    sink += drsim::build_json(sim).dump(2).size();
    sink += drsim::reporting::render_csv(drsim::build_event_table(sim)).size();
    sink += drsim::topology_dot(sim.world()).size();  // `drsim graph --after`
    sink += drsim::count_expectations(sim).summary().size();
    if (!scenario.vms.empty())
        sink += drsim::reporting::render_text(drsim::build_explanation(sim, scenario.vms.front().name)).size();
    // Keep the work observable so the optimizer cannot drop it.
    asm volatile("" : : "r"(sink) : "memory");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > max_input_bytes) return -1;  // not added to the corpus
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        const auto document = drsim::ScenarioDocument::from_text(text, "fuzz.yaml");
        if (document.variants().size() > max_variants) return -1;
        const drsim::Scenario base = document.load();
        if (!small_enough(base)) return -1;
        run_and_render(base);
        for (const auto& variant : document.variants()) {
            const drsim::Scenario scenario = document.load(variant.name);
            if (small_enough(scenario)) run_and_render(scenario);
        }
    } catch (const drsim::InputError&) {
        return 0;  // the expected answer to bad input
    }
    return 0;
}
