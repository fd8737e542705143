#pragma once
// Creating, booting, stopping and removing VM instances, and placing their NICs (subnet and address
// rules), shared by failover, failback and test failover.
#include "sim/ops/operation_context.hpp"

namespace drsim {

/// Where one replica NIC should go: its network (kNone = disconnected) and the first-NIC overrides.
struct NicPlan {
    Id network = kNone;
    std::string override_subnet;
    std::optional<Ipv4Address> override_ip;
    /// An address already held for this NIC — the IP-VMM-POOL reservation made at enable time, or
    /// the original VM's own address on failback (FB-KEEPS-ADDRESS) — and the subnet holding it.
    /// Used when the NIC lands in that subnet; released otherwise.
    std::optional<Ipv4Address> held_ip;
    Id held_subnet = kNone;
    Rule held_rule = Rule::IpVmmPool;
};

/// Chooses subnet and address for every NIC of the source (`source_nics`, at `source_site`) per
/// `plans` and holds the addresses. A reservation (IP-VMM-POOL) that a re-IP rule now contradicts
/// is released and the rule decides. On ADDR-SUBNET-FULL puts every address back as it was and
/// returns nullopt (the caller refuses).
std::optional<std::vector<NicBinding>> place_nics(OperationContext& ctx, Id source_site,
                                                  const std::vector<NicBinding>& source_nics,
                                                  const std::vector<NicPlan>& plans,
                                                  const std::vector<ReipRule>* reip, bool test, Decisions& out);

/// Makes `slot` of `vm` an instance at `site` with `nics`, not yet booted. An instance already
/// there (outside Azure-to-Azure the original VM is kept) is reused.
void start_instance(OperationContext& ctx, Id vm, Slot slot, Id site, std::vector<NicBinding> nics);
/// Boots `slot` of `vm` after a `vm_boot` duration (logged as vm_boot done); a recovery plan the VM
/// fails over in is told when it is up.
void boot_instance(OperationContext& ctx, Id vm, Slot slot);
/// Stops a running instance (planned failover, reprotect); it keeps its addresses.
void stop_instance(OperationContext& ctx, Instance& instance);
/// Removes an instance: cancels its boot, frees its addresses.
void remove_instance(OperationContext& ctx, Instance& instance);

/// Which instance a placement made: a failover's replica, a failback's instance back home, a test instance.
enum class Placement : std::uint8_t { replica, back, test };
/// "replica at SITE; network/subnet address" and a "; …" per further NIC: the detail of a failover,
/// failback or test failover. One NIC on a subnet, as most replicas have, is held as ids.
Text placement_detail(const World& w, Placement placement, Id site, const std::vector<NicBinding>& nics);

/// "web1 on vnet-sea/app 10.0.0.5" — for decisions and reports.
std::string describe_nic(const World& world, const NicBinding& nic);

}  // namespace drsim
