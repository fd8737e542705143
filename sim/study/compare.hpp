#pragma once
// `drsim compare` (SPEC §11): the base and variants of one scenario, run with one seed, side by side.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "reporting/document.hpp"
#include "sim/scenario/scenario_loader.hpp"
#include "sim/study/run_metrics.hpp"

namespace drsim {

struct ComparedVariant {
    std::string name;  ///< "base" for the scenario without a patch
    std::string description;
    RunMetrics metrics;
};

struct Comparison {
    std::string scenario;
    std::uint64_t seed = 0;
    std::vector<ComparedVariant> variants;  ///< base first, then in file order (or as asked)
    bool all_held() const;
};

/// Runs the base and `variants` (every variant of the document when empty; "base" may be named)
/// with `seed`, by default the scenario's. Throws InputError for an unknown variant or one that does
/// not load.
Comparison compare(const ScenarioDocument& document, const std::vector<std::string>& variants,
                   std::optional<std::uint64_t> seed = std::nullopt);

/// One row per figure (per app and client: downtime and time to recover; per VM: where it came
/// back, its downtime and unprotected window; refused operations; DNS records changed; route
/// changes), one column per variant; `*` marks the lowest of a row where the designs differ.
reporting::Table comparison_table(const Comparison& c);
/// `{scenario, seed, variants: [{name, description, expectations_held, metrics}]}`, metrics shaped
/// as `run --json` shapes them, plus `run` (refused, dns_changes, route_changes).
nlohmann::json comparison_json(const Comparison& c);

}  // namespace drsim
