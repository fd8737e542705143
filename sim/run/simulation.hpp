#pragma once
// One run of a scenario: builds the world, replays the events on the kernel, evaluates the
// expectations, and keeps the log that the reports render.
#include <functional>
#include <mutex>
#include <memory>
#include <string>
#include <vector>

#include "engine/simulator.hpp"
#include "sim/decisions/planning_checks.hpp"
#include "sim/ops/operation_context.hpp"
#include "sim/ops/recovery_plan_runs.hpp"
#include "sim/run/reachability_record.hpp"
#include "sim/run/run_log.hpp"
#include "sim/world/world.hpp"

namespace drsim {

/// Downtime of one VM or app over the run: time with no serving instance.
struct DowntimeMetric {
    std::string name;
    Millis downtime = 0;
    Millis longest_outage = 0;  ///< the time to recover from the worst outage
    int outages = 0;
    std::vector<std::pair<Millis, Millis>> outage_intervals;
};

/// How one run of a scenario differs from another (a sweep's run r): the seed its random timings
/// are drawn from, the run id that separates its streams, and events added to the scenario's (the
/// faults a sweep drew for it).
struct RunSetup {
    std::optional<std::uint64_t> seed;  ///< default: the scenario's
    std::uint64_t run_id = 0;
    std::vector<EventSpec> extra_events;
};

class Simulation {
public:
    explicit Simulation(const Scenario& scenario, RunSetup setup = {});
    Simulation(const Simulation&) = delete;
    Simulation& operator=(const Simulation&) = delete;

    /// Replays every event, then the `at: end` ones. Call once.
    void run();
    /// Calls `f` at the end of every simulated instant in which something happened, once every
    /// event of that instant has run (for checks of the world's invariants).
    void on_instant(std::function<void()> f) { instant_observer_ = std::move(f); }
    /// The planning warnings of the scenario (decisions/planning_checks), and each connection
    /// declared connected that a `connect` would refuse (LNG-OVERLAP, ER-*), as it starts.
    const std::vector<PlanningWarning>& planning_warnings() const { return warnings_; }

    const Scenario& scenario() const { return scenario_; }
    const World& world() const { return world_; }
    const RoutingState& routing() const { return ctx_.routing; }
    const RunLog& log() const { return log_; }
    /// The checks, in time order, with the unexpected refusals among them (unless the scenario
    /// allows refusals: then they are `notes()`).
    const std::vector<ExpectationResult>& expectations() const { return expectations_; }
    /// Refusals without `expect_error` in a scenario with `allow_refusals: true`, in time order.
    const std::vector<ExpectationResult>& notes() const { return notes_; }
    bool all_expectations_held() const;
    Millis end_time() const { return end_time_; }
    /// The seed the random timings were drawn from (the setup's, else the scenario's) and the run id.
    std::uint64_t seed() const { return seed_; }
    std::uint64_t run_id() const { return run_id_; }
    std::uint64_t kernel_events() const { return kernel_.executed(); }

    /// Downtime of a VM over [from, end] (SPEC §9, §10 metrics): the time with no running serving
    /// instance. O(intervals and serving changes of the VM), after one pass over the log the first
    /// time any VM's is asked.
    DowntimeMetric vm_downtime(Id vm, Millis from = 0) const;
    /// Downtime of an app: the time any of its VMs is down. O(intervals of its VMs).
    DowntimeMetric app_downtime(const std::string& app, Millis from = 0) const;
    /// The time `client` could not reach `target` (an app, or a VM) over [from, end] (SPEC §9
    /// `downtime` with `client`), from the reachability record. O(intervals of the pair).
    DowntimeMetric client_downtime(const std::string& client, const std::string& target, Millis from = 0) const;
    /// The same for one recorded pair. O(intervals of the pair).
    DowntimeMetric pair_downtime(const ReachPair& pair, Millis from = 0) const;
    /// Who could reach whom over time (SPEC §10 `reachability`).
    const ReachabilityRecord& reachability() const { return reachability_; }
    /// The apps named by VMs, sorted, each with its VMs.
    const std::vector<std::pair<std::string, std::vector<Id>>>& apps() const { return apps_; }

private:
    /// Schedules the event at `position` of order_, which schedules the next one up to `end`
    /// (exclusive) when it has run; `at: end` checks are passed over (they look after all settles).
    void schedule_event(std::size_t position, std::size_t end);
    /// The position of the first event from `position` on that is not an `at: end` check.
    std::size_t skip_end_checks(std::size_t position) const;
    /// Runs the kernel until it is empty, probing reachability at the end of each instant.
    void run_kernel();
    void observe_reachability(bool log_changes);
    void dispatch(std::size_t index);
    void run_vm_operation(const EventSpec& event, int index);
    /// A VM operation on a recovery plan; true when it was handled here (refused or orchestrated).
    bool run_plan_operation(const EventSpec& event, int index);
    std::vector<Id> resolve_vms(const OperationSpec& op) const;
    void check(const EventSpec& event);
    void check_expect_error(const EventSpec& event, const std::string& what, const std::vector<const LogRecord*>& records);
    /// Lists every refusal of an event without `expect_error` (SPEC §9), after the run.
    void list_unexpected_refusals();

    /// Event `index`: the scenario's, then the setup's extra events.
    const EventSpec& event(std::size_t index) const {
        return index < scenario_.events.size() ? scenario_.events[index] : extra_events_[index - scenario_.events.size()];
    }

    const Scenario& scenario_;
    std::vector<EventSpec> extra_events_;
    World world_;
    engine::Simulator kernel_;
    RunLog log_;
    OperationContext ctx_;
    RecoveryPlanRuns plans_;
    std::vector<std::size_t> order_;  ///< event indices, stably sorted by time, `end` last
    std::size_t first_end_ = 0;       ///< position in order_ of the first `at: end` event
    std::vector<ExpectationResult> expectations_;
    std::vector<ExpectationResult> notes_;
    std::vector<PlanningWarning> warnings_;
    ReachabilityRecord reachability_;
    std::size_t log_seen_ = 0;  ///< log records already considered as causes of reachability changes
    std::vector<std::pair<std::string, std::vector<Id>>> apps_;
    Millis end_time_ = 0;
    std::uint64_t seed_ = 0;
    std::uint64_t run_id_ = 0;
    std::function<void()> instant_observer_;

    /// When each VM's serving instance changed (to the replica at a failover, back home at a
    /// failback …), read from the records' state and direction: VM v's changes are
    /// serving_changes_[serving_first_[v] .. serving_first_[v + 1]), each (time << 1 | slot), the
    /// home instance serving before the first. Built once, when a downtime is first asked for.
    const std::vector<std::uint32_t>& serving_index() const;
    mutable std::once_flag serving_built_;
    mutable std::vector<std::uint32_t> serving_first_;
    mutable std::vector<std::uint64_t> serving_changes_;
};

}  // namespace drsim
