#include "sim/log/log_record.hpp"

#include <array>
#include <cassert>
#include <stdexcept>

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

namespace {

// A record's operation: code 1 + k is the scenario's operation k (op_name(OpKind), SPEC §9); the
// codes after them are the jobs and happenings the run records on its own; 0 is none of these.
constexpr std::size_t kOpKinds = static_cast<std::size_t>(OpKind::expect) + 1;
constexpr std::string_view kRunOps[] = {"vm_boot", "test_vm_boot", "dns_cache", "route_convergence", "recovery_plan",
                                        "planning", "reachability"};

// Every name by its code, built once from the scenario's table and the run's own.
const std::array<std::string_view, 1 + kOpKinds + std::size(kRunOps)>& op_names_by_code() {
    static const auto names = [] {
        std::array<std::string_view, 1 + kOpKinds + std::size(kRunOps)> n{"?"};
        for (std::size_t k = 0; k < kOpKinds; ++k) n[1 + k] = op_name(static_cast<OpKind>(k));
        for (std::size_t i = 0; i < std::size(kRunOps); ++i) n[1 + kOpKinds + i] = kRunOps[i];
        return n;
    }();
    return names;
}

}  // namespace

std::uint8_t op_code(std::string_view op) {
    // A run logs the same operation for VM after VM: the last name found is tried first.
    thread_local std::uint8_t last = 0;
    const auto& names = op_names_by_code();
    if (last != 0 && names[last] == op) return last;
    for (std::size_t i = 1; i < names.size(); ++i)
        if (names[i] == op) return last = static_cast<std::uint8_t>(i);
    assert(!"an operation name the log does not list (log_record.cpp kRunOps)");
    return 0;
}

std::string_view op_name_of(std::uint8_t code) {
    const auto& names = op_names_by_code();
    return code < names.size() ? names[code] : names[0];
}

std::string_view to_string(ReplicationState s) {
    switch (s) {
        case ReplicationState::unprotected: return "unprotected";
        case ReplicationState::enabling: return "enabling";
        case ReplicationState::protected_: return "protected";
        case ReplicationState::failing_over: return "failing_over";
        case ReplicationState::failed_over: return "failed_over";
        case ReplicationState::committed: return "committed";
        case ReplicationState::reprotecting: return "reprotecting";
    }
    return "?";
}

std::vector<Rule> LogRecord::also_refused_by() const {
    std::vector<Rule> rules;
    for (std::size_t i = 0; i < also_count_; ++i) rules.push_back(texts_[has_detail_ + i].rule);
    return rules;
}

Outcome outcome_of(const std::optional<Rule>& refused_by, const Decisions& decisions) {
    if (refused_by) return Outcome::refused;
    for (const auto& d : decisions)
        if (d.warning) return Outcome::warning;
    return Outcome::ok;
}

DraftRecord make_record(Millis time, std::string_view op, TextArg target, Phase phase, std::optional<Rule> refused_by,
                        std::vector<Rule> also_refused_by, Text detail, Decisions decisions) {
    DraftRecord d;
    LogRecord& r = d.record;
    r.time = time;
    r.op_code = op_code(op);
    r.target_kind_ = target.kind;
    r.target_value_ = target.value;
    r.phase = refused_by ? Phase::instant : phase;
    r.outcome = outcome_of(refused_by, decisions);
    r.refused_by_ = refused_by.value_or(LogRecord::kNoRule);
    d.detail = detail;
    d.also_refused_by = std::move(also_refused_by);
    d.decisions = std::move(decisions);
    return d;
}

Decision* RunLog::allocate_texts(std::size_t n) {
    if (n == 0) return nullptr;
    if (n > kTextChunk) return large_texts_.emplace_back(std::make_unique<Decision[]>(n)).get();
    if (text_used_ + n > kTextChunk) {
        texts_.push_back(std::make_unique_for_overwrite<Decision[]>(kTextChunk));
        text_used_ = 0;
    }
    Decision* at = texts_.back().get() + text_used_;
    text_used_ += n;
    return at;
}

static_assert(sizeof(LogRecord) <= 56, "a record stays small: a million VMs make five million of them");
#define DRSIM_RULE_COUNT(name, id, section, origin, summary) +1
static_assert(0 DRSIM_RULES(DRSIM_RULE_COUNT) < 0xffff, "LogRecord::kNoRule is no rule of the catalogue");
#undef DRSIM_RULE_COUNT

const LogRecord& RunLog::push_back(DraftRecord draft) {
    // The counts a record holds: the rules that also refuse an operation are a handful; a record's
    // decisions may be many (the planning warnings of a large scenario), but not sixteen million.
    assert(draft.also_refused_by.size() <= 0xff);
    if (draft.decisions.size() >= std::size_t{1} << 24)
        throw std::length_error("a log record with more than 16,777,215 decisions");
    if (size_ % kChunk == 0) records_.push_back(std::make_unique_for_overwrite<LogRecord[]>(kChunk));
    LogRecord& r = records_.back()[size_ % kChunk];
    r = draft.record;
    r.has_detail_ = !draft.detail.empty();
    r.also_count_ = static_cast<std::uint8_t>(draft.also_refused_by.size());
    r.decision_count_ = static_cast<std::uint32_t>(draft.decisions.size());
    Decision* at = allocate_texts(r.has_detail_ + r.also_count_ + r.decision_count_);
    r.texts_ = at;
    if (r.has_detail_) *at++ = Decision{Rule{}, draft.detail};
    for (Rule also : draft.also_refused_by) *at++ = Decision{also, Text{}};
    for (const Decision& d : draft.decisions) *at++ = d;
    ++size_;
    return r;
}

}  // namespace drsim
