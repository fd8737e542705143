#include "sim/run/reachability_record.hpp"

#include <map>

#include "sim/routing/reachability.hpp"

namespace drsim {

ReachabilityRecord::ReachabilityRecord(const World& world, const std::vector<std::pair<std::string, std::string>>& wanted,
                                       std::size_t limit) {
    // Targets: each app (sorted by name) with its VMs, then each VM with no app, in definition order.
    std::map<std::string, std::vector<Id>> apps;
    std::vector<Id> lone;
    for (Id v = 0; v < world.vms.size(); ++v) {
        if (world.vms[v].app.empty()) lone.push_back(v);
        else apps[world.vms[v].app].push_back(v);
    }
    const std::size_t probes = world.clients.size() * world.vms.size();
    complete_ = probes <= limit;
    auto wanted_pair = [&](Id client, const std::string& target) {
        for (const auto& [c, t] : wanted)
            if (c == world.clients[client].name && t == target) return true;
        return false;
    };
    for (Id c = 0; c < world.clients.size(); ++c) {
        for (const auto& [app, vms] : apps)
            if (complete_ || wanted_pair(c, app)) pairs_.push_back(ReachPair{c, app, kNone, vms, {}});
        for (Id v : lone)
            if (complete_ || wanted_pair(c, world.vms[v].name)) pairs_.push_back(ReachPair{c, "", v, {v}, {}});
    }
    // A checked VM that belongs to an app is recorded on its own too.
    for (const auto& [client, target] : wanted) {
        const Id c = world.client_id(client), v = world.vm_id(target);
        if (c == kNone || v == kNone || world.vms[v].app.empty() || find(world, client, target)) continue;
        pairs_.push_back(ReachPair{c, "", v, {v}, {}});
    }
}

std::vector<std::size_t> ReachabilityRecord::observe(const World& world, const RoutingState& routing, Millis now,
                                                     std::optional<std::pair<Rule, std::string>> cause) {
    std::vector<std::size_t> changed;
    for (std::size_t i = 0; i < pairs_.size(); ++i) {
        ReachPair& p = pairs_[i];
        const std::string& client = world.clients[p.client].name;
        ReachInterval next;
        next.start = now;
        next.reachable = true;
        for (Id v : p.vms) {
            const ProbeResult r = probe(world, routing, client, world.vms[v].name);
            if (r.reached) continue;
            next.reachable = false;
            next.has_rule = true;
            next.rule = r.rule;
            next.detail = world.vms[v].name + ": " + r.why;
            break;
        }
        if (next.reachable) {
            next.detail = p.vms.size() == 1 ? "reached" : "every VM reached";
            if (cause && !p.intervals.empty()) {
                next.has_rule = true;
                next.rule = cause->first;
                next.detail += " after " + cause->second;
            }
        }
        if (!p.intervals.empty()) {
            ReachInterval& last = p.intervals.back();
            if (last.reachable == next.reachable && (next.reachable || (last.rule == next.rule && last.detail == next.detail))) continue;
            if (last.start == now && next.reachable && p.intervals.size() > 1 && p.intervals[p.intervals.size() - 2].reachable) {
                p.intervals.pop_back();  // lost and regained within one instant: no change after all
                p.intervals.back().end = -1;
                continue;
            }
            last.end = now;
        }
        p.intervals.push_back(std::move(next));
        changed.push_back(i);
    }
    return changed;
}

void ReachabilityRecord::close(Millis end) {
    for (auto& p : pairs_)
        if (!p.intervals.empty() && p.intervals.back().end < 0) p.intervals.back().end = end;
}

const ReachPair* ReachabilityRecord::find(const World& world, const std::string& client, const std::string& target) const {
    for (const auto& p : pairs_) {
        if (world.clients[p.client].name != client) continue;
        if ((!p.app.empty() && p.app == target) || (p.app.empty() && world.vms[p.vm].name == target)) return &p;
    }
    return nullptr;
}

}  // namespace drsim
