#pragma once
// What a run did: one record per operation applied to one target (and per job that finished), with
// its outcome, the rule that refused it and every decision made. The operations write it, the run
// and the reports read it; it sits below both.
#include <cstdint>
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
    std::string_view health_after;  ///< with state_after: the replication's health, "normal" | "degraded"; static text
    std::uint8_t azure_after = 0xff;  ///< with state_after: Azure's words for it, an AzureKey (world/azure_terms); 0xff: none
    /// With state_after: the instance the record is about, as it is after it (a world Slot: 0 primary,
    /// 1 replica, 2 test; 0xff none), where it runs and its first NIC (world Ids; 0xffffffff none).
    std::uint8_t instance = 0xff;
    std::uint32_t site = 0xffffffff, network = 0xffffffff, subnet = 0xffffffff;
    std::optional<Ipv4Address> address;
    int event_index = -1;      ///< the scenario event it came from; -1 for a job that finished
    int line = 0;              ///< the line of that event in the file
};

/// refused when a rule refused it; else warning when any decision is a warning; else ok.
Outcome outcome_of(const std::optional<Rule>& refused_by, const Decisions& decisions);

/// The one constructor of a record: the outcome follows from the refusal and the decisions. The
/// caller sets what only it knows (the event's index and line, the VM's state after).
LogRecord make_record(Millis time, std::string_view op, std::string target, Phase phase, std::optional<Rule> refused_by,
                      std::vector<Rule> also_refused_by, std::string detail, Decisions decisions);

/// The log: a deque, so appending never moves the records already there.
using RunLog = std::deque<LogRecord>;

}  // namespace drsim
