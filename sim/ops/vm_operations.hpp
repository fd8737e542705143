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
/// UNPROTECTED-WINDOW: the VM is protected again now (a reprotect, or a new initial replication,
/// done): closes the window open since a commit and says how long it was. Nothing when none was open.
void close_unprotected_window(OperationContext& ctx, Replication& r, Decisions& out);

/// Creates resources of the VM at its recovery site (NOT-REPLICATED): never refused.
OpResult create_resources(OperationContext& ctx, Id vm, const OperationSpec& op);
/// NOT-REPLICATED at a failover or test failover to the recovery site: a warning in `out` naming
/// what the replica lacks — its source's resources minus those created at the target, counting
/// the create_resources steps of recovery plan `plan` ("" for none) for this VM — and that a
/// public IP never moves. Nothing for a failback (the home site kept its own).
void warn_not_replicated(const OperationContext& ctx, const Vm& vm, const std::string& plan, Decisions& out);

/// FORCED-TUNNEL-NO-UDR (A2A): a warning in `out` for each network of `source` that forces traffic
/// on-premises without routes keeping Site Recovery's endpoints in Azure; true when there is one
/// (the replication's health is then degraded).
bool forced_tunnel_health(const World& w, const Instance& source, Decisions& out);

/// Restarts the initial replications that waited for `site` (INITIAL-REPLICATION-STALLED).
void resume_stalled_replications(OperationContext& ctx, Id site);

}  // namespace drsim
