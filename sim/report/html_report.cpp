#include "sim/report/html_report.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <unordered_map>

#include "engine/sim_time.hpp"
#include "sim/ops/instance_lifecycle.hpp"

namespace drsim {

namespace {

using engine::format_duration;
using reporting::Category;
using reporting::CategoryId;
using reporting::LegendShape;
using reporting::Pattern;
using reporting::format_count;

constexpr const char* kDash = "\xE2\x80\x93";   // –
constexpr const char* kArrow = "\xE2\x86\x92";  // →

// ---------------------------------------------------------------------------------------------
// Words and times

constexpr std::array<std::string_view, 7> kStates{"unprotected", "enabling",    "protected",   "failing_over",
                                                  "failed_over", "committed",   "reprotecting"};

// The index of a state's name in kStates; -1 for none.
int state_index(std::string_view s) {
    for (std::size_t i = 0; i < kStates.size(); ++i)
        if (kStates[i] == s) return static_cast<int>(i);
    return -1;
}

std::string plural(std::size_t n, std::string_view one, std::string_view many) {
    return format_count(n) + " " + std::string{n == 1 ? one : many};
}

// "2h–2h5m (5m)".
std::string interval_text(Millis from, Millis to) {
    return format_duration(from) + kDash + format_duration(to) + " (" + format_duration(to - from) + ")";
}

reporting::TimeAxis time_axis(Millis end) {
    using namespace engine;
    reporting::TimeAxis axis;
    axis.start = 0;
    axis.end = std::max<Millis>(end, kMinute);
    static const std::vector<std::int64_t> steps{kSecond,     5 * kSecond,  10 * kSecond, 30 * kSecond, kMinute,
                                                 2 * kMinute, 5 * kMinute,  10 * kMinute, 15 * kMinute, 30 * kMinute,
                                                 kHour,       2 * kHour,    3 * kHour,    6 * kHour,    12 * kHour,
                                                 kDay,        2 * kDay,     7 * kDay};
    for (std::int64_t t : reporting::nice_ticks(axis.start, axis.end, 12, steps)) axis.ticks.emplace_back(t, format_duration(t));
    return axis;
}

Category box(std::string label, std::string colour, Pattern pattern = Pattern::solid) {
    return Category{std::move(label), std::move(colour), pattern, LegendShape::box};
}
Category mark(std::string label, std::string colour) { return Category{std::move(label), std::move(colour), Pattern::solid, LegendShape::diamond}; }

// The first `limit` of `n` items in order, preferring those `preferred` says: all when n <= limit;
// else the preferred ones first (in order) up to the limit, then the others in order. Returned
// ascending. O(n).
template <typename Preferred>
std::vector<std::size_t> pick(std::size_t n, std::size_t limit, Preferred preferred) {
    std::vector<std::size_t> out;
    if (n <= limit) {
        out.resize(n);
        for (std::size_t i = 0; i < n; ++i) out[i] = i;
        return out;
    }
    std::vector<bool> taken(n, false);
    for (std::size_t i = 0; i < n && out.size() < limit; ++i)
        if (preferred(i)) taken[i] = true, out.push_back(i);
    for (std::size_t i = 0; i < n && out.size() < limit; ++i)
        if (!taken[i]) taken[i] = true, out.push_back(i);
    std::sort(out.begin(), out.end());
    return out;
}

// The first `limit` details of an entry, and a line saying how many more there are.
void cap_details(reporting::TimelineEntry& e, std::size_t limit) {
    if (e.details.size() <= limit) return;
    const std::size_t more = e.details.size() - limit;
    e.details.resize(limit);
    e.details.emplace_back("", "... and " + plural(more, "more decision", "more decisions") + " (--json lists all)");
}

// ---------------------------------------------------------------------------------------------
// Counts over time: many rows drawn as one

struct CountChange {
    Millis time = 0;
    std::uint16_t category = 0;
    std::int32_t delta = 0;
};

// The counts per category over [0, end), starting from `counts`, changed by `changes` (in time
// order); changes within one `quantum` are drawn together from its start, so a row has at most
// end / quantum segments whatever the number of changes. O(changes + segments x categories).
std::vector<reporting::ChartStack> stacks_over_time(std::vector<std::uint32_t> counts, const std::vector<CountChange>& changes,
                                                    Millis end, Millis quantum, const std::string& label,
                                                    const std::vector<std::string>& names) {
    std::vector<reporting::ChartStack> out;
    auto emit = [&](Millis from, Millis to) {
        if (to <= from) return;
        if (!out.empty() && out.back().counts == counts && out.back().end == from) {
            out.back().end = to;
            return;
        }
        out.push_back({from, to, counts, ""});
    };
    Millis from = 0;
    for (std::size_t i = 0; i < changes.size();) {
        const Millis bucket = changes[i].time / quantum * quantum;
        emit(from, bucket);
        from = std::max(from, bucket);
        for (; i < changes.size() && changes[i].time / quantum * quantum == bucket; ++i) {
            auto& c = counts[changes[i].category];
            c = static_cast<std::uint32_t>(static_cast<std::int64_t>(c) + changes[i].delta);
        }
    }
    emit(from, end);
    for (auto& s : out) {
        s.title = label + ": " + interval_text(s.start, s.end);
        std::string sep = ": ";
        for (std::size_t c = 0; c < s.counts.size(); ++c)
            if (s.counts[c]) {
                s.title += sep + format_count(s.counts[c]) + " " + names[c];
                sep = ", ";
            }
    }
    return out;
}

// Rows of hidden items drawn as counts: one row per group that has some, or per run of
// consecutive such groups when there are more of them than `limit`.
struct AggregateRows {
    struct Chunk {
        std::size_t first = 0, last = 0;  ///< positions in `groups`, inclusive
    };
    std::vector<std::size_t> groups;  ///< the groups with something hidden, in order
    std::vector<Chunk> rows;
    std::vector<std::size_t> row_of;  ///< per group: its row (for a group with something hidden)

    AggregateRows(const std::vector<std::size_t>& hidden_per_group, std::size_t limit) : row_of(hidden_per_group.size(), 0) {
        for (std::size_t g = 0; g < hidden_per_group.size(); ++g)
            if (hidden_per_group[g]) groups.push_back(g);
        const std::size_t per = (groups.size() + std::max<std::size_t>(limit, 1) - 1) / std::max<std::size_t>(limit, 1);
        for (std::size_t k = 0; k < groups.size(); k += per) rows.push_back({k, std::min(k + per, groups.size()) - 1});
        for (std::size_t r = 0; r < rows.size(); ++r)
            for (std::size_t k = rows[r].first; k <= rows[r].last; ++k) row_of[groups[k]] = r;
    }
    /// How many groups share a row at most.
    std::size_t per_row() const { return rows.empty() ? 0 : rows[0].last - rows[0].first + 1; }
};

// Marks merged per moment: one diamond per time with the first few lines of what happened.
struct MomentMarks {
    static constexpr std::size_t kLines = 8;
    struct Moment {
        std::size_t count = 0;
        bool refused = false, warning = false;
        std::vector<std::string> lines;  ///< the first kLines
    };
    std::map<Millis, Moment> at;

    void add(Millis time, Outcome outcome, std::string line) {
        Moment& m = at[time];
        if (m.lines.size() < kLines) m.lines.push_back(std::move(line));
        ++m.count;
        m.refused = m.refused || outcome == Outcome::refused;
        m.warning = m.warning || outcome == Outcome::warning;
    }
    /// Adds every moment of `other`.
    void merge(const MomentMarks& other) {
        for (const auto& [time, o] : other.at) {
            Moment& m = at[time];
            for (const auto& l : o.lines)
                if (m.lines.size() < kLines) m.lines.push_back(l);
            m.count += o.count;
            m.refused = m.refused || o.refused;
            m.warning = m.warning || o.warning;
        }
    }
    std::vector<reporting::ChartMark> marks(CategoryId ok, CategoryId warning, CategoryId refused) const {
        std::vector<reporting::ChartMark> out;
        for (const auto& [time, m] : at) {
            std::string title = format_duration(time) + ":";
            for (const auto& l : m.lines) title += "\n" + l;
            if (m.count > m.lines.size()) title += "\n... and " + format_count(m.count - m.lines.size()) + " more";
            out.push_back({time, m.refused ? refused : m.warning ? warning : ok, std::move(title)});
        }
        return out;
    }
};

std::string record_line(const World& w, const LogRecord& r) {
    std::string s{r.op()};
    if (r.phase == Phase::done) s += " done";
    if (std::string target = w.render(r.target()); !target.empty()) s += " " + target;
    if (r.refused_by()) s += ": refused by " + std::string{rule_id(*r.refused_by())};
    else if (r.outcome == Outcome::warning) s += ": warning";
    if (const Text detail = r.detail(); !detail.empty()) s += " " + std::string{kDash} + " " + w.render(detail);
    if (r.refused_by() || r.outcome == Outcome::warning)
        for (const auto& d : r.decisions())
            if (d.warning) {
                s += "\n  " + std::string{rule_id(d.rule)} + ": " + w.render(d.detail());
                break;
            }
    return s;
}

// ---------------------------------------------------------------------------------------------
// The run, read once

// How the VMs are grouped on the page: by recovery plan (in boot-group order), else by app, else
// by the subnet of their first NIC.
struct VmGroups {
    std::vector<std::string> names;         ///< "app shop"
    std::vector<std::string> short_names;   ///< "shop"
    std::vector<int> plan;                  ///< per group: the recovery plan, or -1
    std::vector<std::uint8_t> kind;         ///< per group: 0 plan, 1 app, 2 subnet, 3 no NIC
    std::vector<std::uint32_t> of_vm;       ///< per VM
    std::vector<std::uint16_t> boot_group;  ///< per VM: 1-based boot group in its plan, 0 for none
    std::vector<Id> order;                  ///< every VM, in display order (by group)
};

VmGroups group_vms(const Simulation& sim) {
    const World& w = sim.world();
    const Scenario& spec = sim.scenario();
    VmGroups g;
    const std::size_t n = w.vms.size();
    g.of_vm.assign(n, kNone);
    g.boot_group.assign(n, 0);
    for (std::size_t p = 0; p < spec.recovery_plans.size(); ++p) {
        const auto idx = static_cast<std::uint32_t>(g.names.size());
        g.names.push_back("recovery plan " + spec.recovery_plans[p].name);
        g.short_names.push_back(spec.recovery_plans[p].name);
        g.plan.push_back(static_cast<int>(p));
        g.kind.push_back(0);
        const auto& groups = spec.recovery_plans[p].groups;
        for (std::size_t b = 0; b < groups.size(); ++b)
            for (const auto& name : groups[b])
                if (const Id v = w.vm_id(name); v != kNone && g.of_vm[v] == kNone) {
                    g.of_vm[v] = idx;
                    g.boot_group[v] = static_cast<std::uint16_t>(b + 1);
                }
    }
    // The others by (kind, name): apps, then subnets, then VMs with no NIC.
    std::map<std::pair<int, std::string>, std::vector<Id>> rest;
    for (Id v = 0; v < n; ++v) {
        if (g.of_vm[v] != kNone) continue;
        const Vm& vm = w.vms[v];
        if (!vm.app().empty()) {
            rest[{0, vm.app()}].push_back(v);
            continue;
        }
        const VmSpec* s = v < spec.vms.size() && spec.vms[v].name == vm.name ? &spec.vms[v] : nullptr;
        const std::vector<NicSpec>* nics = s ? &spec.entry_of(*s).nics : nullptr;
        if (nics && !nics->empty()) rest[{1, nics->front().network + "/" + nics->front().subnet}].push_back(v);
        else rest[{2, ""}].push_back(v);
    }
    std::vector<std::vector<Id>> members(g.names.size());
    for (Id v = 0; v < n; ++v)
        if (g.of_vm[v] != kNone) members[g.of_vm[v]].push_back(v);
    for (auto& m : members)
        std::stable_sort(m.begin(), m.end(), [&](Id a, Id b) { return g.boot_group[a] < g.boot_group[b]; });
    for (auto& [key, vms] : rest) {
        const auto idx = static_cast<std::uint32_t>(g.names.size());
        g.names.push_back(key.first == 0 ? "app " + key.second : key.first == 1 ? "subnet " + key.second : "VMs with no NIC");
        g.short_names.push_back(key.first == 2 ? g.names.back() : key.second);
        g.plan.push_back(-1);
        g.kind.push_back(static_cast<std::uint8_t>(key.first + 1));
        for (Id v : vms) g.of_vm[v] = idx;
        members.push_back(std::move(vms));
    }
    g.order.reserve(n);
    for (const auto& m : members) g.order.insert(g.order.end(), m.begin(), m.end());
    return g;
}

// What the page needs of the log: the VM (or plan) each record is about, and which VMs had a
// refusal or a warning.
struct ReportContext {
    const Simulation& sim;
    const World& w;
    const HtmlReportLimits& limits;
    Millis end;
    VmGroups groups;
    std::vector<Id> vm_of_record;             ///< per log record: its VM, or kNone
    std::vector<int> plan_of_record;          ///< per log record: its recovery plan, or -1
    std::vector<bool> flagged;                ///< per VM: a refusal or warning about it
    std::vector<Id> shown;                    ///< VMs drawn one by one, in display order
    std::vector<std::int32_t> shown_index;    ///< per VM: its index in `shown`, or -1
    std::vector<std::vector<const LogRecord*>> records;  ///< per shown VM
    std::vector<reporting::ChartLine> fault_lines;
    CategoryId fault_site = 0, fault_storm = 0, fault_peering = 0;

    ReportContext(const Simulation& s, const HtmlReportLimits& l) : sim(s), w(s.world()), limits(l), end(s.end_time()) {}
};

void read_log(ReportContext& ctx) {
    const RunLog& log = ctx.sim.log();
    std::unordered_map<std::string_view, int> plan_by_name;
    for (std::size_t p = 0; p < ctx.sim.scenario().recovery_plans.size(); ++p)
        plan_by_name.emplace(ctx.sim.scenario().recovery_plans[p].name, static_cast<int>(p));
    ctx.vm_of_record.assign(log.size(), kNone);
    ctx.plan_of_record.assign(log.size(), -1);
    ctx.flagged.assign(ctx.w.vms.size(), false);
    for (std::size_t i = 0; i < log.size(); ++i) {
        const LogRecord& r = log[i];
        if (r.state_after().empty()) {  // not about one VM: a plan's, or the network's
            if (r.target().kind != TextArg::Kind::text) continue;
            if (auto it = plan_by_name.find(ctx.w.texts.at(r.target().value)); it != plan_by_name.end()) ctx.plan_of_record[i] = it->second;
            continue;
        }
        const Id v = r.vm();
        ctx.vm_of_record[i] = v;
        if (v != kNone && r.outcome != Outcome::ok) ctx.flagged[v] = true;
    }
    const auto& order = ctx.groups.order;
    ctx.shown_index.assign(ctx.w.vms.size(), -1);
    for (std::size_t i : pick(order.size(), ctx.limits.gantt_vms, [&](std::size_t k) { return ctx.flagged[order[k]]; })) {
        ctx.shown_index[order[i]] = static_cast<std::int32_t>(ctx.shown.size());
        ctx.shown.push_back(order[i]);
    }
    ctx.records.resize(ctx.shown.size());
    for (std::size_t i = 0; i < log.size(); ++i)
        if (const Id v = ctx.vm_of_record[i]; v != kNone && ctx.shown_index[v] >= 0) ctx.records[ctx.shown_index[v]].push_back(&log[i]);
}

// Keeps the categories of `candidates` that no line uses out of the legend.
void hide_unused(const std::vector<reporting::ChartLine>& lines, reporting::Palette& palette, std::initializer_list<CategoryId> candidates) {
    for (CategoryId c : candidates)
        if (std::none_of(lines.begin(), lines.end(), [c](const reporting::ChartLine& l) { return l.category == c; }))
            palette.categories[c].legend = LegendShape::none;
}

// Faults as bands across the charts: sites down, broadcast storms, peering locations down, from
// the history of connectivity; storms that start and end together on many subnets are one band.
void fault_bands(ReportContext& ctx, reporting::Palette& palette) {
    ctx.fault_site = palette.add(box("site down", "#D41159"));
    ctx.fault_storm = palette.add(box("broadcast storm", "#FFB000", Pattern::hatch));
    ctx.fault_peering = palette.add(box("peering location down", "#882255", Pattern::hatch));
    const NetworkState& net = ctx.w.network;
    for (Id s = 0; s < ctx.w.sites.size(); ++s)
        for (auto [from, to] : net.site_down_intervals(s)) {
            const Millis until = to < 0 ? ctx.end : to;
            ctx.fault_lines.push_back({from, std::max(until, from + 1), ctx.fault_site, ctx.w.sites[s].name + " down",
                                       "SITE-DOWN: site " + ctx.w.sites[s].name + " down " + interval_text(from, until)});
        }
    // Storms and peering locations: pair each start with its end.
    std::map<std::pair<int, std::uint32_t>, Millis> open;
    std::map<std::tuple<int, Millis, Millis>, std::vector<std::string>> spans;
    auto name_of = [&](const NetworkChange& c) {
        if (c.kind == NetworkChange::Kind::storm) {
            const Subnet& s = ctx.w.subnets[c.entity];
            return ctx.w.networks[s.network].name + "/" + s.name;
        }
        return net.peering_locations()[c.entity];
    };
    for (const NetworkChange& c : net.history()) {
        const bool storm = c.kind == NetworkChange::Kind::storm;
        if (!storm && c.kind != NetworkChange::Kind::peering_location) continue;
        const int kind = storm ? 0 : 1;
        const bool starts = !c.up;  // a storm "up" is over; a location "up" is back
        const std::pair<int, std::uint32_t> key{kind, c.entity};
        if (starts) {
            open.emplace(key, c.time);
        } else if (auto it = open.find(key); it != open.end()) {
            spans[{kind, it->second, c.time}].push_back(name_of(c));
            open.erase(it);
        }
    }
    for (const auto& [key, from] : open) {
        NetworkChange c;
        c.kind = key.first == 0 ? NetworkChange::Kind::storm : NetworkChange::Kind::peering_location;
        c.entity = key.second;
        spans[{key.first, from, ctx.end}].push_back(name_of(c));
    }
    for (const auto& [key, names] : spans) {
        const auto [kind, from, to] = key;
        std::string who = names.size() == 1 ? names[0] : names[0] + " and " + plural(names.size() - 1, "other", "others");
        const std::string what = kind == 0 ? "broadcast storm on " : "peering location down: ";
        ctx.fault_lines.push_back({from, std::max(to, from + 1), kind == 0 ? ctx.fault_storm : ctx.fault_peering,
                                   (kind == 0 ? "storm " : "") + who,
                                   std::string{kind == 0 ? "STRETCHED-FAULT-DOMAIN: " : "ER-PEERING-LOCATION: "} + what + who +
                                       " " + interval_text(from, to)});
    }
    hide_unused(ctx.fault_lines, palette, {ctx.fault_site, ctx.fault_storm, ctx.fault_peering});
}

// ---------------------------------------------------------------------------------------------
// The Gantt chart

enum GanttCategory : CategoryId {
    // states 0..6 as kStates
    kRunPrimary = 7, kRunReplica, kRunTest,
    kJobEnable, kJobFailover, kJobTest, kJobResync, kJobBoot, kJobOther,
    kMarkRefused, kMarkWarning, kMarkStep,
};

reporting::Palette gantt_palette() {
    reporting::Palette p;
    p.add(box("unprotected", "#C8C8C8"));
    p.add(box("enabling (initial replication)", "#56B4E9", Pattern::hatch));
    p.add(box("protected", "#009E73"));
    p.add(box("failing over", "#E69F00", Pattern::hatch));
    p.add(box("failed over (commit pending)", "#F0E442"));
    p.add(box("committed (not protected)", "#CC79A7", Pattern::dots));
    p.add(box("reprotecting (resync)", "#0072B2", Pattern::hatch));
    p.add(box("running: primary (home site)", "#332288"));
    p.add(box("running: replica (recovery site)", "#D55E00", Pattern::hatch));
    p.add(box("running: test failover instance", "#AA4499", Pattern::dots));
    p.add(box("job: enable replication", "#2B6F94"));
    p.add(box("job: failover / failback", "#9A6A00"));
    p.add(box("job: test failover", "#6E2B63"));
    p.add(box("job: reprotect (resync)", "#003E61"));
    p.add(box("job: boot", "#222222"));
    p.add(box("job: other", "#777777"));
    p.add(mark("refused (rule on hover)", "#D41159"));
    p.add(mark("warning", "#FFB000"));
    p.add(mark("plan step or network operation", "#9A9A9A"));
    return p;
}

CategoryId job_category(std::string_view op) {
    if (op == "enable_replication") return kJobEnable;
    if (op == "failover" || op == "failback") return kJobFailover;
    if (op == "test_failover") return kJobTest;
    if (op == "reprotect") return kJobResync;
    if (op == "vm_boot" || op == "test_vm_boot") return kJobBoot;
    return kJobOther;
}

// One VM's row: jobs, states and running instances, from its records and its instances.
reporting::ChartRow vm_row(const ReportContext& ctx, Id v, const std::vector<const LogRecord*>& records) {
    const World& w = ctx.w;
    const Vm& vm = w.vms[v];
    reporting::ChartRow row;
    row.label = vm.name;
    if (ctx.groups.boot_group[v]) row.label += " (group " + std::to_string(ctx.groups.boot_group[v]) + ")";
    const Instance& active = vm.instance(vm.active_slot());
    row.title = vm.name + (vm.app().empty() ? "" : ", app " + vm.app()) + "; home site " + w.sites[vm.home_site].name +
                "; at the end " + std::string{to_string(vm.replication.state)} +
                (active.exists ? ", at " + w.sites[active.site].name + (active.nics.empty() ? "" : ", " + describe_nic(w, active.nics[0]))
                               : ", no instance");

    // States: from each record's state after it.
    int state = 0;
    Millis since = 0;
    auto close_state = [&](Millis at) {
        if (at > since) row.bars.push_back({since, at, 1, static_cast<CategoryId>(state), std::string{kStates[state]} + " " + interval_text(since, at)});
        since = at;
    };
    // Jobs: a start record opens one, the done record of its operation closes it; a boot runs
    // from the later of the job before it ends and (with a fixed boot time) its done minus that time.
    struct Open {
        Millis at;
        std::string_view state;
    };
    std::map<std::string_view, Open> open;
    Millis last_job_end = 0;
    const Distribution& boot = ctx.sim.scenario().timing.vm_boot;
    auto add_job = [&](std::string_view op, Millis from, Millis to, const std::string& how) {
        row.bars.push_back({from, to, 0, job_category(op), "job " + std::string{op} + " " + interval_text(from, to) + how});
    };
    for (const LogRecord* r : records) {
        if (const int s = state_index(r->state_after()); s >= 0 && s != state) {
            close_state(r->time);
            state = s;
        }
        // A job left open ends when the VM leaves the state it started in (cancelled, disabled).
        for (auto it = open.begin(); it != open.end();) {
            if (it->first != r->op() && r->state_after() != it->second.state && r->outcome != Outcome::refused) {
                add_job(it->first, it->second.at, r->time, ", ended without finishing");
                it = open.erase(it);
            } else {
                ++it;
            }
        }
        if (r->outcome == Outcome::refused) {
            row.marks.push_back({r->time, kMarkRefused, format_duration(r->time) + " " + record_line(ctx.w, *r)});
        } else if (r->phase == Phase::start) {
            open[r->op()] = {r->time, r->state_after()};
            if (r->outcome == Outcome::warning) row.marks.push_back({r->time, kMarkWarning, format_duration(r->time) + " " + record_line(ctx.w, *r)});
        } else if (r->phase == Phase::done) {
            Millis from = last_job_end;
            if (r->op() == "vm_boot" || r->op() == "test_vm_boot") {
                if (boot.kind == Distribution::Kind::fixed) from = std::max(from, r->time - boot.value);
            } else if (auto it = open.find(r->op()); it != open.end()) {
                from = it->second.at;
                open.erase(it);
            }
            add_job(r->op(), from, r->time, "");
            last_job_end = r->time;
        } else if (r->outcome == Outcome::warning) {
            row.marks.push_back({r->time, kMarkWarning, format_duration(r->time) + " " + record_line(ctx.w, *r)});
        }
    }
    close_state(ctx.end);
    for (const auto& [op, o] : open) add_job(op, o.at, ctx.end, ", still running at the end");

    // Running instances: each slot's up intervals less its site's down time.
    static constexpr std::array<const char*, 3> kSlotNames{"primary", "replica", "test failover instance"};
    for (Slot slot : {Slot::home, Slot::recovery, Slot::test}) {
        const Instance& inst = vm.instance(slot);
        if (inst.site == kNone) continue;
        const auto& down = w.network.site_down_intervals(inst.site);
        const auto category = static_cast<CategoryId>(kRunPrimary + static_cast<int>(slot));
        const std::string what = std::string{kSlotNames[static_cast<std::size_t>(slot)]} + " running at " + w.sites[inst.site].name + " ";
        for (auto [a, b] : inst.up_intervals) {
            Millis start = a;
            const Millis stop = b < 0 ? ctx.end : b;
            for (auto [da, db] : down) {
                const Millis down_end = db < 0 ? ctx.end : db;
                if (down_end <= start || da >= stop) continue;
                if (da > start) row.bars.push_back({start, da, 2, category, what + interval_text(start, da)});
                start = std::max(start, down_end);
            }
            if (start < stop) row.bars.push_back({start, stop, 2, category, what + interval_text(start, stop)});
        }
    }
    return row;
}

reporting::Section gantt_section(ReportContext& ctx) {
    const RunLog& log = ctx.sim.log();
    const Scenario& spec = ctx.sim.scenario();
    reporting::TimeChart chart;
    chart.title = "VMs over time: jobs, replication state and the instance running";
    chart.axis = time_axis(ctx.end);
    chart.palette = gantt_palette();
    fault_bands(ctx, chart.palette);
    chart.lines = ctx.fault_lines;
    chart.lanes = {0.28, 0.44, 0.28};
    chart.row_height = 22;
    chart.legend_notes = {"each VM row: top band job, middle replication state, bottom instance running"};
    for (CategoryId s = 0; s < kStates.size(); ++s) chart.stack_categories.push_back(s);

    // Operations that are not on one VM: the network, sites, DNS; each plan's steps.
    MomentMarks network;
    std::vector<MomentMarks> plans(spec.recovery_plans.size());
    for (std::size_t i = 0; i < log.size(); ++i) {
        const LogRecord& r = log[i];
        if (ctx.vm_of_record[i] != kNone || (!r.state_after().empty() && ctx.plan_of_record[i] < 0)) continue;
        if (r.op() == "reachability") continue;  // drawn in the reachability strips
        if (ctx.plan_of_record[i] >= 0) plans[static_cast<std::size_t>(ctx.plan_of_record[i])].add(r.time, r.outcome, record_line(ctx.w, r));
        else network.add(r.time, r.outcome, record_line(ctx.w, r));
    }
    reporting::ChartGroup first;
    first.label = "Sites, networks and DNS";
    reporting::ChartRow ops;
    ops.label = "operations";
    ops.title = "every operation that is not on one VM: mappings, connections, routes, sites, DNS";
    ops.marks = network.marks(kMarkStep, kMarkWarning, kMarkRefused);
    first.rows.push_back(std::move(ops));
    chart.groups.push_back(std::move(first));

    // The VMs drawn one by one, under their group's heading.
    std::vector<std::size_t> hidden_in_group(ctx.groups.names.size(), 0);
    for (Id v : ctx.groups.order)
        if (ctx.shown_index[v] < 0) ++hidden_in_group[ctx.groups.of_vm[v]];
    std::uint32_t current = kNone;
    std::vector<bool> plan_drawn(plans.size(), false);
    for (std::size_t k = 0; k < ctx.shown.size(); ++k) {
        const Id v = ctx.shown[k];
        const std::uint32_t g = ctx.groups.of_vm[v];
        if (g != current) {
            current = g;
            reporting::ChartGroup group;
            group.label = ctx.groups.names[g];
            if (hidden_in_group[g]) group.label += " (" + format_count(hidden_in_group[g]) + " more in the rows of counts below)";
            if (const int p = ctx.groups.plan[g]; p >= 0 && !plans[static_cast<std::size_t>(p)].at.empty()) {
                plan_drawn[static_cast<std::size_t>(p)] = true;
                reporting::ChartRow steps;
                steps.label = "plan steps";
                steps.title = "the recovery plan's own records: its runs, boot groups, manual, script and DNS steps";
                steps.marks = plans[static_cast<std::size_t>(p)].marks(kMarkStep, kMarkWarning, kMarkRefused);
                group.rows.push_back(std::move(steps));
            }
            chart.groups.push_back(std::move(group));
        }
        chart.groups.back().rows.push_back(vm_row(ctx, v, ctx.records[k]));
    }
    // A plan with no VM drawn: its records join the first row.
    bool merged = false;
    for (std::size_t p = 0; p < plans.size(); ++p)
        if (!plan_drawn[p] && !plans[p].at.empty()) {
            network.merge(plans[p]);
            merged = true;
        }
    if (merged) chart.groups[0].rows[0].marks = network.marks(kMarkStep, kMarkWarning, kMarkRefused);

    reporting::Section s;
    s.heading = "Timeline of the VMs";
    const std::size_t total = ctx.w.vms.size(), hidden = total - ctx.shown.size();
    if (hidden > 0) {
        // The others as counts by state over time, one row per group (or run of groups).
        const AggregateRows agg_rows(hidden_in_group, ctx.limits.aggregate_rows);
        const auto& rows = agg_rows.rows;
        const auto& hidden_groups = agg_rows.groups;
        std::vector<std::vector<CountChange>> changes(rows.size());
        std::vector<std::uint32_t> members(rows.size(), 0);
        std::vector<MomentMarks> refusals(rows.size());
        std::vector<std::uint8_t> state(total, 0);
        for (Id v = 0; v < total; ++v)
            if (ctx.shown_index[v] < 0) ++members[agg_rows.row_of[ctx.groups.of_vm[v]]];
        for (std::size_t i = 0; i < log.size(); ++i) {
            const Id v = ctx.vm_of_record[i];
            if (v == kNone || ctx.shown_index[v] >= 0) continue;
            const std::size_t r = agg_rows.row_of[ctx.groups.of_vm[v]];
            const int st = state_index(log[i].state_after());
            if (st >= 0 && st != state[v]) {
                changes[r].push_back({log[i].time, state[v], -1});
                changes[r].push_back({log[i].time, static_cast<std::uint16_t>(st), +1});
                state[v] = static_cast<std::uint8_t>(st);
            }
            if (log[i].outcome != Outcome::ok) refusals[r].add(log[i].time, log[i].outcome, record_line(ctx.w, log[i]));
        }
        const Millis quantum = std::max<Millis>(chart.axis.end / 1000, 1);
        const std::vector<std::string> names(kStates.begin(), kStates.end());
        reporting::ChartGroup agg;
        agg.label = "The other " + plural(hidden, "VM", "VMs") + ", counted by replication state";
        for (std::size_t r = 0; r < rows.size(); ++r) {
            const std::string& first_name = ctx.groups.names[hidden_groups[rows[r].first]];
            const std::string& last_name = ctx.groups.short_names[hidden_groups[rows[r].last]];
            reporting::ChartRow row;
            row.label = rows[r].first == rows[r].last ? first_name : first_name + " \xE2\x80\xA6 " + last_name;
            row.label += " (" + format_count(members[r]) + ")";
            row.title = row.label + ": " + plural(members[r], "VM", "VMs") +
                        (rows[r].first == rows[r].last ? "" : " of " + plural(rows[r].last - rows[r].first + 1, "group", "groups"));
            std::vector<std::uint32_t> counts(kStates.size(), 0);
            counts[0] = members[r];
            row.stacks = stacks_over_time(std::move(counts), changes[r], chart.axis.end, quantum, row.label, names);
            row.marks = refusals[r].marks(kMarkStep, kMarkWarning, kMarkRefused);
            agg.rows.push_back(std::move(row));
        }
        chart.groups.push_back(std::move(agg));
        // "app", "recovery plan or app": the kinds of the groups counted.
        static constexpr std::array<const char*, 4> kKinds{"recovery plan", "app", "subnet", "no NIC"};
        std::array<bool, 4> kinds{};
        for (std::size_t g : hidden_groups) kinds[ctx.groups.kind[g]] = true;
        std::string by;
        for (std::size_t k = 0; k < kinds.size(); ++k)
            if (kinds[k]) by += (by.empty() ? "" : " or ") + std::string{kKinds[k]};
        if (agg_rows.per_row() > 1) by += " (up to " + std::to_string(agg_rows.per_row()) + " a row)";
        s.paragraphs.push_back("Showing " + format_count(ctx.shown.size()) + " of " + format_count(total) +
                               " VMs one by one (those with a refusal or warning first, then in order); the other " +
                               format_count(hidden) + " are aggregated by " + by + " into " + plural(rows.size(), "row", "rows") +
                               " of counts by replication state over time.");
    }
    s.paragraphs.push_back("Hover over a bar, a diamond or a band for what it is, when, and the rule behind it. Bands across the "
                           "chart are faults (a site down, a broadcast storm, a peering location down).");
    s.charts.push_back(std::move(chart));
    return s;
}

// ---------------------------------------------------------------------------------------------
// Reachability

reporting::Section reachability_section(const ReportContext& ctx) {
    const ReachabilityRecord& rec = ctx.sim.reachability();
    const auto& pairs = rec.pairs();
    reporting::Section s;
    s.heading = "Reachability";
    if (pairs.empty()) {
        s.paragraphs.push_back("The scenario has no clients: nothing records who can reach whom.");
        return s;
    }
    reporting::TimeChart chart;
    chart.title = "What each client could reach over time";
    chart.axis = time_axis(ctx.end);
    const CategoryId reachable = chart.palette.add(box("reachable", "#009E73"));
    const CategoryId unreachable = chart.palette.add(box("unreachable", "#D55E00", Pattern::hatch));
    chart.palette.add(box("site down", "#D41159"));
    chart.palette.add(box("broadcast storm", "#FFB000", Pattern::hatch));
    chart.palette.add(box("peering location down", "#882255", Pattern::hatch));
    // The same bands as the Gantt chart; its fault categories are the last three there, here too.
    for (reporting::ChartLine l : ctx.fault_lines) {
        l.category = l.category == ctx.fault_site ? 2 : l.category == ctx.fault_storm ? 3 : 4;
        chart.lines.push_back(std::move(l));
    }
    hide_unused(chart.lines, chart.palette, {2, 3, 4});
    chart.stack_categories = {reachable, unreachable};

    auto target_of = [&](const ReachPair& p) { return p.app.empty() ? "VM " + ctx.w.vms[p.vm].name : "app " + p.app; };
    auto has_outage = [&](std::size_t i) {
        for (const auto& iv : rec.intervals(pairs[i]))
            if (!iv.reachable) return true;
        return false;
    };
    const auto shown = pick(pairs.size(), ctx.limits.strips, has_outage);
    std::vector<bool> is_shown(pairs.size(), false);
    for (std::size_t i : shown) is_shown[i] = true;
    // By client, in client order, then in the record's order.
    std::vector<std::vector<std::size_t>> by_client(ctx.w.clients.size());
    for (std::size_t i : shown) by_client[pairs[i].client].push_back(i);
    for (Id c = 0; c < ctx.w.clients.size(); ++c) {
        if (by_client[c].empty()) continue;
        reporting::ChartGroup g;
        g.label = "client " + ctx.w.clients[c].name + " at " + ctx.w.sites[ctx.w.clients[c].site].name;
        for (std::size_t i : by_client[c]) {
            reporting::ChartRow row;
            row.label = std::string{kArrow} + " " + target_of(pairs[i]);
            row.title = ctx.w.clients[c].name + " " + kArrow + " " + target_of(pairs[i]);
            for (const ReachInterval& iv : rec.intervals(pairs[i])) {
                const Millis to = iv.end < 0 ? ctx.end : iv.end;
                std::string why = iv.has_rule ? std::string{rule_id(iv.rule)} + ": " + iv.detail
                                              : (iv.start == 0 ? "as the run starts" : iv.detail);
                row.bars.push_back({iv.start, std::max(to, iv.start), 0, iv.reachable ? reachable : unreachable,
                                    std::string{iv.reachable ? "reachable " : "unreachable "} + interval_text(iv.start, to) + "\n" + why});
            }
            g.rows.push_back(std::move(row));
        }
        chart.groups.push_back(std::move(g));
    }
    const std::size_t hidden = pairs.size() - shown.size();
    if (hidden > 0) {
        // The other pairs as counts of reachable and unreachable per client (or run of clients).
        std::vector<std::size_t> hidden_per_client(ctx.w.clients.size(), 0);
        for (std::size_t i = 0; i < pairs.size(); ++i)
            if (!is_shown[i]) ++hidden_per_client[pairs[i].client];
        const AggregateRows agg_rows(hidden_per_client, ctx.limits.aggregate_rows);
        const auto& rows = agg_rows.rows;
        const auto& clients = agg_rows.groups;
        std::vector<std::vector<CountChange>> changes(rows.size());
        std::vector<std::size_t> count(rows.size(), 0);
        for (std::size_t i = 0; i < pairs.size(); ++i) {
            if (is_shown[i]) continue;
            const std::size_t r = agg_rows.row_of[pairs[i].client];
            ++count[r];
            for (const ReachInterval& iv : rec.intervals(pairs[i])) {
                const std::uint16_t k = iv.reachable ? 0 : 1;
                changes[r].push_back({iv.start, k, +1});
                if (iv.end >= 0) changes[r].push_back({iv.end, k, -1});
            }
        }
        const Millis quantum = std::max<Millis>(chart.axis.end / 1000, 1);
        reporting::ChartGroup agg;
        agg.label = "The other " + plural(hidden, "pair", "pairs") + ", counted";
        for (std::size_t r = 0; r < rows.size(); ++r) {
            std::stable_sort(changes[r].begin(), changes[r].end(), [](const CountChange& a, const CountChange& b) { return a.time < b.time; });
            const std::string& a = ctx.w.clients[clients[rows[r].first]].name;
            const std::string& b = ctx.w.clients[clients[rows[r].last]].name;
            reporting::ChartRow row;
            row.label = (rows[r].first == rows[r].last ? a : a + " \xE2\x80\xA6 " + b) + " (" + format_count(count[r]) + ")";
            row.title = row.label + ": " + plural(count[r], "client and app or VM pair", "client and app or VM pairs");
            row.stacks = stacks_over_time({0, 0}, changes[r], chart.axis.end, quantum, row.label, {"reachable", "unreachable"});
            agg.rows.push_back(std::move(row));
        }
        chart.groups.push_back(std::move(agg));
        s.paragraphs.push_back("Showing " + format_count(shown.size()) + " of " + format_count(pairs.size()) +
                               " client and app (or VM) pairs one by one (those with an outage first); the other " +
                               format_count(hidden) + " are aggregated by client into " + plural(rows.size(), "row", "rows") +
                               " of counts over time.");
    }
    s.paragraphs.push_back("An app is reachable while every one of its VMs is. Hover over an interval for the rule that "
                           "made it so.");
    s.charts.push_back(std::move(chart));
    return s;
}

// ---------------------------------------------------------------------------------------------
// Topology before and after

struct TopologyStyle {
    CategoryId site, site_down, network, network_created, subnet, subnet_standby, circuit;
    CategoryId vpn, vnet_to_vnet, peering, expressroute, stretched, mapping;
};

reporting::Palette topology_palette(TopologyStyle& st) {
    reporting::Palette p;
    st.site = p.add(box("site", "#F2F2F2"));
    st.site_down = p.add(box("site down", "#F4C7D6", Pattern::hatch));
    st.network = p.add(box("network", "#DDEBF7"));
    st.network_created = p.add(box("network created by the run", "#FCE4C4"));
    st.subnet = p.add(box("subnet (active here)", "#FFFFFF"));
    st.subnet_standby = p.add(box("subnet on standby (active elsewhere)", "#E3E3E3"));
    st.circuit = p.add(box("ExpressRoute circuit", "#E8E0F0"));
    st.vpn = p.add({"VPN", "#0072B2", Pattern::solid, LegendShape::line});
    st.vnet_to_vnet = p.add({"VNet-to-VNet", "#56B4E9", Pattern::solid, LegendShape::line});
    st.peering = p.add({"peering", "#009E73", Pattern::solid, LegendShape::line});
    st.expressroute = p.add({"ExpressRoute", "#CC79A7", Pattern::solid, LegendShape::line});
    st.stretched = p.add({"stretched subnet", "#E69F00", Pattern::solid, LegendShape::line});
    st.mapping = p.add({"network mapping", "#999999", Pattern::solid, LegendShape::dashed_line});
    return p;
}

std::string vertex_key(const World& w, TopologyVertex v) {
    const VertexProps& p = w.topology.graph()[v];
    switch (p.kind) {
        case VertexKind::site: return "site:" + std::to_string(p.entity);
        case VertexKind::network: return "net:" + std::to_string(p.entity);
        case VertexKind::subnet: return "subnet:" + std::to_string(p.entity);
        case VertexKind::circuit: return "circuit:" + std::to_string(p.entity);
    }
    return "";
}

const char* kind_name(ConnectionKind k) {
    switch (k) {
        case ConnectionKind::vpn: return "VPN";
        case ConnectionKind::vnet_to_vnet: return "VNet-to-VNet";
        case ConnectionKind::peering: return "peering";
        case ConnectionKind::expressroute: return "ExpressRoute";
    }
    return "";
}

// Where each VM is, per subnet: a line of text each, for the first few, and a count.
struct Occupants {
    std::vector<std::vector<std::string>> lines;  ///< per subnet
    std::vector<std::size_t> count;               ///< per subnet
    std::vector<std::string> unplaced;            ///< per site: VMs with no network there
    std::vector<std::size_t> unplaced_count;
    std::size_t limit;

    Occupants(const World& w, std::size_t l)
        : lines(w.subnets.size()), count(w.subnets.size(), 0), unplaced(w.sites.size()), unplaced_count(w.sites.size(), 0), limit(l) {}
    void add(Id subnet, std::string line) {
        if (lines[subnet].size() < limit) lines[subnet].push_back(std::move(line));
        ++count[subnet];
    }
    void add_unplaced(Id site, const std::string& name) {
        if (unplaced_count[site] < limit) unplaced[site] += (unplaced[site].empty() ? "" : ", ") + name;
        ++unplaced_count[site];
    }
};

reporting::Diagram topology(const ReportContext& ctx, bool after) {
    const World& w = ctx.w;
    const Scenario& spec = ctx.sim.scenario();
    TopologyStyle st{};
    reporting::Diagram d;
    d.palette = topology_palette(st);
    d.title = after ? "After: at " + format_duration(ctx.end) + ", where each VM (and replica) runs"
                    : "Before: as the scenario declares it, before any event";
    d.legend_notes = {"dashed: disconnected or down"};

    Occupants occ(w, ctx.limits.vms_per_subnet);
    if (after) {
        for (Id v = 0; v < w.vms.size(); ++v) {
            const Vm& vm = w.vms[v];
            for (Slot slot : {Slot::home, Slot::recovery, Slot::test}) {
                const Instance& inst = vm.instance(slot);
                if (!inst.exists) continue;
                const bool runs = w.running(inst);
                const char* role = slot == Slot::test ? " (test)" : slot == Slot::recovery ? " (replica)" : "";
                // On each subnet one of its NICs is on (a VM with NICs on two subnets shows on both).
                bool placed = false;
                for (const NicBinding& nic : inst.nics) {
                    if (nic.subnet == kNone) continue;
                    placed = true;
                    if (occ.lines[nic.subnet].size() < occ.limit)
                        occ.add(nic.subnet, vm.name + role + " " + (nic.ip ? nic.ip->to_string() : "no address") + (runs ? "" : " (stopped)"));
                    else
                        ++occ.count[nic.subnet];
                }
                if (!placed) occ.add_unplaced(inst.site, vm.name + role);
            }
        }
    } else {
        for (Id v = 0; v < spec.vms.size(); ++v) {
            const VmSpec& vs = spec.vms[v];
            const VmEntrySpec& entry = spec.entry_of(vs);
            const Id site = w.site_id(entry.site);
            if (entry.nics.empty()) {
                if (site != kNone) occ.add_unplaced(site, vs.name);
                continue;
            }
            for (std::size_t k = 0; k < entry.nics.size(); ++k) {
                const Id net = w.network_id(entry.nics[k].network);
                const Id sub = net == kNone ? kNone : w.subnet_of(net, entry.nics[k].subnet);
                if (sub == kNone) continue;
                const std::optional<Ipv4Address> ip = spec.nic_ip(vs, k);
                if (occ.lines[sub].size() < occ.limit)
                    occ.add(sub, vs.name + " " + (ip ? ip->to_string() : "dhcp"));
                else
                    ++occ.count[sub];
            }
        }
    }

    // Sites as columns; in each, its networks with their subnets, then its circuits.
    std::vector<std::vector<Id>> networks_of(w.sites.size()), circuits_of(w.sites.size());
    std::vector<std::vector<std::string>> clients_of(w.sites.size());
    for (Id n = 0; n < w.networks.size(); ++n)
        if (after || !w.networks[n].created_at_run_time) networks_of[w.networks[n].site].push_back(n);
    for (Id c = 0; c < w.circuits.size(); ++c)
        if (w.circuits[c].site != kNone) circuits_of[w.circuits[c].site].push_back(c);
    for (const Client& c : w.clients) clients_of[c.site].push_back(c.name);
    for (Id s = 0; s < w.sites.size(); ++s) {
        const Site& site = w.sites[s];
        reporting::DiagramBox sb;
        sb.key = "site:" + std::to_string(s);
        const bool down = after && !w.site_up(s);
        sb.label = site.name + (down ? " (down)" : "");
        sb.category = down ? st.site_down : st.site;
        sb.title = std::string{site.kind == SiteKind::azure ? "Azure region " : "on-premises site "} + site.name +
                   (site.geo.empty() ? "" : ", geo " + site.geo) + (site.vmm.empty() ? "" : ", VMM " + site.vmm);
        sb.lines.push_back(site.kind == SiteKind::azure ? "Azure" + (site.geo.empty() ? "" : " (" + site.geo + ")") : "on-premises");
        if (!clients_of[s].empty()) {
            std::string line = clients_of[s].size() == 1 ? "client " : "clients ";
            for (std::size_t i = 0; i < clients_of[s].size() && i < 4; ++i) line += (i ? ", " : "") + clients_of[s][i];
            if (clients_of[s].size() > 4) line += " +" + format_count(clients_of[s].size() - 4);
            sb.lines.push_back(line);
        }
        if (occ.unplaced_count[s])
            sb.lines.push_back("no network: " + occ.unplaced[s] +
                               (occ.unplaced_count[s] > occ.limit ? " +" + format_count(occ.unplaced_count[s] - occ.limit) : ""));
        for (Id n : networks_of[s]) {
            const Network& net = w.networks[n];
            reporting::DiagramBox nb;
            nb.key = "net:" + std::to_string(n);
            nb.label = net.name;
            nb.category = net.created_at_run_time ? st.network_created : st.network;
            std::string space;
            for (std::size_t i = 0; i < net.address_space.size() && i < 4; ++i) {
                if (!space.empty()) space += ' ';
                space += net.address_space[i].to_string();
            }
            if (net.address_space.size() > 4) space += " +" + plural(net.address_space.size() - 4, "prefix", "prefixes");
            nb.lines.push_back(space);
            nb.title = "network " + net.name + ", address space " + space + (net.created_at_run_time ? " (created by the run)" : "");
            std::size_t hidden_subnets = 0, hidden_vms = 0;
            for (std::size_t i = 0; i < net.subnets.size(); ++i) {
                const Id sn = net.subnets[i];
                if (i >= ctx.limits.subnets_per_network) {
                    ++hidden_subnets;
                    hidden_vms += occ.count[sn];
                    continue;
                }
                const Subnet& sub = w.subnets[sn];
                reporting::DiagramBox b;
                b.key = "subnet:" + std::to_string(sn);
                b.label = sub.name + " " + sub.prefix.to_string();
                const bool active = !after || w.network.active_site(sn) == net.site;
                b.category = active ? st.subnet : st.subnet_standby;
                b.title = "subnet " + sub.name + " " + sub.prefix.to_string() + " of " + net.name;
                if (!active) b.lines.push_back("standby: active at " + w.sites[w.network.active_site(sn)].name);
                b.lines.insert(b.lines.end(), occ.lines[sn].begin(), occ.lines[sn].end());
                if (occ.count[sn] > occ.lines[sn].size()) b.lines.push_back("+ " + plural(occ.count[sn] - occ.lines[sn].size(), "more VM", "more VMs"));
                nb.children.push_back(std::move(b));
            }
            if (hidden_subnets)
                nb.lines.push_back("+ " + plural(hidden_subnets, "more subnet", "more subnets") + " holding " +
                                   plural(hidden_vms, after ? "instance" : "VM", after ? "instances" : "VMs"));
            sb.children.push_back(std::move(nb));
        }
        for (Id c : circuits_of[s]) {
            const Circuit& circuit = w.circuits[c];
            reporting::DiagramBox cb;
            cb.key = "circuit:" + std::to_string(c);
            cb.label = circuit.name;
            cb.category = st.circuit;
            cb.lines.push_back("ExpressRoute at " + circuit.peering_location + (circuit.premium ? ", premium" : ""));
            if (after && !w.network.peering_location_up(circuit.peering_location)) cb.lines.push_back("peering location down");
            cb.title = "ExpressRoute circuit " + circuit.name;
            sb.children.push_back(std::move(cb));
        }
        d.boxes.push_back(std::move(sb));
    }
    // Sites with networks first, so the wide columns sit together; then the others in order.
    std::stable_partition(d.boxes.begin(), d.boxes.end(), [](const reporting::DiagramBox& b) { return !b.children.empty(); });
    // Beyond the limit, the last sites are one box, and their edges lead to it.
    std::unordered_map<std::string, std::string> redirect;
    if (d.boxes.size() > ctx.limits.sites && ctx.limits.sites > 0) {
        const std::size_t keep = ctx.limits.sites - 1;
        reporting::DiagramBox more;
        more.key = "site:more";
        more.category = st.site;
        more.label = "+ " + plural(d.boxes.size() - keep, "more site", "more sites");
        std::string names;
        std::size_t networks = 0;
        for (std::size_t i = keep; i < d.boxes.size(); ++i) {
            if (i < keep + 6) names += (names.empty() ? "" : ", ") + d.boxes[i].label;
            std::vector<const reporting::DiagramBox*> stack{&d.boxes[i]};
            while (!stack.empty()) {
                const reporting::DiagramBox* b = stack.back();
                stack.pop_back();
                redirect[b->key] = more.key;
                networks += b->key.rfind("net:", 0) == 0 ? 1 : 0;
                for (const auto& c : b->children) stack.push_back(&c);
            }
        }
        more.lines.push_back(names + (d.boxes.size() - keep > 6 ? ", \xE2\x80\xA6" : ""));
        if (networks) more.lines.push_back(plural(networks, "network", "networks") + " (not drawn)");
        more.title = more.label + ": their connections are drawn to this box, one line per kind and other end";
        d.boxes.resize(keep);
        d.boxes.push_back(std::move(more));
    }

    for (Id c = 0; c < w.connections.size(); ++c) {
        const Connection& conn = w.connections[c];
        const bool declared = c < spec.connections.size() && spec.connections[c].name == conn.name ? spec.connections[c].connected : true;
        const bool connected = after ? w.network.connected(c) : declared;
        const bool up = after ? w.edge_up(conn.edge) : declared;
        reporting::DiagramEdge e;
        e.from = vertex_key(w, conn.ends[0]);
        e.to = vertex_key(w, conn.ends[1]);
        e.category = conn.kind == ConnectionKind::vpn            ? st.vpn
                     : conn.kind == ConnectionKind::vnet_to_vnet ? st.vnet_to_vnet
                     : conn.kind == ConnectionKind::peering      ? st.peering
                                                                 : st.expressroute;
        e.dashed = !up;
        e.label = conn.name + (connected ? (up ? "" : " (down)") : " (disconnected)");
        e.title = std::string{kind_name(conn.kind)} + " " + conn.name + ", " + (conn.routing == Routing::bgp ? "BGP" : "static routes") +
                  ": " + (connected ? (up ? "connected" : "connected, but an end is down") : "disconnected") +
                  (conn.gateway_transit ? ", gateway transit" : "");
        d.edges.push_back(std::move(e));
    }
    // Stretched subnets: to the subnet of the same prefix at the other site, else to that site.
    for (Id sn = 0; sn < w.subnets.size(); ++sn) {
        const Subnet& sub = w.subnets[sn];
        if (sub.stretched_to == kNone) continue;
        std::string to = "site:" + std::to_string(sub.stretched_to);
        for (Id n : networks_of[sub.stretched_to])
            for (Id other : w.networks[n].subnets)
                if (w.subnets[other].prefix == sub.prefix) to = "subnet:" + std::to_string(other);
        const bool storm = after && w.network.storm(sn);
        d.edges.push_back({"subnet:" + std::to_string(sn), to, st.stretched, storm,
                           "stretched" + std::string{storm ? " (storm)" : ""},
                           "subnet " + sub.name + " " + sub.prefix.to_string() + " stretched to " + w.sites[sub.stretched_to].name +
                               (storm ? ": broadcast storm" : "")});
    }
    if (after)
        for (Id n = 0; n < w.networks.size(); ++n)
            if (w.mappings[n])
                d.edges.push_back({"net:" + std::to_string(n), "net:" + std::to_string(w.mappings[n]->target), st.mapping, true, "mapped",
                                   "network mapping " + w.networks[n].name + " " + kArrow + " " + w.networks[w.mappings[n]->target].name});
    if (!redirect.empty()) {
        // Edges to the merged sites: one per (ends, kind, state), with how many it stands for.
        std::map<std::tuple<std::string, std::string, CategoryId, bool>, std::size_t> seen;
        std::vector<reporting::DiagramEdge> merged;
        std::vector<std::size_t> count;
        for (auto& e : d.edges) {
            if (auto it = redirect.find(e.from); it != redirect.end()) e.from = it->second;
            if (auto it = redirect.find(e.to); it != redirect.end()) e.to = it->second;
            if (e.from == e.to) continue;
            const auto key = std::make_tuple(e.from, e.to, e.category, e.dashed);
            if (auto it = seen.find(key); it != seen.end()) {
                ++count[it->second];
                continue;
            }
            seen.emplace(key, merged.size());
            merged.push_back(std::move(e));
            count.push_back(1);
        }
        for (std::size_t i = 0; i < merged.size(); ++i)
            if (count[i] > 1) {
                merged[i].label += " and " + format_count(count[i] - 1) + " like it";
                merged[i].title += " (and " + plural(count[i] - 1, "more like it", "more like it") + ")";
            }
        d.edges = std::move(merged);
    }
    return d;
}

reporting::Section topology_section(const ReportContext& ctx) {
    reporting::Section s;
    s.heading = "Topology before and after";
    s.paragraphs.push_back("Sites as columns, each with its networks, their subnets and the VMs on them (the first " +
                           std::to_string(ctx.limits.vms_per_subnet) + " of each subnet by name and address, the others counted; " +
                           "the first " + std::to_string(ctx.limits.subnets_per_network) +
                           " subnets of each network). Hover over a box or a connection for its details.");
    s.diagrams.push_back(topology(ctx, false));
    s.diagrams.push_back(topology(ctx, true));
    return s;
}

// ---------------------------------------------------------------------------------------------
// Expectations, metrics, decisions

reporting::Section expectations_section(const ReportContext& ctx) {
    reporting::Section s;
    s.heading = "Expectations";
    const ExpectationCounts counts = count_expectations(ctx.sim);
    s.paragraphs.push_back((counts.all_held() ? "OK: " : "FAILED: ") + counts.summary() + ".");
    if (!counts.all_held()) s.tone = reporting::Tone::refused;
    const auto& all = ctx.sim.expectations();
    if (all.empty() && ctx.sim.notes().empty()) return s;
    reporting::Table t{"", {"time", "line", "result", "check", "expected", "found"}, {}, {}};
    const auto rows = pick(all.size(), ctx.limits.table_rows, [&](std::size_t i) { return !all[i].ok; });
    for (std::size_t i : rows) {
        const ExpectationResult& e = all[i];
        t.rows.push_back({format_duration(e.time), std::to_string(e.line),
                          e.ok ? "ok" : e.unexpected_refusal ? "FAILED: refused by " + std::string{e.rule} : "FAILED", e.check,
                          e.expected, e.found});
        t.row_tones.push_back(e.ok ? reporting::Tone::ok : reporting::Tone::refused);
    }
    if (rows.size() < all.size())
        s.paragraphs.push_back("Showing " + format_count(rows.size()) + " of " + format_count(all.size()) +
                               " (failures first); the JSON form (--json) lists all.");
    s.tables.push_back(std::move(t));
    if (!ctx.sim.notes().empty()) {
        reporting::Table n{"Refusals allowed (allow_refusals: true)", {"time", "line", "operation", "rule", "detail"}, {}, {}};
        for (std::size_t i = 0; i < ctx.sim.notes().size() && i < ctx.limits.table_rows; ++i) {
            const auto& e = ctx.sim.notes()[i];
            n.rows.push_back({format_duration(e.time), std::to_string(e.line), e.check, std::string{e.rule}, e.found});
            n.row_tones.push_back(reporting::Tone::warning);
        }
        s.tables.push_back(std::move(n));
    }
    return s;
}

reporting::Section metrics_section(const ReportContext& ctx) {
    const Simulation& sim = ctx.sim;
    const World& w = ctx.w;
    reporting::Section s;
    s.heading = "Metrics";
    s.paragraphs.push_back("Downtime: time with no serving instance (per VM and app) or unreachable (per client); time to "
                           "recover: the longest single outage.");
    if (!sim.apps().empty()) {
        reporting::Table t{"Apps", {"app", "vms", "downtime", "time to recover", "outages"}, {}, {}};
        for (std::size_t i = 0; i < sim.apps().size() && i < ctx.limits.table_rows; ++i) {
            const auto& [app, members] = sim.apps()[i];
            const DowntimeMetric m = sim.app_downtime(app);
            t.rows.push_back({app, format_count(members.size()), format_duration(m.downtime), format_duration(m.longest_outage),
                              std::to_string(m.outages)});
        }
        if (sim.apps().size() > ctx.limits.table_rows)
            t.title += " (the first " + format_count(ctx.limits.table_rows) + " of " + format_count(sim.apps().size()) + ")";
        s.tables.push_back(std::move(t));
    }
    {
        const std::size_t listed = std::min(ctx.shown.size(), ctx.limits.detailed_vms);
        reporting::Table t{"VMs", {"vm", "state", "where", "downtime", "time to recover", "outages", "unprotected"}, {}, {}};
        for (std::size_t k = 0; k < listed; ++k) {
            const Id v = ctx.shown[k];
            const Vm& vm = w.vms[v];
            const Instance& inst = vm.instance(vm.active_slot());
            const DowntimeMetric m = sim.vm_downtime(v);
            t.rows.push_back({vm.name, std::string{to_string(vm.replication.state)},
                              inst.exists ? w.sites[inst.site].name + (inst.nics.empty() ? "" : ", " + describe_nic(w, inst.nics[0])) : "-",
                              format_duration(m.downtime), format_duration(m.longest_outage), std::to_string(m.outages),
                              format_duration(vm.replication.unprotected_time(sim.end_time()))});
        }
        if (listed < w.vms.size()) t.title += " (the " + format_count(listed) + " of the timeline, of " + format_count(w.vms.size()) + ")";
        s.tables.push_back(std::move(t));
    }
    const auto& pairs = sim.reachability().pairs();
    if (!pairs.empty()) {
        reporting::Table t{"Clients", {"client", "app or vm", "unreachable", "time to recover", "outages"}, {}, {}};
        const auto rows = pick(pairs.size(), ctx.limits.table_rows, [&](std::size_t i) { return sim.pair_downtime(pairs[i]).outages > 0; });
        for (std::size_t i : rows) {
            const ReachPair& p = pairs[i];
            const DowntimeMetric m = sim.pair_downtime(p);
            t.rows.push_back({w.clients[p.client].name, p.app.empty() ? "vm " + w.vms[p.vm].name : "app " + p.app,
                              format_duration(m.downtime), format_duration(m.longest_outage), std::to_string(m.outages)});
        }
        if (rows.size() < pairs.size())
            t.title += " (" + format_count(rows.size()) + " of " + format_count(pairs.size()) + " pairs, those with an outage first)";
        s.tables.push_back(std::move(t));
    }
    return s;
}

reporting::Section decisions_section(const ReportContext& ctx) {
    reporting::Section s;
    s.heading = "Decisions per VM";
    const std::size_t listed = std::min(ctx.shown.size(), ctx.limits.detailed_vms);
    s.paragraphs.push_back("Every record about a VM, with each decision's rule and inputs (`drsim explain FILE --vm NAME` "
                           "shows the same for any VM, with each client's path to it).");
    if (listed < ctx.w.vms.size())
        s.paragraphs.push_back("Showing " + format_count(listed) + " of " + format_count(ctx.w.vms.size()) +
                               " VMs: those of the timeline above.");
    for (std::size_t k = 0; k < listed; ++k) {
        const Vm& vm = ctx.w.vms[ctx.shown[k]];
        reporting::Section d;
        d.collapsible = true;
        std::size_t refused = 0, decisions = 0;
        reporting::Timeline t;
        for (const LogRecord* r : ctx.records[k]) {
            refused += r->outcome == Outcome::refused ? 1 : 0;
            decisions += r->decisions().size();
            t.entries.push_back(timeline_entry(ctx.w, *r));
            cap_details(t.entries.back(), ctx.limits.details_per_record);
        }
        d.heading = vm.name + " " + kDash + " " + plural(ctx.records[k].size(), "record", "records") + ", " +
                    plural(decisions, "decision", "decisions") + (refused ? ", " + plural(refused, "refusal", "refusals") : "") +
                    "; at the end " + std::string{to_string(vm.replication.state)};
        if (refused) d.tone = reporting::Tone::refused;
        d.timelines.push_back(std::move(t));
        s.subsections.push_back(std::move(d));
    }
    return s;
}

reporting::Section summary_section(const ReportContext& ctx) {
    const Simulation& sim = ctx.sim;
    const Scenario& spec = sim.scenario();
    const World& w = ctx.w;
    reporting::Section s;
    s.heading = "Summary";
    static constexpr std::array<const char*, 4> kFabrics{"Azure to Azure", "VMM to VMM", "VMM to Azure", "Hyper-V to Azure"};
    if (!spec.description.empty()) s.paragraphs.push_back(spec.description);
    const ExpectationCounts counts = count_expectations(sim);
    s.paragraphs.push_back((counts.all_held() ? "OK: " : "FAILED: ") + counts.summary() + ".");
    if (!counts.all_held()) s.tone = reporting::Tone::refused;
    reporting::Table t{"", {"scenario", "file", "fabric", "seed", "simulated", "sites", "networks", "subnets", "vms", "clients", "records"}, {}, {}};
    t.rows.push_back({spec.name + (spec.variant.empty() ? "" : " (variant " + spec.variant + ")"), spec.file,
                      kFabrics[static_cast<std::size_t>(spec.fabric)],
                      // The seed the run drew from (--seed, else the file's), and the sweep run it replays.
                      std::to_string(sim.seed()) + (sim.run_id() != 0 ? ", run " + std::to_string(sim.run_id()) : ""),
                      format_duration(ctx.end),
                      format_count(w.sites.size()), format_count(w.networks.size()), format_count(w.subnets.size()),
                      format_count(w.vms.size()), format_count(w.clients.size()), format_count(sim.log().size())});
    s.tables.push_back(std::move(t));
    if (!sim.planning_warnings().empty()) {
        reporting::Table pw{"Planning warnings", {"line", "rule", "detail"}, {}, {}};
        for (std::size_t i = 0; i < sim.planning_warnings().size() && i < ctx.limits.table_rows; ++i) {
            const auto& p = sim.planning_warnings()[i];
            pw.rows.push_back({std::to_string(p.loc.line), std::string{rule_id(p.rule)}, p.detail});
            pw.row_tones.push_back(reporting::Tone::warning);
        }
        s.tables.push_back(std::move(pw));
    }
    return s;
}

}  // namespace

reporting::Document build_html_report(const Simulation& sim, const ReportOptions& options, const HtmlReportLimits& limits) {
    ReportContext ctx(sim, limits);
    ctx.groups = group_vms(sim);
    read_log(ctx);

    reporting::Document doc;
    doc.title = "drsim: " + sim.scenario().name + (sim.scenario().variant.empty() ? "" : " (variant " + sim.scenario().variant + ")");
    doc.sections.push_back(summary_section(ctx));
    doc.sections.push_back(gantt_section(ctx));
    doc.sections.push_back(reachability_section(ctx));
    doc.sections.push_back(topology_section(ctx));
    doc.sections.push_back(expectations_section(ctx));
    doc.sections.push_back(metrics_section(ctx));
    doc.sections.push_back(decisions_section(ctx));
    reporting::Section timeline = build_timeline_section(sim, options);
    timeline.heading = "Every record (text timeline)";
    timeline.collapsible = true;
    if (!timeline.timelines.empty() && timeline.timelines[0].entries.size() > limits.timeline_entries) {
        auto& entries = timeline.timelines[0].entries;
        timeline.paragraphs.push_back("The first " + format_count(limits.timeline_entries) + " of " + format_count(entries.size()) +
                                      " entries; `drsim run` prints them all, and --json holds every record.");
        entries.resize(limits.timeline_entries);
    }
    for (auto& t : timeline.timelines)
        for (auto& e : t.entries) cap_details(e, limits.details_per_record);
    doc.sections.push_back(std::move(timeline));
    return doc;
}

}  // namespace drsim
