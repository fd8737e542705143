#pragma once
// What every operation handler works on: the world, the kernel (to schedule job ends), the log,
// and the random streams for job durations. One per run.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/random_streams.hpp"
#include "engine/simulator.hpp"
#include "sim/log/log_record.hpp"
#include "sim/routing/routing_state.hpp"
#include "sim/world/world.hpp"

namespace drsim {

/// The result of applying an operation to one target: refused (with the rule, and any other rule
/// that forbids it too) or accepted (with the decisions made, and whether a job is now running).
struct OpResult {
    std::optional<Rule> refused;
    std::vector<Rule> also;
    Text detail;  ///< why it was refused, or a summary of what it did
    Decisions decisions;
    Phase phase = Phase::instant;

    static OpResult refuse(Rule rule, Text detail, std::vector<Rule> also = {}) {
        OpResult r;
        r.refused = rule;
        r.detail = detail;
        r.also = std::move(also);
        return r;
    }
};

/// A duration drawn from `d` on `stream` (fixed values draw nothing). >= 0.
Millis draw(const Distribution& d, engine::RandomStream& stream);

class OperationContext {
public:
    /// Random timings are drawn from streams of (`seed`, `run_id`, name) (engine/random_streams).
    OperationContext(const Scenario& scenario, World& world, engine::Simulator& kernel, RunLog& log, std::uint64_t seed,
                     std::uint64_t run_id = 0);

    const Scenario& scenario;
    World& world;
    engine::Simulator& kernel;
    RunLog& log;
    /// Routes over time (SPEC §6): what each connection carries, each router's table, the probe.
    RoutingState routing;

    Millis now() const { return kernel.now(); }
    /// A job duration drawn from `d` on the stream named `stream` (fixed values draw nothing). >= 0.
    Millis duration(const Distribution& d, std::string_view stream);
    /// Appends the record of operation `op` applied to `vm` (accepted or refused) and returns it.
    const LogRecord& log_vm_result(std::string_view op, Id vm, OpResult result, int event_index, int line);
    /// Appends a record for a job that ended (or any record not tied to a scenario event).
    void log_done(std::string_view op, const Vm& vm, Decisions decisions = {}, Text detail = {});

    /// IP-REIP-RULE: the re-IP rules for `vm` in the order they are tried — `own` (the replication's),
    /// then those of the recovery plan running the operation (`plan`, "" for none), then those of the
    /// other plans holding the VM, in definition order. The first rule that matches wins, so the
    /// replication's own rules win over its plans'. O(rules of those plans).
    std::vector<ReipRule> reip_rules(const std::vector<ReipRule>& own, Id vm, std::string_view plan) const;

    /// VMs whose initial replication waits for their source site to come up, by site.
    std::vector<std::vector<Id>> stalled_by_site;
    /// VMs whose records' cached answers expire at a time (DNS-TTL-CACHE), by that time: one kernel
    /// event per time.
    std::unordered_map<Millis, std::vector<Id>> dns_expiring;

    /// Tells the recovery-plan run of `vm` (Replication::plan_run) that the VM finished its current
    /// stage (failed over, or booted). Installed by the plan orchestrator.
    std::function<void(Id vm)> plan_vm_done = [](Id) {};
    /// Tells whoever waits for `vm` to be up (a plan that skipped it) that its boot ended, or that
    /// the instance booting went away. Installed by the plan orchestrator.
    std::function<void(Id vm)> vm_boot_over = [](Id) {};

private:
    engine::RandomStreams random_;
    /// The recovery plans with re-IP rules that hold each VM, in definition order (built once).
    std::unordered_map<Id, std::vector<const RecoveryPlanSpec*>> reip_plans_by_vm_;
};

}  // namespace drsim
