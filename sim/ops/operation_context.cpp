#include "sim/ops/operation_context.hpp"

#include <algorithm>
#include <cmath>
#include "sim/world/azure_terms.hpp"

namespace drsim {

OperationContext::OperationContext(const Scenario& s, World& w, engine::Simulator& k, RunLog& l, std::uint64_t seed,
                                   std::uint64_t run_id)
    : scenario(s), world(w), kernel(k), log(l), routing(w), stalled_by_site(w.sites.size()), random_(seed, run_id) {
    for (const auto& plan : s.recovery_plans) {
        if (plan.reip.empty()) continue;
        for (const auto& group : plan.groups)
            for (const auto& name : group) reip_plans_by_vm_[w.vm_id(name)].push_back(&plan);
    }
}

std::vector<ReipRule> OperationContext::reip_rules(const std::vector<ReipRule>& own, Id vm, std::string_view plan) const {
    std::vector<ReipRule> rules = own;
    auto it = reip_plans_by_vm_.find(vm);
    if (it == reip_plans_by_vm_.end()) return rules;
    for (const RecoveryPlanSpec* p : it->second)
        if (p->name == plan) rules.insert(rules.end(), p->reip.begin(), p->reip.end());
    for (const RecoveryPlanSpec* p : it->second)
        if (p->name != plan) rules.insert(rules.end(), p->reip.begin(), p->reip.end());
    return rules;
}

namespace {

// A sample as a duration: rounded, and held within [0, 100 years] — the longest duration the format
// accepts — so a far tail never wraps (llround of a value past int64 is undefined) or becomes 0.
Millis clamp_sample(double ms) {
    constexpr double longest = 100.0 * 365 * 24 * 3600 * 1000;
    if (!(ms > 0)) return 0;  // negative, or NaN
    if (ms >= longest) return static_cast<Millis>(longest);
    return std::llround(ms);
}

}  // namespace

Millis draw(const Distribution& d, engine::RandomStream& r) {
    switch (d.kind) {
        case Distribution::Kind::fixed: return d.value;
        case Distribution::Kind::uniform:
            return static_cast<Millis>(r.uniform_int(static_cast<std::int64_t>(d.low), static_cast<std::int64_t>(d.high)));
        case Distribution::Kind::normal: return clamp_sample(r.normal(static_cast<double>(d.mean), static_cast<double>(d.stddev)));
        case Distribution::Kind::lognormal: return clamp_sample(r.lognormal(static_cast<double>(d.median), d.sigma));
    }
    return d.value;
}

Millis OperationContext::duration(const Distribution& d, std::string_view stream) {
    if (d.kind == Distribution::Kind::fixed) return d.value;
    return draw(d, random_.stream(stream));
}

namespace {

// What a VM's record says of the instance it is about, as it is now: a test operation's test
// instance, else the one serving the VM (a failover's replica once it has started).
void stamp_instance(LogRecord& rec, const Vm& vm) {
    rec.has_state = true;
    rec.state = vm.replication.state;
    rec.reversed = vm.replication.reversed;
    rec.degraded = vm.replication.degraded;
    rec.azure_after = azure_key(vm.replication);
    const Slot slot = rec.op().starts_with("test_") || rec.op() == "cleanup_test_failover" ? Slot::test : vm.active_slot();
    const Instance& inst = vm.instance(slot);
    if (!inst.exists) return;
    rec.instance = static_cast<std::uint8_t>(slot);
    rec.site = inst.site;
    if (inst.nics.empty()) return;
    rec.network = inst.nics[0].network;
    rec.subnet = inst.nics[0].subnet;
    rec.has_address = inst.nics[0].ip.has_value();
    if (rec.has_address) rec.address_value = inst.nics[0].ip->value();
}

}  // namespace

const LogRecord& OperationContext::log_vm_result(std::string_view op, Id vm, OpResult result, int event_index, int line) {
    DraftRecord rec = make_record(now(), op, arg::vm(vm), result.phase, result.refused, std::move(result.also), result.detail,
                                  std::move(result.decisions));
    rec.record.event_index = event_index;
    rec.record.line = line;
    stamp_instance(rec.record, world.vms[vm]);
    return log.push_back(std::move(rec));
}

void OperationContext::log_done(std::string_view op, const Vm& vm, Decisions decisions, Text detail) {
    const auto id = static_cast<Id>(&vm - world.vms.data());
    DraftRecord r = make_record(now(), op, arg::vm(id), Phase::done, std::nullopt, {}, detail, std::move(decisions));
    stamp_instance(r.record, vm);
    log.push_back(std::move(r));
}

}  // namespace drsim
