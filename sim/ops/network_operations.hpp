#pragma once
// One handler per operation on connectivity (SPEC §6-§7): connect, disconnect, site_down, site_up,
// subnet_failover, update_routes, broadcast_storm, peering_location_down/up. Each
// is shared by scenario events and recovery-plan steps; every change of connectivity goes through
// World::network (NetworkState), which records it with its time and rule.
#include "sim/ops/operation_context.hpp"

namespace drsim {

/// connect (LNG-OVERLAP, ER-OVERLAP, ER-PREMIUM-GEO, ER-PEERING-LOCATION refuse it) and disconnect
/// (ER-DISCONNECT-NEEDS-REGION); routes follow by BGP convergence or update_routes.
OpResult connect(OperationContext& ctx, const OperationSpec& op);
OpResult disconnect(OperationContext& ctx, const OperationSpec& op);
/// site_down / site_up: instances stop and start, edges go down and up, routes follow.
OpResult site_down(OperationContext& ctx, const OperationSpec& op);
OpResult site_up(OperationContext& ctx, const OperationSpec& op);
/// SUBNET-FAILOVER: the subnet (and the subnets paired with it by a mapping) becomes active at
/// `to_site`; SUBNET-PARTIAL names the VMs left behind.
OpResult subnet_failover(OperationContext& ctx, const OperationSpec& op);
/// update_routes: static connections carry the routes as they stand (ROUTE-STATIC-UPDATE).
OpResult update_routes(OperationContext& ctx, const OperationSpec& op);
/// STRETCHED-FAULT-DOMAIN: every VM on the subnet's layer-2 domain, at both sites, is off the
/// network for the storm's duration.
OpResult broadcast_storm(OperationContext& ctx, const OperationSpec& op);
/// ER-PEERING-LOCATION as a fault domain: every circuit there goes down (and back up).
OpResult peering_location_down(OperationContext& ctx, const OperationSpec& op);
OpResult peering_location_up(OperationContext& ctx, const OperationSpec& op);

/// LNG-OVERLAP, ER-PREMIUM-GEO, ER-OVERLAP or ER-PEERING-LOCATION when connecting `connection` now
/// would be refused (against the connections that are connected now); nullopt when it may connect.
std::optional<OpResult> connect_refusal(const World& world, Id connection);

/// A routing change: the BGP part installs after `timing.route_convergence` (scheduled here, with a
/// record when it does); the decision says so. Nothing when `updates` is empty.
void routes_changed(OperationContext& ctx, std::vector<RouteUpdate> updates, Decisions& out);

}  // namespace drsim
