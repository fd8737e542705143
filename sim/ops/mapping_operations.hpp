#pragma once
// Network mapping operations (SPEC §2): map_network, change_mapping, delete_mapping, and the
// mapping look-ups the replication operations share.
#include "sim/ops/operation_context.hpp"

namespace drsim {

OpResult map_network(OperationContext& ctx, const OperationSpec& op);
OpResult change_mapping(OperationContext& ctx, const OperationSpec& op);
OpResult delete_mapping(OperationContext& ctx, const OperationSpec& op);

/// The mapped target of `source`, or kNone.
Id mapped_target(const World& world, Id source);
/// Creates source -> target (the caller has checked MAP-ONE-TARGET), recording `rule`, and pairs
/// the retained subnets of two on-premises networks (pair_retained_subnets).
void add_mapping(OperationContext& ctx, Id source, Id target, Rule rule, Decisions& out, const char* format = "{} -> {}");
/// SPEC §6: on premises, a subnet with the same prefix in `source` and `target` is one subnet in two
/// places, active at the source network's site until subnet_failover moves it. Paired once, while
/// neither has moved; routes learn it at once (a design, not a live change).
void pair_retained_subnets(OperationContext& ctx, Id source, Id target, Decisions& out);

/// True for the fabrics whose mappings follow VMM's rules (both directions by default,
/// MAP-RESOLVE-AT-FAILOVER, changes without MAP-CHANGE-REVERSE-FIRST).
bool vmm_fabric(Fabric f);

}  // namespace drsim
