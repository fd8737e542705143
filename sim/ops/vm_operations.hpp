#pragma once
// One handler per VM operation of SPEC §4 (the replication life cycle). Each applies to one VM:
// it refuses with the rule that forbids it (changing nothing) or changes the world, records its
// decisions and, for a job, schedules the job's end on the kernel.
#include "sim/ops/operation_context.hpp"

namespace drsim {

OpResult enable_replication(OperationContext& ctx, Id vm, const OperationSpec& op);
OpResult update_replication(OperationContext& ctx, Id vm, const OperationSpec& op);
OpResult disable_replication(OperationContext& ctx, Id vm, const OperationSpec& op);
/// `failover`, and `failback` when `failback` is true (FAILBACK-NEEDS-REVERSE).
OpResult failover(OperationContext& ctx, Id vm, const OperationSpec& op, bool failback);
OpResult commit(OperationContext& ctx, Id vm, const OperationSpec& op);
OpResult reprotect(OperationContext& ctx, Id vm, const OperationSpec& op);
OpResult test_failover(OperationContext& ctx, Id vm, const OperationSpec& op);
OpResult cleanup_test_failover(OperationContext& ctx, Id vm, const OperationSpec& op);
OpResult delete_vm(OperationContext& ctx, Id vm, const OperationSpec& op);
OpResult set_vm_network(OperationContext& ctx, Id vm, const OperationSpec& op);

/// Restarts the initial replications that waited for `site` (INITIAL-REPLICATION-STALLED).
void resume_stalled_replications(OperationContext& ctx, Id site);

}  // namespace drsim
