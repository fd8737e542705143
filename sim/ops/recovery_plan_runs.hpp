#pragma once
// Failover, failback and test failover of a whole recovery plan (SPEC §4, ASR's model): a shutdown
// step (not for test failover), then every VM of the plan failing over in parallel, then the boot
// groups in order — group N+1 starts when every VM of group N is up — with the plan's script,
// manual and DNS steps taking their simulated time before or after a group.
#include <functional>
#include <unordered_map>
#include <vector>

#include "sim/ops/operation_context.hpp"

namespace drsim {

class RecoveryPlanRuns {
public:
    /// Receives the per-VM records of a plan's failovers once they have been attempted.
    using AttemptedHandler = std::function<void(const std::vector<const LogRecord*>&)>;

    /// Installs itself as `ctx.plan_vm_done`; lives as long as the run.
    explicit RecoveryPlanRuns(OperationContext& ctx);
    RecoveryPlanRuns(const RecoveryPlanRuns&) = delete;
    RecoveryPlanRuns& operator=(const RecoveryPlanRuns&) = delete;

    /// Starts `op` (failover, failback or test_failover) on `plan`; logs the plan's progress step by
    /// step. `on_attempted` is called when the VMs' failovers have been tried (after the shutdown step).
    void start(const RecoveryPlanSpec& plan, const OperationSpec& op, int event_index, int line,
               AttemptedHandler on_attempted);

private:
    enum class Stage { shutdown, failing_over, booting, finished };
    struct Run {
        const RecoveryPlanSpec* plan = nullptr;
        OperationSpec op;
        int event_index = -1;
        int line = 0;
        AttemptedHandler on_attempted;
        std::vector<const PlanStepSpec*> steps;  ///< by after_group, then file order
        std::vector<std::vector<Id>> groups;     ///< the VMs of each group that are failing over
        /// The VMs of each group skipped as already failed over: the next group waits for them to
        /// be up too (PLAN-BOOT-ORDER).
        std::vector<std::vector<Id>> skipped;
        std::size_t awaited_through = 0;         ///< groups whose skipped VMs were waited for
        std::size_t pending = 0;                 ///< VMs of the current stage not done yet
        std::size_t next_group = 0;
        std::size_t next_step = 0;
        Stage stage = Stage::shutdown;
    };

    void fail_over_vms(Id run);
    void vm_done(Id vm);
    /// A skipped VM a run waits for is up (or its boot went away): the run goes on once all are.
    void skipped_vm_up(Id vm);
    /// Whether a skipped VM is on its way up: failing over still, or booting.
    bool coming_up(Id vm) const;
    /// Runs the next steps and groups until one has to wait (a step's time, a group's boots).
    void advance(Id run);
    /// Runs a step: it takes its time; a connect, disconnect, update_routes, subnet_failover or
    /// create_resources step takes effect when it ends, through the handler of the operation of
    /// that name.
    void run_step(Id run, const PlanStepSpec& step);
    /// The site where the plan's VMs run now (a subnet_failover step's destination); "" when none.
    std::string plan_site(const Run& run) const;
    void log(const Run& run, std::string detail, Decisions decisions = {});

    OperationContext& ctx_;
    std::vector<Run> runs_;
    /// Runs waiting for skipped VMs to be up, by VM (few: only VMs skipped while on their way up).
    std::unordered_map<Id, std::vector<Id>> waiting_for_;
};

}  // namespace drsim
