#pragma once
// Who can reach whom over time (SPEC §6, §10): for each client and each app (or VM with no app),
// the intervals in which the client could and could not reach it, each change with the rule behind
// it. An app is reachable while every one of its VMs is.
//
// Computed per change and per prefix, never by probing every pair at every event:
// - clients at one site see the same thing, so everything is kept per client *site*;
// - where routes from a site lead an address depends only on the address's prefix (when no route
//   is more specific inside it), so a route *outcome* is kept per (site, prefix) and recomputed only
//   for the prefixes whose routes changed (RoutingState::take_dirty);
// - a VM is re-checked per site only when its outcome changed or the VM itself did
//   (World::take_touched); an app's state is a count of its VMs a site cannot reach;
// - a VM with a DNS name is looked for at the answer clients hold (SPEC §8): a record's change
//   reaches them a TTL later, when the expiry touches the VM (ops/dns_operations).
// The world changes only in events, so this runs once at the end of each simulated instant in which
// something happened.
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "sim/routing/routing_state.hpp"
#include "sim/world/world.hpp"

namespace drsim {

/// One interval of a (client, target) pair: [start, end), end -1 while open.
struct ReachInterval {
    Millis start = 0;
    Millis end = -1;
    bool reachable = false;
    bool has_rule = false;        ///< false for the state at the start, or a change with no rule behind it
    Rule rule = Rule::RouteNone;  ///< why not (unreachable), or what made it reachable again
    std::string detail;
};

/// A client and what it reaches for: an app's VMs, or one VM; `series` indexes its intervals.
struct ReachPair {
    Id client = kNone;
    std::string app;  ///< "" for a single VM
    Id vm = kNone;    ///< the VM when `app` is ""
    std::size_t series = 0;
};

class ReachabilityRecord {
public:
    /// Every client with every app and every VM without an app, and the (client, VM) pairs that
    /// `wanted` names for VMs of an app.
    ReachabilityRecord(const World& world, const std::vector<std::pair<std::string, std::string>>& wanted);

    using Cause = std::pair<Rule, std::string>;
    using VmCause = std::function<std::optional<Cause>(Id vm)>;
    /// Brings the record to `now`; returns the pairs whose answer changed. An interval that becomes
    /// reachable gets the cause of the VM that made it so (`vm_cause`: what happened to a VM in this
    /// instant, when anything did), else `cause`, what happened in this instant.
    std::vector<std::size_t> observe(const World& world, RoutingState& routing, World& touched, Millis now,
                                     const std::optional<Cause>& cause, const VmCause& vm_cause = {});
    /// Closes the open intervals at `end`.
    void close(Millis end);

    const std::vector<ReachPair>& pairs() const { return pairs_; }
    const std::vector<ReachInterval>& intervals(const ReachPair& pair) const { return series_[pair.series].intervals; }
    /// The pair for (client name, app or VM name); nullptr when not recorded.
    const ReachPair* find(const World& world, const std::string& client, const std::string& target) const;

private:
    struct Group {
        std::vector<Id> vms;
    };
    struct Series {  ///< one (site, group)
        std::uint32_t down = 0;  ///< VMs of the group the site cannot reach now
        std::vector<ReachInterval> intervals;
    };
    /// Where a VM is looked for: the key of its address's route outcome, and its address.
    struct VmAt {
        bool placed = false;  ///< has a running-or-not instance with an address on a network
        std::uint64_t key = 0;
        Ipv4Address ip;
    };

    std::uint64_t key_of(Ipv4Prefix subnet_prefix, Ipv4Address ip) const;
    /// The route outcome of a key from every site.
    std::vector<RoutingState::Outcome> outcomes_of(const RoutingState& routing, std::uint64_t key) const;
    /// The outcomes of each of `keys`, in order, shared out over the cores when there are many.
    std::vector<std::vector<RoutingState::Outcome>> outcomes_of(const RoutingState& routing, const std::vector<std::uint64_t>& keys) const;
    void mark(Id vm);
    void record(std::size_t series, bool reachable, Rule rule, std::string detail, Millis now,
                const std::optional<std::pair<Rule, std::string>>& cause, std::vector<std::size_t>& changed_series);

    std::vector<Id> sites_;                 ///< distinct sites of clients, ascending
    std::vector<std::size_t> site_of_client_;
    std::vector<Group> groups_;
    std::vector<std::vector<std::uint32_t>> groups_of_vm_;
    std::vector<Series> series_;            ///< [group * sites + site]
    std::vector<ReachPair> pairs_;
    std::vector<std::vector<std::size_t>> pairs_of_series_;
    std::vector<std::uint8_t> reach_;       ///< [vm * sites + site]: 1 reachable (a VM's sites side by side: it is checked at every site at once)
    std::vector<VmAt> at_;                  ///< per VM
    /// VMs by key, ordered by key (address, then length): the keys inside a changed prefix are a
    /// range, found without a pass over every key.
    std::map<std::uint64_t, std::vector<Id>> vms_at_key_;
    /// The VMs to re-check at the end of this instant, and which are in the list (kept between
    /// instants and cleared entry by entry, so an instant costs what changed, not every VM).
    std::vector<Id> dirty_;
    std::vector<bool> marked_;
    /// Route outcome per key, per site (index as sites_).
    std::unordered_map<std::uint64_t, std::vector<RoutingState::Outcome>> outcomes_;
    /// Subnet prefixes with another subnet prefix strictly inside: their VMs are keyed per address.
    std::unordered_map<std::uint64_t, bool> nested_;
    bool started_ = false;
};

}  // namespace drsim
