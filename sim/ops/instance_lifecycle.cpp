#include <array>

#include "sim/ops/instance_lifecycle.hpp"

#include "sim/decisions/address_chooser.hpp"
#include "sim/decisions/target_subnet_chooser.hpp"
#include "sim/ops/dns_operations.hpp"

namespace drsim {

namespace {
void close_interval(Instance& instance, Millis now) {
    if (!instance.up_intervals.empty() && instance.up_intervals.back().second < 0)
        instance.up_intervals.back().second = now;
}
}  // namespace

Text placement_detail(const World& w, Placement placement, Id site, const std::vector<NicBinding>& nics) {
    static constexpr std::array<std::array<const char*, 2>, 3> formats{{
        {"replica at {}; {} {}", "replica at {}; {} {} (dhcp)"},
        {"back at {}; {} {}", "back at {}; {} {} (dhcp)"},
        {"test instance at {}; {} {}", "test instance at {}; {} {} (dhcp)"},
    }};
    const auto& pair = formats[static_cast<std::size_t>(placement)];
    if (nics.size() == 1 && nics[0].subnet != kNone && nics[0].ip)
        return {pair[nics[0].dhcp ? 1 : 0], arg::site(site), arg::subnet_path(nics[0].subnet), arg::address(*nics[0].ip)};
    static constexpr std::array<const char*, 3> leads{"replica at ", "back at ", "test instance at "};
    std::string where = leads[static_cast<std::size_t>(placement)] + w.sites[site].name;
    for (const auto& nic : nics) where += "; " + describe_nic(w, nic);
    return interned(where, w.texts);
}

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

std::optional<std::vector<NicBinding>> place_nics(OperationContext& ctx, Id source_site,
                                                  const std::vector<NicBinding>& source_nics,
                                                  const std::vector<NicPlan>& plans,
                                                  const std::vector<ReipRule>* reip, bool test, Decisions& out) {
    World& world = ctx.world;
    std::vector<NicBinding> placed;
    placed.reserve(source_nics.size());
    const SiteKind source_kind = world.sites[source_site].kind;
    for (std::size_t i = 0; i < source_nics.size(); ++i) {
        const NicBinding& src = source_nics[i];
        const NicPlan& plan = plans[i];
        NicBinding nic;
        if (plan.network == kNone) {
            if (plan.held_ip) {
                world.release(plan.held_subnet, *plan.held_ip);
                out.push_back({plan.held_rule, {"{} in {} no longer applies (the NIC is connected to no network): released",
                                                arg::address(*plan.held_ip), arg::subnet(plan.held_subnet)}});
            }
            placed.push_back(nic);
            continue;
        }
        nic.network = plan.network;
        const std::string source_subnet = src.subnet != kNone ? world.subnets[src.subnet].name : std::string{};
        nic.subnet = choose_target_subnet(world, plan.network, source_subnet, plan.override_subnet, out);
        if (nic.subnet == kNone) {
            out.push_back({Rule::AddrSubnetFull, {"{} has no subnet", arg::network(plan.network)}, true});
            placed.push_back(nic);
            continue;
        }
        // A re-IP rule decides the address; a pool reservation that it contradicts (rules set or
        // changed since enable, or a plan's rules) gives way.
        std::optional<Ipv4Address> by_rule;
        const ReipRule* rule = nullptr;
        if (plan.held_ip && plan.held_rule == Rule::IpVmmPool && reip && src.ip && !src.dhcp)
            by_rule = reip_address(*reip, *src.ip, &rule);
        const bool rule_wins = by_rule && *by_rule != *plan.held_ip && address_usable(world, nic.subnet, *by_rule) &&
                               world.subnets[nic.subnet].addresses.is_free(*by_rule);
        // A target_ip other than the address reserved (set since, by update_replication, or taken
        // then) wins over the reservation when it is free now: the reservation gives way and
        // IP-OVERRIDE decides below; taken, the reservation stands.
        const bool other_override = plan.held_ip && plan.held_rule == Rule::IpVmmPool && plan.override_ip && *plan.override_ip != *plan.held_ip;
        const bool override_wins = other_override && address_usable(world, nic.subnet, *plan.override_ip) &&
                                   world.subnets[nic.subnet].addresses.is_free(*plan.override_ip);
        if (other_override && !override_wins)
            out.push_back({Rule::IpOverride, {address_usable(world, nic.subnet, *plan.override_ip)
                                                  ? "target_ip {} is taken in {}: the reservation stands"
                                                  : "target_ip {} is outside the usable range or pool of {}: the reservation stands",
                                              arg::address(*plan.override_ip), arg::subnet(nic.subnet)},
                           true});
        if (override_wins) {
            world.release(plan.held_subnet, *plan.held_ip);
            out.push_back({Rule::IpVmmPool, {"reservation of {} released: target_ip {} is set on the replication", arg::address(*plan.held_ip),
                                             arg::address(*plan.override_ip)}});
        } else if (rule_wins) {
            world.release(plan.held_subnet, *plan.held_ip);
            out.push_back({Rule::IpVmmPool, {"reservation of {} released: the re-IP rule {} gives {}", arg::address(*plan.held_ip),
                                             arg::text(rule->from.to_string() + " -> " + rule->to.to_string(), world.texts),
                                             arg::address(*by_rule)}});
        } else if (plan.held_ip) {
            if (nic.subnet == plan.held_subnet) {
                if (by_rule) {
                    const bool followed = *by_rule == *plan.held_ip;
                    const TextArg by = arg::text(src.ip->to_string() + " -> " + by_rule->to_string() + " by rule " + rule->from.to_string() +
                                                     " -> " + rule->to.to_string(),
                                                 world.texts);
                    out.push_back({Rule::IpReipRule,
                                   followed ? Text{"{}", by} : Text{"{}, but it is not free in the pool of {}: the reservation stands", by,
                                                                   arg::subnet(nic.subnet)},
                                   !followed});
                }
                const bool own = plan.held_rule == Rule::IpVmmPool && plan.override_ip == plan.held_ip;  // the target_ip reserved
                out.push_back({own ? Rule::IpOverride : plan.held_rule,
                               {own ? "target_ip {}, reserved when replication was enabled, is applied"
                                    : plan.held_rule == Rule::IpVmmPool ? "{}, reserved when replication was enabled, is applied"
                                                                        : "{}: the original VM keeps its own address",
                                arg::address(*plan.held_ip)}});
                nic.ip = plan.held_ip;
                placed.push_back(nic);
                continue;
            }
            world.release(plan.held_subnet, *plan.held_ip);
            out.push_back({plan.held_rule, {"{} in {} no longer applies (the NIC lands in {}): released", arg::address(*plan.held_ip),
                                            arg::subnet(plan.held_subnet),
                                            arg::text(world.subnets[nic.subnet].name + " of " + world.networks[nic.network].name, world.texts)}});
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
    ctx.world.bind_instance(vm_id, slot);
    ctx.world.touch(vm_id);
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
        ctx.world.touch(vm_id);
        Decisions dns;
        register_at_boot(ctx, vm_id, slot, dns);
        ctx.log_done(slot == Slot::test ? "test_vm_boot" : "vm_boot", vm, std::move(dns),
                     ctx.world.running(i) ? Text{} : Text{"booted, but its site is down: not running until it is up"});
        if (vm.replication.plan_run != kNone) ctx.plan_vm_done(vm_id);
        ctx.vm_boot_over(vm_id);
    });
}

void stop_instance(OperationContext& ctx, Instance& instance) {
    if (!instance.exists || instance.shut_down) return;
    instance.shut_down = true;
    ctx.world.touch(instance.vm);
    close_interval(instance, ctx.now());
}

void remove_instance(OperationContext& ctx, Instance& instance) {
    if (!instance.exists) return;
    ctx.world.touch(instance.vm);
    const bool booting = instance.boot_event.value != 0;
    if (booting) ctx.kernel.cancel(instance.boot_event);
    instance.boot_event = {};
    close_interval(instance, ctx.now());
    ctx.world.release_instance(instance);
    instance.exists = false;
    if (booting) ctx.vm_boot_over(instance.vm);
    instance.booted = false;
    instance.shut_down = false;
    instance.nics.clear();
}

}  // namespace drsim
