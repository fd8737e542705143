#include "sim/ops/mapping_operations.hpp"

#include "sim/decisions/vmm_rules.hpp"

namespace drsim {

bool vmm_fabric(Fabric f) { return f == Fabric::vmm_to_vmm || f == Fabric::vmm_to_azure; }

Id mapped_target(const World& world, Id source) {
    if (source == kNone || source >= world.mappings.size() || !world.mappings[source]) return kNone;
    return world.mappings[source]->target;
}

void add_mapping(OperationContext& ctx, Id source, Id target, Rule rule, Decisions& out) {
    ctx.world.mappings[source] = Mapping{target, ctx.now()};
    out.push_back({rule, ctx.world.networks[source].name + " -> " + ctx.world.networks[target].name});
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
                out.push_back({Rule::SubnetFailover, subnet.prefix.to_string() + " is one subnet in two places (" +
                                                         w.networks[source].name + ", " + w.networks[target].name + "): active at " +
                                                         w.sites[source_site].name + " until subnet_failover moves it"});
            ctx.routing.prefix_changed_now(subnet.prefix);  // a design choice, not a live change
        }
    }
    if (paired > kNamed)
        out.push_back({Rule::SubnetFailover, "and " + std::to_string(paired - kNamed) + " more prefixes of " + w.networks[source].name +
                                                 " paired with " + w.networks[target].name + " the same way"});
}

namespace {

std::string name_of(const World& w, Id n) { return w.networks[n].name; }

// Refusal for mapping `source` to `target`, or nullopt.
std::optional<OpResult> check_new_mapping(const World& w, Id source, Id target) {
    if (w.networks[source].site == w.networks[target].site)
        return OpResult::refuse(Rule::MapDifferentSites,
                                name_of(w, source) + " and " + name_of(w, target) + " are both at " +
                                    w.sites[w.networks[source].site].name);
    if (Id existing = mapped_target(w, source); existing != kNone)
        return OpResult::refuse(Rule::MapOneTarget,
                                name_of(w, source) + " is already mapped to " + name_of(w, existing));
    return std::nullopt;
}

}  // namespace

OpResult map_network(OperationContext& ctx, const OperationSpec& op) {
    World& w = ctx.world;
    Id source = w.network_id(op.source), target = w.network_id(op.target);
    if (source == kNone || target == kNone)
        return OpResult::refuse(Rule::MapNeedsMapping, "network " + (source == kNone ? op.source : op.target) + " does not exist (yet)");
    const bool both = op.both_directions.value_or(vmm_fabric(w.fabric()));
    if (auto refusal = check_new_mapping(w, source, target)) return *refusal;
    if (w.fabric() == Fabric::vmm_to_vmm) {
        if (std::string why = mapping_unavailable_reason(w, source, target); !why.empty())
            return OpResult::refuse(Rule::MapTargetAvailable, why);
    }
    OpResult r;
    add_mapping(ctx, source, target, Rule::MapCreate, r.decisions);
    const Id reverse = mapped_target(w, target);
    if (!both) {
        r.decisions.front().detail += " (one direction)";
    } else if (reverse == kNone) {
        r.decisions.front().detail += " (both directions)";
        add_mapping(ctx, target, source, Rule::MapCreate, r.decisions);
    } else if (reverse != source) {
        // Several source networks may share one target; its own mapping back stays as it is.
        r.decisions.push_back({Rule::MapOneTarget, "reverse not created: " + name_of(w, target) + " is already mapped to " +
                                                       name_of(w, reverse)});
    }
    return r;
}

OpResult change_mapping(OperationContext& ctx, const OperationSpec& op) {
    World& w = ctx.world;
    Id source = w.network_id(op.source), target = w.network_id(op.target);
    if (source == kNone || target == kNone)
        return OpResult::refuse(Rule::MapNeedsMapping, "network " + (source == kNone ? op.source : op.target) + " does not exist (yet)");
    Id old_target = mapped_target(w, source);
    if (old_target == kNone) return OpResult::refuse(Rule::MapNeedsMapping, name_of(w, source) + " has no mapping to change");
    if (!vmm_fabric(w.fabric()) && mapped_target(w, old_target) == source)
        return OpResult::refuse(Rule::MapChangeReverseFirst, "the reverse mapping " + name_of(w, old_target) + " -> " +
                                                                 name_of(w, source) + " exists: delete it first");
    if (w.networks[source].site == w.networks[target].site)
        return OpResult::refuse(Rule::MapDifferentSites, name_of(w, source) + " and " + name_of(w, target) + " are at one site");
    if (w.fabric() == Fabric::vmm_to_vmm) {
        if (std::string why = mapping_unavailable_reason(w, source, target); !why.empty())
            return OpResult::refuse(Rule::MapTargetAvailable, why);
    }
    OpResult r;
    w.mappings[source] = Mapping{target, ctx.now()};
    r.decisions.push_back({Rule::MapCreate, name_of(w, source) + " -> " + name_of(w, target) + " (was -> " + name_of(w, old_target) + ")"});
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
    if (target == kNone) return OpResult::refuse(Rule::MapNeedsMapping, op.source + " has no mapping");
    if (!op.target.empty() && w.network_id(op.target) != target)
        return OpResult::refuse(Rule::MapNeedsMapping, op.source + " is mapped to " + name_of(w, target) + ", not " + op.target);
    w.mappings[source].reset();
    OpResult r;
    r.decisions.push_back({Rule::MapDelete, "deleted " + name_of(w, source) + " -> " + name_of(w, target)});
    return r;
}

}  // namespace drsim
