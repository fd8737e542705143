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
/// Creates source -> target (the caller has checked MAP-ONE-TARGET), recording `rule`.
void add_mapping(OperationContext& ctx, Id source, Id target, Rule rule, Decisions& out);

/// True for the fabrics whose mappings follow VMM's rules (both directions by default,
/// MAP-RESOLVE-AT-FAILOVER, changes without MAP-CHANGE-REVERSE-FIRST).
bool vmm_fabric(Fabric f);

}  // namespace drsim
