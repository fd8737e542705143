#pragma once
// What a run did: one record per operation applied to one target (and per job that finished), with
// its outcome, the rule that refused it and every decision made. The operations write it, the run
// and the reports read it; it sits below both. A record is small and fixed: its target is an id (or
// interned text), its detail and decisions are Texts of typed arguments held in the log's arena, and
// the VM's state after is a byte. The outputs render them (World::render) when they are written.
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "sim/log/decision.hpp"
#include "sim/scenario/scenario.hpp"

namespace drsim {

struct DraftRecord;

enum class Outcome : std::uint8_t { ok, refused, warning };
enum class Phase : std::uint8_t { instant, start, done };

std::string_view to_string(Outcome o);
std::string_view to_string(Phase p);

/// A replication's state (SPEC §4); the world holds it, every VM record notes it after the operation.
enum class ReplicationState : std::uint8_t {
    unprotected, enabling, protected_, failing_over, failed_over, committed, reprotecting
};
std::string_view to_string(ReplicationState s);
/// "degraded" or "normal" (FORCED-TUNNEL-NO-UDR).
inline std::string_view health_name(bool degraded) { return degraded ? "degraded" : "normal"; }

/// The code of an operation's or a job's name in a record (one byte); every name a record may carry
/// is listed in log_record.cpp.
std::uint8_t op_code(std::string_view op);
std::string_view op_name_of(std::uint8_t code);

// 56 bytes (a million VMs make five million records): the members in the order that packs them, the
// flags and small enums in bits, the refusal a rule or kNoRule, the counts of its texts in one word.
struct LogRecord {
    Millis time = 0;
    /// With has_state: where the instance the record is about runs after it and its first NIC (world
    /// Ids; 0xffffffff none), and that NIC's address when has_address.
    std::uint32_t site = 0xffffffff, network = 0xffffffff, subnet = 0xffffffff;
    std::uint32_t address_value = 0;
    int event_index = -1;  ///< the scenario event it came from; -1 for a job that finished
    int line = 0;          ///< the line of that event in the file
    std::uint8_t op_code = 0;  ///< op_code of the operation ("failover"), or of the job that ended ("failover", phase done)
    /// With has_state: Azure's words for the replication's state after (an AzureKey, world/azure_terms),
    /// and which instance the record is about (a world Slot: 0 primary, 1 replica, 2 test; 0xff none).
    std::uint8_t azure_after = 0xff;
    std::uint8_t instance = 0xff;
    Phase phase : 2 = Phase::instant;
    Outcome outcome : 2 = Outcome::ok;
    /// Whether the record notes a VM's replication state and health after it (state, degraded).
    bool has_state : 1 = false;
    bool degraded : 1 = false;
    bool has_address : 1 = false;
    ReplicationState state : 3 = ReplicationState::unprotected;
    /// With has_state: the replication runs home <- recovery after it (reprotected). With `state`,
    /// it tells which instance serves the VM after the record (Vm::active_slot).
    bool reversed : 1 = false;

    /// The VM, network, site … it applied to (kind none: nothing).
    TextArg target() const { return {target_kind_, target_value_}; }
    /// The rule that refused it (nullopt: none did).
    std::optional<Rule> refused_by() const {
        return refused_by_ == kNoRule ? std::nullopt : std::optional<Rule>{refused_by_};
    }
    /// The operation ("failover"), or the job that ended ("failover", phase done).
    std::string_view op() const { return op_name_of(op_code); }
    /// The VM it is about, when its target is one (else 0xffffffff).
    std::uint32_t vm() const { return target_kind_ == TextArg::Kind::vm ? target_value_ : 0xffffffffU; }
    /// Why it was refused, or a one-line summary of what it did (empty: none).
    Text detail() const { return has_detail_ ? texts_[0].detail() : Text{}; }
    /// Other rules that forbid it too.
    std::vector<Rule> also_refused_by() const;
    /// Every decision made, in order.
    std::span<const Decision> decisions() const { return {texts_ + has_detail_ + also_count_, decision_count_}; }
    /// The VM's state after ("" when the record is not about one VM), and its health.
    std::string_view state_after() const { return has_state ? to_string(state) : std::string_view{}; }
    std::string_view health_after() const { return has_state ? health_name(degraded) : std::string_view{}; }
    std::optional<Ipv4Address> address() const {
        return has_address ? std::optional<Ipv4Address>{Ipv4Address{address_value}} : std::nullopt;
    }

private:
    friend class RunLog;
    friend DraftRecord make_record(Millis, std::string_view, TextArg, Phase, std::optional<Rule>, std::vector<Rule>, Text,
                                   Decisions);
    static constexpr Rule kNoRule = static_cast<Rule>(0xffff);  ///< refused_by_ when no rule refused it

    bool has_detail_ : 1 = false;
    TextArg::Kind target_kind_ = TextArg::Kind::none;
    Rule refused_by_ = kNoRule;
    std::uint32_t target_value_ = 0;
    std::uint32_t decision_count_ : 24 = 0;
    std::uint32_t also_count_ : 8 = 0;
    const Decision* texts_ = nullptr;  ///< [detail][also refused by …][decisions …], in the log's arena
};

/// A record as an operation makes it, its texts still in vectors of their own until the log holds it.
struct DraftRecord {
    LogRecord record;
    Text detail;
    std::vector<Rule> also_refused_by;
    Decisions decisions;
};

/// refused when a rule refused it; else warning when any decision is a warning; else ok.
Outcome outcome_of(const std::optional<Rule>& refused_by, const Decisions& decisions);

/// The one constructor of a record: the outcome follows from the refusal and the decisions. The
/// caller sets what only it knows (the event's index and line, the VM's state after).
DraftRecord make_record(Millis time, std::string_view op, TextArg target, Phase phase, std::optional<Rule> refused_by,
                        std::vector<Rule> also_refused_by, Text detail, Decisions decisions);

/// The log: records in fixed chunks (appending never moves those already there), their texts in one
/// arena of decisions beside them.
class RunLog {
public:
    RunLog() = default;
    RunLog(const RunLog&) = delete;
    RunLog& operator=(const RunLog&) = delete;
    RunLog(RunLog&&) = default;
    RunLog& operator=(RunLog&&) = default;

    const LogRecord& push_back(DraftRecord draft);

    std::size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    const LogRecord& operator[](std::size_t i) const { return records_[i / kChunk][i % kChunk]; }
    const LogRecord& back() const { return (*this)[size_ - 1]; }

    class const_iterator {
    public:
        using value_type = LogRecord;
        using difference_type = std::ptrdiff_t;
        const_iterator() = default;
        const_iterator(const RunLog* log, std::size_t i) : log_(log), i_(i) {}
        const LogRecord& operator*() const { return (*log_)[i_]; }
        const LogRecord* operator->() const { return &(*log_)[i_]; }
        const_iterator& operator++() {
            ++i_;
            return *this;
        }
        bool operator==(const const_iterator& o) const { return i_ == o.i_; }

    private:
        const RunLog* log_ = nullptr;
        std::size_t i_ = 0;
    };
    const_iterator begin() const { return {this, 0}; }
    const_iterator end() const { return {this, size_}; }

private:
    static constexpr std::size_t kChunk = 4096;       ///< records per chunk
    static constexpr std::size_t kTextChunk = 16384;  ///< texts per arena chunk
    Decision* allocate_texts(std::size_t n);

    std::vector<std::unique_ptr<LogRecord[]>> records_;
    std::size_t size_ = 0;
    std::vector<std::unique_ptr<Decision[]>> texts_;
    std::vector<std::unique_ptr<Decision[]>> large_texts_;  ///< a record with more texts than a chunk holds
    std::size_t text_used_ = kTextChunk;  ///< used in the last chunk
};

}  // namespace drsim
