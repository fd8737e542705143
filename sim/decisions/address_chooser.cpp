#include "sim/decisions/address_chooser.hpp"

namespace drsim {

namespace {

// Static addresses come from the pool where the subnet has one (ADDR-ONPREM-RANGE), else the range.
Ipv4Range static_range(const Subnet& s) { return s.pool ? *s.pool : s.usable; }

// Takes the lowest (ADDR-LOWEST-FREE) or highest (ADDR-HIGHEST-FREE) free static address, or
// records ADDR-SUBNET-FULL.
AddressChoice take_free(World& world, Id subnet, bool highest, Decisions& out) {
    const Subnet& s = world.subnets[subnet];
    auto ip = highest ? s.addresses.highest_free_in(static_range(s)) : s.addresses.lowest_free_in(static_range(s));
    if (!ip) {
        out.push_back({Rule::AddrSubnetFull, {"no free usable address in {}", arg::subnet_where(subnet)}, true});
        return {false, std::nullopt, false};
    }
    world.hold(subnet, *ip);
    out.push_back({highest ? Rule::AddrHighestFree : Rule::AddrLowestFree,
                   {highest ? "{} is the highest free address of {}" : "{} is the lowest free address of {}", arg::address(*ip),
                    arg::subnet_where(subnet)}});
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
    // "the pool A-B of subnet (prefix) of network", or "the range …" without a pool.
    const std::string pool_text = std::string{s.pool ? "pool " : "range "} + pool.first.to_string() + "-" + pool.last.to_string() +
                                  " of " + world.render(Text{"{}", arg::subnet_where(subnet)});
    const TextArg pool_arg = arg::text(pool_text, world.texts);
    if (source_ip && pool.contains(*source_ip) && world.hold(subnet, *source_ip)) {
        out.push_back({Rule::IpVmmPool, {"source address {} is free in the {}", arg::address(*source_ip), pool_arg}});
        return {true, source_ip, false};
    }
    auto ip = world.subnets[subnet].addresses.lowest_free_in(pool);
    if (!ip) {
        out.push_back({Rule::AddrSubnetFull, {"no free address in the {}", pool_arg}, true});
        return {false, std::nullopt, false};
    }
    world.hold(subnet, *ip);
    if (!source_ip)
        out.push_back({Rule::IpVmmPool, {"no source address: {}, the lowest free address of the {}", arg::address(*ip), pool_arg}});
    else
        out.push_back({Rule::IpVmmPool, {pool.contains(*source_ip) ? "source address {} is taken: {}, the lowest free address of the {}"
                                                                   : "source address {} is outside it: {}, the lowest free address of the {}",
                                         arg::address(*source_ip), arg::address(*ip), pool_arg}});
    return {true, ip, false};
}

bool address_usable(const World& world, Id subnet, Ipv4Address ip) {
    const Subnet& s = world.subnets[subnet];
    return s.usable.contains(ip) && (!s.pool || s.pool->contains(ip));
}

AddressChoice choose_address(World& world, const AddressRequest& rq, Decisions& out) {
    const Subnet& subnet = world.subnets[rq.subnet];
    const bool azure_target = world.sites[world.networks[subnet.network].site].kind == SiteKind::azure;

    // IP-OVERRIDE wins over IP-DHCP: an address set on the replication makes the target NIC static,
    // as setting a static address in Azure's Compute and Network does.
    if (rq.source_dhcp && !rq.override_ip) {
        if (!azure_target) {
            out.push_back({Rule::IpDhcp, {"DHCP source NIC gets a DHCP NIC on {}; VMM assigns it", arg::subnet_where(rq.subnet)}});
            if (rq.source_subnet != kNone && !subnet.prefix.contains(world.subnets[rq.source_subnet].prefix))
                out.push_back({Rule::IpDhcpRange,
                               {"target subnet {} does not cover the source range {}", arg::subnet_prefix(rq.subnet),
                                arg::subnet_prefix(rq.source_subnet)},
                               true});
            return {true, std::nullopt, true};
        }
        out.push_back({Rule::IpDhcp, "DHCP source NIC gets a DHCP NIC; Azure gives it the lowest free address"});
        auto choice = take_lowest(world, rq.subnet, out);
        choice.dhcp = true;
        return choice;
    }
    if (rq.source_dhcp)
        out.push_back({Rule::IpOverride, "DHCP source NIC, but target_ip is set on the replication: a static target NIC"});
    else
        out.push_back({Rule::IpStatic, "static source NIC gets a static target NIC"});

    if (rq.test) {
        // IP-TFO-SAME / IP-TFO-END: the preferred address, else the highest free one.
        std::optional<Ipv4Address> preferred = rq.override_ip ? rq.override_ip : rq.source_ip;
        const bool own = rq.override_ip.has_value();
        const TextArg where = arg::subnet_where(rq.subnet);
        if (preferred && address_usable(world, rq.subnet, *preferred) && world.hold(rq.subnet, *preferred)) {
            out.push_back({Rule::IpTfoSame, {own ? "target_ip {} is free in {}" : "source address {} is free in {}", arg::address(*preferred), where}});
            return {true, preferred, false};
        }
        if (!preferred)
            out.push_back({Rule::IpTfoEnd, "no preferred address: the next address at the end of the range"});
        else if (!address_usable(world, rq.subnet, *preferred))
            out.push_back({Rule::IpTfoEnd, {own ? "target_ip {} is outside the usable range of {}: the next address at the end of the range"
                                                : "source address {} is outside the usable range of {}: the next address at the end of the range",
                                            arg::address(*preferred), where}});
        else
            out.push_back({Rule::IpTfoEnd, {own ? "target_ip {} is taken in {}: the next address at the end of the range"
                                                : "source address {} is taken in {}: the next address at the end of the range",
                                            arg::address(*preferred), where}});
        return take_highest(world, rq.subnet, out);
    }

    if (rq.override_ip) {
        const TextArg ip = arg::address(*rq.override_ip), where = arg::subnet_where(rq.subnet);
        if (!address_usable(world, rq.subnet, *rq.override_ip)) {
            out.push_back({Rule::IpOverride, {"target_ip {} is outside the usable range of {}", ip, where}, true});
        } else if (world.hold(rq.subnet, *rq.override_ip)) {
            out.push_back({Rule::IpOverride, {"target_ip {} set on the replication", ip}});
            return {true, rq.override_ip, false};
        } else {
            out.push_back({Rule::IpOverride, {"target_ip {} is taken in {}", ip, where}, true});
            return take_lowest(world, rq.subnet, out);
        }
    }

    if (rq.reip && rq.source_ip) {
        const ReipRule* used = nullptr;
        if (auto ip = reip_address(*rq.reip, *rq.source_ip, &used)) {
            const TextArg rule = arg::text(used->from.to_string() + " -> " + used->to.to_string(), world.texts);
            if (address_usable(world, rq.subnet, *ip) && world.hold(rq.subnet, *ip)) {
                out.push_back({Rule::IpReipRule, {"{} -> {} by rule {}", arg::address(*rq.source_ip), arg::address(*ip), rule}});
                return {true, ip, false};
            }
            const std::string detail = rq.source_ip->to_string() + " -> " + ip->to_string() + " by rule " +
                                       std::string{world.texts.at(rule.value)};
            out.push_back({Rule::IpReipRule, {"{}, but it is not free and usable in {}", arg::text(detail, world.texts),
                                              arg::subnet_where(rq.subnet)}, true});
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
        const TextArg prefix = arg::subnet_prefix(rq.subnet), ip = arg::address(*rq.source_ip);
        if (address_usable(world, rq.subnet, *rq.source_ip) && world.hold(rq.subnet, *rq.source_ip)) {
            out.push_back({Rule::IpFoSameSpace, {"{} holds source address {}, which is free", prefix, ip}});
            return {true, rq.source_ip, false};
        }
        out.push_back({Rule::IpFoSameSpace, {"{} holds source address {}, which is taken", prefix, ip}});
        return take_lowest(world, rq.subnet, out);
    }
    if (rq.source_ip)
        out.push_back({Rule::IpFoOtherSpace, {"{} does not hold source address {}", arg::subnet_prefix(rq.subnet), arg::address(*rq.source_ip)}});
    else
        out.push_back({Rule::IpFoOtherSpace, {"{} does not hold source address (none)", arg::subnet_prefix(rq.subnet)}});
    return take_lowest(world, rq.subnet, out);
}

}  // namespace drsim

