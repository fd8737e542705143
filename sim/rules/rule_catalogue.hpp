#pragma once
// The one catalogue of rule ids. Every decision and refusal drsim records names a rule from here;
// docs/rules.md is generated from this table (`drsim rules`) and a test fails when the two differ.
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace drsim {

// X(enum name, id, SPEC section, "spec" | "drsim" (an interpretation drsim adds), summary)
#define DRSIM_RULES(X)                                                                                     \
    X(AddrAzureReserved, "ADDR-AZURE-RESERVED", "1", "spec",                                               \
      "In an Azure subnet the first four addresses and the last are reserved: usable is network+4 .. broadcast-1.") \
    X(AddrOnpremRange, "ADDR-ONPREM-RANGE", "1", "spec",                                                   \
      "On-premises, usable is network+1 .. broadcast-1; with a VMM static pool, static addresses come from the pool only.") \
    X(AddrLowestFree, "ADDR-LOWEST-FREE", "1", "spec", "\"The next available address\" is the lowest free usable address.") \
    X(AddrHighestFree, "ADDR-HIGHEST-FREE", "1", "spec",                                                   \
      "\"The next available address at the end of the subnet range\" is the highest free usable address.") \
    X(AddrSubnetFull, "ADDR-SUBNET-FULL", "1", "drsim", "A subnet with no free usable address refuses the replica that needs one.") \
    X(MapCreate, "MAP-CREATE", "2", "spec",                                                               \
      "map_network creates source -> target; one direction per call in Azure-to-Azure, both by default in VMM fabrics.") \
    X(MapOneTarget, "MAP-ONE-TARGET", "2", "spec", "A source network has at most one mapping; creating a second is refused.") \
    X(MapDifferentSites, "MAP-DIFFERENT-SITES", "2", "drsim", "A mapping joins networks of two different sites; a mapping within one site is refused.") \
    X(MapNeedsMapping, "MAP-NEEDS-MAPPING", "2", "drsim", "change_mapping and delete_mapping need an existing mapping from the source (and to the named target).") \
    X(MapDelete, "MAP-DELETE", "2", "drsim", "delete_mapping removes source -> target; existing replications keep their target network.") \
    X(MapAutoOnEnable, "MAP-AUTO-ON-ENABLE", "2", "spec",                                                 \
      "A2A: enabling replication with a target network creates source -> target and target -> source where they do not exist.") \
    X(MapAutoAsrNetwork, "MAP-AUTO-ASR-NETWORK", "2", "spec",                                             \
      "A2A: with no target network and no mapping, a network <source>-asr with the same address space and subnets is created in the target region and mapped both ways.") \
    X(MapDefault, "MAP-DEFAULT", "2", "spec", "A2A: an existing mapping's target is the default target network when enabling replication.") \
    X(MapChangeReverseFirst, "MAP-CHANGE-REVERSE-FIRST", "2", "spec",                                     \
      "A2A: changing A -> B is refused while the reverse mapping B -> A exists.")                          \
    X(MapChangeNewOnly, "MAP-CHANGE-NEW-ONLY", "2", "spec",                                               \
      "A2A: changing a mapping changes the default for later replications only; existing ones keep their target network.") \
    X(MapResolveAtFailover, "MAP-RESOLVE-AT-FAILOVER", "2", "spec", "VMM: the replica's network is the mapping's target at the time of failover (and failback).") \
    X(MapTargetAvailable, "MAP-TARGET-AVAILABLE", "2", "spec",                                            \
      "VMM: a target VM network is available to a VM in protected cloud P only if P's protecting cloud has the target's logical network.") \
    X(MapPlacement, "MAP-PLACEMENT", "2", "spec", "VMM: a replica is placed on a host of the protecting cloud that reaches the mapped target network.") \
    X(MapNoneVmm, "MAP-NONE-VMM", "2", "spec", "VMM -> VMM: a VM whose network has no mapping fails over connected to no network.") \
    X(MapNoneAzure, "MAP-NONE-AZURE", "2", "spec", "VMM -> Azure: with no mapping, each recovery plan's replicas share an isolated network of their own.") \
    X(TargetNetworkSite, "TARGET-NETWORK-SITE", "2", "drsim", "A target or test network must be at the replication's target site.") \
    X(SubnetOverride, "SUBNET-OVERRIDE", "3", "spec", "A subnet set on the replication wins wherever the network used has a subnet of that name.") \
    X(SubnetSameName, "SUBNET-SAME-NAME", "3", "spec", "Else the target network's subnet with the source subnet's name.") \
    X(SubnetFirstAlpha, "SUBNET-FIRST-ALPHA", "3", "spec", "Azure targets: else the target subnet first in alphabetical order of name.") \
    X(SubnetFirstDefined, "SUBNET-FIRST-DEFINED", "3", "spec", "VMM -> VMM: else the first subnet of the target network as defined.") \
    X(IpDhcp, "IP-DHCP", "3", "spec", "A DHCP source NIC gets a DHCP target NIC; in Azure its address is the lowest free one.") \
    X(IpDhcpRange, "IP-DHCP-RANGE", "3", "spec", "VMM target: a warning when the target subnet does not cover the source subnet's range.") \
    X(IpStatic, "IP-STATIC", "3", "spec", "A static source NIC gets a static target NIC.")                \
    X(IpOverride, "IP-OVERRIDE", "3", "spec",                                                             \
      "An address set on the replication is used; it must be in the target subnet's usable range; if taken at failover, a warning and the lowest free.") \
    X(IpFoSameSpace, "IP-FO-SAME-SPACE", "3", "spec", "A2A failover: the target subnet holds the source address: the same address if free, else the lowest free.") \
    X(IpFoOtherSpace, "IP-FO-OTHER-SPACE", "3", "spec", "A2A failover: the target subnet does not hold the source address: the lowest free.") \
    X(IpOnpremToAzure, "IP-ONPREM-TO-AZURE", "3", "spec", "Hyper-V/VMM -> Azure: an address is kept only where set on the replication; otherwise the lowest free.") \
    X(IpVmmPool, "IP-VMM-POOL", "3", "spec", "VMM target: the source address if the target pool holds it and it is free, else the lowest free pool address; reserved at enable.") \
    X(IpTfoSame, "IP-TFO-SAME", "3", "spec", "Test failover: the preferred address (target_ip, else the source address) when usable and free in the test network.") \
    X(IpTfoEnd, "IP-TFO-END", "3", "spec", "Test failover otherwise: the highest free usable address.") \
    X(TfoProductionNetwork, "TFO-PRODUCTION-NETWORK", "3", "spec", "A warning when a test failover runs in the replication's production failover network.") \
    X(StateNotAllowed, "STATE-NOT-ALLOWED", "4", "drsim", "An operation not allowed in the replication's current state is refused; nothing changes.") \
    X(JobInProgress, "JOB-IN-PROGRESS", "4", "drsim", "An operation on a VM whose failover or reprotect job is still running is refused.") \
    X(EnableNeedsSourceSite, "ENABLE-NEEDS-SOURCE-SITE", "4", "drsim", "Enabling replication needs the VM's site up and the VM present.") \
    X(EnableNeedsTargetNetwork, "ENABLE-NEEDS-TARGET-NETWORK", "4", "drsim", "Hyper-V -> Azure: enabling replication needs a target network (named, or mapped).") \
    X(EnableTargetSite, "ENABLE-TARGET-SITE", "4", "drsim", "The target site must be another site of a kind the fabric allows.") \
    X(InitialReplicationStalled, "INITIAL-REPLICATION-STALLED", "4", "drsim", "Initial replication cannot finish while the source site is down; it starts over from site_up, taking its whole initial_replication time again.") \
    X(FoPlannedNeedsSource, "FO-PLANNED-NEEDS-SOURCE", "4", "spec", "A planned failover needs the source site up; it shuts the source VM down first.") \
    X(FoUnplannedDataLoss, "FO-UNPLANNED-DATA-LOSS", "4", "drsim", "An unplanned failover does not shut the source down and loses what was not yet replicated.") \
    X(FoNeedsRecoveryPoint, "FO-NEEDS-RECOVERY-POINT", "4", "spec", "No failover or test failover while enabling.") \
    X(FoNeedsTargetSite, "FO-NEEDS-TARGET-SITE", "4", "drsim", "A failover, test failover or failback needs its target site up.") \
    X(CommitNeedsFailover, "COMMIT-NEEDS-FAILOVER", "4", "drsim", "commit needs a completed failover (state failed_over).") \
    X(ReprotectNeedsCommit, "REPROTECT-NEEDS-COMMIT", "4", "spec", "Reprotect needs a committed failover.") \
    X(ReprotectNeedsSourceSite, "REPROTECT-NEEDS-SOURCE-SITE", "4", "spec", "Reprotect needs the old primary site up.") \
    X(ReprotectNeedsSourceVm, "REPROTECT-NEEDS-SOURCE-VM", "4", "spec", "Reprotect needs the old primary VM still present.") \
    X(ReprotectKeepsNetwork, "REPROTECT-KEEPS-NETWORK", "4", "spec", "Reprotect cannot change the target network; the reverse direction targets the network mapped from the replica's network.") \
    X(ReprotectRemovesOld, "REPROTECT-REMOVES-OLD", "4", "drsim", "A2A: reprotect shuts the old primary down and removes it once it has seeded the reverse replication, freeing its addresses.") \
    X(UnprotectedWindow, "UNPROTECTED-WINDOW", "4", "spec", "From commit until reprotect completes the VM is not protected.") \
    X(TfoOneAtATime, "TFO-ONE-AT-A-TIME", "4", "spec", "One test failover per VM at a time, only from protected.") \
    X(TfoCleanupFirst, "TFO-CLEANUP-FIRST", "4", "spec", "While a test failover runs, only cleanup_test_failover is allowed.") \
    X(FailbackNeedsReverse, "FAILBACK-NEEDS-REVERSE", "4", "spec", "Failback is a failover of a reversed (reprotected) replication; refused otherwise.") \
    X(DisableReplication, "DISABLE-REPLICATION", "4", "drsim", "Disabling replication removes the replication and a replica that is not serving, freeing its addresses and any reservation; refused while a test failover runs.") \
    X(DeleteVm, "DELETE-VM", "4", "drsim", "delete_vm removes an instance and frees its addresses.") \
    X(PlanMaxVms, "PLAN-MAX-VMS", "4", "spec", "At most 100 VMs per recovery plan.")                           \
    X(PlanSkipFailedOver, "PLAN-SKIP-FAILED-OVER", "4", "spec", "A VM already failed over by an earlier plan is skipped.") \
    X(PlanBootOrder, "PLAN-BOOT-ORDER", "4", "spec", "Boot group N+1 starts when every VM of group N is up.") \
    X(FbReverseMapping, "FB-REVERSE-MAPPING", "5", "spec", "Failback: the original VM's network is the mapping, at failback time, of the replica's network then.") \
    X(FbDisconnected, "FB-DISCONNECTED", "5", "spec", "Failback: a disconnected replica gives a disconnected original VM.") \
    X(FbUnmapped, "FB-UNMAPPED", "5", "spec", "Failback: a replica on an unmapped network gives a disconnected original VM.") \
    X(FbKeepsAddress, "FB-KEEPS-ADDRESS", "5", "drsim", "Failback reconnects the original VM: a NIC that returns to its own network keeps its own address.") \
    X(SetVmNetwork, "SET-VM-NETWORK", "5", "drsim", "set_vm_network moves a running VM's NIC to another network and subnet, or disconnects it.") \
    X(RouteConflict, "ROUTE-CONFLICT", "6", "spec", "Two live equal-length routes to different places for one prefix: unreachable.") \
    X(RoutePeeringNonTransitive, "ROUTE-PEERING-NON-TRANSITIVE", "6", "spec", "VNet peering does not carry traffic onward unless gateway transit is allowed.") \
    X(SubnetFailover, "SUBNET-FAILOVER", "6", "spec", "A subnet is active at one site at a time; subnet_failover moves it.") \
    X(SubnetPartial, "SUBNET-PARTIAL", "6", "spec", "A warning naming VMs left behind by a subnet failover.") \
    X(StretchedSubnet, "STRETCHED-SUBNET", "6", "spec", "A stretched subnet is active at both sites on one layer-2 domain.") \
    X(StretchedNotAzure, "STRETCHED-NOT-AZURE", "6", "spec", "A subnet cannot be stretched to or from an Azure site.") \
    X(LngOverlap, "LNG-OVERLAP", "6", "spec", "A VPN's local-network prefixes may not overlap the Azure network's address space.") \
    X(IpReipRule, "IP-REIP-RULE", "6", "spec", "The first re-IP rule whose `from` holds the source address gives the target address, host part kept.") \
    X(ErOverlap, "ER-OVERLAP", "6", "spec", "A circuit cannot connect to two networks with overlapping address space at once.") \
    X(ErDisconnectNeedsRegion, "ER-DISCONNECT-NEEDS-REGION", "6", "spec", "Disconnecting a circuit from a network in a region that is down fails.") \
    X(ErPremiumGeo, "ER-PREMIUM-GEO", "6", "spec", "Connecting a circuit to a network in another geopolitical area needs premium.") \
    X(ErSameRangeAdvice, "ER-SAME-RANGE-ADVICE", "6", "spec", "Planning warning: mapped networks share a range and both connect to circuits.") \
    X(ErPeeringLocation, "ER-PEERING-LOCATION", "6", "spec", "Two circuits at one peering location cannot both connect to the same network.") \
    X(RetainIpTargetDisconnected, "RETAIN-IP-TARGET-DISCONNECTED", "6", "spec", "Planning warning: retaining addresses, the target's VPN/ExpressRoute is connected before failover.") \
    X(StretchedFaultDomain, "STRETCHED-FAULT-DOMAIN", "7", "spec", "A broadcast storm on a stretched subnet takes every VM on it, at both sites, off the network.") \
    X(OutboundRequired, "OUTBOUND-REQUIRED", "7", "spec", "A2A: enabling replication needs each source network's outbound rules to allow the source region's storage, Azure AD login, Site Recovery and monitoring (URL, service tag or declared range); refused naming what is missing.") \
    X(ProxyAuthUnsupported, "PROXY-AUTH-UNSUPPORTED", "7", "spec", "A2A: an authenticated proxy on a source network refuses enabling replication; an anonymous one does not.") \
    X(ForcedTunnelNoUdr, "FORCED-TUNNEL-NO-UDR", "7", "spec", "A2A: a default route 0.0.0.0/0 to on-premises without next-hop-internet UDRs (service tags or declared ranges) for Site Recovery's endpoints: a warning, replication health degraded.") \
    X(NotReplicated, "NOT-REPLICATED", "7", "spec", "NSGs, public IPs, load balancers, route tables, gateways, peerings and ER connections are not replicated: a warning at (test) failover naming what the target lacks unless created there; a public IP never moves.") \
    X(DnsRecord, "DNS-RECORD", "8", "spec", "Every VM with a dns_name has a record answering its first address, with the zone's TTL (or its own dns_ttl).") \
    X(DnsDynamicRegistration, "DNS-DYNAMIC-REGISTRATION", "8", "spec", "registration: dynamic: a replica updates its record the moment it boots; an unchanged address (retain IP) changes nothing.") \
    X(DnsUpdate, "DNS-UPDATE", "8", "spec", "A dns_update event or plan step takes timing.dns_update and points the record at the VM's address when it ends.") \
    X(DnsTtlCache, "DNS-TTL-CACHE", "8", "spec", "Worst case: a client that asked just before an update keeps the old answer for a full TTL.") \
    X(DnsRecordStale, "DNS-RECORD-STALE", "8", "drsim", "By name, a client goes to the address the record answers; until it is updated that is the old one.") \
    X(DnsTestIsolated, "DNS-TEST-ISOLATED", "8", "drsim", "A test failover never updates production DNS: its instance does not register and dns_update ignores it.") \
    X(NotModelled, "NOT-MODELLED", "0", "drsim", "An operation this version accepts but does not model yet: it has no effect, and the run says so.") \
    X(SiteDown, "SITE-DOWN", "7", "drsim", "A site that is down stops every instance on it and takes its edges down.") \
    X(ConnectionState, "CONNECTION-STATE", "6", "drsim", "connect and disconnect change a connection's state; it carries traffic while connected and both ends are up.") \
    X(RouteNone, "ROUTE-NONE", "6", "drsim", "A probe finds no route to the address at a router on its way: unreachable.") \
    X(RouteBgpConvergence, "ROUTE-BGP-CONVERGENCE", "6", "spec", "A BGP connection applies a routing change once timing.route_convergence has passed.") \
    X(RouteStaticUpdate, "ROUTE-STATIC-UPDATE", "6", "spec", "A static connection carries the routes of the last update_routes; just connected, it carries none until the next.") \
    X(VmBooted, "VM-BOOTED", "4", "drsim", "An instance runs once its failover (or test failover) job and then timing.vm_boot have passed.") \
    X(AddrNotHeld, "ADDR-NOT-HELD", "6", "drsim", "Where the route leads, no running instance holds the address: unreachable.")

enum class Rule : std::uint16_t {
#define DRSIM_RULE_ENUM(name, id, section, origin, summary) name,
    DRSIM_RULES(DRSIM_RULE_ENUM)
#undef DRSIM_RULE_ENUM
};

struct RuleInfo {
    Rule rule;
    std::string_view id;       ///< the id of SPEC.md ("IP-TFO-END")
    std::string_view section;  ///< SPEC.md section number
    std::string_view origin;   ///< "spec", or "drsim" for an interpretation drsim adds
    std::string_view summary;
};

/// Every rule, in catalogue order.
std::span<const RuleInfo> all_rules();
/// The id of a rule ("MAP-CREATE").
std::string_view rule_id(Rule rule);
/// The rule with this id; nullopt when no rule has it.
std::optional<Rule> find_rule(std::string_view id);

}  // namespace drsim
