// test_failover and cleanup_test_failover (SPEC §3 IP-TFO-*, §4 TFO-*).
#include "sim/ops/instance_lifecycle.hpp"
#include "sim/ops/mapping_operations.hpp"
#include "sim/ops/vm_operations.hpp"

namespace drsim {

using State = ReplicationState;

OpResult test_failover(OperationContext& ctx, Id vm_id, const OperationSpec& op) {
    World& w = ctx.world;
    Vm& vm = w.vms[vm_id];
    Replication& r = vm.replication;
    if (r.test_running)
        return OpResult::refuse(Rule::TfoOneAtATime, "a test failover of this VM is already running",
                                {Rule::TfoCleanupFirst});
    if (r.state == State::enabling)
        return OpResult::refuse(Rule::FoNeedsRecoveryPoint, "initial replication has not finished: no recovery point");
    if (r.state != State::protected_)
        return OpResult::refuse(Rule::TfoOneAtATime, {"test failover runs only from protected, not {}", arg::state(r.state)},
                                r.job_running ? std::vector<Rule>{Rule::JobInProgress, Rule::StateNotAllowed}
                                              : std::vector<Rule>{Rule::StateNotAllowed});
    const Id target_site = vm.target_site();
    if (!w.site_up(target_site)) return OpResult::refuse(Rule::FoNeedsTargetSite, {"{} is down", arg::site(target_site)});
    const Instance& source = vm.instance(r.source_slot());
    const std::vector<NicBinding>& source_nics = vm.source_nics();
    const TargetSettings& settings = r.current_settings();

    // The failover network: fixed on the replication (A2A) or the mapping now (VMM).
    Id production = settings.targets.empty() ? kNone : settings.targets[0].network;
    if (vmm_fabric(w.fabric()) && !source_nics.empty()) production = mapped_target(w, source_nics[0].network);
    Id network = op.network.empty() ? production : w.network_id(op.network);
    if (network == kNone)
        return OpResult::refuse(Rule::TargetNetworkSite, interned(op.network.empty() ? "no failover network to test in: name one"
                                                                            : op.network + " does not exist (yet)", ctx.world.texts));
    if (w.networks[network].site != target_site)
        return OpResult::refuse(Rule::TargetNetworkSite, interned(w.networks[network].name + " is not at the target site " +
                                                             w.sites[target_site].name, ctx.world.texts));
    OpResult result;
    if (network == production)
        result.decisions.push_back({Rule::TfoProductionNetwork, interned(w.networks[network].name +
                                                                     " is the production failover network: use an isolated, non-production network", ctx.world.texts),
                                    true});
    std::vector<NicPlan> plans(source_nics.size());
    for (auto& p : plans) p.network = network;
    if (!plans.empty()) {
        plans[0].override_subnet = ctx.world.held_text(settings.subnet);
        plans[0].override_ip = settings.ip;
    }
    auto nics = place_nics(ctx, source.site, source_nics, plans, nullptr, true, result.decisions);
    if (!nics) return OpResult::refuse(Rule::AddrSubnetFull, result.decisions.back().detail());
    result.detail = placement_detail(w, Placement::test, target_site, *nics);
    warn_not_replicated(ctx, vm, op.recovery_plan, result.decisions);
    r.test_running = true;
    Millis d = ctx.duration(ctx.scenario.timing.test_failover, "timing.test_failover");
    start_instance(ctx, vm_id, Slot::test, target_site, std::move(*nics));
    // The test failover job ends after its duration; the test VM then boots (or its plan boots it).
    vm.instance(Slot::test).boot_event = ctx.kernel.schedule_in(d, [&ctx, vm_id] {
        Vm& v = ctx.world.vms[vm_id];
        v.instance(Slot::test).boot_event = {};
        ctx.log_done("test_failover", v);
        if (v.replication.plan_run != kNone) ctx.plan_vm_done(vm_id);
        else boot_instance(ctx, vm_id, Slot::test);
    });
    result.phase = Phase::start;
    return result;
}

OpResult cleanup_test_failover(OperationContext& ctx, Id vm_id, const OperationSpec&) {
    Vm& vm = ctx.world.vms[vm_id];
    Replication& r = vm.replication;
    if (!r.test_running) return OpResult::refuse(Rule::StateNotAllowed, "no test failover is running");
    remove_instance(ctx, vm.instance(Slot::test));
    r.test_running = false;
    if (r.plan_run != kNone) ctx.plan_vm_done(vm_id);  // a plan still waiting for it goes on without it
    OpResult result;
    result.detail = "test instance removed; its addresses are free";
    return result;
}

}  // namespace drsim
