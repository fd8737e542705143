// delete_vm and set_vm_network: changes to one instance, outside the replication life cycle.
#include "sim/decisions/address_chooser.hpp"
#include "sim/decisions/target_subnet_chooser.hpp"
#include "sim/ops/dns_operations.hpp"
#include "sim/ops/instance_lifecycle.hpp"
#include "sim/ops/vm_operations.hpp"

namespace drsim {

OpResult delete_vm(OperationContext& ctx, Id vm_id, const OperationSpec& op) {
    Vm& vm = ctx.world.vms[vm_id];
    Slot slot = op.instance == InstanceRole::replica ? Slot::recovery : Slot::home;
    Instance& inst = vm.instance(slot);
    const bool primary = slot == Slot::home;
    if (!inst.exists)
        return OpResult::refuse(Rule::DeleteVm, primary ? "the primary instance does not exist" : "the replica instance does not exist");
    const bool awaited = inst.boot_event.value != 0 && vm.replication.plan_run != kNone;
    OpResult result;
    if (vm.replication.state != ReplicationState::unprotected && slot == vm.replication.source_slot()) {
        vm.replication.recorded_source_nics = inst.nics;
        result.decisions.push_back({Rule::DeleteVm, "the replication keeps the source's NICs: a failover still brings the "
                                                    "replica up on the network, subnet and address the rules give"});
    }
    remove_instance(ctx, inst);
    if (awaited) ctx.plan_vm_done(vm_id);  // a plan still waiting for it goes on without it
    result.detail = primary ? "the primary instance was deleted; its addresses are free"
                            : "the replica instance was deleted; its addresses are free";
    return result;
}

OpResult set_vm_network(OperationContext& ctx, Id vm_id, const OperationSpec& op) {
    World& w = ctx.world;
    Vm& vm = w.vms[vm_id];
    Instance& inst = vm.instance(vm.active_slot());
    if (!inst.exists || inst.nics.empty()) return OpResult::refuse(Rule::SetVmNetwork, "the VM has no instance to change");
    OpResult result;
    NicBinding& nic = inst.nics[0];
    const std::string before = describe_nic(w, nic);
    if (op.network == "none") {
        if (nic.ip && nic.subnet != kNone) w.release(nic.subnet, *nic.ip);
        nic = NicBinding{};
        w.touch(vm_id);
        result.decisions.push_back({Rule::SetVmNetwork, interned("NIC 0 disconnected (was " + before + ")", w.texts)});
        return result;
    }
    Id network = w.network_id(op.network);
    if (network == kNone || w.networks[network].site != inst.site)
        return OpResult::refuse(Rule::SetVmNetwork, {"{} is not a network at {}", arg::text(op.network, w.texts), arg::site(inst.site)});
    Id subnet = w.subnet_of(network, op.subnet);
    if (subnet == kNone)
        return OpResult::refuse(Rule::SetVmNetwork, {"{} has no subnet {}", arg::network(network), arg::text(op.subnet, w.texts)});
    // Keep the address when the new subnet can hold it, else the lowest free one.
    std::optional<Ipv4Address> keep = nic.ip;
    if (nic.ip && nic.subnet != kNone) w.release(nic.subnet, *nic.ip);
    NicBinding moved;
    moved.network = network;
    moved.subnet = subnet;
    moved.dhcp = nic.dhcp;
    if (keep && address_usable(w, subnet, *keep) && w.hold(subnet, *keep)) {
        moved.ip = keep;
    } else if (auto ip = w.subnets[subnet].addresses.lowest_free()) {
        w.hold(subnet, *ip);
        moved.ip = ip;
        result.decisions.push_back({Rule::AddrLowestFree, {"{} is the lowest free address of {}", arg::address(*ip), arg::subnet(subnet)}});
    } else if (w.sites[w.networks[network].site].kind == SiteKind::azure) {
        if (keep && nic.subnet != kNone) w.hold(nic.subnet, *keep);  // undo: nothing changes on a refusal
        return OpResult::refuse(Rule::AddrSubnetFull, {"{} has no free address", arg::subnet_path(subnet)});
    }
    nic = moved;
    w.bind_instance(vm_id, vm.active_slot());
    w.touch(vm_id);
    result.decisions.push_back({Rule::SetVmNetwork, interned("NIC 0 moved from " + before + " to " + describe_nic(w, nic), w.texts)});
    // A running VM registers its new address as it would at boot.
    if (ctx.scenario.dns.dynamic_registration && vm.dns_record != kNone && w.running(inst))
        point_record(ctx, vm_id, Rule::DnsDynamicRegistration, vm.name + " moved by set_vm_network", result.decisions);
    return result;
}

}  // namespace drsim
