#include "sim/run/simulation.hpp"

#include <algorithm>
#include <array>
#include <cassert>
#include <iterator>
#include <map>
#include <unordered_map>

#include "engine/sim_time.hpp"
#include "sim/decisions/planning_checks.hpp"
#include "sim/ops/network_operations.hpp"
#include "sim/ops/operation_table.hpp"
#include "sim/run/expectation_checks.hpp"

namespace drsim {

namespace {

// Merges sorted-or-not intervals (end -1 = open, closed at `end`) into disjoint sorted ones.
std::vector<std::pair<Millis, Millis>> merge(std::vector<std::pair<Millis, Millis>> v) {
    std::sort(v.begin(), v.end());
    std::vector<std::pair<Millis, Millis>> out;
    for (auto& iv : v) {
        if (iv.second <= iv.first) continue;
        if (!out.empty() && iv.first <= out.back().second) out.back().second = std::max(out.back().second, iv.second);
        else out.push_back(iv);
    }
    return out;
}

DowntimeMetric outages_from_up(std::string name, const std::vector<std::pair<Millis, Millis>>& up, Millis from, Millis end) {
    DowntimeMetric m;
    m.name = std::move(name);
    Millis cursor = from;
    auto add = [&](Millis a, Millis b) {
        if (b <= a) return;
        m.outage_intervals.emplace_back(a, b);
        m.downtime += b - a;
        m.longest_outage = std::max(m.longest_outage, b - a);
        ++m.outages;
    };
    for (const auto& [a, b] : up) {
        if (b <= cursor) continue;
        add(cursor, std::min(a, end));
        cursor = std::max(cursor, b);
        if (cursor >= end) break;
    }
    add(cursor, end);
    return m;
}

}  // namespace

namespace {
// The (client, app or VM) pairs that `downtime` checks name: always recorded.
std::vector<std::pair<std::string, std::string>> checked_pairs(const Scenario& s) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& e : s.events)
        for (const auto& x : e.expects)
            if (x.kind == ExpectSpec::Kind::downtime && !x.downtime_client.empty())
                out.emplace_back(x.downtime_client, x.downtime_vm.empty() ? x.downtime_app : x.downtime_vm);
    return out;
}
}  // namespace

Simulation::Simulation(const Scenario& scenario, RunSetup setup)
    : scenario_(scenario),
      extra_events_(std::move(setup.extra_events)),
      world_(scenario),
      ctx_(scenario_, world_, kernel_, log_, setup.seed.value_or(scenario.seed), setup.run_id),
      plans_(ctx_),
      reachability_(world_, checked_pairs(scenario)),
      seed_(setup.seed.value_or(scenario.seed)),
      run_id_(setup.run_id) {
    order_.resize(scenario.events.size() + extra_events_.size());
    for (std::size_t i = 0; i < order_.size(); ++i) order_[i] = i;
    // Stable: events at one time run in file order (SPEC §9), added events after the file's.
    std::stable_sort(order_.begin(), order_.end(), [&](std::size_t a, std::size_t b) {
        const auto& ea = event(a);
        const auto& eb = event(b);
        if (ea.at_end != eb.at_end) return !ea.at_end;
        return !ea.at_end && ea.at < eb.at;
    });
    first_end_ = order_.size();
    for (std::size_t i = 0; i < order_.size(); ++i)
        if (event(order_[i]).at_end) {
            first_end_ = i;
            break;
        }
    warnings_ = drsim::planning_warnings(scenario_);
    for (Id c = 0; c < world_.connections.size(); ++c)
        if (world_.network.connected(c))
            if (auto refusal = connect_refusal(world_, c))
                warnings_.push_back({*refusal->refused, world_.connections[c].name + " is declared connected, but connecting it is refused: " +
                                                            world_.render(refusal->detail),
                                     scenario_.connections[c].loc});
    std::map<std::string, std::vector<Id>> apps;
    for (Id v = 0; v < world_.vms.size(); ++v)
        if (!world_.vms[v].app().empty()) apps[world_.vms[v].app()].push_back(v);
    apps_.assign(apps.begin(), apps.end());
}

void Simulation::run() {
    // Planning warnings first: a record at the start, with the rule of each.
    Decisions warnings;
    for (const auto& w : warnings_) warnings.push_back({w.rule, interned(w.detail, world_.texts), true});
    if (!warnings.empty()) {
        const Text count{"{} planning warning(s)", arg::count(warnings.size())};
        log_.push_back(make_record(0, "planning", arg::text(scenario_.name, world_.texts), Phase::instant, std::nullopt, {}, count,
                                   std::move(warnings)));
    }
    // The state at the start is the one after the events at time 0 (a mapping made at 0 is the
    // design, not a change): observed now only when nothing happens at 0.
    if (first_end_ == 0 || event(order_[0]).at > 0) observe_reachability(false);
    if (first_end_ > 0) schedule_event(0, first_end_);
    run_kernel();
    // `at: end`: after the last event has settled. Operations at `end` run then, in file order, as
    // the events of any instant do (each after what the one before set going at that instant, a
    // plan's shutdown step say), and may start jobs; reachability is observed at each instant as
    // ever. The checks at `end` look once all that has settled, so that what they see (a state, a
    // downtime) is the run's last word.
    end_time_ = kernel_.now();
    if (const std::size_t first_op = skip_end_checks(first_end_); first_op < order_.size()) {
        schedule_event(first_op, order_.size());
        run_kernel();
    }
    end_time_ = kernel_.now();
    observe_reachability(true);
    for (std::size_t i = first_end_; i < order_.size(); ++i)
        if (event(order_[i]).op.kind == OpKind::expect) dispatch(order_[i]);
    reachability_.close(end_time_);
    list_unexpected_refusals();
}

void Simulation::run_kernel() {
    // The world changes only in events: reachability is probed once at the end of each instant in
    // which something happened, when every event of that instant has run.
    while (kernel_.step()) {
        const auto next = kernel_.next_time();
        if (!next || *next != kernel_.now()) {
            observe_reachability(kernel_.now() > 0);
            if (instant_observer_) instant_observer_();
        }
    }
}

void Simulation::observe_reachability(bool log_changes) {
    ctx_.routing.start();  // the design made at 0s is in place by the end of the first instant
    if (reachability_.pairs().empty()) {
        world_.take_touched();  // nothing to keep them for
        bool all = false;
        ctx_.routing.take_dirty(all);
        return;
    }
    // What happened in this instant: the last record with a rule since the previous observation
    // (searched from the end: an instant may hold a record per VM).
    std::optional<std::pair<Rule, std::string>> cause;
    for (std::size_t i = log_.size(); i > log_seen_; --i)
        if (const LogRecord& r = log_[i - 1]; !r.decisions().empty()) {
            const std::string target = world_.render(r.target());
            cause.emplace(r.decisions().front().rule, std::string{r.op()} + (target.empty() ? "" : " " + target));
            break;
        }
    // What happened to a VM in this instant: its boot, else the first rule of its last record. Looked
    // up only when a regain asks (an instant may hold a record per VM): the index is built then.
    std::unordered_map<Id, ReachabilityRecord::Cause> vm_causes;
    bool indexed = false;
    auto vm_cause = [&](Id vm) -> std::optional<ReachabilityRecord::Cause> {
        if (!indexed) {
            indexed = true;
            for (std::size_t i = log_seen_; i < log_.size(); ++i) {
                const LogRecord& r = log_[i];
                if (r.op() != "vm_boot" && r.decisions().empty()) continue;
                if (const Id v = r.vm(); v != kNone)
                    vm_causes.insert_or_assign(v, ReachabilityRecord::Cause{r.op() == "vm_boot" ? Rule::VmBooted : r.decisions().front().rule,
                                                                            std::string{r.op()} + " " + world_.vms[v].name});
            }
        }
        auto it = vm_causes.find(vm);
        if (it == vm_causes.end()) return std::nullopt;
        return it->second;
    };
    const std::vector<std::size_t> changed = reachability_.observe(world_, ctx_.routing, world_, kernel_.now(), cause, vm_cause);
    log_seen_ = log_.size();
    if (!log_changes) return;
    // One record per change, naming the clients that see it (the clients of one site see the same).
    std::vector<std::size_t> order;
    std::unordered_map<std::size_t, std::vector<Id>> clients_of;
    for (std::size_t i : changed) {
        const ReachPair& p = reachability_.pairs()[i];
        auto [it, fresh] = clients_of.try_emplace(p.series);
        if (fresh) order.push_back(i);
        it->second.push_back(p.client);
    }
    for (std::size_t i : order) {
        const ReachPair& p = reachability_.pairs()[i];
        const ReachInterval& now = reachability_.intervals(p).back();
        const std::vector<Id>& clients = clients_of[p.series];
        std::string who;
        for (std::size_t k = 0; k < clients.size() && k < 3; ++k) who += (k ? ", " : "") + world_.clients[clients[k]].name;
        if (clients.size() > 3) who += " and " + std::to_string(clients.size() - 3) + " more";
        const std::string target = who + " -> " + (p.app.empty() ? world_.vms[p.vm].name : "app " + p.app);
        log_.push_back(make_record(kernel_.now(), "reachability", arg::text(target, world_.texts), Phase::instant, std::nullopt, {},
                                   now.reachable ? "reachable again" : "lost",
                                   now.has_rule ? Decisions{{now.rule, interned(now.detail, world_.texts), !now.reachable}} : Decisions{}));
    }
    log_seen_ = log_.size();  // the records of the changes are not causes of later ones
}

DowntimeMetric Simulation::client_downtime(const std::string& client, const std::string& target, Millis from) const {
    if (const ReachPair* p = reachability_.find(world_, client, target)) return pair_downtime(*p, from);
    return outages_from_up(client + " -> " + target, {}, from, std::max(end_time_, kernel_.now()));
}

DowntimeMetric Simulation::pair_downtime(const ReachPair& pair, Millis from) const {
    const Millis end = std::max(end_time_, kernel_.now());
    std::vector<std::pair<Millis, Millis>> up;
    for (const auto& iv : reachability_.intervals(pair))
        if (iv.reachable) up.emplace_back(iv.start, iv.end < 0 ? end : iv.end);
    return outages_from_up(world_.clients[pair.client].name, merge(std::move(up)), from, end);
}

void Simulation::list_unexpected_refusals() {
    std::vector<ExpectationResult> refusals;
    for (const LogRecord& r : log_) {
        if (r.outcome != Outcome::refused || r.event_index < 0) continue;
        // An injected event (a sweep's fault) that is refused changes nothing: not the drill's failure.
        if (static_cast<std::size_t>(r.event_index) >= scenario_.events.size()) continue;
        if (!event(static_cast<std::size_t>(r.event_index)).expect_error.empty()) continue;
        ExpectationResult res;
        res.time = r.time;
        res.ok = scenario_.allow_refusals;
        res.unexpected_refusal = true;
        res.rule = rule_id(*r.refused_by());
        res.check = "unexpected refusal of " + std::string{r.op()} + " " + world_.render(r.target());
        res.expected = "accepted (the event has no expect_error)";
        res.found = "refused by " + std::string{res.rule} + (r.detail().empty() ? "" : ": " + world_.render(r.detail()));
        res.line = r.line;
        res.column = event(static_cast<std::size_t>(r.event_index)).loc.column;  // where the event is, as for a check
        refusals.push_back(std::move(res));
    }
    if (scenario_.allow_refusals) {
        notes_ = std::move(refusals);
        return;
    }
    // Both lists are in time order; the refusals go after the checks made at the same moment.
    std::vector<ExpectationResult> merged;
    merged.reserve(expectations_.size() + refusals.size());
    std::merge(std::make_move_iterator(expectations_.begin()), std::make_move_iterator(expectations_.end()),
               std::make_move_iterator(refusals.begin()), std::make_move_iterator(refusals.end()), std::back_inserter(merged),
               [](const ExpectationResult& a, const ExpectationResult& b) { return a.time < b.time; });
    expectations_ = std::move(merged);
}

std::size_t Simulation::skip_end_checks(std::size_t position) const {
    while (position < order_.size() && event(order_[position]).at_end && event(order_[position]).op.kind == OpKind::expect)
        ++position;
    return position;
}

void Simulation::schedule_event(std::size_t position, std::size_t end) {
    const EventSpec& e = event(order_[position]);
    kernel_.schedule_at(e.at_end ? kernel_.now() : std::max(e.at, kernel_.now()), [this, position, end] {
        // Determinism and intent: a scenario event at time t runs after every job transition due
        // at t (a job that ends at t has ended for an operation at t). Jobs scheduled at t are
        // already in the queue, so yield to them by going to the back of the line at t.
        if (auto next = kernel_.next_time(); next && *next == kernel_.now()) {
            schedule_event(position, end);
            return;
        }
        dispatch(order_[position]);
        if (const std::size_t next = skip_end_checks(position + 1); next < end) schedule_event(next, end);
    });
}

bool Simulation::all_expectations_held() const {
    return std::all_of(expectations_.begin(), expectations_.end(), [](const auto& e) { return e.ok; });
}

std::vector<Id> Simulation::resolve_vms(const OperationSpec& op) const {
    std::vector<Id> out;
    if (!op.vm.empty()) {
        out.push_back(world_.vm_id(op.vm));
    } else if (!op.recovery_plan.empty()) {
        for (const auto& plan : scenario_.recovery_plans)
            if (plan.name == op.recovery_plan)
                for (const auto& group : plan.groups)
                    for (const auto& name : group) out.push_back(world_.vm_id(name));
    } else if (op.vms) {
        const VmSelector& s = *op.vms;
        if (!s.names.empty()) {
            for (const auto& n : s.names) out.push_back(world_.vm_id(n));
            return out;
        }
        Id site = s.site.empty() ? kNone : world_.site_id(s.site);
        Id network = s.network.empty() ? kNone : world_.network_id(s.network);
        Id subnet = s.subnet.empty() ? kNone : world_.subnet_of(network, s.subnet);
        for (Id v = 0; v < world_.vms.size(); ++v) {
            const Vm& vm = world_.vms[v];
            if (!s.pattern.empty() && !glob_match(s.pattern, vm.name)) continue;
            if (!s.app.empty() && vm.app() != s.app) continue;
            if (site != kNone && vm.home_site != site) continue;
            if (network != kNone) {
                const auto& nics = vm.instance(vm.replication.source_slot()).nics;
                bool on = std::any_of(nics.begin(), nics.end(), [&](const NicBinding& n) {
                    return n.network == network && (subnet == kNone || n.subnet == subnet);
                });
                if (!on) continue;
            }
            out.push_back(v);
        }
    }
    std::erase(out, kNone);
    return out;
}

void Simulation::dispatch(std::size_t index) {
    const EventSpec& e = event(index);
    if (e.op.kind == OpKind::expect) {
        check(e);
        return;
    }
    const OperationHandler& handler = handler_of(e.op.kind);
    if (handler.on_vm) {
        run_vm_operation(e, static_cast<int>(index));
        return;
    }
    OpResult r = handler.on_world(ctx_, e.op);
    DraftRecord rec = make_record(kernel_.now(), op_name(e.op.kind), arg::text(target_of(e.op), world_.texts), r.phase, r.refused,
                                  std::move(r.also), r.detail, std::move(r.decisions));
    rec.record.event_index = static_cast<int>(index);
    rec.record.line = e.loc.line;
    log_.push_back(std::move(rec));
    if (!e.expect_error.empty()) check_expect_error(e, std::string{op_name(e.op.kind)}, {&log_.back()});
}

bool Simulation::run_plan_operation(const EventSpec& e, int index) {
    const OperationSpec& op = e.op;
    const RecoveryPlanSpec* plan = nullptr;
    for (const auto& p : scenario_.recovery_plans)
        if (p.name == op.recovery_plan) plan = &p;
    if (plan == nullptr) return false;
    std::size_t vms = 0;
    for (const auto& g : plan->groups) vms += g.size();
    constexpr std::size_t kPlanMaxVms = 100;
    const std::string what = std::string{op_name(op.kind)} + " of plan " + plan->name;
    if (vms > kPlanMaxVms) {
        DraftRecord rec = make_record(kernel_.now(), op_name(op.kind), arg::text(plan->name, world_.texts), Phase::instant,
                                      Rule::PlanMaxVms, {}, {"the plan has {} VMs; a recovery plan holds at most 100", arg::count(vms)}, {});
        rec.record.event_index = index;
        rec.record.line = e.loc.line;
        log_.push_back(std::move(rec));
        if (!e.expect_error.empty()) check_expect_error(e, what, {&log_.back()});
        return true;
    }
    if (op.kind != OpKind::failover && op.kind != OpKind::failback && op.kind != OpKind::test_failover) return false;
    plans_.start(*plan, op, index, e.loc.line, [this, &e, what](const std::vector<const LogRecord*>& records) {
        if (!e.expect_error.empty()) check_expect_error(e, what, records);
    });
    return true;
}

void Simulation::run_vm_operation(const EventSpec& e, int index) {
    const OperationSpec& op = e.op;
    if (!op.recovery_plan.empty() && run_plan_operation(e, index)) return;
    std::vector<Id> targets = resolve_vms(op);
    std::size_t first_record = log_.size();
    const auto on_vm = handler_of(op.kind).on_vm;
    for (Id vm : targets) ctx_.log_vm_result(op_name(op.kind), vm, on_vm(ctx_, vm, op), index, e.loc.line);
    if (!e.expect_error.empty()) {
        std::vector<const LogRecord*> records;
        for (std::size_t i = first_record; i < log_.size(); ++i) records.push_back(&log_[i]);
        std::string what = std::string{op_name(op.kind)} + " " +
                           (!op.vm.empty() ? op.vm : !op.recovery_plan.empty() ? "plan " + op.recovery_plan : "selected VMs");
        check_expect_error(e, what, records);
    }
}

void Simulation::check_expect_error(const EventSpec& e, const std::string& what,
                                    const std::vector<const LogRecord*>& records) {
    ExpectationResult res;
    res.time = kernel_.now();
    res.line = e.expect_error_loc.line;
    res.column = e.expect_error_loc.column;
    res.check = "expect_error on " + what;
    res.expected = "refused by " + e.expect_error;
    auto refused_by_rule = [&](const LogRecord* r) {
        if (!r->refused_by()) return false;
        if (rule_id(*r->refused_by()) == e.expect_error) return true;
        for (Rule also : r->also_refused_by())
            if (rule_id(also) == e.expect_error) return true;
        return false;
    };
    // On several VMs (a selector, a plan): it holds when at least one VM is refused and every VM
    // refused is refused by that rule; VMs that the operation accepted do not count against it.
    const bool some_refused = std::any_of(records.begin(), records.end(), [](const LogRecord* r) { return r->refused_by().has_value(); });
    const bool all_by_rule = std::all_of(records.begin(), records.end(),
                                         [&](const LogRecord* r) { return !r->refused_by() || refused_by_rule(r); });
    res.ok = some_refused && all_by_rule;
    if (records.empty()) {
        res.found = "the operation selected no VM";
    } else if (!some_refused) {
        res.found = records.size() == 1 ? world_.render(records.front()->target()) + ": accepted"
                                        : "all " + std::to_string(records.size()) + " VMs accepted";
    } else if (!all_by_rule) {
        for (const LogRecord* r : records)
            if (r->refused_by() && !refused_by_rule(r)) {
                res.found = world_.render(r->target()) + ": refused by " + std::string{rule_id(*r->refused_by())} + " (" +
                            world_.render(r->detail()) + ")";
                break;
            }
    } else {
        res.found = "refused by " + e.expect_error;
    }
    expectations_.push_back(std::move(res));
}

void Simulation::check(const EventSpec& e) {
    ctx_.routing.start();
    for (const auto& spec : e.expects) {
        ExpectationResult res = evaluate_expectation(ExpectationContext{world_, *this}, spec, kernel_.now());
        res.time = kernel_.now();
        res.line = spec.loc.line;
        res.column = spec.loc.column;
        expectations_.push_back(std::move(res));
    }
}

const std::vector<std::uint32_t>& Simulation::serving_index() const {
    std::call_once(serving_built_, [this] {
        // Two passes over the log, counting then filling: the index is exactly as large as the
        // changes (about one per VM failed over), with no room to spare.
        const std::size_t vms = world_.vms.size();
        std::vector<std::uint8_t> last(vms, static_cast<std::uint8_t>(Slot::home));
        auto serving_after = [](const LogRecord& r) {
            const bool target = r.state == ReplicationState::failing_over || r.state == ReplicationState::failed_over ||
                                r.state == ReplicationState::committed;
            return static_cast<std::uint8_t>(target != r.reversed ? Slot::recovery : Slot::home);
        };
        serving_first_.assign(vms + 1, 0);
        for (const LogRecord& r : log_) {
            const std::uint32_t v = r.vm();
            if (!r.has_state || v >= vms) continue;
            if (const std::uint8_t s = serving_after(r); s != last[v]) {
                last[v] = s;
                ++serving_first_[v + 1];
            }
        }
        for (std::size_t v = 0; v < vms; ++v) serving_first_[v + 1] += serving_first_[v];
        serving_changes_.resize(serving_first_[vms]);
        std::vector<std::uint32_t> next(serving_first_.begin(), serving_first_.end() - 1);
        std::fill(last.begin(), last.end(), static_cast<std::uint8_t>(Slot::home));
        for (const LogRecord& r : log_) {
            const std::uint32_t v = r.vm();
            if (!r.has_state || v >= vms) continue;
            if (const std::uint8_t s = serving_after(r); s != last[v]) {
                last[v] = s;
                serving_changes_[next[v]++] = static_cast<std::uint64_t>(r.time) << 1 | s;
            }
        }
    });
    return serving_first_;
}

DowntimeMetric Simulation::vm_downtime(Id vm_id, Millis from) const {
    const Vm& vm = world_.vms[vm_id];
    const Millis end = std::max(end_time_, kernel_.now());
    // The periods in which each instance served the VM: home from 0, then as the changes say.
    const std::vector<std::uint32_t>& first = serving_index();
    std::array<std::vector<std::pair<Millis, Millis>>, 2> serving;
    Millis since = 0;
    std::size_t slot_serving = static_cast<std::size_t>(Slot::home);
    for (std::uint32_t i = first[vm_id]; i < first[vm_id + 1]; ++i) {
        const Millis at = static_cast<Millis>(serving_changes_[i] >> 1);
        if (at > since) serving[slot_serving].emplace_back(since, at);
        since = at;
        slot_serving = static_cast<std::size_t>(serving_changes_[i] & 1);
    }
    if (end > since) serving[slot_serving].emplace_back(since, end);
    // Up where an instance ran, its site up, while it was the one serving (SPEC §9: the time with no
    // running serving instance is down; a source left running by an unplanned failover does not serve).
    std::vector<std::pair<Millis, Millis>> up;
    for (Slot slot : {Slot::home, Slot::recovery}) {
        const Instance& inst = vm.instance(slot);
        if (inst.site == kNone) continue;
        std::vector<std::pair<Millis, Millis>> down;
        for (auto [a, b] : world_.network.site_down_intervals(inst.site)) down.emplace_back(a, b < 0 ? end : b);
        for (auto [a, b] : inst.up_intervals) {
            Millis start = a, stop = b < 0 ? end : b;
            // Subtract the site's down intervals from [start, stop), then keep what it served of the rest.
            auto keep = [&](Millis from_, Millis to_) {
                for (auto [sa, sb] : serving[static_cast<std::size_t>(slot)])
                    if (std::max(sa, from_) < std::min(sb, to_)) up.emplace_back(std::max(sa, from_), std::min(sb, to_));
            };
            for (auto [da, db] : down) {
                if (db <= start || da >= stop) continue;
                if (da > start) keep(start, da);
                start = std::max(start, db);
            }
            if (start < stop) keep(start, stop);
        }
    }
    return outages_from_up(vm.name, merge(std::move(up)), from, end);
}

DowntimeMetric Simulation::app_downtime(const std::string& app, Millis from) const {
    const Millis end = std::max(end_time_, kernel_.now());
    std::vector<std::pair<Millis, Millis>> down;
    // apps_ is sorted by name: find the app's VMs in O(log apps).
    auto it = std::lower_bound(apps_.begin(), apps_.end(), app, [](const auto& entry, const std::string& name) {
        return entry.first < name;
    });
    if (it != apps_.end() && it->first == app)
        for (Id v : it->second) {
            auto m = vm_downtime(v, from);
            down.insert(down.end(), m.outage_intervals.begin(), m.outage_intervals.end());
        }
    // The app is up where none of its VMs is down: the complement of the union of outages.
    auto merged = merge(std::move(down));
    std::vector<std::pair<Millis, Millis>> up;
    Millis cursor = from;
    for (auto [a, b] : merged) {
        if (a > cursor) up.emplace_back(cursor, a);
        cursor = std::max(cursor, b);
    }
    if (cursor < end) up.emplace_back(cursor, end);
    return outages_from_up(app, up, from, end);
}

}  // namespace drsim
