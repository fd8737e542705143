// enable_replication, update_replication, disable_replication (SPEC §2 mapping at enable, §4).
#include <algorithm>

#include "sim/decisions/address_chooser.hpp"
#include "sim/decisions/outbound_access.hpp"
#include "sim/decisions/target_subnet_chooser.hpp"
#include "sim/decisions/vmm_rules.hpp"
#include "sim/ops/instance_lifecycle.hpp"
#include "sim/ops/mapping_operations.hpp"
#include "sim/ops/vm_operations.hpp"

namespace drsim {

namespace {

using State = ReplicationState;

bool azure_target_fabric(Fabric f) { return f != Fabric::vmm_to_vmm; }

// The network a NIC's replica will use, decided at enable time (A2A, Hyper-V -> Azure), with what
// must be created for it. Nothing is changed until every NIC and check has passed.
struct NetworkPlan {
    Id source = kNone;
    Id target = kNone;          ///< existing network, or kNone with `create_copy`
    bool create_copy = false;   ///< MAP-AUTO-ASR-NETWORK: create <source>-asr
    bool named = false;         ///< the operation named the target network (MAP-AUTO-ON-ENABLE applies)
    std::string copy_name;
    Rule rule = Rule::MapDefault;
    Text detail;
};

std::optional<OpResult> plan_network(OperationContext& ctx, Id source, Id target_site, const std::string& requested,
                                     NetworkPlan& plan) {
    World& w = ctx.world;
    plan.source = source;
    const std::string& src_name = w.networks[source].name;
    const std::string& site_name = w.sites[target_site].name;
    if (!requested.empty()) {
        Id n = w.network_id(requested);
        if (n == kNone)
            return OpResult::refuse(Rule::TargetNetworkSite, interned("target network " + requested + " does not exist (yet)", w.texts));
        if (w.networks[n].site != target_site)
            return OpResult::refuse(Rule::TargetNetworkSite, interned(requested + " is at " + w.sites[w.networks[n].site].name +
                                                                 ", not at the target site " + site_name, w.texts));
        plan.target = n;
        plan.named = true;
        Id mapped = mapped_target(w, source);
        plan.rule = mapped == kNone || mapped == n ? Rule::MapAutoOnEnable : Rule::MapDefault;
        plan.detail = mapped == kNone ? Text{"target network {} named on the operation", arg::network(n)}
                      : mapped == n   ? Text{"target network {} (also the mapped default)", arg::network(n)}
                                      : Text{"target network {} named instead of the default {}", arg::network(n), arg::network(mapped)};
        return std::nullopt;
    }
    if (Id mapped = mapped_target(w, source); mapped != kNone) {
        if (w.networks[mapped].site != target_site)
            return OpResult::refuse(Rule::TargetNetworkSite, interned(src_name + " is mapped to " + w.networks[mapped].name + " at " +
                                                                 w.sites[w.networks[mapped].site].name + ", not at " + site_name, w.texts));
        plan.target = mapped;
        plan.rule = Rule::MapDefault;
        plan.detail = {"target network {} from the mapping {} -> {}", arg::network(mapped), arg::network(source), arg::network(mapped)};
        return std::nullopt;
    }
    if (w.fabric() != Fabric::azure_to_azure)
        return OpResult::refuse(Rule::EnableNeedsTargetNetwork, interned(src_name + " has no mapping and no target network was named", w.texts));
    plan.rule = Rule::MapAutoAsrNetwork;
    plan.copy_name = src_name + "-asr";
    if (Id existing = w.network_id(plan.copy_name); existing != kNone) {
        if (w.networks[existing].site != target_site)
            return OpResult::refuse(Rule::TargetNetworkSite, interned(plan.copy_name + " exists at " +
                                                                 w.sites[w.networks[existing].site].name + ", not at " + site_name, w.texts));
        plan.target = existing;
        plan.detail = interned("no mapping for " + src_name + ": using the existing " + plan.copy_name, w.texts);
    } else {
        plan.create_copy = true;
        plan.detail = interned("no mapping for " + src_name + ": created " + plan.copy_name + " in " + site_name +
                      " with the same address space and subnets", w.texts);
    }
    return std::nullopt;
}

// Carries out a plan: creates the -asr copy and the missing mappings, source -> target and
// target -> source (MAP-AUTO-*), whenever the target was named or created. Only a target taken
// from the mapping as it stands (MAP-DEFAULT) creates nothing. Returns the target.
Id apply_network_plan(OperationContext& ctx, const NetworkPlan& plan, Id target_site, Decisions& out) {
    World& w = ctx.world;
    Id target = plan.target;
    if (plan.create_copy) {
        target = w.network_id(plan.copy_name);  // an earlier NIC of this VM may have created it
        if (target == kNone) target = w.add_network_copy(w.networks[plan.source], plan.copy_name, target_site);
    }
    out.push_back({plan.rule, plan.detail});
    if (plan.rule == Rule::MapDefault && !plan.named) return target;
    const Rule auto_rule = plan.rule == Rule::MapAutoAsrNetwork ? Rule::MapAutoAsrNetwork : Rule::MapAutoOnEnable;
    if (mapped_target(w, plan.source) == kNone) add_mapping(ctx, plan.source, target, auto_rule, out);
    if (mapped_target(w, target) == kNone) add_mapping(ctx, target, plan.source, auto_rule, out);
    return target;
}

// IP-OVERRIDE at enable/update: the address must lie in the usable range of the subnet the first NIC
// would get. `target` may be a network still to be created as a copy of `copy_of`.
std::optional<OpResult> check_override_ip(const World& w, const Vm& vm, Id target, Id copy_of,
                                          const std::string& override_subnet, Ipv4Address ip, Id target_site) {
    const Instance& src = vm.instance(vm.replication.source_slot());
    if (src.nics.empty()) return std::nullopt;
    Id model = target != kNone ? target : copy_of;
    if (model == kNone) return std::nullopt;
    const std::string source_subnet = src.nics[0].subnet != kNone ? w.subnets[src.nics[0].subnet].name : "";
    Decisions scratch;
    Id subnet = choose_target_subnet(w, model, source_subnet, override_subnet, scratch);
    if (subnet == kNone) return std::nullopt;
    Ipv4Range usable = target != kNone ? w.subnets[subnet].usable : usable_range(w.subnets[subnet].prefix, w.sites[target_site].kind);
    if (usable.contains(ip) && (target == kNone || address_usable(w, subnet, ip))) return std::nullopt;
    return OpResult::refuse(Rule::IpOverride, interned("target_ip " + ip.to_string() + " is outside the usable range " +
                                                  usable.first.to_string() + "-" + usable.last.to_string() + " of subnet " +
                                                  w.subnets[subnet].name + " (" + w.subnets[subnet].prefix.to_string() + ")", w.texts));
}

// Ends an initial replication: protected, or stalled while the source site is down.
void finish_enable(OperationContext& ctx, Id vm_id) {
    Vm& vm = ctx.world.vms[vm_id];
    Replication& r = vm.replication;
    r.job_running = false;
    r.job = {};
    Id source_site = vm.instance(r.source_slot()).site;
    if (!ctx.world.site_up(source_site)) {
        ctx.stalled_by_site[source_site].push_back(vm_id);
        ctx.log_done("enable_replication", vm,
                     {{Rule::InitialReplicationStalled, {"{} is down: waiting for it", arg::site(source_site)}, true}});
        return;
    }
    r.state = State::protected_;
    Decisions d;  // a VM disabled after a commit and enabled again: protected again only now
    close_unprotected_window(ctx, r, d);
    ctx.log_done("enable_replication", vm, std::move(d));
}

// VMM fabrics at enable time: the cloud pair (MAP-TARGET-AVAILABLE) and, VMM -> VMM, the replica's
// host (MAP-PLACEMENT). Changes nothing; `host` is set on success.
std::optional<OpResult> check_vmm_enable(const World& w, const Vm& vm, Id target_site, Decisions& out, Id& host) {
    const Instance& source = vm.instance(vm.replication.source_slot());
    if (w.fabric() != Fabric::vmm_to_vmm) return std::nullopt;  // VMM to Azure: Azure protects the cloud
    if (vm.cloud == kNone) {
        out.push_back({Rule::MapTargetAvailable, "the VM declares no cloud: cloud pairing is not checked"});
        return std::nullopt;
    }
    const Cloud& cloud = w.clouds[vm.cloud];
    if (cloud.protected_by == kNone)
        return OpResult::refuse(Rule::MapTargetAvailable, interned("cloud " + cloud.name + " has no protecting cloud", w.texts));
    const Id protecting_id = cloud.protected_by;
    const Cloud& protecting = w.clouds[protecting_id];
    if (protecting.site != target_site)
        return OpResult::refuse(Rule::EnableTargetSite, interned("cloud " + cloud.name + " is protected by " + protecting.name + " at " +
                                                            w.sites[protecting.site].name + ", not at " + w.sites[target_site].name, w.texts));
    std::vector<Id> targets;
    for (const auto& nic : source.nics) {
        Id t = mapped_target(w, nic.network);
        targets.push_back(t);
        if (t == kNone) continue;
        const std::string pair = cloud.name + " -> " + protecting.name;
        if (!target_available_to(w, vm.cloud, t))
            return OpResult::refuse(Rule::MapTargetAvailable, interned(w.networks[t].name + " (logical network " + w.networks[t].logical_network +
                                        ") is not available to the cloud pair " + pair + ": " + protecting.name + " lacks it", w.texts));
        out.push_back({Rule::MapTargetAvailable, interned(w.networks[nic.network].name + " is mapped to " + w.networks[t].name +
                                                     ", available to the cloud pair " + pair, w.texts)});
    }
    auto chosen = choose_host(w, protecting_id, targets, out);
    if (!chosen) {
        std::string nets;
        for (Id t : targets)
            if (t != kNone) nets += (nets.empty() ? "" : ", ") + w.networks[t].name;
        return OpResult::refuse(Rule::MapPlacement, interned("no host of " + protecting.name + " reaches " + nets, w.texts));
    }
    host = *chosen;
    return std::nullopt;
}

// IP-OVERRIDE refused: `ip` lies outside the usable range, or the static pool, of `subnet`.
OpResult outside_usable(const World& w, Id subnet, Ipv4Address ip) {
    const Subnet& sn = w.subnets[subnet];
    const Ipv4Range range = sn.pool ? *sn.pool : sn.usable;
    return OpResult::refuse(Rule::IpOverride, interned("target_ip " + ip.to_string() + " is outside the " +
                                                           (sn.pool ? "static pool " : "usable range ") + range.first.to_string() + "-" +
                                                           range.last.to_string() + " of subnet " + sn.name + " (" + sn.prefix.to_string() + ")",
                                                       w.texts));
}

// IP-VMM-POOL at enable time: each static NIC with a mapped target reserves its address now — the
// first NIC's target_ip when it is set (IP-OVERRIDE: refused outside the subnet's usable range and
// pool; taken, the pool rule decides, with a warning), else the address a re-IP rule gives when it
// lies free in the pool (IP-REIP-RULE decides, the reservation follows), else the pool rule's. A
// refusal (a target_ip it cannot use, a pool full) leaves everything released again.
std::optional<OpResult> reserve_pool_addresses(World& w, const Vm& vm, const std::string& override_subnet,
                                               const std::optional<Ipv4Address>& override_ip, const std::vector<ReipRule>& reip,
                                               TargetSettings& settings, Decisions& out) {
    const Instance& source = vm.instance(vm.replication.source_slot());
    settings.reserved.assign(source.nics.size(), {kNone, std::nullopt});
    auto release_all = [&] {
        for (auto& [s, ip] : settings.reserved)
            if (ip) w.release(s, *ip);
        settings.reserved.clear();
    };
    for (std::size_t i = 0; i < source.nics.size(); ++i) {
        const NicBinding& nic = source.nics[i];
        Id t = mapped_target(w, nic.network);
        if (t == kNone || (nic.dhcp && !(i == 0 && override_ip))) continue;
        const std::string source_subnet = nic.subnet != kNone ? w.subnets[nic.subnet].name : "";
        Id subnet = choose_target_subnet(w, t, source_subnet, i == 0 ? override_subnet : "", out);
        if (subnet == kNone) continue;
        if (i == 0 && override_ip) {
            const Subnet& sn = w.subnets[subnet];
            if (!address_usable(w, subnet, *override_ip)) {
                release_all();
                return outside_usable(w, subnet, *override_ip);
            }
            if (w.hold(subnet, *override_ip)) {
                out.push_back({Rule::IpOverride, interned("target_ip " + override_ip->to_string() + " is free in " + sn.name + " of " +
                                                              w.networks[t].name + "; reserved now, applied at failover",
                                                          w.texts)});
                settings.reserved[i] = {subnet, override_ip};
                continue;
            }
            out.push_back({Rule::IpOverride, interned("target_ip " + override_ip->to_string() + " is taken in " + sn.name + " of " +
                                                          w.networks[t].name + ": the pool rule decides",
                                                      w.texts),
                           true});
        }
        const ReipRule* rule = nullptr;
        if (auto by_rule = nic.ip ? reip_address(reip, *nic.ip, &rule) : std::nullopt) {
            const std::string how = nic.ip->to_string() + " -> " + by_rule->to_string() + " by rule " + rule->from.to_string() +
                                    " -> " + rule->to.to_string();
            if (address_usable(w, subnet, *by_rule) && w.hold(subnet, *by_rule)) {
                out.push_back({Rule::IpReipRule, interned(how, w.texts)});
                out.push_back({Rule::IpVmmPool, interned(by_rule->to_string() + ", given by the re-IP rule, is free in the pool of " +
                                                    w.subnets[subnet].name + "; reserved now, applied at failover", w.texts)});
                settings.reserved[i] = {subnet, by_rule};
                continue;
            }
            out.push_back({Rule::IpReipRule, interned(how + ", but it is not free in the pool of " + w.subnets[subnet].name +
                                                 ": the pool rule decides", w.texts),
                           true});
        }
        AddressChoice choice = choose_pool_address(w, subnet, nic.ip, out);
        if (!choice.ok) {
            release_all();
            return OpResult::refuse(Rule::AddrSubnetFull, out.back().detail());
        }
        Decision& chosen = out.back();
        chosen = {chosen.rule, interned(w.render(chosen.detail()) + "; reserved now, applied at failover", w.texts), chosen.warning};
        settings.reserved[i] = {subnet, choice.ip};
    }
    return std::nullopt;
}

// Calls `visit(network)` once for each network the instance's NICs are on, in NIC order (a VM has
// a few NICs: looking back along them allocates nothing, where a list of those seen would, for every
// VM enabled).
template <typename Visit>
void for_each_network(const Instance& instance, Visit&& visit) {
    for (std::size_t i = 0; i < instance.nics.size(); ++i) {
        const Id n = instance.nics[i].network;
        bool seen = n == kNone;
        for (std::size_t k = 0; k < i && !seen; ++k) seen = instance.nics[k].network == n;
        if (!seen) visit(n);
    }
}

// A2A at enable time (SPEC §7): PROXY-AUTH-UNSUPPORTED and OUTBOUND-REQUIRED over every network
// of the source instance. With both, the proxy refuses and OUTBOUND-REQUIRED is listed too.
std::optional<OpResult> check_outbound(const World& w, const Instance& source) {
    std::string proxy, outbound;
    for_each_network(source, [&](Id n) {
        const Network& net = w.networks[n];
        const Site& site = w.sites[net.site];
        if (net.outbound && net.outbound->proxy == "authenticated")
            proxy += (proxy.empty() ? "" : "; ") + authenticated_proxy_detail(net.name);
        const SourceRegion region = source_region(site.name, site.geo);
        if (auto missing = outbound_missing(net.outbound, region); !missing.empty())
            outbound += (outbound.empty() ? "" : "; ") + outbound_gap_detail(net.name, missing, region);
    });
    if (!proxy.empty())
        return OpResult::refuse(Rule::ProxyAuthUnsupported, interned(proxy + (outbound.empty() ? "" : "; " + outbound), w.texts),
                                outbound.empty() ? std::vector<Rule>{} : std::vector<Rule>{Rule::OutboundRequired});
    if (!outbound.empty()) return OpResult::refuse(Rule::OutboundRequired, interned(outbound, w.texts));
    return std::nullopt;
}

}  // namespace

bool forced_tunnel_health(const World& w, const Instance& source, Decisions& out) {
    if (w.fabric() != Fabric::azure_to_azure) return false;
    bool degraded = false;
    for_each_network(source, [&](Id n) {
        const Network& net = w.networks[n];
        const Site& site = w.sites[net.site];
        const SourceRegion region = source_region(site.name, site.geo);
        if (auto tunnelled = tunnelled_endpoints(net.routes, region); !tunnelled.empty()) {
            out.push_back({Rule::ForcedTunnelNoUdr, interned(forced_tunnel_detail(net.name, tunnelled, region) + ": replication health degraded", w.texts), true});
            degraded = true;
        }
    });
    return degraded;
}

OpResult enable_replication(OperationContext& ctx, Id vm_id, const OperationSpec& op) {
    World& w = ctx.world;
    Vm& vm = w.vms[vm_id];
    Replication& r = vm.replication;
    if (r.state != State::unprotected)
        return OpResult::refuse(Rule::StateNotAllowed, interned("replication is already " + std::string{to_string(r.state)}, w.texts));
    const Instance& source = vm.instance(r.source_slot());
    if (!source.exists) return OpResult::refuse(Rule::EnableNeedsSourceSite, "the VM has been deleted");
    if (!w.site_up(source.site))
        return OpResult::refuse(Rule::EnableNeedsSourceSite, interned(w.sites[source.site].name + " is down", w.texts));
    Id target_site = w.site_id(op.target_site);
    if (target_site == kNone || target_site == source.site)
        return OpResult::refuse(Rule::EnableTargetSite, interned("target site " + op.target_site + " is the VM's own site", w.texts));
    const bool want_azure = azure_target_fabric(w.fabric());
    if ((w.sites[target_site].kind == SiteKind::azure) != want_azure)
        return OpResult::refuse(Rule::EnableTargetSite, interned(op.target_site + " is not " +
                                                            (want_azure ? "an Azure region" : "an on-premises site") +
                                                            ", as this fabric needs", w.texts));

    if (w.fabric() == Fabric::azure_to_azure)
        if (auto refusal = check_outbound(w, source)) return *refusal;

    std::optional<Ipv4Address> override_ip = op.target_ip ? op.target_ip : vm.properties_ip();
    std::vector<NetworkPlan> plans;
    const bool decide_now = !vmm_fabric(w.fabric());
    if (decide_now) {
        for (std::size_t i = 0; i < source.nics.size(); ++i) {
            Id src_net = source.nics[i].network;
            bool seen = false;
            for (const auto& p : plans) seen = seen || p.source == src_net;
            if (seen || src_net == kNone) continue;
            NetworkPlan plan;
            const bool first = src_net == source.nics[0].network;
            if (auto refusal = plan_network(ctx, src_net, target_site, first ? op.target_network : "", plan)) return *refusal;
            plans.push_back(plan);
        }
        if (override_ip && !plans.empty()) {
            const NetworkPlan& p = plans.front();
            if (auto refusal = check_override_ip(w, vm, p.target, p.create_copy ? p.source : kNone, op.target_subnet,
                                                 *override_ip, target_site))
                return *refusal;
        }
    }

    Decisions vmm_decisions;
    Id host = kNone;
    if (vmm_fabric(w.fabric()))
        if (auto refusal = check_vmm_enable(w, vm, target_site, vmm_decisions, host)) return *refusal;

    OpResult result;
    result.phase = Phase::start;
    result.decisions = std::move(vmm_decisions);
    if (w.fabric() == Fabric::vmm_to_vmm) {
        TargetSettings reservations;
        const std::vector<ReipRule> reip = ctx.reip_rules(op.reip, vm_id, "");
        if (auto refusal = reserve_pool_addresses(w, vm, op.target_subnet, override_ip, reip, reservations, result.decisions))
            return *refusal;
        r.current_settings() = TargetSettings{};
        r.current_settings().reserved = std::move(reservations.reserved);
    } else {
        r.current_settings() = TargetSettings{};
    }
    r.recovery_site = target_site;
    TargetSettings& settings = r.current_settings();
    settings.host = host;
    settings.subnet = w.hold_text(op.target_subnet);
    settings.ip = override_ip;
    settings.reip = op.reip;
    settings.targets.assign(source.nics.size(), NicTarget{});
    for (const auto& plan : plans) {
        Id target = apply_network_plan(ctx, plan, target_site, result.decisions);
        for (std::size_t i = 0; i < source.nics.size(); ++i)
            if (source.nics[i].network == plan.source) {
                settings.targets[i] = {target, plan.rule};
            }
    }
    if (!op.target_subnet.empty())
        result.decisions.push_back({Rule::SubnetOverride, interned("subnet " + op.target_subnet + " set on the replication", w.texts)});
    if (!op.reip.empty())
        result.decisions.push_back({Rule::IpReipRule, interned(std::to_string(op.reip.size()) + " re-IP rule(s) set on the replication", w.texts)});
    if (override_ip)
        result.decisions.push_back({Rule::IpOverride, interned("target_ip " + override_ip->to_string() +
                                                          (op.target_ip ? " set on the replication" : " set in the VM's properties"), w.texts)});
    r.degraded = forced_tunnel_health(w, source, result.decisions);
    r.state = State::enabling;
    r.job_running = true;
    Millis d = ctx.duration(ctx.scenario.timing.initial_replication, "timing.initial_replication");
    r.job = ctx.kernel.schedule_in(d, [&ctx, vm_id] { finish_enable(ctx, vm_id); });
    return result;
}

void resume_stalled_replications(OperationContext& ctx, Id site) {
    auto waiting = std::move(ctx.stalled_by_site[site]);
    ctx.stalled_by_site[site].clear();
    for (Id vm_id : waiting) {
        Replication& r = ctx.world.vms[vm_id].replication;
        if (r.state != State::enabling || r.job_running) continue;  // disabled meanwhile
        r.job_running = true;
        Millis d = ctx.duration(ctx.scenario.timing.initial_replication, "timing.initial_replication");
        r.job = ctx.kernel.schedule_in(d, [&ctx, vm_id] { finish_enable(ctx, vm_id); });
    }
}

OpResult update_replication(OperationContext& ctx, Id vm_id, const OperationSpec& op) {
    World& w = ctx.world;
    Vm& vm = w.vms[vm_id];
    Replication& r = vm.replication;
    if (r.state != State::enabling && r.state != State::protected_)
        return OpResult::refuse(Rule::StateNotAllowed, interned("update_replication needs enabling or protected, not " +
                                                           std::string{to_string(r.state)}, w.texts), r.job_rules());
    if (r.test_running)
        return OpResult::refuse(Rule::TfoCleanupFirst, "a test failover is running: clean it up first");
    TargetSettings& settings = r.current_settings();
    const Instance& source = vm.instance(r.source_slot());
    const Id target_site = vm.target_site();
    Id new_network = settings.targets.empty() ? kNone : settings.targets[0].network;
    if (!op.target_network.empty()) {
        new_network = w.network_id(op.target_network);
        if (new_network == kNone || w.networks[new_network].site != target_site)
            return OpResult::refuse(Rule::TargetNetworkSite, interned(op.target_network + " is not a network at the target site " +
                                                                 w.sites[target_site].name, w.texts));
    }
    std::string new_subnet = op.target_subnet.empty() ? std::string{w.held_text(settings.subnet)} : op.target_subnet;
    std::optional<Ipv4Address> new_ip = op.target_ip ? op.target_ip : settings.ip;
    // VMM -> VMM: the address reserved at enable names the subnet the first NIC lands in; the new
    // target_ip must lie in its usable range and pool, as at enable.
    if (op.target_ip && new_network == kNone && !settings.reserved.empty() && settings.reserved[0].first != kNone) {
        if (!address_usable(w, settings.reserved[0].first, *op.target_ip)) return outside_usable(w, settings.reserved[0].first, *op.target_ip);
    }
    if (op.target_ip && new_network != kNone) {
        if (auto refusal = check_override_ip(w, vm, new_network, kNone, new_subnet, *op.target_ip, target_site)) return *refusal;
    }
    OpResult result;
    if (!op.target_network.empty()) {
        Id old_first = settings.targets.empty() ? kNone : settings.targets[0].network;
        for (std::size_t i = 0; i < settings.targets.size(); ++i)
            if (i == 0 || (i < source.nics.size() && source.nics[i].network == source.nics[0].network)) {
                settings.targets[i] = {new_network, Rule::MapChangeNewOnly};
            }
        result.decisions.push_back({Rule::MapChangeNewOnly, interned("target network of this replication set to " + op.target_network +
                                                                (old_first != kNone ? " (was " + w.networks[old_first].name + ")" : "") +
                                                                "; mappings unchanged", w.texts)});
    }
    if (!op.target_subnet.empty()) {
        settings.subnet = w.hold_text(new_subnet);
        result.decisions.push_back({Rule::SubnetOverride, interned("subnet " + new_subnet + " set on the replication", w.texts)});
    }
    if (op.target_ip) {
        settings.ip = new_ip;
        result.decisions.push_back({Rule::IpOverride, interned("target_ip " + new_ip->to_string() + " set on the replication", w.texts)});
    }
    if (!op.reip.empty()) {
        settings.reip = op.reip;
        result.decisions.push_back({Rule::IpReipRule, interned(std::to_string(op.reip.size()) + " re-IP rule(s) set on the replication", w.texts)});
    }
    return result;
}

OpResult disable_replication(OperationContext& ctx, Id vm_id, const OperationSpec&) {
    World& w = ctx.world;
    Vm& vm = w.vms[vm_id];
    Replication& r = vm.replication;
    if (r.state == State::unprotected)
        return OpResult::refuse(Rule::StateNotAllowed, "the VM is not replicating");
    if (r.state == State::failing_over || r.state == State::reprotecting)
        return OpResult::refuse(Rule::JobInProgress, interned(std::string{to_string(r.state)} + " has not finished", w.texts), {Rule::StateNotAllowed});
    if (r.test_running)
        return OpResult::refuse(Rule::TfoCleanupFirst, "a test failover is running: clean it up first");
    OpResult result;
    if (r.job_running) ctx.kernel.cancel(r.job);
    r.job_running = false;
    for (auto& [subnet, ip] : r.current_settings().reserved) {
        if (!ip) continue;
        w.release(subnet, *ip);
        result.decisions.push_back({Rule::IpVmmPool, interned("reservation of " + ip->to_string() + " released", w.texts)});
    }
    r.current_settings().reserved.clear();
    // The VM keeps running where it is active. A replica that is not serving goes with the
    // replication (its addresses are freed); the original VM, if not serving, stays as it is
    // (delete_vm removes it).
    Slot active = vm.active_slot();
    if (active == Slot::home && vm.instance(Slot::recovery).exists) {
        remove_instance(ctx, vm.instance(Slot::recovery));
        result.decisions.push_back({Rule::DisableReplication, "the replica, not serving, was removed; its addresses are free"});
    }
    // UNPROTECTED-WINDOW: a window open since a commit stays open: without replication the VM is no
    // more protected than before (it closes when a new replication is protected).
    r.reversed = active == Slot::recovery;
    r.state = State::unprotected;
    r.degraded = false;
    result.decisions.push_back({Rule::DisableReplication, interned("replication removed; the VM stays at " +
                                                              w.sites[vm.instance(active).site].name, w.texts)});
    return result;
}

}  // namespace drsim
