#include "sim/routing/reachability.hpp"

namespace drsim {

ProbeResult probe(const World& w, const RoutingState& routing, const std::string& from, const std::string& to) {
    ProbeResult none;
    none.rule = Rule::AddrNotHeld;
    // Where the probe goes: an address, or a VM's address (its active instance's first NIC; by its
    // DNS name where it has one, which answers that address until DNS is modelled).
    std::optional<Ipv4Address> address = Ipv4Address::parse(to);
    const Id target = address ? kNone : w.vm_id(to);
    // A VM target is reached when the address leads to that VM's instance, not another's with the
    // same address in another network.
    auto of_target = [&](ProbeResult p) {
        if (target == kNone || !p.reached || p.vm == target) return p;
        p.reached = false;
        p.rule = Rule::AddrNotHeld;
        p.why = address->to_string() + " leads to " + w.vms[p.vm].name + ", not " + to;
        return p;
    };
    if (!address) {
        const Vm& vm = w.vms[target];
        const Instance& inst = vm.instance(vm.active_slot());
        if (!inst.exists || inst.nics.empty() || inst.nics[0].network == kNone || !inst.nics[0].ip) {
            none.why = to + (inst.exists ? " is connected to no network" : " has no instance");
            return none;
        }
        address = inst.nics[0].ip;
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
    return of_target(routing.probe_from_network(inst.nics[0].network, *address));
}

}  // namespace drsim
