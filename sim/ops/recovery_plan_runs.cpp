#include "sim/ops/recovery_plan_runs.hpp"

#include <algorithm>

#include "engine/sim_time.hpp"
#include "sim/ops/dns_operations.hpp"
#include "sim/ops/instance_lifecycle.hpp"
#include "sim/ops/operation_table.hpp"
#include "sim/ops/vm_operations.hpp"

namespace drsim {

namespace {

using State = ReplicationState;

std::string_view op_text(OpKind k) {
    switch (k) {
        case OpKind::failback: return "failback";
        case OpKind::test_failover: return "test_failover";
        default: return "failover";
    }
}

std::string step_text(const PlanStepSpec& s) {
    switch (s.kind) {
        case PlanStepKind::manual: return "manual step: " + s.text;
        case PlanStepKind::script: return "script step: " + s.text;
        case PlanStepKind::dns_update: return "DNS update of " + (s.target.empty() ? std::string{"the plan's records"} : s.target);
        case PlanStepKind::update_routes: return "route update";
        case PlanStepKind::connect: return "connect " + s.target;
        case PlanStepKind::disconnect: return "disconnect " + s.target;
        case PlanStepKind::subnet_failover: return "subnet failover of " + s.target;
        case PlanStepKind::create_resources: {
            std::string kinds;
            for (const auto& k : s.resources) kinds += (kinds.empty() ? "" : ", ") + k;
            return "create " + kinds + " of " + s.target + " at the target";
        }
    }
    return "step";
}

std::string where(std::size_t after_group) {
    return after_group == 0 ? "before group 1" : "after group " + std::to_string(after_group);
}

}  // namespace

RecoveryPlanRuns::RecoveryPlanRuns(OperationContext& ctx) : ctx_(ctx) {
    ctx_.plan_vm_done = [this](Id vm) { vm_done(vm); };
    ctx_.vm_boot_over = [this](Id vm) {
        if (!waiting_for_.empty()) skipped_vm_up(vm);
    };
}

bool RecoveryPlanRuns::coming_up(Id vm_id) const {
    const Vm& vm = ctx_.world.vms[vm_id];
    if (vm.replication.state == State::failing_over) return true;  // its boot follows the failover
    const Instance& inst = vm.instance(vm.active_slot());
    return inst.exists && !ctx_.world.running(inst) && inst.boot_event.value != 0;
}

void RecoveryPlanRuns::skipped_vm_up(Id vm) {
    auto it = waiting_for_.find(vm);
    if (it == waiting_for_.end()) return;
    const std::vector<Id> runs = std::move(it->second);
    waiting_for_.erase(it);
    for (Id id : runs)
        if (--runs_[id].pending == 0) advance(id);
}

void RecoveryPlanRuns::log(const Run& run, std::string detail, Decisions decisions) {
    TextTable& texts = ctx_.world.texts;
    DraftRecord r = make_record(ctx_.now(), "recovery_plan", arg::text(run.plan->name, texts), Phase::instant, std::nullopt, {},
                                interned(detail, texts), std::move(decisions));
    r.record.line = run.line;
    ctx_.log.push_back(std::move(r));
}

void RecoveryPlanRuns::start(const RecoveryPlanSpec& plan, const OperationSpec& op, int event_index, int line,
                             AttemptedHandler on_attempted) {
    const Id id = static_cast<Id>(runs_.size());
    Run& run = runs_.emplace_back();
    run.plan = &plan;
    run.op = op;
    run.event_index = event_index;
    run.line = line;
    run.on_attempted = std::move(on_attempted);
    for (const auto& s : plan.steps) run.steps.push_back(&s);
    std::stable_sort(run.steps.begin(), run.steps.end(),
                     [](const PlanStepSpec* a, const PlanStepSpec* b) { return a->after_group < b->after_group; });
    run.groups.resize(plan.groups.size());
    run.skipped.resize(plan.groups.size());

    std::size_t vms = 0;
    for (const auto& g : plan.groups) vms += g.size();
    const std::string what = std::string{op_text(op.kind)} + " of " + std::to_string(vms) + " VMs in " +
                             std::to_string(plan.groups.size()) + " boot groups";
    if (op.kind == OpKind::test_failover || !op.planned) {
        log(run, what + " started; no shutdown step (" +
                     (op.kind == OpKind::test_failover ? "test failover" : "unplanned") + ")");
        fail_over_vms(id);
        return;
    }
    // Shutdown step: the source VMs of the plan that will fail over are shut down first.
    std::size_t stopped = 0;
    for (const auto& group : plan.groups)
        for (const auto& name : group) {
            Vm& vm = ctx_.world.vms[ctx_.world.vm_id(name)];
            const bool will_fail_over = vm.replication.state == State::protected_ &&
                                        !vm.replication.test_running &&
                                        (op.kind != OpKind::failback || vm.replication.reversed);
            Instance& source = vm.instance(vm.replication.source_slot());
            if (will_fail_over && source.exists && ctx_.world.running(source)) {
                stop_instance(ctx_, source);
                ++stopped;
            }
        }
    Millis d = ctx_.duration(ctx_.scenario.timing.shutdown, "timing.shutdown");
    log(run, what + " started; shutdown step: " + std::to_string(stopped) + " source VMs shut down (" +
                 engine::format_duration(d) + ")");
    ctx_.kernel.schedule_in(d, [this, id] { fail_over_vms(id); });
}

void RecoveryPlanRuns::fail_over_vms(Id id) {
    Run& run = runs_[id];
    run.stage = Stage::failing_over;
    std::vector<std::size_t> records;
    for (std::size_t g = 0; g < run.plan->groups.size(); ++g) {
        for (const auto& name : run.plan->groups[g]) {
            const Id vm_id = ctx_.world.vm_id(name);
            Vm& vm = ctx_.world.vms[vm_id];
            const State s = vm.replication.state;
            OpResult result;
            // Already failed over: for a failback, only a VM already failing or failed back (its
            // replication reversed); one failed over and not reprotected is refused as a single
            // failback is (FAILBACK-NEEDS-REVERSE), not skipped.
            const bool done = s == State::failing_over || s == State::failed_over || s == State::committed;
            if (done && (run.op.kind != OpKind::failback || vm.replication.reversed)) {
                // PLAN-SKIP-FAILED-OVER: already failed over (by an earlier plan or on its own).
                result.detail = {"skipped: already {}", arg::state(s)};
                result.decisions.push_back({Rule::PlanSkipFailedOver, {"{} is already {}", arg::vm(vm_id), arg::state(s)}});
                run.skipped[g].push_back(vm_id);
            } else if (run.op.kind == OpKind::test_failover) {
                result = test_failover(ctx_, vm_id, run.op);
            } else {
                result = failover(ctx_, vm_id, run.op, run.op.kind == OpKind::failback);
            }
            const bool accepted = !result.refused && result.phase == Phase::start;
            ctx_.log_vm_result(op_text(run.op.kind), vm_id, std::move(result), run.event_index, run.line);
            records.push_back(ctx_.log.size() - 1);
            if (accepted) {
                vm.replication.plan_run = id;
                run.groups[g].push_back(vm_id);
                ++run.pending;
            }
        }
    }
    if (run.on_attempted) {
        std::vector<const LogRecord*> attempted;
        for (std::size_t i : records) attempted.push_back(&ctx_.log[i]);
        run.on_attempted(attempted);
    }
    if (run.pending == 0) {
        run.stage = Stage::booting;
        advance(id);
    }
}

void RecoveryPlanRuns::vm_done(Id vm_id) {
    Replication& r = ctx_.world.vms[vm_id].replication;
    const Id id = r.plan_run;
    Run& run = runs_[id];
    if (run.stage == Stage::booting) r.plan_run = kNone;  // up: the plan is done with this VM
    if (--run.pending > 0) return;
    run.stage = Stage::booting;  // every VM has failed over, or every VM of the group is up
    advance(id);
}

void RecoveryPlanRuns::advance(Id id) {
    Run& run = runs_[id];
    while (true) {
        // Group N+1 starts when every VM of group N is up: those the plan booted, and those it
        // skipped as already failed over that are still on their way up (PLAN-BOOT-ORDER).
        if (run.awaited_through < run.next_group) {
            const std::size_t g = run.awaited_through++;
            std::string names;
            if (run.op.kind != OpKind::test_failover)
                for (Id v : run.skipped[g])
                    if (coming_up(v)) {
                        waiting_for_[v].push_back(id);
                        ++run.pending;
                        names += (names.empty() ? "" : ", ") + ctx_.world.vms[v].name;
                    }
            if (run.pending > 0) {
                log(run, "group " + std::to_string(g + 1) + " waits for " + names + ", skipped as already failed over, to be up",
                    {{Rule::PlanBootOrder, "the next group starts when every VM of this one is up"}});
                return;  // the last of them to come up continues the plan
            }
        }
        if (run.next_step < run.steps.size() && static_cast<std::size_t>(run.steps[run.next_step]->after_group) == run.next_group) {
            run_step(id, *run.steps[run.next_step++]);
            return;  // the step's end continues the plan
        }
        if (run.next_group < run.groups.size()) {
            const std::size_t g = run.next_group++;
            auto& vms = run.groups[g];
            // A VM removed since it failed over (a cleanup, a delete_vm) has nothing left to boot.
            std::erase_if(vms, [&](Id v) {
                Vm& vm = ctx_.world.vms[v];
                const Slot slot = run.op.kind == OpKind::test_failover ? Slot::test : vm.replication.target_slot();
                if (vm.instance(slot).exists) return false;
                vm.replication.plan_run = kNone;
                return true;
            });
            run.pending = vms.size();
            std::string names;
            for (Id v : vms) names += (names.empty() ? "" : ", ") + ctx_.world.vms[v].name;
            log(run, "boot group " + std::to_string(g + 1) + (vms.empty() ? ": no VM to boot" : ": " + names + " boot"),
                {{Rule::PlanBootOrder, g == 0 ? Text{"every VM of the plan has failed over"} : Text{"every VM of group {} is up", arg::count(g)}}});
            for (Id v : vms)
                boot_instance(ctx_, v, run.op.kind == OpKind::test_failover ? Slot::test
                                                                              : ctx_.world.vms[v].replication.target_slot());
            if (!vms.empty()) return;  // the last boot of the group continues the plan
            continue;
        }
        run.stage = Stage::finished;
        log(run, std::string{op_text(run.op.kind)} + " completed");
        return;
    }
}

void RecoveryPlanRuns::run_step(Id id, const PlanStepSpec& step) {
    Run& run = runs_[id];
    const Timing& t = ctx_.scenario.timing;
    const Distribution* d = &t.script_step;
    std::optional<OperationSpec> op;
    switch (step.kind) {
        case PlanStepKind::manual: d = &t.manual_step; break;
        case PlanStepKind::dns_update:
            d = &t.dns_update;
            op.emplace();
            op->kind = OpKind::dns_update;
            op->dns_name = step.target;
            op->vm = step.text;
            break;
        case PlanStepKind::connect:
        case PlanStepKind::disconnect:
        case PlanStepKind::update_routes:
        case PlanStepKind::subnet_failover: {
            // The same handler as the scenario operation of that name, run when the step ends.
            op.emplace();
            op->kind = step.kind == PlanStepKind::connect      ? OpKind::connect
                       : step.kind == PlanStepKind::disconnect ? OpKind::disconnect
                       : step.kind == PlanStepKind::update_routes ? OpKind::update_routes
                                                                  : OpKind::subnet_failover;
            op->connection = step.target;
            if (step.kind == PlanStepKind::subnet_failover) {
                const auto slash = step.target.find('/');
                op->subnet_network = step.target.substr(0, slash);
                op->subnet = slash == std::string::npos ? "" : step.target.substr(slash + 1);
                op->to_site = plan_site(run);
            }
            break;
        }
        case PlanStepKind::create_resources:
            // A script step's time, then the handler of the create_resources operation.
            op.emplace();
            op->kind = OpKind::create_resources;
            op->vm = step.target;
            op->resources = step.resources;
            break;
        default: break;
    }
    Millis duration = step.duration ? ctx_.duration(*step.duration, "plan.step") : ctx_.duration(*d, "plan.step");
    log(run, step_text(step) + " (" + where(step.after_group) + ", " + engine::format_duration(duration) + ")");
    ctx_.kernel.schedule_in(duration, [this, id, op = std::move(op), text = step_text(step)] {
        if (op && op->kind == OpKind::dns_update) {
            // The step has taken timing.dns_update: the update lands now.
            const Run& run = runs_[id];
            std::vector<Id> vms;
            for (const auto& group : run.groups) vms.insert(vms.end(), group.begin(), group.end());
            log(run, text + " done",
                apply_dns_update(ctx_, *op, vms, run.op.kind == OpKind::test_failover, "recovery plan " + run.plan->name + " step"));
        } else if (op) {
            const OperationHandler& handler = handler_of(op->kind);
            OpResult r = handler.on_vm ? handler.on_vm(ctx_, ctx_.world.vm_id(op->vm), *op) : handler.on_world(ctx_, *op);
            if (r.refused) r.decisions.push_back({*r.refused, r.detail, true});
            log(runs_[id], text + " done" + (r.refused || r.detail.empty() ? "" : ": " + ctx_.world.render(r.detail)), std::move(r.decisions));
        }
        advance(id);
    });
}

std::string RecoveryPlanRuns::plan_site(const Run& run) const {
    // Where the plan's VMs run now: a subnet_failover step moves the subnet there.
    for (const auto& group : run.groups)
        for (Id v : group) {
            const Vm& vm = ctx_.world.vms[v];
            const Instance& inst = vm.instance(run.op.kind == OpKind::test_failover ? Slot::test : vm.active_slot());
            if (inst.exists) return ctx_.world.sites[inst.site].name;
        }
    return "";
}

}  // namespace drsim
