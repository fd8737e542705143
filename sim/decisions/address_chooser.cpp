#include "sim/decisions/address_chooser.hpp"

namespace drsim {

namespace {

std::string where(const World& world, Id subnet) {
    const Subnet& s = world.subnets[subnet];
    return s.name + " (" + s.prefix.to_string() + ") of " + world.networks[s.network].name;
}

// Static addresses come from the pool where the subnet has one (ADDR-ONPREM-RANGE), else the range.
Ipv4Range static_range(const Subnet& s) { return s.pool ? *s.pool : s.usable; }

// Takes the lowest (ADDR-LOWEST-FREE) or highest (ADDR-HIGHEST-FREE) free static address, or
// records ADDR-SUBNET-FULL.
AddressChoice take_free(World& world, Id subnet, bool highest, Decisions& out) {
    const Subnet& s = world.subnets[subnet];
    auto ip = highest ? s.addresses.highest_free_in(static_range(s)) : s.addresses.lowest_free_in(static_range(s));
    if (!ip) {
        out.push_back({Rule::AddrSubnetFull, "no free usable address in " + where(world, subnet), true});
        return {false, std::nullopt, false};
    }
    world.hold(subnet, *ip);
    out.push_back({highest ? Rule::AddrHighestFree : Rule::AddrLowestFree,
                   ip->to_string() + (highest ? " is the highest" : " is the lowest") + " free address of " + where(world, subnet)});
    return {true, ip, false};
}

AddressChoice take_lowest(World& world, Id subnet, Decisions& out) { return take_free(world, subnet, false, out); }
AddressChoice take_highest(World& world, Id subnet, Decisions& out) { return take_free(world, subnet, true, out); }

}  // namespace

std::optional<Ipv4Address> reip_address(const std::vector<ReipRule>& rules, Ipv4Address source, const ReipRule** used) {
    for (const auto& r : rules) {
        if (r.from.contains(source)) {
            std::uint32_t host = source.value() - r.from.network().value();
            *used = &r;
            return Ipv4Address{r.to.network().value() + host};
        }
    }
    return std::nullopt;
}

AddressChoice choose_pool_address(World& world, Id subnet, std::optional<Ipv4Address> source_ip, Decisions& out) {
    const Subnet& s = world.subnets[subnet];
    const Ipv4Range pool = static_range(s);
    const std::string pool_text = (s.pool ? "pool " : "range ") + pool.first.to_string() + "-" + pool.last.to_string() +
                                  " of " + where(world, subnet);
    if (source_ip && pool.contains(*source_ip) && world.hold(subnet, *source_ip)) {
        out.push_back({Rule::IpVmmPool, "source address " + source_ip->to_string() + " is free in the " + pool_text});
        return {true, source_ip, false};
    }
    auto ip = world.subnets[subnet].addresses.lowest_free_in(pool);
    if (!ip) {
        out.push_back({Rule::AddrSubnetFull, "no free address in the " + pool_text, true});
        return {false, std::nullopt, false};
    }
    world.hold(subnet, *ip);
    std::string why = !source_ip ? "no source address"
                      : pool.contains(*source_ip) ? "source address " + source_ip->to_string() + " is taken"
                                                  : "source address " + source_ip->to_string() + " is outside it";
    out.push_back({Rule::IpVmmPool, why + ": " + ip->to_string() + ", the lowest free address of the " + pool_text});
    return {true, ip, false};
}

bool address_usable(const World& world, Id subnet, Ipv4Address ip) {
    const Subnet& s = world.subnets[subnet];
    return s.usable.contains(ip) && (!s.pool || s.pool->contains(ip));
}

AddressChoice choose_address(World& world, const AddressRequest& rq, Decisions& out) {
    const Subnet& subnet = world.subnets[rq.subnet];
    const bool azure_target = world.sites[world.networks[subnet.network].site].kind == SiteKind::azure;

    if (rq.source_dhcp) {
        if (!azure_target) {
            std::string detail = "DHCP source NIC gets a DHCP NIC on " + where(world, rq.subnet) + "; VMM assigns it";
            out.push_back({Rule::IpDhcp, detail});
            if (rq.source_subnet != kNone && !subnet.prefix.contains(world.subnets[rq.source_subnet].prefix))
                out.push_back({Rule::IpDhcpRange,
                               "target subnet " + subnet.prefix.to_string() + " does not cover the source range " +
                                   world.subnets[rq.source_subnet].prefix.to_string(),
                               true});
            return {true, std::nullopt, true};
        }
        out.push_back({Rule::IpDhcp, "DHCP source NIC gets a DHCP NIC; Azure gives it the lowest free address"});
        auto choice = take_lowest(world, rq.subnet, out);
        choice.dhcp = true;
        return choice;
    }
    out.push_back({Rule::IpStatic, "static source NIC gets a static target NIC"});

    if (rq.test) {
        // IP-TFO-SAME / IP-TFO-END: the preferred address, else the highest free one.
        std::optional<Ipv4Address> preferred = rq.override_ip ? rq.override_ip : rq.source_ip;
        std::string which = rq.override_ip ? "target_ip " : "source address ";
        if (preferred && address_usable(world, rq.subnet, *preferred) && world.hold(rq.subnet, *preferred)) {
            out.push_back({Rule::IpTfoSame, which + preferred->to_string() + " is free in " + where(world, rq.subnet)});
            return {true, preferred, false};
        }
        std::string why = !preferred ? "no preferred address"
                          : !address_usable(world, rq.subnet, *preferred)
                              ? which + preferred->to_string() + " is outside the usable range of " + where(world, rq.subnet)
                              : which + preferred->to_string() + " is taken in " + where(world, rq.subnet);
        out.push_back({Rule::IpTfoEnd, why + ": the next address at the end of the range"});
        return take_highest(world, rq.subnet, out);
    }

    if (rq.override_ip) {
        const std::string text = rq.override_ip->to_string();
        if (!address_usable(world, rq.subnet, *rq.override_ip)) {
            out.push_back({Rule::IpOverride, "target_ip " + text + " is outside the usable range of " + where(world, rq.subnet), true});
        } else if (world.hold(rq.subnet, *rq.override_ip)) {
            out.push_back({Rule::IpOverride, "target_ip " + text + " set on the replication"});
            return {true, rq.override_ip, false};
        } else {
            out.push_back({Rule::IpOverride, "target_ip " + text + " is taken in " + where(world, rq.subnet), true});
            return take_lowest(world, rq.subnet, out);
        }
    }

    if (rq.reip && rq.source_ip) {
        const ReipRule* used = nullptr;
        if (auto ip = reip_address(*rq.reip, *rq.source_ip, &used)) {
            std::string detail = rq.source_ip->to_string() + " -> " + ip->to_string() + " by rule " +
                                 used->from.to_string() + " -> " + used->to.to_string();
            if (address_usable(world, rq.subnet, *ip) && world.hold(rq.subnet, *ip)) {
                out.push_back({Rule::IpReipRule, detail});
                return {true, ip, false};
            }
            out.push_back({Rule::IpReipRule, detail + ", but it is not free and usable in " + where(world, rq.subnet), true});
            return take_lowest(world, rq.subnet, out);
        }
    }

    if (rq.source_kind == SiteKind::onprem && azure_target) {
        out.push_back({Rule::IpOnpremToAzure, "no address set on the replication: the source address is not kept"});
        return take_lowest(world, rq.subnet, out);
    }
    if (!azure_target) return choose_pool_address(world, rq.subnet, rq.source_ip, out);

    // IP-FO-SAME-SPACE / IP-FO-OTHER-SPACE (and the same reading for on-premises targets).
    if (rq.source_ip && subnet.prefix.contains(*rq.source_ip)) {
        const std::string text = rq.source_ip->to_string();
        if (address_usable(world, rq.subnet, *rq.source_ip) && world.hold(rq.subnet, *rq.source_ip)) {
            out.push_back({Rule::IpFoSameSpace, subnet.prefix.to_string() + " holds source address " + text + ", which is free"});
            return {true, rq.source_ip, false};
        }
        out.push_back({Rule::IpFoSameSpace, subnet.prefix.to_string() + " holds source address " + text + ", which is taken"});
        return take_lowest(world, rq.subnet, out);
    }
    out.push_back({Rule::IpFoOtherSpace, subnet.prefix.to_string() + " does not hold source address " +
                                             (rq.source_ip ? rq.source_ip->to_string() : std::string{"(none)"})});
    return take_lowest(world, rq.subnet, out);
}

}  // namespace drsim

