#pragma once
// One handler per operation on connectivity and names (SPEC §6-§8): connect, disconnect, site_down,
// site_up, subnet_failover, update_routes, broadcast_storm, peering_location_down, dns_update. Each
// is shared by scenario events and recovery-plan steps; every change of connectivity goes through
// World::network (NetworkState), which records it with its time and rule.
#include "sim/ops/operation_context.hpp"

namespace drsim {

OpResult connect(OperationContext& ctx, const OperationSpec& op);
OpResult disconnect(OperationContext& ctx, const OperationSpec& op);
OpResult site_down(OperationContext& ctx, const OperationSpec& op);
OpResult site_up(OperationContext& ctx, const OperationSpec& op);
OpResult dns_update(OperationContext& ctx, const OperationSpec& op);
/// subnet_failover, update_routes, broadcast_storm, peering_location_down: accepted with a
/// NOT-MODELLED warning and no effect until routing is modelled.
OpResult not_modelled(OperationContext& ctx, const OperationSpec& op);

}  // namespace drsim
