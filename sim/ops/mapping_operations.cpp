#include "sim/ops/mapping_operations.hpp"

#include "sim/decisions/vmm_rules.hpp"

namespace drsim {

bool vmm_fabric(Fabric f) { return f == Fabric::vmm_to_vmm || f == Fabric::vmm_to_azure; }

Id mapped_target(const World& world, Id source) {
    if (source == kNone || source >= world.mappings.size() || !world.mappings[source]) return kNone;
    return world.mappings[source]->target;
}

void add_mapping(OperationContext& ctx, Id source, Id target, Rule rule, Decisions& out, const char* format) {
    ctx.world.mappings[source] = Mapping{target, ctx.now()};
    out.push_back({rule, {format, arg::network(source), arg::network(target)}});
    pair_retained_subnets(ctx, source, target, out);
}

void pair_retained_subnets(OperationContext& ctx, Id source, Id target, Decisions& out) {
    World& w = ctx.world;
    const Id source_site = w.networks[source].site, target_site = w.networks[target].site;
    if (w.sites[source_site].kind != SiteKind::onprem || w.sites[target_site].kind != SiteKind::onprem) return;
    constexpr std::size_t kNamed = 20;  // prefixes named one by one; the rest are counted
    std::size_t paired = 0;
    for (Id s : w.networks[source].subnets) {
        const Subnet& subnet = w.subnets[s];
        // Subnets of one network never overlap: the one holding this prefix's first address, if any.
        if (const Id t = w.subnet_holding(target, subnet.prefix.network()); t != kNone) {
            const Subnet& other = w.subnets[t];
            if (other.prefix != subnet.prefix || subnet.stretched_to != kNone || other.stretched_to != kNone) continue;
            // Paired once, while neither has moved: the target's copy stands by.
            if (w.network.active_site(s) != source_site || w.network.active_site(t) != target_site) continue;
            w.network.set_active_site(t, source_site, ctx.now(), Rule::SubnetFailover);
            if (++paired <= kNamed)
                out.push_back({Rule::SubnetFailover,
                               interned(subnet.prefix.to_string() + " is one subnet in two places (" + w.networks[source].name + ", " +
                                            w.networks[target].name + "): active at " + w.sites[source_site].name +
                                            " until subnet_failover moves it",
                                        w.texts)});
            ctx.routing.prefix_changed_now(subnet.prefix);  // a design choice, not a live change
        }
    }
    if (paired > kNamed)
        out.push_back({Rule::SubnetFailover, {"and {} more prefixes of {} paired with {} the same way", arg::count(paired - kNamed),
                                              arg::network(source), arg::network(target)}});
}

namespace {

// Refusal for mapping `source` to `target`, or nullopt.
std::optional<OpResult> check_new_mapping(const World& w, Id source, Id target) {
    if (w.networks[source].site == w.networks[target].site)
        return OpResult::refuse(Rule::MapDifferentSites,
                                {"{} and {} are both at {}", arg::network(source), arg::network(target), arg::site(w.networks[source].site)});
    if (Id existing = mapped_target(w, source); existing != kNone)
        return OpResult::refuse(Rule::MapOneTarget, {"{} is already mapped to {}", arg::network(source), arg::network(existing)});
    return std::nullopt;
}

}  // namespace

OpResult map_network(OperationContext& ctx, const OperationSpec& op) {
    World& w = ctx.world;
    Id source = w.network_id(op.source), target = w.network_id(op.target);
    if (source == kNone || target == kNone)
        return OpResult::refuse(Rule::MapNeedsMapping,
                                {"network {} does not exist (yet)", arg::text(source == kNone ? op.source : op.target, w.texts)});
    const bool both = op.both_directions.value_or(vmm_fabric(w.fabric()));
    if (auto refusal = check_new_mapping(w, source, target)) return *refusal;
    if (w.fabric() == Fabric::vmm_to_vmm) {
        if (std::string why = mapping_unavailable_reason(w, source, target); !why.empty())
            return OpResult::refuse(Rule::MapTargetAvailable, interned(why, w.texts));
    }
    OpResult r;
    const Id reverse = mapped_target(w, target);
    add_mapping(ctx, source, target, Rule::MapCreate, r.decisions,
                !both ? "{} -> {} (one direction)" : reverse == kNone ? "{} -> {} (both directions)" : "{} -> {}");
    if (both && reverse == kNone) {
        add_mapping(ctx, target, source, Rule::MapCreate, r.decisions);
    } else if (both && reverse != source) {
        // Several source networks may share one target; its own mapping back stays as it is.
        r.decisions.push_back({Rule::MapOneTarget, {"reverse not created: {} is already mapped to {}", arg::network(target), arg::network(reverse)}});
    }
    return r;
}

OpResult change_mapping(OperationContext& ctx, const OperationSpec& op) {
    World& w = ctx.world;
    Id source = w.network_id(op.source), target = w.network_id(op.target);
    if (source == kNone || target == kNone)
        return OpResult::refuse(Rule::MapNeedsMapping,
                                {"network {} does not exist (yet)", arg::text(source == kNone ? op.source : op.target, w.texts)});
    Id old_target = mapped_target(w, source);
    if (old_target == kNone) return OpResult::refuse(Rule::MapNeedsMapping, {"{} has no mapping to change", arg::network(source)});
    if (!vmm_fabric(w.fabric()) && mapped_target(w, old_target) == source)
        return OpResult::refuse(Rule::MapChangeReverseFirst,
                                {"the reverse mapping {} -> {} exists: delete it first", arg::network(old_target), arg::network(source)});
    if (w.networks[source].site == w.networks[target].site)
        return OpResult::refuse(Rule::MapDifferentSites, {"{} and {} are at one site", arg::network(source), arg::network(target)});
    if (w.fabric() == Fabric::vmm_to_vmm) {
        if (std::string why = mapping_unavailable_reason(w, source, target); !why.empty())
            return OpResult::refuse(Rule::MapTargetAvailable, interned(why, w.texts));
    }
    OpResult r;
    w.mappings[source] = Mapping{target, ctx.now()};
    r.decisions.push_back({Rule::MapCreate, {"{} -> {} (was -> {})", arg::network(source), arg::network(target), arg::network(old_target)}});
    pair_retained_subnets(ctx, source, target, r.decisions);
    if (vmm_fabric(w.fabric()))
        r.decisions.push_back({Rule::MapResolveAtFailover, "replicas created from now on resolve the new target"});
    else
        r.decisions.push_back({Rule::MapChangeNewOnly, "existing replications keep their target network"});
    return r;
}

OpResult delete_mapping(OperationContext& ctx, const OperationSpec& op) {
    World& w = ctx.world;
    Id source = w.network_id(op.source);
    Id target = mapped_target(w, source);
    if (target == kNone) return OpResult::refuse(Rule::MapNeedsMapping, {"{} has no mapping", arg::text(op.source, w.texts)});
    if (!op.target.empty() && w.network_id(op.target) != target)
        return OpResult::refuse(Rule::MapNeedsMapping, {"{} is mapped to {}, not {}", arg::text(op.source, w.texts), arg::network(target),
                                                        arg::text(op.target, w.texts)});
    w.mappings[source].reset();
    OpResult r;
    r.decisions.push_back({Rule::MapDelete, {"deleted {} -> {}", arg::network(source), arg::network(target)}});
    return r;
}

}  // namespace drsim
