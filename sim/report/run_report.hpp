#pragma once
// Renders a finished Simulation: the readable timeline and summary (text or HTML, through the
// reporting document model), the JSON form of SPEC §10, and CSV of the event log.
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "reporting/document.hpp"
#include "reporting/json_writer.hpp"
#include "sim/run/simulation.hpp"

namespace drsim {

struct ReportOptions {
    std::size_t batch_shown = 3;  ///< records shown of a run of like records (same time, op, rules)
    bool verbose = false;         ///< show every record
};

/// What the expectations of a run came to: the checks (expect, expect_error) and the refusals
/// without expect_error, failed or allowed.
struct ExpectationCounts {
    std::size_t checks = 0;
    std::size_t failed_checks = 0;
    std::size_t unexpected_refusals = 0;  ///< failures of the run (not allowed)
    std::size_t allowed_refusals = 0;     ///< notes (allow_refusals: true)
    bool all_held() const { return failed_checks == 0 && unexpected_refusals == 0; }
    /// "3 of 4 expectations held; 1 FAILED; 2 unexpected refusals" — the summary line's words.
    std::string summary() const;
};
ExpectationCounts count_expectations(const Simulation& sim);

/// One log record as a timeline entry: time, headline, status with its tone, detail and every
/// decision with its rule.
reporting::TimelineEntry timeline_entry(const World& w, const LogRecord& record);
/// Every log record in time order, runs of like records (same time, operation and rules)
/// summarised beyond `options.batch_shown` unless `options.verbose`.
reporting::Section build_timeline_section(const Simulation& sim, const ReportOptions& options = {});
/// The timeline, expectations, final state and metrics as a document.
reporting::Document build_document(const Simulation& sim, const ReportOptions& options = {});
/// SPEC §10 (docs/output-format.md): the run as JSON, written as it is produced: a 100,000-VM run
/// costs the writer's buffer, not a document in memory. Keys sorted in every object.
void write_json(const Simulation& sim, reporting::JsonWriter& out);
/// The same as a tree (tests, studies' per-variant metrics): write_json parsed.
nlohmann::json build_json(const Simulation& sim);
/// One row per log record: time, op, target, phase, outcome, rule, detail, decisions; the state after,
/// and for a VM's record the instance it is about (primary, replica, test) with its site, network,
/// subnet and first address, and Azure's protectionState and activeLocation (docs/output-format.md).
reporting::Table build_event_table(const Simulation& sim);
/// The metrics as tidy rows: scope (vm, app, client_app, client_vm), name, client, metric, value, unit.
reporting::Table build_metrics_table(const Simulation& sim);
/// The same two tables as CSV, written row by row as they are produced (no table held).
void write_event_csv(const Simulation& sim, reporting::TextSink& sink);
void write_metrics_csv(const Simulation& sim, reporting::TextSink& sink);
/// The rows behind them, one call of `row` per row (its cells are reused by the next call).
using RowFn = std::function<void(const std::vector<std::string>&)>;
const std::vector<std::string>& event_columns();
void event_rows(const Simulation& sim, const RowFn& row);
const std::vector<std::string>& metric_columns();
void metric_rows(const Simulation& sim, const RowFn& row);
/// Every decision about one VM, in time order, with its rule and inputs (`drsim explain`).
reporting::Document build_explanation(const Simulation& sim, const std::string& vm);

/// Seconds as JSON and CSV write them: an integer when whole, else with the milliseconds as
/// decimals and no trailing zeros ("7698.841", "0.5").
std::string seconds_text(Millis ms);
/// The same text in a buffer of its own (a JSON file writes one per record): no string made.
struct SecondsText {
    char chars[32];
    std::uint8_t size;
    std::string_view view() const { return {chars, size}; }
};
SecondsText seconds_chars(Millis ms);

}  // namespace drsim
