#pragma once
// The one table of operations: for each scenario operation, the handler that carries it out.
// A VM operation applies to one VM at a time (the run resolves `vm`, `vms` or `recovery_plan`);
// any other applies to the world. Scenario events and recovery-plan steps both go through it, so a
// new operation touches its format (docs and the loader's table in sim/scenario) and this table.
#include <string>

#include "sim/ops/operation_context.hpp"

namespace drsim {

struct OperationHandler {
    OpKind kind = OpKind::expect;
    OpResult (*on_vm)(OperationContext&, Id vm, const OperationSpec&) = nullptr;  ///< VM operations
    OpResult (*on_world)(OperationContext&, const OperationSpec&) = nullptr;      ///< every other one
};

/// The handler of `kind`; for `expect` both are null (the run checks, it does not operate). O(1).
const OperationHandler& handler_of(OpKind kind);

/// What a world operation applies to, for its record: "vnet-a -> vnet-b", a site, a connection …
std::string target_of(const OperationSpec& op);

}  // namespace drsim
