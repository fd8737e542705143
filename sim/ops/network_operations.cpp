#include "sim/ops/network_operations.hpp"

#include "sim/ops/vm_operations.hpp"

namespace drsim {

namespace {

OpResult set_connected(OperationContext& ctx, const OperationSpec& op, bool connected) {
    OpResult r;
    const Id c = ctx.world.connection_id(op.connection);
    const bool changed = ctx.world.network.set_connected(c, connected, ctx.now(), Rule::ConnectionState);
    r.detail = op.connection + (changed ? (connected ? " connected" : " disconnected")
                                        : (connected ? " is already connected" : " is already disconnected"));
    return r;
}

OpResult set_site_up(OperationContext& ctx, const OperationSpec& op, bool up) {
    OpResult r;
    const Id site = ctx.world.site_id(op.site);
    if (!ctx.world.network.set_site_up(site, up, ctx.now(), Rule::SiteDown)) {
        r.detail = op.site + " is already " + (up ? "up" : "down");
        return r;
    }
    if (up) {
        resume_stalled_replications(ctx, site);
        r.decisions.push_back({Rule::SiteDown, "instances at " + op.site + " run again; its edges are up"});
    } else {
        r.decisions.push_back({Rule::SiteDown, "every instance at " + op.site + " stopped; its edges are down"});
    }
    return r;
}

}  // namespace

OpResult connect(OperationContext& ctx, const OperationSpec& op) { return set_connected(ctx, op, true); }
OpResult disconnect(OperationContext& ctx, const OperationSpec& op) { return set_connected(ctx, op, false); }
OpResult site_down(OperationContext& ctx, const OperationSpec& op) { return set_site_up(ctx, op, false); }
OpResult site_up(OperationContext& ctx, const OperationSpec& op) { return set_site_up(ctx, op, true); }

OpResult dns_update(OperationContext&, const OperationSpec& op) {
    OpResult r;
    r.detail = "DNS record of " + (!op.vm.empty() ? op.vm : op.dns_name) + " updated (DNS is modelled from a later version)";
    return r;
}

OpResult not_modelled(OperationContext&, const OperationSpec& op) {
    OpResult r;
    r.detail = std::string{op_name(op.kind)} + " is accepted but not yet modelled: no effect";
    r.decisions.push_back({Rule::NotModelled, r.detail, true});
    return r;
}

}  // namespace drsim
