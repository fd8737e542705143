#pragma once
// `drsim sweep` (SPEC §11): each variant run N times, every random timing of run r drawn from
// streams of (seed, r, name) and its random faults drawn the same way; a summary per variant and
// metric. Runs are independent, so they are spread over threads, shards (--shard K/M, merged by
// `sweep-merge`) or processes, and the summary is the same bytes however they were spread: it is
// computed from the runs in (variant, run) order, whoever ran them.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/scenario/scenario_loader.hpp"
#include "sim/study/run_metrics.hpp"

namespace drsim {

/// One run of a sweep, as a line of `--runs-out` holds it.
struct SweepRun {
    std::string variant;
    std::uint64_t run = 0;
    bool expectations_held = false;
    std::vector<std::string> faults;
    /// The metric names, sorted; shared by the runs of a variant that measured the same things, so
    /// a sweep of thousands of runs keeps each name once, not once per run.
    std::shared_ptr<const std::vector<std::string>> names;
    std::vector<double> values;  ///< aligned with *names
};

struct SweepPlan {
    std::string scenario;
    std::uint64_t seed = 0;
    std::uint64_t runs = 0;
    std::vector<std::string> variants;  ///< "base" and the variant names, in order
};

/// Runs runs [0, plan.runs) of each variant whose index i has i % shards == shard, on `jobs`
/// threads; `progress(done, total)` is called after each run (from any thread, serialised).
/// Results are in (variant, run) order.
std::vector<SweepRun> run_sweep(const ScenarioDocument& document, const SweepPlan& plan, unsigned jobs, std::uint64_t shard,
                                std::uint64_t shards, const std::function<void(std::uint64_t, std::uint64_t)>& progress);

/// One JSON line of a run (with the plan, so shards can be merged).
std::string run_line(const SweepPlan& plan, const SweepRun& run);
/// Reads run lines (of one or more shards); the plan they came from is filled in. Throws
/// InputError for a malformed line, two plans, or a run missing or given twice.
std::vector<SweepRun> read_run_lines(const std::vector<std::pair<std::string, std::string>>& files, SweepPlan& plan);

/// The summary: per variant, the share of runs whose expectations all held, and per metric the
/// count, mean, p50, p90, p99 and max. Percentiles are nearest-rank (the ceil(p/100 x n)-th smallest
/// value), exact. `{scenario, seed, runs, variants: [{name, expectations_held_share, metrics:
/// [{metric, count, mean, p50, p90, p99, max}]}]}`.
nlohmann::json sweep_summary(const SweepPlan& plan, const std::vector<SweepRun>& runs);
/// The same as a readable table.
std::string sweep_summary_text(const nlohmann::json& summary);

}  // namespace drsim
