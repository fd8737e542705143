#include "sim/world/azure_terms.hpp"

#include <array>

namespace drsim {

namespace {

using State = ReplicationState;

constexpr std::size_t kStates = 7;
// Key bits: state (0-2), reversed (3), test running (4), last failover planned (5).
constexpr AzureKey kReversed = 1 << 3, kTest = 1 << 4, kPlanned = 1 << 5;
constexpr std::size_t kKeys = 64;

// What each drsim state is called by Site Recovery, and which operations drsim's own rules let
// through in it (a site being down aside: Azure's list is about the item's state too). A test
// failover running allows only its cleanup (TFO-CLEANUP-FIRST). The rules behind each list:
// failover and test failover need protected (STATE-NOT-ALLOWED, FO-NEEDS-RECOVERY-POINT), commit
// needs failed_over (COMMIT-NEEDS-FAILOVER), reprotect needs committed (REPROTECT-NEEDS-COMMIT),
// disable is refused while a failover or reprotect job runs (JOB-IN-PROGRESS).
struct Row {
    State state;
    std::string_view unplanned_state, planned_state;  ///< protectionState after an unplanned / planned failover
    std::string_view description;
    std::array<std::string_view, 4> allowed;  ///< "" ends the list
};

constexpr std::array<Row, kStates> kRows{{
    {State::unprotected, "NotProtected", "NotProtected", "Not protected", {}},
    {State::enabling, "EnablingProtection", "EnablingProtection", "Enabling protection", {"DisableProtection"}},
    {State::protected_, "Protected", "Protected", "Protected",
     {"PlannedFailover", "UnplannedFailover", "TestFailover", "DisableProtection"}},
    {State::failing_over, "UnplannedFailoverInProgress", "PlannedFailoverInProgress", "Failover in progress", {}},
    {State::failed_over, "UnplannedFailoverCommitRequired", "PlannedFailoverCommitRequired", "Commit pending",
     {"Commit", "DisableProtection"}},
    {State::committed, "FailoverCompleted", "FailoverCompleted", "Failover completed", {"ReverseReplicate", "DisableProtection"}},
    {State::reprotecting, "ReprotectInProgress", "ReprotectInProgress", "Reprotect in progress", {}},
}};

constexpr std::array<std::string_view, 1> kTestRunning{"TestFailoverCleanup"};

struct Table {
    std::array<AzureView, kKeys> views{};
    std::array<std::array<std::string_view, 4>, kKeys> allowed{};

    Table() {
        for (std::size_t key = 0; key < kKeys; ++key) {
            const std::size_t s = key & 7;
            if (s >= kStates) continue;
            const Row& row = kRows[s];
            const bool reversed = key & kReversed, test = key & kTest, planned = key & kPlanned;
            AzureView& v = views[key];
            v.protection_state = planned ? row.planned_state : row.unplanned_state;
            v.protection_state_description = row.description;
            // The VM serves from the target side once a failover has started (Vm::active_slot);
            // the target is Recovery, or Primary once the replication runs back.
            const bool on_target = row.state == State::failing_over || row.state == State::failed_over || row.state == State::committed;
            v.active_location = on_target != reversed ? "Recovery" : "Primary";
            v.failover_direction = reversed ? "RecoveryToPrimary" : "PrimaryToRecovery";
            std::size_t n = 0;
            if (test) {
                allowed[key][n++] = kTestRunning[0];
            } else {
                while (n < row.allowed.size() && !row.allowed[n].empty()) {
                    allowed[key][n] = row.allowed[n];
                    ++n;
                }
            }
            v.allowed_operations = std::span<const std::string_view>(allowed[key].data(), n);
        }
    }
};

const Table& table() {
    static const Table t;
    return t;
}

}  // namespace

AzureKey azure_key(const Replication& r) {
    return static_cast<AzureKey>(static_cast<unsigned>(r.state) | (r.reversed ? kReversed : 0) | (r.test_running ? kTest : 0) |
                                 (r.last_failover_planned ? kPlanned : 0));
}

const AzureView& azure_view(AzureKey key) { return table().views[key % kKeys]; }

std::string_view azure_operation(std::string_view op, bool planned) {
    if (op == "failover") return planned ? "PlannedFailover" : "UnplannedFailover";
    if (op == "failback") return "PlannedFailover";
    if (op == "test_failover") return "TestFailover";
    if (op == "cleanup_test_failover") return "TestFailoverCleanup";
    if (op == "commit") return "Commit";
    if (op == "reprotect") return "ReverseReplicate";
    if (op == "disable_replication") return "DisableProtection";
    if (op == "enable_replication") return "EnableProtection";
    return "";
}

}  // namespace drsim
