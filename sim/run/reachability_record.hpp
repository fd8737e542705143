#pragma once
// Who can reach whom over time (SPEC §6, §10): for each client and each app (or VM with no app),
// the intervals in which the client could and could not reach it, each change with the rule behind
// it. Reachability changes only when the world does, so the record is re-probed once at the end of
// each simulated instant in which something happened (never between), and an interval changes only
// when the answer or its cause does. An app is reachable while every one of its VMs is.
#include <optional>
#include <string>
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

/// A client and what it reaches for: an app's VMs, or one VM.
struct ReachPair {
    Id client = kNone;
    std::string app;   ///< "" for a single VM
    Id vm = kNone;     ///< the VM when `app` is ""
    std::vector<Id> vms;
    std::vector<ReachInterval> intervals;
};

class ReachabilityRecord {
public:
    /// Pairs: every client with every app and every VM without an app — unless that is more than
    /// `limit` probes per instant, then only the pairs `wanted` names (client, app-or-VM name).
    ReachabilityRecord(const World& world, const std::vector<std::pair<std::string, std::string>>& wanted, std::size_t limit);

    /// Re-probes every pair at `now`; returns the pairs whose answer changed (their index). `cause`
    /// (when set) is what happened in this instant, given to intervals that become reachable.
    std::vector<std::size_t> observe(const World& world, const RoutingState& routing, Millis now,
                                     std::optional<std::pair<Rule, std::string>> cause);
    /// Closes the open intervals at `end`.
    void close(Millis end);

    const std::vector<ReachPair>& pairs() const { return pairs_; }
    /// The pair for (client name, app or VM name); nullptr when not recorded.
    const ReachPair* find(const World& world, const std::string& client, const std::string& target) const;
    /// True when every client x target pair is recorded (not limited to the checked ones).
    bool complete() const { return complete_; }

private:
    std::vector<ReachPair> pairs_;
    bool complete_ = true;
};

}  // namespace drsim
