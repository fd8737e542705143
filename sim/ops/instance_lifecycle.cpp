#include "sim/ops/instance_lifecycle.hpp"

#include "sim/decisions/address_chooser.hpp"
#include "sim/decisions/target_subnet_chooser.hpp"

namespace drsim {

namespace {
void close_interval(Instance& instance, Millis now) {
    if (!instance.up_intervals.empty() && instance.up_intervals.back().second < 0)
        instance.up_intervals.back().second = now;
}
}  // namespace

std::string describe_nic(const World& world, const NicBinding& nic) {
    if (nic.network == kNone) return "no network";
    std::string out = world.networks[nic.network].name;
    if (nic.subnet != kNone) out += "/" + world.subnets[nic.subnet].name;
    if (nic.ip) {
        out += ' ';
        out += nic.ip->to_string();
    }
    if (nic.dhcp) out += " (dhcp)";
    return out;
}

std::optional<std::vector<NicBinding>> place_nics(OperationContext& ctx, const Instance& source,
                                                  const std::vector<NicPlan>& plans,
                                                  const std::vector<ReipRule>* reip, bool test, Decisions& out) {
    World& world = ctx.world;
    std::vector<NicBinding> placed;
    placed.reserve(source.nics.size());
    const SiteKind source_kind = world.sites[source.site].kind;
    for (std::size_t i = 0; i < source.nics.size(); ++i) {
        const NicBinding& src = source.nics[i];
        const NicPlan& plan = plans[i];
        NicBinding nic;
        if (plan.network == kNone) {
            placed.push_back(nic);
            continue;
        }
        nic.network = plan.network;
        const std::string source_subnet = src.subnet != kNone ? world.subnets[src.subnet].name : std::string{};
        nic.subnet = choose_target_subnet(world, plan.network, source_subnet, plan.override_subnet, out);
        if (nic.subnet == kNone) {
            out.push_back({Rule::AddrSubnetFull, world.networks[plan.network].name + " has no subnet", true});
            placed.push_back(nic);
            continue;
        }
        if (plan.held_ip) {
            if (nic.subnet == plan.held_subnet) {
                out.push_back({plan.held_rule, plan.held_ip->to_string() + (plan.held_rule == Rule::IpVmmPool
                                                                                ? ", reserved when replication was enabled, is applied"
                                                                                : ": the original VM keeps its own address")});
                nic.ip = plan.held_ip;
                placed.push_back(nic);
                continue;
            }
            world.release(plan.held_subnet, *plan.held_ip);
            out.push_back({plan.held_rule, plan.held_ip->to_string() + " in " + world.subnets[plan.held_subnet].name +
                                               " no longer applies (the NIC lands in " + world.subnets[nic.subnet].name +
                                               " of " + world.networks[nic.network].name + "): released"});
        }
        AddressRequest rq;
        rq.subnet = nic.subnet;
        rq.source_subnet = src.subnet;
        rq.source_kind = source_kind;
        rq.source_ip = src.ip;
        rq.source_dhcp = src.dhcp;
        rq.override_ip = plan.override_ip;
        rq.reip = reip;
        rq.test = test;
        AddressChoice choice = choose_address(world, rq, out);
        if (!choice.ok) {
            for (auto& p : placed)
                if (p.ip && p.subnet != kNone) world.release(p.subnet, *p.ip);
            for (const auto& p : plans)  // what was held before stays held: nothing changes on a refusal
                if (p.held_ip) world.hold(p.held_subnet, *p.held_ip);
            return std::nullopt;
        }
        nic.ip = choice.ip;
        nic.dhcp = choice.dhcp;
        placed.push_back(nic);
    }
    return placed;
}

void start_instance(OperationContext& ctx, Id vm_id, Slot slot, Id site, std::vector<NicBinding> nics) {
    Instance& inst = ctx.world.vms[vm_id].instance(slot);
    if (inst.exists) {
        // The original VM is kept outside Azure-to-Azure: it is reconnected, so its old addresses go first.
        ctx.world.release_instance(inst);
        if (inst.boot_event.value != 0) ctx.kernel.cancel(inst.boot_event);
        inst.boot_event = {};
        close_interval(inst, ctx.now());
    }
    inst.exists = true;
    inst.site = site;
    inst.nics = std::move(nics);
    inst.booted = false;
    inst.shut_down = false;
}

void boot_instance(OperationContext& ctx, Id vm_id, Slot slot) {
    Millis boot = ctx.duration(ctx.scenario.timing.vm_boot, "timing.vm_boot");
    Instance& inst = ctx.world.vms[vm_id].instance(slot);
    inst.boot_event = ctx.kernel.schedule_in(boot, [&ctx, vm_id, slot] {
        Vm& vm = ctx.world.vms[vm_id];
        Instance& i = vm.instance(slot);
        i.boot_event = {};
        i.booted = true;
        i.up_intervals.emplace_back(ctx.now(), -1);
        ctx.log_done(slot == Slot::test ? "test_vm_boot" : "vm_boot", vm);
        if (!ctx.world.running(i)) ctx.log.back().detail = "booted, but its site is down: not running until it is up";
        if (vm.replication.plan_run != kNone) ctx.plan_vm_done(vm_id);
    });
}

void stop_instance(OperationContext& ctx, Instance& instance) {
    if (!instance.exists || instance.shut_down) return;
    instance.shut_down = true;
    close_interval(instance, ctx.now());
}

void remove_instance(OperationContext& ctx, Instance& instance) {
    if (!instance.exists) return;
    if (instance.boot_event.value != 0) ctx.kernel.cancel(instance.boot_event);
    instance.boot_event = {};
    close_interval(instance, ctx.now());
    ctx.world.release_instance(instance);
    instance.exists = false;
    instance.booted = false;
    instance.shut_down = false;
    instance.nics.clear();
}

}  // namespace drsim
