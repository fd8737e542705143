#include "sim/run/reachability_record.hpp"

#include <algorithm>
#include <map>
#include <thread>

#include "sim/routing/reachability.hpp"

namespace drsim {

namespace {

// Does `outer` hold `inner` (a prefix key of RoutingState)?
bool holds(std::uint64_t outer, std::uint64_t inner) {
    return RoutingState::prefix_of(outer).contains(RoutingState::prefix_of(inner));
}

}  // namespace

ReachabilityRecord::ReachabilityRecord(const World& world, const std::vector<std::pair<std::string, std::string>>& wanted) {
    for (const auto& c : world.clients) sites_.push_back(c.site);
    std::sort(sites_.begin(), sites_.end());
    sites_.erase(std::unique(sites_.begin(), sites_.end()), sites_.end());
    for (const auto& c : world.clients)
        site_of_client_.push_back(static_cast<std::size_t>(std::lower_bound(sites_.begin(), sites_.end(), c.site) - sites_.begin()));
    if (world.clients.empty()) return;  // no one to reach anything: no groups, nothing to observe

    // Groups: each app (sorted by name), each VM with no app (in order), each checked VM of an app.
    std::map<std::string, std::vector<Id>> apps;
    std::vector<Id> lone;
    for (Id v = 0; v < world.vms.size(); ++v) {
        if (world.vms[v].app().empty()) lone.push_back(v);
        else apps[world.vms[v].app()].push_back(v);
    }
    struct Target {
        std::string app;
        Id vm;
    };
    std::vector<Target> targets;
    for (auto& [app, vms] : apps) {
        targets.push_back({app, kNone});
        groups_.push_back({std::move(vms)});
    }
    for (Id v : lone) {
        targets.push_back({"", v});
        groups_.push_back({{v}});
    }
    std::vector<std::pair<std::string, Id>> singles;  // (client, vm) checked on their own
    for (const auto& [client, target] : wanted) {
        const Id v = world.vm_id(target);
        if (world.client_id(client) == kNone || v == kNone || world.vms[v].app().empty()) continue;
        if (std::find_if(targets.begin(), targets.end(), [&](const Target& t) { return t.app.empty() && t.vm == v; }) == targets.end()) {
            targets.push_back({"", v});
            groups_.push_back({{v}});
        }
        singles.emplace_back(client, v);
    }
    groups_of_vm_.resize(world.vms.size());
    for (std::uint32_t g = 0; g < groups_.size(); ++g)
        for (Id v : groups_[g].vms) groups_of_vm_[v].push_back(g);

    const std::size_t groups = groups_.size();
    series_.resize(sites_.size() * groups);
    pairs_of_series_.resize(series_.size());
    for (Id c = 0; c < world.clients.size(); ++c)
        for (std::size_t g = 0; g < groups; ++g) {
            // A checked VM of an app is recorded only for the clients that check it.
            if (targets[g].app.empty() && !world.vms[targets[g].vm].app().empty() &&
                std::find(singles.begin(), singles.end(), std::pair<std::string, Id>{world.clients[c].name, targets[g].vm}) == singles.end())
                continue;
            const std::size_t series = g * sites_.size() + site_of_client_[c];
            pairs_of_series_[series].push_back(pairs_.size());
            pairs_.push_back(ReachPair{c, targets[g].app, targets[g].vm, series});
        }
    reach_.assign(sites_.size() * world.vms.size(), 0);
    at_.resize(world.vms.size());

    // Route outcomes are per prefix unless a more specific prefix sits inside it.
    std::vector<std::uint64_t> prefixes;  // every subnet prefix key, sorted by address then length
    for (const auto& s : world.subnets) prefixes.push_back(RoutingState::prefix_key(s.prefix));
    std::sort(prefixes.begin(), prefixes.end());
    prefixes.erase(std::unique(prefixes.begin(), prefixes.end()), prefixes.end());
    for (std::size_t i = 0; i < prefixes.size(); ++i) {
        // Sorted by address then length: what a prefix holds follows it directly.
        const bool nested = i + 1 < prefixes.size() && holds(prefixes[i], prefixes[i + 1]);
        nested_.emplace(prefixes[i], nested);
    }
    marked_.assign(world.vms.size(), false);
}

std::uint64_t ReachabilityRecord::key_of(Ipv4Prefix subnet_prefix, Ipv4Address ip) const {
    const std::uint64_t key = RoutingState::prefix_key(subnet_prefix);
    auto it = nested_.find(key);
    if (it == nested_.end() || it->second) return RoutingState::prefix_key(Ipv4Prefix(ip, 32));
    return key;
}

void ReachabilityRecord::mark(Id v) {
    if (marked_[v]) return;
    marked_[v] = true;
    dirty_.push_back(v);
}

std::vector<RoutingState::Outcome> ReachabilityRecord::outcomes_of(const RoutingState& routing, std::uint64_t key) const {
    const Ipv4Address probe = RoutingState::prefix_of(key).network();
    std::vector<RoutingState::Outcome> out;
    out.reserve(sites_.size());
    RoutingState::WalkMemo memo;  // the sites' walks share their tails (a hub, a datacenter)
    for (Id site : sites_) out.push_back(routing.route_from_site(site, probe, &memo));
    return out;
}

std::vector<std::vector<RoutingState::Outcome>> ReachabilityRecord::outcomes_of(const RoutingState& routing,
                                                                                 const std::vector<std::uint64_t>& keys) const {
    std::vector<std::vector<RoutingState::Outcome>> out(keys.size());
    auto work = [&](std::size_t begin, std::size_t end) {
        for (std::size_t i = begin; i < end; ++i) out[i] = outcomes_of(routing, keys[i]);
    };
    // Each key's walks only read the routes and the world: many keys are shared out over the
    // cores, each result in its own slot, so the answer does not depend on the number of threads.
    constexpr std::size_t per_thread = 256;
    if (keys.size() < 2 * per_thread) {
        work(0, keys.size());
        return out;
    }
    // Asked once: the C library reads it from the system on every call.
    static const std::size_t cores = std::max(1u, std::thread::hardware_concurrency());
    const std::size_t threads = std::min<std::size_t>({cores, 8, (keys.size() + per_thread - 1) / per_thread});
    if (threads <= 1) {
        work(0, keys.size());
        return out;
    }
    std::vector<std::thread> pool;
    const std::size_t chunk = (keys.size() + threads - 1) / threads;
    for (std::size_t t = 1; t < threads; ++t)
        pool.emplace_back(work, std::min(keys.size(), t * chunk), std::min(keys.size(), (t + 1) * chunk));
    work(0, std::min(keys.size(), chunk));
    for (auto& th : pool) th.join();
    return out;
}

void ReachabilityRecord::record(std::size_t s, bool reachable, Rule rule, std::string detail, Millis now,
                                const std::optional<std::pair<Rule, std::string>>& cause, std::vector<std::size_t>& changed) {
    auto& intervals = series_[s].intervals;
    ReachInterval next;
    next.start = now;
    next.reachable = reachable;
    if (!reachable) {
        next.has_rule = true;
        next.rule = rule;
        next.detail = std::move(detail);
    } else {
        next.detail = "reached";
        if (cause && !intervals.empty()) {
            next.has_rule = true;
            next.rule = cause->first;
            next.detail += " after " + cause->second;
        }
    }
    if (!intervals.empty()) {
        ReachInterval& last = intervals.back();
        if (last.start == now) {
            // Changed again within the instant: the later answer stands, and an answer that is
            // the one before the instant is no change at all.
            intervals.pop_back();
            if (!intervals.empty() && intervals.back().reachable == reachable) {
                intervals.back().end = -1;
                return;
            }
        } else {
            last.end = now;
        }
    }
    intervals.push_back(std::move(next));
    changed.push_back(s);
}

std::vector<std::size_t> ReachabilityRecord::observe(const World& world, RoutingState& routing, World& touched, Millis now,
                                                     const std::optional<Cause>& cause, const VmCause& vm_cause) {
    const std::size_t vm_count = world.vms.size();
    for (Id v : touched.take_touched()) mark(v);
    bool all = false;
    const std::vector<std::uint64_t> changed_prefixes = routing.take_dirty(all);
    if (!started_) {
        for (Id v = 0; v < vm_count; ++v) mark(v);  // once, at the start
        all = true;
    }
    if (sites_.empty() || groups_.empty()) {
        for (Id v : dirty_) marked_[v] = false;
        dirty_.clear();
        return {};
    }
    // Route outcomes of the keys whose routes changed (a key inside a changed prefix); the VMs at a
    // key whose outcomes differ are re-checked.
    std::vector<std::uint64_t> stale;
    if (all) {
        for (const auto& [key, vms] : vms_at_key_) stale.push_back(key);
    } else {
        for (std::uint64_t prefix : changed_prefixes) {
            // Keys are ordered by address: those inside `prefix` start at its network address.
            const Ipv4Prefix p = RoutingState::prefix_of(prefix);
            for (auto it = vms_at_key_.lower_bound(std::uint64_t{p.network().value()} << 8);
                 it != vms_at_key_.end() && p.contains(RoutingState::prefix_of(it->first).network()); ++it)
                if (holds(prefix, it->first)) stale.push_back(it->first);
        }
        std::sort(stale.begin(), stale.end());
        stale.erase(std::unique(stale.begin(), stale.end()), stale.end());
    }
    std::vector<std::vector<RoutingState::Outcome>> fresh = outcomes_of(routing, stale);
    for (std::size_t i = 0; i < stale.size(); ++i) {
        auto& outcomes = outcomes_[stale[i]];
        if (fresh[i] == outcomes) continue;
        outcomes = std::move(fresh[i]);
        for (Id v : vms_at_key_.at(stale[i])) mark(v);
    }
    // Re-check the dirty VMs at every site. Strings are built only for an answer that changes.
    std::vector<Id> dirty = std::move(dirty_);
    dirty_.clear();
    for (Id v : dirty) marked_[v] = false;
    std::sort(dirty.begin(), dirty.end());
    std::vector<std::size_t> changed_series;
    // What made a VM reachable: what happened to it in this instant, else to anything.
    auto cause_of = [&](Id v) -> std::optional<Cause> {
        if (vm_cause)
            if (auto c = vm_cause(v)) return c;
        return cause;
    };
    // First where each dirty VM is looked for now, and the outcomes of keys seen for the first time.
    std::vector<std::uint64_t> new_keys;
    for (Id v : dirty) {
        const Vm& vm = world.vms[v];
        const Instance& inst = vm.instance(vm.active_slot());
        // Where clients go: the answer its name gives them now (DNS-TTL-CACHE), or its address.
        VmAt now_at;
        const DnsAnswer answer = vm.dns_record != kNone ? world.dns.record(vm.dns_record).answer(now) : world.answer_of(inst);
        if (answer.address) {
            now_at.placed = true;
            now_at.ip = *answer.address;
            now_at.key = key_of(answer.prefix, now_at.ip);
        }
        VmAt& was = at_[v];
        if (was.placed != now_at.placed || was.key != now_at.key) {
            if (was.placed) {
                // A key no VM is at any more is not kept: its outcomes would be recomputed for nothing.
                auto it = vms_at_key_.find(was.key);
                std::erase(it->second, v);
                if (it->second.empty()) {
                    vms_at_key_.erase(it);
                    outcomes_.erase(was.key);
                }
            }
            if (now_at.placed) {
                vms_at_key_[now_at.key].push_back(v);
                if (outcomes_.try_emplace(now_at.key).second) new_keys.push_back(now_at.key);
            }
        }
        was = now_at;
    }
    fresh = outcomes_of(routing, new_keys);
    for (std::size_t i = 0; i < new_keys.size(); ++i) outcomes_[new_keys[i]] = std::move(fresh[i]);
    // Then each dirty VM from every site.
    for (Id v : dirty) {
        const Vm& vm = world.vms[v];
        const Instance& inst = vm.instance(vm.active_slot());
        const VmAt& now_at = at_[v];
        const std::vector<RoutingState::Outcome>* outs = now_at.placed ? &outcomes_[now_at.key] : nullptr;
        // The holder at the place a site's route leads to: the same place for most sites, so it is
        // looked up once per place.
        Id last_place = kNone;
        bool last_ok = false;
        Rule last_rule = Rule::AddrNotHeld;
        std::string last_why;
        for (std::size_t s = 0; s < sites_.size(); ++s) {
            bool ok = false;
            const RoutingState::Outcome* o = outs ? &(*outs)[s] : nullptr;
            if (o && o->delivered) {
                if (o->place != last_place) {
                    last_place = o->place;
                    auto holder = routing.holder_at(o->place, now_at.ip, last_rule, last_why);
                    // The VM is reached at its serving instance: not another VM's, nor its own test copy.
                    last_ok = holder && holder->first == v && holder->second != Slot::test;
                    if (holder && !last_ok) {
                        last_rule = Rule::AddrNotHeld;
                        last_why = now_at.ip.to_string() + " leads to " +
                                   (holder->first == v ? vm.name + "'s test copy, which does not serve it" : world.vms[holder->first].name + ", not " + vm.name);
                    }
                }
                ok = last_ok;
            }
            std::uint8_t& bit = reach_[v * sites_.size() + s];
            const bool first = !started_;
            if (!first && bit == static_cast<std::uint8_t>(ok)) continue;
            bit = ok;
            for (std::uint32_t g : groups_of_vm_[v]) {
                const std::size_t series = g * sites_.size() + s;
                Series& sr = series_[series];
                if (!ok) ++sr.down;
                else if (!first) --sr.down;
                if (!ok && sr.down == 1) {
                    Rule rule = Rule::AddrNotHeld;
                    std::string why;
                    if (auto down = site_down_of(world, v)) rule = down->first, why = std::move(down->second);
                    else if (auto dns = dns_mismatch(world, v, now)) rule = dns->first, why = std::move(dns->second);
                    else if (!o) why = vm.dns_record != kNone ? vm.dns_name + " answers no address"
                                                              : vm.name + (inst.exists ? " is connected to no network" : " has no instance");
                    else if (!o->delivered) {
                        // One probe stands for every address of the prefix: name the prefix.
                        const Ipv4Prefix prefix = RoutingState::prefix_of(now_at.key);
                        rule = o->rule;
                        why = routing.explain(*o, prefix.length() < 32 ? prefix.to_string() : now_at.ip.to_string());
                    }
                    else rule = last_rule, why = last_why;
                    record(series, false, rule, vm.name + ": " + why, now, cause, changed_series);
                } else if (ok && sr.down == 0 && !first) {
                    record(series, true, Rule::RouteNone, "", now, cause_of(v), changed_series);
                }
            }
        }
    }
    if (!started_) {
        // The start: every series gets its first interval, reachable unless a VM was down.
        for (std::size_t s = 0; s < series_.size(); ++s)
            if (series_[s].intervals.empty()) record(s, true, Rule::RouteNone, "", now, std::nullopt, changed_series);
        started_ = true;
        return {};
    }
    std::vector<std::size_t> changed;
    std::sort(changed_series.begin(), changed_series.end());
    changed_series.erase(std::unique(changed_series.begin(), changed_series.end()), changed_series.end());
    for (std::size_t s : changed_series)
        // A series that changed and changed back within the instant (one VM of an app back, another
        // lost) has not changed: its interval from before goes on.
        if (series_[s].intervals.back().start == now)
            changed.insert(changed.end(), pairs_of_series_[s].begin(), pairs_of_series_[s].end());
    std::sort(changed.begin(), changed.end());
    return changed;
}

void ReachabilityRecord::close(Millis end) {
    for (auto& s : series_)
        if (!s.intervals.empty() && s.intervals.back().end < 0) s.intervals.back().end = end;
}

const ReachPair* ReachabilityRecord::find(const World& world, const std::string& client, const std::string& target) const {
    for (const auto& p : pairs_) {
        if (world.clients[p.client].name != client) continue;
        if ((!p.app.empty() && p.app == target) || (p.app.empty() && world.vms[p.vm].name == target)) return &p;
    }
    return nullptr;
}

}  // namespace drsim
