#pragma once
// The address of a replica NIC: IP-DHCP, IP-STATIC, IP-OVERRIDE, IP-REIP-RULE, IP-FO-SAME-SPACE,
// IP-FO-OTHER-SPACE, IP-ONPREM-TO-AZURE, IP-VMM-POOL, IP-TFO-SAME, IP-TFO-END.
#include <optional>
#include <vector>

#include "sim/log/decision.hpp"
#include "sim/world/world.hpp"

namespace drsim {

struct AddressRequest {
    Id subnet = kNone;                      ///< target subnet (chosen already)
    Id source_subnet = kNone;               ///< for IP-DHCP-RANGE
    SiteKind source_kind = SiteKind::azure; ///< where the source instance runs
    std::optional<Ipv4Address> source_ip;   ///< the source NIC's address (held, DHCP or static)
    bool source_dhcp = false;
    std::optional<Ipv4Address> override_ip; ///< IP-OVERRIDE (target_ip), first NIC only
    const std::vector<ReipRule>* reip = nullptr;
    bool test = false;                      ///< test failover (IP-TFO-*)
};

struct AddressChoice {
    bool ok = true;                   ///< false: no usable address was free (ADDR-SUBNET-FULL)
    std::optional<Ipv4Address> ip;    ///< held in the subnet when set; nullopt for a VMM DHCP NIC
    bool dhcp = false;
};

/// Chooses and holds the address of one replica NIC, recording every rule used. O(log n).
AddressChoice choose_address(World& world, const AddressRequest& request, Decisions& out);

/// IP-VMM-POOL: the source address when the subnet's pool (or usable range) holds it and it is free,
/// else the lowest free pool address; held on success. Used at enable time (the reservation) and at
/// failover when the reservation no longer applies. O(log n).
AddressChoice choose_pool_address(World& world, Id subnet, std::optional<Ipv4Address> source_ip, Decisions& out);

/// IP-REIP-RULE: the first rule whose `from` holds `source` gives the address with the host part
/// kept (192.168.1.37 by 192.168.1.0/24 -> 172.16.1.0/24 is 172.16.1.37); `used` is that rule.
/// nullopt when no rule matches. O(rules).
std::optional<Ipv4Address> reip_address(const std::vector<ReipRule>& rules, Ipv4Address source, const ReipRule** used);

/// True when `ip` is in the subnet's usable range (and pool, if it has one).
bool address_usable(const World& world, Id subnet, Ipv4Address ip);

}  // namespace drsim
