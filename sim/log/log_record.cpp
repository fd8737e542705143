#include "sim/log/log_record.hpp"

namespace drsim {

std::string_view to_string(Outcome o) {
    switch (o) {
        case Outcome::ok: return "ok";
        case Outcome::refused: return "refused";
        case Outcome::warning: return "warning";
    }
    return "?";
}

std::string_view to_string(Phase p) {
    switch (p) {
        case Phase::instant: return "instant";
        case Phase::start: return "start";
        case Phase::done: return "done";
    }
    return "?";
}

Outcome outcome_of(const std::optional<Rule>& refused_by, const Decisions& decisions) {
    if (refused_by) return Outcome::refused;
    for (const auto& d : decisions)
        if (d.warning) return Outcome::warning;
    return Outcome::ok;
}

LogRecord make_record(Millis time, std::string_view op, std::string target, Phase phase, std::optional<Rule> refused_by,
                      std::vector<Rule> also_refused_by, std::string detail, Decisions decisions) {
    LogRecord r;
    r.time = time;
    r.op = op;
    r.target = std::move(target);
    r.phase = refused_by ? Phase::instant : phase;
    r.outcome = outcome_of(refused_by, decisions);
    r.refused_by = refused_by;
    r.also_refused_by = std::move(also_refused_by);
    r.detail = std::move(detail);
    r.decisions = std::move(decisions);
    return r;
}

}  // namespace drsim
