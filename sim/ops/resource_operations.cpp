// create_resources and the NOT-REPLICATED check of failovers (SPEC §7).
#include "sim/decisions/target_resources.hpp"
#include "sim/ops/vm_operations.hpp"

namespace drsim {

OpResult create_resources(OperationContext& ctx, Id vm_id, const OperationSpec& op) {
    World& w = ctx.world;
    Vm& vm = w.vms[vm_id];
    std::vector<std::string> existing = vm.target_resources.items();
    const std::vector<std::string> added = add_resources(existing, op.resources);
    vm.target_resources = std::move(existing);
    const Id site = vm.replication.recovery_site;
    const std::string where = site != kNone ? w.sites[site].name : "the recovery site";
    OpResult result;
    std::string created;
    for (const auto& kind : op.resources) created += (created.empty() ? "" : ", ") + kind;
    std::string note = added.size() == op.resources.size() ? "" : " (some existed already)";
    for (const auto& kind : op.resources)
        if (kind == "public_ip") note += "; a public IP never moves: this one has a new address";
    result.decisions.push_back({Rule::NotReplicated, interned("created at " + where + ": " + created + note, ctx.world.texts)});
    return result;
}

void warn_not_replicated(const OperationContext& ctx, const Vm& vm, const std::string& plan, Decisions& out) {
    if (vm.resources().empty() || vm.replication.reversed) return;
    std::vector<std::string> created = vm.target_resources.items();
    if (!plan.empty())
        for (const auto& p : ctx.scenario.recovery_plans)
            if (p.name == plan)
                for (const auto& step : p.steps)
                    if (step.kind == PlanStepKind::create_resources && step.target == vm.name) add_resources(created, step.resources);
    const Id site = vm.replication.recovery_site;
    if (auto warning = not_replicated_warning(vm.resources(), created, ctx.world.sites[site].name))
        out.push_back({Rule::NotReplicated, interned(*warning, ctx.world.texts), true});
}

}  // namespace drsim
