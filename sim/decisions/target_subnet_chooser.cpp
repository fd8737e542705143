#include "sim/decisions/target_subnet_chooser.hpp"

namespace drsim {

Id choose_target_subnet(const World& world, Id target_network, const std::string& source_subnet,
                        const std::string& override_subnet, Decisions& out) {
    const Network& net = world.networks[target_network];
    if (!override_subnet.empty()) {
        if (Id s = world.subnet_of(target_network, override_subnet); s != kNone) {
            out.push_back({Rule::SubnetOverride, {"subnet {} set on the replication", arg::subnet(s)}});
            return s;
        }
    }
    if (Id s = world.subnet_of(target_network, source_subnet); s != kNone) {
        out.push_back({Rule::SubnetSameName, {"subnet {} of {} has the source subnet's name", arg::subnet(s), arg::network(target_network)}});
        return s;
    }
    if (net.subnets.empty()) return kNone;
    std::string why = override_subnet.empty() ? "" : "no subnet " + override_subnet + " (override) and ";
    why += "no subnet " + source_subnet + " in " + net.name;
    const TextArg reason = arg::text(why, world.texts);
    if (world.sites[net.site].kind == SiteKind::azure) {
        Id s = net.first_alpha_subnet;
        out.push_back({Rule::SubnetFirstAlpha, {"{}: {} is first alphabetically", reason, arg::subnet(s)}});
        return s;
    }
    Id s = net.subnets.front();
    out.push_back({Rule::SubnetFirstDefined, {"{}: {} is defined first", reason, arg::subnet(s)}});
    return s;
}

}  // namespace drsim
