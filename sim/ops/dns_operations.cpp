#include "sim/ops/dns_operations.hpp"

#include "engine/sim_time.hpp"

namespace drsim {

namespace {

// What a record answers: its address, or "no address".
TextArg answer(const DnsAnswer& a, TextTable& table) { return a.address ? arg::address(*a.address) : arg::text("no address", table); }

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
                d.push_back({Rule::DnsTtlCache, {"{}: cached answers have expired; clients get {}", arg::dns_name(vms[i]),
                                                 answer(ctx.world.dns.record(vm.dns_record).answer(ctx.now()), ctx.world.texts)}});
        }
        if (vms.size() > shown) d.push_back({Rule::DnsTtlCache, {"and {} more records", arg::count(vms.size() - shown)}});
        const TextArg target = vms.size() == 1 ? arg::dns_name(vms.front())
                                               : arg::text(std::to_string(vms.size()) + " records", ctx.world.texts);
        ctx.log.push_back(make_record(ctx.now(), "dns_cache", target, Phase::done, std::nullopt, {},
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
    const TextArg name = arg::dns_name(vm_id);
    if (!now.address) {
        out.push_back({rule, {"{}: {} has no address to answer; the record keeps {}", name, arg::vm(vm_id), answer(record.current(), w.texts)},
                       true});
        return;
    }
    const DnsAnswer before = record.current();
    if (!w.dns.set(vm.dns_record, now, ctx.now(), rule, cause)) {
        out.push_back({rule, {"{} already answers {}: no change", name, answer(now, w.texts)}});
        return;
    }
    out.push_back({rule, {"{} now answers {} (was {})", name, answer(now, w.texts), answer(before, w.texts)}});
    out.push_back({Rule::DnsTtlCache, {"clients may keep {} until {} (TTL {}, worst case)", answer(before, w.texts),
                                       arg::duration(ctx.now() + record.ttl, w.texts), arg::duration(record.ttl, w.texts)}});
    expire_at(ctx, vm_id, ctx.now() + record.ttl);
}

void register_at_boot(OperationContext& ctx, Id vm_id, Slot slot, Decisions& out) {
    const Vm& vm = ctx.world.vms[vm_id];
    if (vm.dns_record == kNone) return;
    if (slot == Slot::test) {
        out.push_back({Rule::DnsTestIsolated, {"the test instance does not register: {} still answers {}", arg::dns_name(vm_id),
                                               answer(ctx.world.dns.record(vm.dns_record).current(), ctx.world.texts)}});
        return;
    }
    if (ctx.scenario.dns.dynamic_registration) point_record(ctx, vm_id, Rule::DnsDynamicRegistration, vm.name + " booted", out);
}

OpResult dns_update(OperationContext& ctx, const OperationSpec& op) {
    const Millis d = ctx.duration(ctx.scenario.timing.dns_update, "timing.dns_update");
    ctx.kernel.schedule_in(d, [&ctx, op] {
        Decisions decisions = apply_dns_update(ctx, op, {}, false, "dns_update event");
        ctx.log.push_back(make_record(ctx.now(), "dns_update", arg::text(op.dns_name, ctx.world.texts), Phase::done, std::nullopt, {}, "", std::move(decisions)));
    });
    OpResult r;
    r.phase = Phase::start;
    r.detail = {"DNS update of {} ({})", arg::text(op.dns_name, ctx.world.texts), arg::duration(d, ctx.world.texts)};
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
        if (vm == kNone) out.push_back({Rule::DnsRecord, {"no VM has the dns_name {}: no record changed", arg::text(op.dns_name, ctx.world.texts)}, true});
        else point_record(ctx, vm, Rule::DnsUpdate, cause, out);
        return out;
    }
    for (Id vm : plan_vms)
        if (ctx.world.vms[vm].dns_record != kNone) point_record(ctx, vm, Rule::DnsUpdate, cause, out);
    if (out.empty()) out.push_back({Rule::DnsRecord, "no VM of the plan has a dns_name: no record changed"});
    return out;
}

}  // namespace drsim
