#include "sim/run/expectation_checks.hpp"

#include "engine/sim_time.hpp"
#include "sim/routing/reachability.hpp"
#include "sim/run/simulation.hpp"

namespace drsim {

namespace {

Slot slot_of(const Vm& vm, InstanceRole role) {
    switch (role) {
        case InstanceRole::active: return vm.active_slot();
        case InstanceRole::primary: return Slot::home;
        case InstanceRole::replica: return Slot::recovery;
        case InstanceRole::test: return Slot::test;
    }
    return Slot::home;
}

std::string_view role_name(InstanceRole role) {
    switch (role) {
        case InstanceRole::active: return "active";
        case InstanceRole::primary: return "primary";
        case InstanceRole::replica: return "replica";
        case InstanceRole::test: return "test";
    }
    return "?";
}

// Appends "key=value" to `expected`/`found` and clears `ok` on a mismatch.
struct FieldCheck {
    std::string expected, found;
    bool ok = true;
    void add(const std::string& key, const std::string& want, const std::string& got) {
        if (!expected.empty()) {
            expected += ", ";
            found += ", ";
        }
        expected += key + "=" + want;
        found += key + "=" + got;
        if (want != got) ok = false;
    }
};

ExpectationResult check_vm(const ExpectationContext& ctx, const ExpectSpec& s) {
    const World& w = ctx.world;
    ExpectationResult res;
    const Vm& vm = w.vms[w.vm_id(s.vm)];
    const Instance& inst = vm.instance(slot_of(vm, s.instance));
    res.check = s.vm + " (" + std::string{role_name(s.instance)} + " instance)";
    FieldCheck f;
    if (s.exists) f.add("exists", *s.exists ? "true" : "false", inst.exists ? "true" : "false");
    if (s.state) f.add("state", *s.state, std::string{to_string(vm.replication.state)});
    if (s.health) f.add("health", *s.health, std::string{health_name(vm.replication.degraded)});
    if (s.running) f.add("running", *s.running ? "true" : "false", w.running(inst) ? "true" : "false");
    const bool has_nic = inst.exists && static_cast<std::size_t>(s.nic) < inst.nics.size();
    const NicBinding nic = has_nic ? inst.nics[static_cast<std::size_t>(s.nic)] : NicBinding{};
    const std::string absent = inst.exists ? "(no NIC " + std::to_string(s.nic) + ")" : "(no instance)";
    if (s.site) f.add("site", *s.site, inst.exists ? w.sites[inst.site].name : absent);
    if (s.network)
        f.add("network", *s.network, !has_nic ? absent : nic.network == kNone ? "none" : w.networks[nic.network].name);
    if (s.subnet)
        f.add("subnet", *s.subnet, !has_nic ? absent : nic.subnet == kNone ? "none" : w.subnets[nic.subnet].name);
    if (s.ip) f.add("ip", s.ip->to_string(), !has_nic ? absent : nic.ip ? nic.ip->to_string() : "none");
    if (s.host)
        f.add("host", *s.host, !inst.exists ? "(no instance)" : inst.host == kNone ? "none" : w.hosts[inst.host].name);
    res.ok = f.ok;
    res.expected = std::move(f.expected);
    res.found = std::move(f.found);
    return res;
}

}  // namespace

ExpectationResult evaluate_expectation(const ExpectationContext& ctx, const ExpectSpec& s, Millis now) {
    const World& w = ctx.world;
    ExpectationResult res;
    switch (s.kind) {
        case ExpectSpec::Kind::vm: return check_vm(ctx, s);
        case ExpectSpec::Kind::mapping: {
            Id source = w.network_id(s.source);
            Id target = source == kNone || !w.mappings[source] ? kNone : w.mappings[source]->target;
            res.check = "mapping from " + s.source;
            res.expected = s.target;
            res.found = target == kNone ? "none" : w.networks[target].name;
            res.ok = res.expected == res.found;
            return res;
        }
        case ExpectSpec::Kind::network_exists: {
            bool exists = w.network_id(s.network_name) != kNone;
            res.check = "network " + s.network_name + " exists";
            res.expected = s.value ? "true" : "false";
            res.found = exists ? "true" : "false";
            res.ok = exists == s.value;
            return res;
        }
        case ExpectSpec::Kind::reachable: {
            const ProbeResult p = probe(w, ctx.simulation.routing(), s.from, s.to, now);
            res.check = s.from + " reaches " + s.to;
            res.expected = s.value ? "true" : "false";
            res.found = p.reached ? "true (" + p.path + ")"
                                  : "false (" + std::string{rule_id(p.rule)} + ": " + p.why + (p.path.empty() ? "" : "; " + p.path) + ")";
            res.ok = p.reached == s.value;
            return res;
        }
        case ExpectSpec::Kind::downtime: {
            const std::string& target = !s.downtime_vm.empty() ? s.downtime_vm : s.downtime_app;
            DowntimeMetric m = !s.downtime_client.empty() ? ctx.simulation.client_downtime(s.downtime_client, target, s.downtime_from)
                               : !s.downtime_vm.empty()   ? ctx.simulation.vm_downtime(w.vm_id(s.downtime_vm), s.downtime_from)
                                                          : ctx.simulation.app_downtime(s.downtime_app, s.downtime_from);
            res.check = "downtime of " + (!s.downtime_vm.empty() ? s.downtime_vm : "app " + s.downtime_app) +
                        (s.downtime_client.empty() ? "" : " for " + s.downtime_client) + " from " +
                        engine::format_duration(s.downtime_from);
            res.expected = "<= " + engine::format_duration(s.downtime_max);
            res.found = engine::format_duration(m.downtime);
            res.ok = m.downtime <= s.downtime_max;
            return res;
        }
    }
    (void)now;
    return res;
}

}  // namespace drsim
