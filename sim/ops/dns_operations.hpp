#pragma once
// DNS over time (SPEC §8): a record follows its VM's replica by dynamic registration when the
// replica boots, or by a dns_update (an event or a recovery-plan step) when it ends; clients see a
// change a full TTL later (DNS-TTL-CACHE, the worst case), and at that moment a record says so and
// the VM's reachability is re-checked. A test failover never touches production DNS.
#include <vector>

#include "sim/ops/operation_context.hpp"

namespace drsim {

/// `slot` of `vm` has booted: with registration: dynamic its record now answers the instance's
/// address (DNS-DYNAMIC-REGISTRATION); a test instance never registers (DNS-TEST-ISOLATED).
void register_at_boot(OperationContext& ctx, Id vm, Slot slot, Decisions& out);
/// Points `vm`'s record at its serving instance's address now, by `rule` (registration or update),
/// and schedules the moment the clients' cached answers expire; `cause` goes to the record's
/// history. Says what changed, or that nothing did.
void point_record(OperationContext& ctx, Id vm, Rule rule, const std::string& cause, Decisions& out);

/// The dns_update event: a job of timing.dns_update, at whose end the record is pointed (DNS-UPDATE).
OpResult dns_update(OperationContext& ctx, const OperationSpec& op);
/// A dns_update that has taken its time (the event's job, a plan step): points the record `op`
/// names, or when it names none the records of `plan_vms`. `test`: the plan runs a test failover,
/// which never updates production DNS (DNS-TEST-ISOLATED).
Decisions apply_dns_update(OperationContext& ctx, const OperationSpec& op, const std::vector<Id>& plan_vms, bool test,
                           const std::string& cause);

}  // namespace drsim
