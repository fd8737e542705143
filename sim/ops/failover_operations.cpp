// failover, failback, commit, reprotect (SPEC §4, §5).
#include "engine/sim_time.hpp"
#include "sim/decisions/vmm_rules.hpp"
#include "sim/ops/instance_lifecycle.hpp"
#include "sim/ops/mapping_operations.hpp"
#include "sim/ops/vm_operations.hpp"

namespace drsim {

namespace {

using State = ReplicationState;

// MAP-NONE-AZURE: the isolated network that the replicas of one recovery plan (or of one VM failing
// over on its own) share, created at the target site with the source network's address space.
Id isolated_network(OperationContext& ctx, const Vm& vm, Id source_network, const std::string& plan, Id site) {
    World& w = ctx.world;
    const std::string name = "isolated-" + (plan.empty() ? vm.name : plan) + "-" + w.networks[source_network].name;
    if (Id existing = w.network_id(name); existing != kNone) return existing;
    return w.add_network_copy(w.networks[source_network], name, site);
}

// The network NIC `i` of the replica joins, and the rule that says so.
NicPlan plan_nic(OperationContext& ctx, const Vm& vm, std::size_t i, const std::string& plan_name, Decisions& out) {
    World& w = ctx.world;
    const Replication& r = vm.replication;
    const TargetSettings& settings = r.current_settings();
    NicPlan plan;
    if (i == 0) {
        plan.override_subnet = w.held_text(settings.subnet);
        plan.override_ip = settings.ip;
    }
    const Id src_net = vm.source_nics()[i].network;
    if (!vmm_fabric(w.fabric())) {
        plan.network = i < settings.targets.size() ? settings.targets[i].network : kNone;
        if (plan.network != kNone)
            out.push_back({settings.targets[i].rule, {"NIC {}: target network {}, set on the replication (later mapping changes do not move it)",
                                                       arg::count(i), arg::network(plan.network)}});
        return plan;
    }
    // VMM fabrics: the mapping at the time of failover (and of failback, §5).
    if (r.reversed) {
        if (src_net == kNone) {
            out.push_back({Rule::FbDisconnected, {"NIC {}: the replica is connected to no network", arg::count(i)}});
        } else if (Id m = mapped_target(w, src_net); m != kNone) {
            plan.network = m;
            out.push_back({Rule::FbReverseMapping, {"NIC {}: the replica is on {}, mapped now to {}", arg::count(i), arg::network(src_net),
                                                    arg::network(m)}});
        } else {
            out.push_back({Rule::FbUnmapped, {"NIC {}: the replica is on {}, which is not mapped", arg::count(i), arg::network(src_net)}});
        }
        return plan;
    }
    if (src_net == kNone) return plan;
    if (i < settings.reserved.size() && settings.reserved[i].second) {
        plan.held_subnet = settings.reserved[i].first;
        plan.held_ip = settings.reserved[i].second;
        plan.held_rule = Rule::IpVmmPool;
    }
    if (Id m = mapped_target(w, src_net); m != kNone) {
        plan.network = m;
        out.push_back({Rule::MapResolveAtFailover, {"NIC {}: {} is mapped now to {}", arg::count(i), arg::network(src_net), arg::network(m)}});
    } else if (w.fabric() == Fabric::vmm_to_vmm) {
        out.push_back({Rule::MapNoneVmm, {"NIC {}: {} has no mapping: the replica is connected to no network", arg::count(i),
                                          arg::network(src_net)}});
    } else {
        plan.network = isolated_network(ctx, vm, src_net, plan_name, vm.replication.recovery_site);
        if (plan_name.empty())
            out.push_back({Rule::MapNoneAzure, {"NIC {}: {} has no mapping: isolated network {} of this VM", arg::count(i),
                                                arg::network(src_net), arg::network(plan.network)}});
        else
            out.push_back({Rule::MapNoneAzure, interned("NIC " + std::to_string(i) + ": " + w.networks[src_net].name +
                                                            " has no mapping: isolated network " + w.networks[plan.network].name +
                                                            ", shared by recovery plan " + plan_name + " only",
                                                        w.texts)});
    }
    return plan;
}

// MAP-PLACEMENT at failover (VMM -> VMM): the host chosen at enable keeps the replica when it
// reaches every network resolved now; otherwise the replica is placed again by the same rule, and
// with no such host it comes up connected to no network. Returns the host (kNone: not modelled).
Id place_at_failover(const World& w, const Vm& vm, std::vector<NicPlan>& plans, Decisions& out) {
    const Replication& r = vm.replication;
    const Id chosen = r.current_settings().host;
    if (w.fabric() != Fabric::vmm_to_vmm || r.reversed || vm.cloud == kNone || w.clouds[vm.cloud].protected_by == kNone)
        return chosen;
    std::vector<Id> targets;
    for (const auto& p : plans) targets.push_back(p.network);
    if (chosen != kNone && host_reaches(w, chosen, targets)) return chosen;
    const Cloud& protecting = w.clouds[w.clouds[vm.cloud].protected_by];
    if (protecting.hosts.empty()) return chosen;
    std::string nets;
    for (Id t : targets)
        if (t != kNone) nets += (nets.empty() ? "" : ", ") + w.networks[t].name;
    const std::string why = chosen != kNone ? "host " + w.hosts[chosen].name + ", chosen at enable, does not reach " + nets + ": "
                                            : "";
    Decisions placement;
    if (auto h = choose_host(w, w.clouds[vm.cloud].protected_by, targets, placement)) {
        out.push_back({Rule::MapPlacement, interned(why + w.render(placement.back().detail()), w.texts)});
        return *h;
    }
    out.push_back({Rule::MapPlacement,
                   interned(why + "no host of " + protecting.name + " reaches " + nets + ": the replica comes up connected to no network",
                            w.texts),
                   true});
    for (auto& p : plans) p.network = kNone;
    return chosen;
}

void finish_failover(OperationContext& ctx, Id vm_id) {
    Vm& vm = ctx.world.vms[vm_id];
    vm.replication.job_running = false;
    vm.replication.job = {};
    vm.replication.state = State::failed_over;
    ctx.log_done(vm.replication.failback_job ? "failback" : "failover", vm);
    if (vm.replication.plan_run != kNone) ctx.plan_vm_done(vm_id);  // the plan boots it with its group
    else if (vm.instance(vm.replication.target_slot()).exists) boot_instance(ctx, vm_id, vm.replication.target_slot());
    // (a replica deleted while it was failing over has nothing to boot)
}

void finish_reprotect(OperationContext& ctx, Id vm_id) {
    Vm& vm = ctx.world.vms[vm_id];
    Replication& r = vm.replication;
    r.job_running = false;
    r.job = {};
    r.state = State::protected_;
    Decisions d;
    close_unprotected_window(ctx, r, d);
    if (ctx.world.fabric() == Fabric::azure_to_azure) {  // other fabrics keep the original VM for failback
        Instance& old = vm.instance(r.target_slot());
        if (old.exists) {
            remove_instance(ctx, old);
            d.push_back({Rule::ReprotectRemovesOld, "the old primary seeded the reverse replication and was removed; its addresses are free"});
        }
    }
    ctx.log_done("reprotect", vm, std::move(d));
}

}  // namespace

OpResult failover(OperationContext& ctx, Id vm_id, const OperationSpec& op, bool is_failback) {
    World& w = ctx.world;
    Vm& vm = w.vms[vm_id];
    Replication& r = vm.replication;
    if (is_failback && !r.reversed)
        return OpResult::refuse(Rule::FailbackNeedsReverse, "the replication is not reversed: reprotect after a committed failover first",
                                r.state == State::protected_ ? std::vector<Rule>{} : std::vector<Rule>{Rule::StateNotAllowed});
    if (r.state == State::enabling)
        return OpResult::refuse(Rule::FoNeedsRecoveryPoint, "initial replication has not finished: no recovery point");
    if (r.test_running)
        return OpResult::refuse(Rule::TfoCleanupFirst, "a test failover is running: clean it up first");
    if (r.state != State::protected_)
        return OpResult::refuse(r.job_running ? Rule::JobInProgress : Rule::StateNotAllowed,
                                {"failover needs protected, not {}", arg::state(r.state)},
                                r.job_running ? std::vector<Rule>{Rule::StateNotAllowed} : std::vector<Rule>{});
    const Id target_site = vm.target_site();
    if (!w.site_up(target_site)) return OpResult::refuse(Rule::FoNeedsTargetSite, {"{} is down", arg::site(target_site)});
    Instance& source = vm.instance(r.source_slot());
    if (op.planned && (!source.exists || !w.site_up(source.site)))
        return OpResult::refuse(Rule::FoPlannedNeedsSource,
                                !source.exists ? Text{"the source VM has been deleted"} : Text{"{} is down", arg::site(source.site)});

    OpResult result;
    const std::vector<NicBinding>& source_nics = vm.source_nics();
    // A NIC's network, subnet and address make up to four decisions, the failover's kind one more:
    // room for them at once rather than a vector grown four times, for every VM failed over.
    result.decisions.reserve(4 * source_nics.size() + 2);
    std::vector<NicPlan> plans;
    plans.reserve(source_nics.size());
    for (std::size_t i = 0; i < source_nics.size(); ++i) plans.push_back(plan_nic(ctx, vm, i, op.recovery_plan, result.decisions));
    const Id host = place_at_failover(w, vm, plans, result.decisions);
    // Outside Azure-to-Azure the VM at the target side is kept (VMM keeps the original VM; Hyper-V
    // fails back to it): it is reconnected, and a NIC back on its own network keeps its address.
    Instance& kept = vm.instance(r.target_slot());
    const std::vector<NicBinding> kept_before = kept.nics;
    if (w.fabric() != Fabric::azure_to_azure && kept.exists) {
        for (std::size_t i = 0; i < kept.nics.size(); ++i) {
            NicBinding& nic = kept.nics[i];
            if (!nic.ip) continue;
            if (i < plans.size() && plans[i].network != kNone && plans[i].network == nic.network && !plans[i].held_ip) {
                plans[i].held_ip = nic.ip;
                plans[i].held_subnet = nic.subnet;
                plans[i].held_rule = Rule::FbKeepsAddress;
            } else {
                w.release(nic.subnet, *nic.ip);
            }
            nic.ip.reset();  // the address now belongs to the plan, or is free
        }
    }
    const std::vector<ReipRule> reip = ctx.reip_rules(r.current_settings().reip, vm_id, op.recovery_plan);
    auto nics = place_nics(ctx, source.site, source_nics, plans, &reip, false, result.decisions);
    if (!nics) {
        for (std::size_t i = 0; i < kept_before.size(); ++i)  // nothing changes on a refusal
            if (kept_before[i].ip && !(i < plans.size() && plans[i].held_rule == Rule::FbKeepsAddress && plans[i].held_ip))
                w.hold(kept_before[i].subnet, *kept_before[i].ip);
        kept.nics = kept_before;
        return OpResult::refuse(Rule::AddrSubnetFull, result.decisions.back().detail());
    }
    r.current_settings().reserved.clear();  // consumed by the placement, or released by it
    if (op.planned) {
        stop_instance(ctx, source);
        result.decisions.push_back({Rule::FoPlannedNeedsSource, "planned: the source VM was shut down first, no data loss"});
    } else {
        result.decisions.push_back({Rule::FoUnplannedDataLoss, "unplanned: what was not yet replicated is lost"});
    }
    result.detail = placement_detail(w, is_failback || r.reversed ? Placement::back : Placement::replica, target_site, *nics);
    r.state = State::failing_over;
    r.last_failover_planned = op.planned;
    r.failback_job = is_failback;
    r.job_running = true;
    Millis fo = ctx.duration(ctx.scenario.timing.failover, "timing.failover");
    r.job = ctx.kernel.schedule_in(fo, [&ctx, vm_id] { finish_failover(ctx, vm_id); });
    start_instance(ctx, vm_id, r.target_slot(), target_site, std::move(*nics));
    if (host != kNone) vm.instance(r.target_slot()).host = host;
    warn_not_replicated(ctx, vm, op.recovery_plan, result.decisions);
    result.phase = Phase::start;
    return result;
}

OpResult commit(OperationContext& ctx, Id vm_id, const OperationSpec&) {
    Vm& vm = ctx.world.vms[vm_id];
    Replication& r = vm.replication;
    if (r.state != State::failed_over)
        return OpResult::refuse(Rule::CommitNeedsFailover, {"commit needs failed_over, not {}", arg::state(r.state)},
                                r.job_rules());
    r.state = State::committed;
    r.unprotected_since = ctx.now();
    OpResult result;
    result.decisions.push_back({Rule::UnprotectedWindow, "the VM is not protected until reprotect completes"});
    return result;
}

OpResult reprotect(OperationContext& ctx, Id vm_id, const OperationSpec& op) {
    World& w = ctx.world;
    Vm& vm = w.vms[vm_id];
    Replication& r = vm.replication;
    if (!op.target_network.empty())
        return OpResult::refuse(Rule::ReprotectKeepsNetwork, "reprotect cannot change the target network (use update_replication after)");
    if (r.state != State::committed)
        return OpResult::refuse(Rule::ReprotectNeedsCommit, {"reprotect needs committed, not {}", arg::state(r.state)},
                                r.job_rules());
    Instance& old_primary = vm.instance(r.source_slot());
    if (!w.site_up(old_primary.site))
        return OpResult::refuse(Rule::ReprotectNeedsSourceSite, {"{} is down", arg::site(old_primary.site)});
    if (!old_primary.exists) return OpResult::refuse(Rule::ReprotectNeedsSourceVm, "the old primary VM has been deleted");

    OpResult result;
    const Instance& replica = vm.instance(r.target_slot());
    r.reversed = !r.reversed;
    TargetSettings& reverse = r.current_settings();
    reverse = TargetSettings{};
    if (!vmm_fabric(w.fabric())) {
        // A2A: the reverse direction targets the network mapped from the replica's network.
        reverse.targets.assign(replica.nics.size(), NicTarget{kNone, Rule::ReprotectKeepsNetwork});
        for (std::size_t i = 0; i < replica.nics.size(); ++i) {
            Id net = replica.nics[i].network;
            Id mapped = mapped_target(w, net);
            Id original = i < old_primary.nics.size() ? old_primary.nics[i].network : kNone;
            reverse.targets[i].network = mapped != kNone && w.networks[mapped].site == old_primary.site ? mapped : original;
            if (net == kNone) continue;
            const Id to = reverse.targets[i].network;
            if (mapped == to && mapped != kNone)
                result.decisions.push_back({Rule::ReprotectKeepsNetwork,
                                            {"NIC {}: reverse target {}, mapped from {}", arg::count(i), arg::network(to), arg::network(net)}});
            else if (to != kNone)
                result.decisions.push_back({Rule::ReprotectKeepsNetwork,
                                            {"NIC {}: reverse target {}, the original network (no mapping from {})", arg::count(i),
                                             arg::network(to), arg::network(net)}});
            else
                result.decisions.push_back({Rule::ReprotectKeepsNetwork,
                                            {"NIC {}: reverse target none, the original network (no mapping from {})", arg::count(i),
                                             arg::network(net)}});
        }
    }
    r.degraded = forced_tunnel_health(w, replica, result.decisions);  // the replica is the source now
    stop_instance(ctx, old_primary);
    r.state = State::reprotecting;
    r.job_running = true;
    Millis d = ctx.duration(ctx.scenario.timing.resync, "timing.resync");
    r.job = ctx.kernel.schedule_in(d, [&ctx, vm_id] { finish_reprotect(ctx, vm_id); });
    result.phase = Phase::start;
    return result;
}

void close_unprotected_window(OperationContext& ctx, Replication& r, Decisions& out) {
    if (const auto length = r.close_unprotected(ctx.now()))
        out.push_back({Rule::UnprotectedWindow, {"protected again after {} unprotected", arg::duration(*length, ctx.world.texts)}});
}

}  // namespace drsim
