#pragma once
// What a run produced: one record per operation (and per job that finished), one result per
// expectation. The reports (text, JSON, CSV, HTML) are renderings of this log.
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "sim/decisions/decision.hpp"
#include "sim/scenario/scenario.hpp"

namespace drsim {

enum class Outcome { ok, refused, warning };
enum class Phase { instant, start, done };

std::string_view to_string(Outcome o);
std::string_view to_string(Phase p);

struct LogRecord {
    Millis time = 0;
    std::string_view op;  ///< the operation ("failover"), or the job that ended ("failover", phase done); static text
    std::string target;  ///< the VM, network, site … it applied to
    Phase phase = Phase::instant;
    Outcome outcome = Outcome::ok;
    std::optional<Rule> refused_by;  ///< the rule that refused it
    std::vector<Rule> also_refused_by;  ///< other rules that forbid it too
    std::string detail;        ///< why it was refused, or a one-line summary of what it did
    Decisions decisions;
    std::string_view state_after;  ///< the VM's state after, for VM operations; static text
    int event_index = -1;      ///< the scenario event it came from; -1 for a job that finished
    int line = 0;              ///< the line of that event in the file
};

/// refused when a rule refused it; else warning when any decision is a warning; else ok.
Outcome outcome_of(const std::optional<Rule>& refused_by, const Decisions& decisions);

/// The log: a deque, so appending never moves the records already there.
using RunLog = std::deque<LogRecord>;

struct ExpectationResult {
    Millis time = 0;
    bool ok = false;
    std::string check;     ///< what was checked ("web1 test ip", "expect_error on failover web1")
    std::string expected;
    std::string found;
    int line = 0;
    int column = 0;
    /// An operation refused without `expect_error` (SPEC §9): `check` names the operation and its
    /// target, `rule` the refusing rule, `found` the detail. A failure unless `allow_refusals`.
    bool unexpected_refusal = false;
    std::string_view rule;  ///< static text (the catalogue's id)
};

}  // namespace drsim
