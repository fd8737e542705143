#include "sim/routing/reachability.hpp"

#include "engine/sim_time.hpp"

namespace drsim {

std::optional<std::pair<Rule, std::string>> dns_mismatch(const World& w, Id v, Millis now) {
    const Vm& vm = w.vms[v];
    if (vm.dns_record == kNone) return std::nullopt;
    const Instance& inst = vm.instance(vm.active_slot());
    if (!w.running(inst)) return std::nullopt;
    const DnsAnswer at = w.answer_of(inst);
    const DnsRecord& record = w.dns.record(vm.dns_record);
    const DnsAnswer& answer = record.answer(now);
    if (!at.address || answer == at) return std::nullopt;
    const std::string old = answer.address ? answer.address->to_string() : "no address";
    const std::string here = vm.name + " runs at " + at.address->to_string();
    if (!(record.current() == at))
        return std::pair{Rule::DnsRecordStale, vm.dns_name + " answers " + old + " (not updated); " + here};
    return std::pair{Rule::DnsTtlCache, vm.dns_name + " was updated at " + engine::format_duration(record.history.back().time) +
                                            ", but clients keep the cached " + old + " until " +
                                            engine::format_duration(record.history.back().time + record.ttl) + "; " + here};
}

std::optional<std::pair<Rule, std::string>> site_down_of(const World& w, Id v) {
    const Vm& vm = w.vms[v];
    const Instance& inst = vm.instance(vm.active_slot());
    if (!inst.exists || w.site_up(inst.site)) return std::nullopt;
    return std::pair{Rule::SiteDown, vm.name + "'s site " + w.sites[inst.site].name + " is down"};
}

ProbeResult probe(const World& w, const RoutingState& routing, const std::string& from, const std::string& to, Millis now) {
    ProbeResult none;
    none.rule = Rule::AddrNotHeld;
    // Where the probe goes: an address, or a VM's: the answer its name gives a client now, or (with
    // no name) the address of its serving instance's first NIC.
    std::optional<Ipv4Address> address = Ipv4Address::parse(to);
    const Id target = address ? kNone : w.vm_id(to);
    // A VM target is reached when the address leads to that VM's instance, not another's with the
    // same address in another network; a name that leads elsewhere says why.
    auto of_target = [&](ProbeResult p) {
        if (target == kNone || (p.reached && p.vm == target && p.slot != Slot::test)) return p;
        if (auto down = site_down_of(w, target)) {  // the fault first, not the route it took away
            p.reached = false;
            p.rule = down->first;
            p.why = down->second;
            return p;
        }
        if (p.reached && p.vm == target) {
            p.reached = false;
            p.rule = Rule::AddrNotHeld;
            p.why = address->to_string() + " leads to " + to + "'s test copy, which does not serve it";
            return p;
        }
        if (auto dns = dns_mismatch(w, target, now)) {
            p.reached = false;
            p.rule = dns->first;
            p.why = dns->second;
            return p;
        }
        if (!p.reached) return p;
        p.reached = false;
        p.rule = Rule::AddrNotHeld;
        p.why = address->to_string() + " leads to " + w.vms[p.vm].name + ", not " + to;
        return p;
    };
    if (!address) {
        const Vm& vm = w.vms[target];
        const Instance& inst = vm.instance(vm.active_slot());
        const DnsAnswer answer = vm.dns_record != kNone ? w.dns.record(vm.dns_record).answer(now) : w.answer_of(inst);
        if (!answer.address) {
            none.why = vm.dns_record != kNone ? vm.dns_name + " answers no address"
                                              : to + (inst.exists ? " is connected to no network" : " has no instance");
            return none;
        }
        address = answer.address;
    }
    if (Id c = w.client_id(from); c != kNone) return of_target(routing.probe_from_client(c, *address));
    const Vm& source = w.vms[w.vm_id(from)];
    const Instance& inst = source.instance(source.active_slot());
    if (!w.running(inst) || inst.nics.empty() || inst.nics[0].network == kNone) {
        // Nothing to send from: its site is down, or it is not running on a network.
        const bool site_down = inst.exists && !w.site_up(inst.site);
        none.rule = site_down ? Rule::SiteDown : Rule::AddrNotHeld;
        none.why = from + (site_down ? "'s site " + w.sites[inst.site].name + " is down" : " is not running on a network");
        return none;
    }
    // A VM off the network (a storm on its layer-2 domain, left behind by a subnet failover) sends nothing.
    if (auto off = inst.nics[0].subnet != kNone ? routing.off_network(inst.nics[0].subnet) : std::nullopt) {
        none.rule = off->first;
        none.why = from + ": " + off->second;
        return none;
    }
    return of_target(routing.probe_from_network(inst.nics[0].network, *address));
}

}  // namespace drsim
