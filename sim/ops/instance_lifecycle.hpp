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
    std::optional<Ipv4Address> reserved;  ///< IP-VMM-POOL
};

/// Chooses subnet and address for every NIC of `source` per `plans` and holds the addresses.
/// On ADDR-SUBNET-FULL releases what it held and returns nullopt (the caller refuses).
std::optional<std::vector<NicBinding>> place_nics(OperationContext& ctx, const Instance& source,
                                                  const std::vector<NicPlan>& plans,
                                                  const std::vector<ReipRule>* reip, bool test, Decisions& out);

/// Makes `slot` of `vm` an instance at `site` with `nics`, booting after `boot_after` (logged as
/// vm_boot done). An instance already there (VMM keeps the original VM) is reused.
void start_instance(OperationContext& ctx, Id vm, Slot slot, Id site, std::vector<NicBinding> nics,
                    Millis boot_after);
/// Stops a running instance (planned failover, reprotect); it keeps its addresses.
void stop_instance(OperationContext& ctx, Instance& instance);
/// Removes an instance: cancels its boot, frees its addresses.
void remove_instance(OperationContext& ctx, Instance& instance);

/// "web1 on vnet-sea/app 10.0.0.5" — for decisions and reports.
std::string describe_nic(const World& world, const NicBinding& nic);

}  // namespace drsim
