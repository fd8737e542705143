#include "sim/ops/dns_operations.hpp"

#include "engine/sim_time.hpp"

namespace drsim {

namespace {

std::string text(const DnsAnswer& a) { return a.address ? a.address->to_string() : std::string{"no address"}; }

// The clients' cached answers of `vm`'s record expire at `at`: the VMs whose records expire in one
// instant share one kernel event and one record of the log.
void expire_at(OperationContext& ctx, Id vm, Millis at) {
    auto [it, fresh] = ctx.dns_expiring.try_emplace(at);
    it->second.push_back(vm);
    if (!fresh) return;
    ctx.kernel.schedule_at(at, [&ctx, at] {
        auto node = ctx.dns_expiring.extract(at);
        const std::vector<Id>& vms = node.mapped();
        Decisions d;
        constexpr std::size_t shown = 10;
        for (std::size_t i = 0; i < vms.size(); ++i) {
            const Vm& vm = ctx.world.vms[vms[i]];
            ctx.world.touch(vms[i]);
            if (i < shown)
                d.push_back({Rule::DnsTtlCache, vm.dns_name + ": cached answers have expired; clients get " +
                                                    text(ctx.world.dns.record(vm.dns_record).answer(ctx.now()))});
        }
        if (vms.size() > shown) d.push_back({Rule::DnsTtlCache, "and " + std::to_string(vms.size() - shown) + " more records"});
        const Vm& first = ctx.world.vms[vms.front()];
        std::string target = vms.size() == 1 ? first.dns_name : std::to_string(vms.size()) + " records";
        ctx.log.push_back(make_record(ctx.now(), "dns_cache", std::move(target), Phase::done, std::nullopt, {},
                                      "clients' cached answers expired", std::move(d)));
    });
}

}  // namespace

void point_record(OperationContext& ctx, Id vm_id, Rule rule, const std::string& cause, Decisions& out) {
    World& w = ctx.world;
    const Vm& vm = w.vms[vm_id];
    const DnsRecord& record = w.dns.record(vm.dns_record);
    const Instance& inst = vm.instance(vm.active_slot());
    const DnsAnswer now = w.answer_of(inst);
    if (!now.address) {
        out.push_back({rule, vm.dns_name + ": " + vm.name + " has no address to answer; the record keeps " + text(record.current()), true});
        return;
    }
    const DnsAnswer before = record.current();
    if (!w.dns.set(vm.dns_record, now, ctx.now(), rule, cause)) {
        out.push_back({rule, vm.dns_name + " already answers " + text(now) + ": no change"});
        return;
    }
    out.push_back({rule, vm.dns_name + " now answers " + text(now) + " (was " + text(before) + ")"});
    out.push_back({Rule::DnsTtlCache, "clients may keep " + text(before) + " until " + engine::format_duration(ctx.now() + record.ttl) +
                                          " (TTL " + engine::format_duration(record.ttl) + ", worst case)"});
    expire_at(ctx, vm_id, ctx.now() + record.ttl);
}

void register_at_boot(OperationContext& ctx, Id vm_id, Slot slot, Decisions& out) {
    const Vm& vm = ctx.world.vms[vm_id];
    if (vm.dns_record == kNone) return;
    if (slot == Slot::test) {
        out.push_back({Rule::DnsTestIsolated, "the test instance does not register: " + vm.dns_name + " still answers " +
                                                  text(ctx.world.dns.record(vm.dns_record).current())});
        return;
    }
    if (ctx.scenario.dns.dynamic_registration) point_record(ctx, vm_id, Rule::DnsDynamicRegistration, vm.name + " booted", out);
}

OpResult dns_update(OperationContext& ctx, const OperationSpec& op) {
    const Millis d = ctx.duration(ctx.scenario.timing.dns_update, "timing.dns_update");
    ctx.kernel.schedule_in(d, [&ctx, op] {
        Decisions decisions = apply_dns_update(ctx, op, {}, false, "dns_update event");
        ctx.log.push_back(make_record(ctx.now(), "dns_update", op.dns_name, Phase::done, std::nullopt, {}, "", std::move(decisions)));
    });
    OpResult r;
    r.phase = Phase::start;
    r.detail = "DNS update of " + op.dns_name + " (" + engine::format_duration(d) + ")";
    return r;
}

Decisions apply_dns_update(OperationContext& ctx, const OperationSpec& op, const std::vector<Id>& plan_vms, bool test,
                           const std::string& cause) {
    Decisions out;
    if (test) {
        out.push_back({Rule::DnsTestIsolated, "a test failover does not update production DNS"});
        return out;
    }
    if (!op.dns_name.empty()) {
        const Id vm = ctx.world.vm_id(op.vm);
        if (vm == kNone) out.push_back({Rule::DnsRecord, "no VM has the dns_name " + op.dns_name + ": no record changed", true});
        else point_record(ctx, vm, Rule::DnsUpdate, cause, out);
        return out;
    }
    for (Id vm : plan_vms)
        if (ctx.world.vms[vm].dns_record != kNone) point_record(ctx, vm, Rule::DnsUpdate, cause, out);
    if (out.empty()) out.push_back({Rule::DnsRecord, "no VM of the plan has a dns_name: no record changed"});
    return out;
}

}  // namespace drsim
