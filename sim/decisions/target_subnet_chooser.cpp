#include "sim/decisions/target_subnet_chooser.hpp"

namespace drsim {

Id choose_target_subnet(const World& world, Id target_network, const std::string& source_subnet,
                        const std::string& override_subnet, Decisions& out) {
    const Network& net = world.networks[target_network];
    if (!override_subnet.empty()) {
        if (Id s = world.subnet_of(target_network, override_subnet); s != kNone) {
            out.push_back({Rule::SubnetOverride, "subnet " + override_subnet + " set on the replication"});
            return s;
        }
    }
    if (Id s = world.subnet_of(target_network, source_subnet); s != kNone) {
        out.push_back({Rule::SubnetSameName, "subnet " + source_subnet + " of " + net.name + " has the source subnet's name"});
        return s;
    }
    if (net.subnets.empty()) return kNone;
    std::string why = override_subnet.empty() ? "" : "no subnet " + override_subnet + " (override) and ";
    why += "no subnet " + source_subnet + " in " + net.name;
    if (world.sites[net.site].kind == SiteKind::azure) {
        Id s = net.first_alpha_subnet;
        out.push_back({Rule::SubnetFirstAlpha, why + ": " + world.subnets[s].name + " is first alphabetically"});
        return s;
    }
    Id s = net.subnets.front();
    out.push_back({Rule::SubnetFirstDefined, why + ": " + world.subnets[s].name + " is defined first"});
    return s;
}

}  // namespace drsim
