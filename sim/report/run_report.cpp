#include "sim/report/run_report.hpp"

#include <algorithm>

#include "engine/sim_time.hpp"
#include "sim/decisions/planning_checks.hpp"
#include "sim/routing/reachability.hpp"

namespace drsim {

namespace {

using engine::format_duration;

std::string headline(const LogRecord& r) {
    std::string h{r.op};
    if (r.phase == Phase::done) h += " done";
    if (!r.target.empty()) h += " " + r.target;
    return h;
}

std::string status(const LogRecord& r) {
    std::string s{to_string(r.outcome)};
    if (r.refused_by) s += " by " + std::string{rule_id(*r.refused_by)};
    if (!r.state_after.empty() && !r.refused_by) s += (r.phase == Phase::start ? " -> " : ", ") + std::string{r.state_after};
    if (r.health_after == "degraded" && !r.refused_by) s += " (degraded)";
    return s;
}

reporting::TimelineEntry::Tone tone(Outcome o) {
    switch (o) {
        case Outcome::refused: return reporting::TimelineEntry::Tone::refused;
        case Outcome::warning: return reporting::TimelineEntry::Tone::warning;
        case Outcome::ok: break;
    }
    return reporting::TimelineEntry::Tone::ok;
}

}  // namespace

reporting::TimelineEntry timeline_entry(const LogRecord& r) {
    reporting::TimelineEntry e;
    e.time = format_duration(r.time);
    e.headline = headline(r);
    e.status = status(r);
    e.tone = tone(r.outcome);
    if (!r.detail.empty()) e.details.emplace_back("", r.detail);
    for (Rule also : r.also_refused_by) e.details.emplace_back(std::string{rule_id(also)}, "also forbids it");
    for (const auto& d : r.decisions)
        e.details.emplace_back(std::string{rule_id(d.rule)}, d.warning ? "warning: " + d.detail : d.detail);
    return e;
}

namespace {

// Records alike enough to be summarised together in a long run: same moment, operation, outcome
// and the same sequence of rules.
bool alike(const LogRecord& a, const LogRecord& b) {
    if (a.time != b.time || a.op != b.op || a.phase != b.phase || a.outcome != b.outcome ||
        a.event_index != b.event_index || a.refused_by != b.refused_by || a.decisions.size() != b.decisions.size() ||
        a.state_after != b.state_after || a.health_after != b.health_after)
        return false;
    for (std::size_t i = 0; i < a.decisions.size(); ++i)
        if (a.decisions[i].rule != b.decisions[i].rule) return false;
    return true;
}

nlohmann::json decision_json(const Decision& d) {
    nlohmann::json j{{"rule", rule_id(d.rule)}, {"detail", d.detail}};
    if (d.warning) j["warning"] = true;
    return j;
}

nlohmann::json nic_json(const World& w, const NicBinding& nic) {
    nlohmann::json j;
    j["network"] = nic.network == kNone ? nlohmann::json(nullptr) : nlohmann::json(w.networks[nic.network].name);
    j["subnet"] = nic.subnet == kNone ? nlohmann::json(nullptr) : nlohmann::json(w.subnets[nic.subnet].name);
    j["ip"] = nic.ip ? nlohmann::json(nic.ip->to_string()) : nlohmann::json(nullptr);
    j["allocation"] = nic.dhcp ? "dhcp" : "static";
    return j;
}

nlohmann::json instance_json(const World& w, const Instance& inst) {
    if (!inst.exists) return nullptr;
    nlohmann::json j;
    j["site"] = w.sites[inst.site].name;
    j["running"] = w.running(inst);
    j["nics"] = nlohmann::json::array();
    for (const auto& nic : inst.nics) j["nics"].push_back(nic_json(w, nic));
    return j;
}


}  // namespace

ExpectationCounts count_expectations(const Simulation& sim) {
    ExpectationCounts c;
    for (const auto& e : sim.expectations()) {
        if (e.unexpected_refusal) {
            ++c.unexpected_refusals;
            continue;
        }
        ++c.checks;
        c.failed_checks += e.ok ? 0 : 1;
    }
    c.allowed_refusals = sim.notes().size();
    return c;
}

std::string ExpectationCounts::summary() const {
    std::string s = std::to_string(checks - failed_checks) + " of " + std::to_string(checks) + " expectations held";
    if (failed_checks) s += "; " + std::to_string(failed_checks) + " FAILED";
    if (unexpected_refusals)
        s += "; " + std::to_string(unexpected_refusals) + " unexpected refusal" + (unexpected_refusals == 1 ? "" : "s");
    if (allowed_refusals)
        s += "; " + std::to_string(allowed_refusals) + " refusal" + (allowed_refusals == 1 ? "" : "s") + " allowed";
    return s;
}

nlohmann::json seconds(Millis ms) {
    if (ms % 1000 == 0) return ms / 1000;
    return static_cast<double>(ms) / 1000.0;
}

reporting::Section build_timeline_section(const Simulation& sim, const ReportOptions& options) {
    reporting::Section timeline_section;
    timeline_section.heading = "Timeline";
    reporting::Timeline timeline;
    const auto& log = sim.log();
    for (std::size_t i = 0; i < log.size();) {
        std::size_t j = i + 1;
        while (j < log.size() && alike(log[i], log[j])) ++j;
        const std::size_t run = j - i;
        const std::size_t shown = options.verbose || run <= options.batch_shown + 1 ? run : options.batch_shown;
        for (std::size_t k = i; k < i + shown; ++k) timeline.entries.push_back(timeline_entry(log[k]));
        if (shown < run) {
            reporting::TimelineEntry more;
            more.time = format_duration(log[i].time);
            more.headline = "... and " + std::to_string(run - shown) + " more " + std::string{log[i].op} +
                            (log[i].phase == Phase::done ? " done" : "") + " like these";
            more.status = status(log[i]);
            more.tone = tone(log[i].outcome);
            timeline.entries.push_back(std::move(more));
        }
        i = j;
    }
    timeline_section.timelines.push_back(std::move(timeline));
    return timeline_section;
}

reporting::Document build_document(const Simulation& sim, const ReportOptions& options) {
    const World& w = sim.world();
    reporting::Document doc;
    doc.title = "drsim: " + sim.scenario().name + (sim.scenario().variant.empty() ? "" : " (variant " + sim.scenario().variant + ")");

    doc.sections.push_back(build_timeline_section(sim, options));

    if (!sim.expectations().empty()) {
        reporting::Section s;
        s.heading = "Expectations";
        reporting::Table t{"", {"time", "line", "result", "check", "expected", "found"}, {}};
        for (const auto& e : sim.expectations())
            t.rows.push_back({format_duration(e.time), std::to_string(e.line), e.ok ? "ok" : "FAILED", e.check,
                              e.expected, e.ok ? "" : e.found});
        s.paragraphs.push_back(count_expectations(sim).summary());
        s.tables.push_back(std::move(t));
        doc.sections.push_back(std::move(s));
    }
    if (!sim.notes().empty()) {
        reporting::Section s;
        s.heading = "Refusals (allowed: allow_refusals is set)";
        reporting::Table t{"", {"time", "line", "operation", "rule", "detail"}, {}};
        for (const auto& n : sim.notes())
            t.rows.push_back({format_duration(n.time), std::to_string(n.line), n.check, std::string{n.rule}, n.found});
        s.tables.push_back(std::move(t));
        doc.sections.push_back(std::move(s));
    }

    reporting::Section final_section;
    final_section.heading = "Final state at " + format_duration(sim.end_time());
    constexpr std::size_t kListedVms = 50;
    reporting::Table vms{"", {"vm", "state", "health", "active site", "network", "subnet", "ip", "running", "downtime", "unprotected"}, {}};
    for (Id v = 0; v < w.vms.size() && v < kListedVms; ++v) {
        const Vm& vm = w.vms[v];
        const Instance& inst = vm.instance(vm.active_slot());
        const NicBinding nic = inst.exists && !inst.nics.empty() ? inst.nics[0] : NicBinding{};
        vms.rows.push_back({vm.name, std::string{to_string(vm.replication.state)}, std::string{health_name(vm.replication.degraded)},
                            inst.exists ? w.sites[inst.site].name : "-",
                            nic.network == kNone ? "none" : w.networks[nic.network].name,
                            nic.subnet == kNone ? "-" : w.subnets[nic.subnet].name, nic.ip ? nic.ip->to_string() : "-",
                            w.running(inst) ? "yes" : "no", format_duration(sim.vm_downtime(v).downtime),
                            format_duration(vm.replication.unprotected_time(sim.end_time()))});
    }
    if (w.vms.size() > kListedVms)
        final_section.paragraphs.push_back("First " + std::to_string(kListedVms) + " of " + std::to_string(w.vms.size()) +
                                           " VMs (the JSON form lists all):");
    final_section.tables.push_back(std::move(vms));
    if (!sim.apps().empty()) {
        reporting::Table apps{"", {"app", "vms", "downtime", "longest outage", "outages"}, {}};
        for (const auto& [app, members] : sim.apps()) {
            auto m = sim.app_downtime(app);
            apps.rows.push_back({app, std::to_string(members.size()), format_duration(m.downtime),
                                 format_duration(m.longest_outage), std::to_string(m.outages)});
        }
        final_section.tables.push_back(std::move(apps));
    }
    // What each client saw: the time it could not reach each app (or VM with no app).
    if (!sim.reachability().pairs().empty()) {
        constexpr std::size_t kListedPairs = 50;
        reporting::Table clients{"", {"client", "app or vm", "unreachable", "longest outage", "outages"}, {}};
        const auto& pairs = sim.reachability().pairs();
        for (std::size_t i = 0; i < pairs.size() && i < kListedPairs; ++i) {
            const ReachPair& p = pairs[i];
            const DowntimeMetric m = sim.pair_downtime(p);
            clients.rows.push_back({w.clients[p.client].name, p.app.empty() ? w.vms[p.vm].name : "app " + p.app,
                                    format_duration(m.downtime), format_duration(m.longest_outage), std::to_string(m.outages)});
        }
        if (pairs.size() > kListedPairs)
            final_section.paragraphs.push_back("First " + std::to_string(kListedPairs) + " of " + std::to_string(pairs.size()) +
                                               " client and app pairs (the JSON form lists all):");
        final_section.tables.push_back(std::move(clients));
    }
    doc.sections.push_back(std::move(final_section));
    return doc;
}

nlohmann::json build_json(const Simulation& sim) {
    const World& w = sim.world();
    nlohmann::json j;
    j["scenario"] = sim.scenario().name;
    if (!sim.scenario().variant.empty()) j["variant"] = sim.scenario().variant;
    j["file"] = sim.scenario().file;
    j["seed"] = sim.scenario().seed;
    j["end_time"] = seconds(sim.end_time());
    auto& warnings = j["warnings"] = nlohmann::json::array();
    for (const auto& w : sim.planning_warnings())
        warnings.push_back({{"rule", rule_id(w.rule)}, {"detail", w.detail}, {"line", w.loc.line}});
    auto& events = j["events"] = nlohmann::json::array();
    for (const auto& r : sim.log()) {
        nlohmann::json e;
        e["time"] = seconds(r.time);
        e["op"] = std::string{r.op};
        e["target"] = r.target;
        e["phase"] = to_string(r.phase);
        e["outcome"] = to_string(r.outcome);
        e["rule"] = r.refused_by ? nlohmann::json(rule_id(*r.refused_by)) : nlohmann::json(nullptr);
        if (!r.also_refused_by.empty()) {
            e["also_refused_by"] = nlohmann::json::array();
            for (Rule also : r.also_refused_by) e["also_refused_by"].push_back(rule_id(also));
        }
        e["detail"] = r.detail;
        e["decisions"] = nlohmann::json::array();
        for (const auto& d : r.decisions) e["decisions"].push_back(decision_json(d));
        if (!r.state_after.empty()) e["state_after"] = std::string{r.state_after};
        if (!r.health_after.empty()) e["health_after"] = std::string{r.health_after};
        if (r.line > 0) e["line"] = r.line;
        events.push_back(std::move(e));
    }
    auto expectation_json = [](const ExpectationResult& e) {
        nlohmann::json x{{"time", seconds(e.time)}, {"ok", e.ok}, {"kind", e.unexpected_refusal ? "unexpected_refusal" : "check"},
                         {"check", e.check}, {"expected", e.expected}, {"found", e.found}, {"line", e.line}, {"column", e.column}};
        if (e.unexpected_refusal) x["rule"] = std::string{e.rule};
        return x;
    };
    auto& expectations = j["expectations"] = nlohmann::json::array();
    for (const auto& e : sim.expectations()) expectations.push_back(expectation_json(e));
    auto& notes = j["notes"] = nlohmann::json::array();
    for (const auto& n : sim.notes()) notes.push_back(expectation_json(n));

    auto& final_vms = j["final"]["vms"] = nlohmann::json::array();
    auto& metric_vms = j["metrics"]["vms"] = nlohmann::json::array();
    for (Id v = 0; v < w.vms.size(); ++v) {
        const Vm& vm = w.vms[v];
        const Instance& active = vm.instance(vm.active_slot());
        nlohmann::json f;
        f["name"] = vm.name;
        f["state"] = to_string(vm.replication.state);
        f["direction"] = vm.replication.reversed ? "reversed" : "forward";
        f["health"] = health_name(vm.replication.degraded);
        f["active_site"] = active.exists ? nlohmann::json(w.sites[active.site].name) : nlohmann::json(nullptr);
        const NicBinding nic = active.exists && !active.nics.empty() ? active.nics[0] : NicBinding{};
        f["network"] = nic.network == kNone ? nlohmann::json(nullptr) : nlohmann::json(w.networks[nic.network].name);
        f["subnet"] = nic.subnet == kNone ? nlohmann::json(nullptr) : nlohmann::json(w.subnets[nic.subnet].name);
        f["addresses"] = nlohmann::json::array();
        if (active.exists)
            for (const auto& n : active.nics)
                if (n.ip) f["addresses"].push_back(n.ip->to_string());
        f["running"] = w.running(active);
        if (vm.dns_record != kNone) {
            const DnsRecord& rec = w.dns.record(vm.dns_record);
            const DnsAnswer& a = rec.current();
            f["dns"] = {{"name", vm.dns_name},
                        {"answers", a.address ? nlohmann::json(a.address->to_string()) : nlohmann::json(nullptr)},
                        {"ttl", seconds(rec.ttl)}};
        }
        f["instances"] = {{"primary", instance_json(w, vm.instance(Slot::home))},
                          {"replica", instance_json(w, vm.instance(Slot::recovery))},
                          {"test", instance_json(w, vm.instance(Slot::test))}};
        final_vms.push_back(std::move(f));

        DowntimeMetric m = sim.vm_downtime(v);
        metric_vms.push_back({{"name", vm.name},
                              {"downtime", seconds(m.downtime)},
                              {"time_to_recover", seconds(m.longest_outage)},
                              {"outages", m.outages},
                              {"unprotected", seconds(vm.replication.unprotected_time(sim.end_time()))}});
    }
    // Every change of a DNS record, in time order: when, from what to what, why, and when every
    // client has the new answer (a TTL later, the worst case).
    std::vector<std::pair<const DnsRecord*, const DnsChange*>> changes;
    for (const DnsRecord& rec : w.dns.records())
        for (const DnsChange& c : rec.history) changes.emplace_back(&rec, &c);
    std::stable_sort(changes.begin(), changes.end(), [](const auto& a, const auto& b) { return a.second->time < b.second->time; });
    auto& dns = j["dns"];
    dns["registration"] = sim.scenario().dns.dynamic_registration ? "dynamic" : "manual";
    dns["ttl"] = seconds(sim.scenario().dns.ttl);
    auto& dns_changes = dns["changes"] = nlohmann::json::array();
    auto address = [](const DnsAnswer& a) { return a.address ? nlohmann::json(a.address->to_string()) : nlohmann::json(nullptr); };
    for (const auto& [rec, c] : changes)
        dns_changes.push_back({{"time", seconds(c->time)},
                               {"name", w.vms[rec->vm].dns_name},
                               {"vm", w.vms[rec->vm].name},
                               {"from", address(c->before)},
                               {"to", address(c->after)},
                               {"rule", rule_id(c->rule)},
                               {"cause", c->cause},
                               {"clients_from", seconds(c->time + rec->ttl)}});
    auto& mappings = j["final"]["mappings"] = nlohmann::json::array();
    for (Id n = 0; n < w.networks.size(); ++n)
        if (w.mappings[n]) mappings.push_back({{"source", w.networks[n].name}, {"target", w.networks[w.mappings[n]->target].name}});
    auto& networks = j["final"]["networks"] = nlohmann::json::array();
    for (const auto& n : w.networks)
        networks.push_back({{"name", n.name}, {"site", w.sites[n.site].name}, {"created_at_run_time", n.created_at_run_time}});
    auto& apps = j["metrics"]["apps"] = nlohmann::json::array();
    for (const auto& [app, members] : sim.apps()) {
        DowntimeMetric m = sim.app_downtime(app);
        apps.push_back({{"name", app}, {"vms", members.size()}, {"downtime", seconds(m.downtime)},
                        {"time_to_recover", seconds(m.longest_outage)}, {"outages", m.outages}});
    }
    auto& clients = j["metrics"]["clients"] = nlohmann::json::array();
    auto& reach = j["reachability"] = nlohmann::json::array();
    for (const ReachPair& p : sim.reachability().pairs()) {
        const std::string& client = w.clients[p.client].name;
        const std::string target = p.app.empty() ? w.vms[p.vm].name : p.app;
        const DowntimeMetric m = sim.pair_downtime(p);
        nlohmann::json c{{"client", client}};
        c[p.app.empty() ? "vm" : "app"] = target;
        c["downtime"] = seconds(m.downtime);
        c["time_to_recover"] = seconds(m.longest_outage);
        c["outages"] = m.outages;
        clients.push_back(std::move(c));
        nlohmann::json r{{"client", client}};
        r[p.app.empty() ? "vm" : "app"] = target;
        auto& intervals = r["intervals"] = nlohmann::json::array();
        for (const auto& iv : sim.reachability().intervals(p))
            intervals.push_back({{"from", seconds(iv.start)},
                                 {"to", seconds(iv.end < 0 ? sim.end_time() : iv.end)},
                                 {"reachable", iv.reachable},
                                 {"rule", iv.has_rule ? nlohmann::json(rule_id(iv.rule)) : nlohmann::json(nullptr)},
                                 {"detail", iv.detail}});
        reach.push_back(std::move(r));
    }

    const ExpectationCounts counts = count_expectations(sim);
    j["summary"] = {{"expectations", counts.checks},
                    {"failed", counts.failed_checks},
                    {"unexpected_refusals", counts.unexpected_refusals},
                    {"allowed_refusals", counts.allowed_refusals},
                    {"all_held", counts.all_held()},
                    {"kernel_events", sim.kernel_events()}};
    return j;
}

reporting::Table build_event_table(const Simulation& sim) {
    reporting::Table t{"", {"time_s", "op", "target", "phase", "outcome", "rule", "detail", "decisions"}, {}};
    for (const auto& r : sim.log()) {
        std::string decisions;
        for (const auto& d : r.decisions) decisions += (decisions.empty() ? "" : "; ") + std::string{rule_id(d.rule)} + ": " + d.detail;
        t.rows.push_back({seconds(r.time).dump(), std::string{r.op}, r.target, std::string{to_string(r.phase)},
                          std::string{to_string(r.outcome)}, r.refused_by ? std::string{rule_id(*r.refused_by)} : "",
                          r.detail, decisions});
    }
    return t;
}

reporting::Document build_explanation(const Simulation& sim, const std::string& vm) {
    reporting::Document doc;
    doc.title = "drsim explain " + vm + " (" + sim.scenario().name + ")";
    reporting::Section s;
    s.heading = "Every decision about " + vm;
    reporting::Timeline t;
    for (const auto& r : sim.log())
        if (r.target == vm) t.entries.push_back(timeline_entry(r));
    s.timelines.push_back(std::move(t));
    doc.sections.push_back(std::move(s));
    const World& w = sim.world();
    // Its DNS record: what it answered and when clients got each answer.
    if (const Id v = w.vm_id(vm); v != kNone && w.vms[v].dns_record != kNone) {
        const DnsRecord& rec = w.dns.record(w.vms[v].dns_record);
        auto text = [](const DnsAnswer& a) { return a.address ? a.address->to_string() : std::string{"no address"}; };
        reporting::Section d;
        d.heading = "DNS record " + w.vms[v].dns_name + " (TTL " + engine::format_duration(rec.ttl) + ")";
        reporting::Table changes{"", {"time", "from", "to", "rule", "cause", "every client has it at"}, {}};
        changes.rows.push_back({"0s", "", text(rec.initial), std::string{rule_id(Rule::DnsRecord)}, "the start", "0s"});
        for (const DnsChange& c : rec.history)
            changes.rows.push_back({engine::format_duration(c.time), text(c.before), text(c.after), std::string{rule_id(c.rule)},
                                    c.cause, engine::format_duration(c.time + rec.ttl)});
        d.tables.push_back(std::move(changes));
        doc.sections.push_back(std::move(d));
    }
    // For each client: the path to the VM at the end of the run, or the step where it breaks.
    if (!w.clients.empty()) {
        reporting::Section r;
        r.heading = "Reachability of " + vm + " at " + engine::format_duration(sim.end_time());
        reporting::Table paths{"", {"client", "reached", "path", "rule", "why"}, {}};
        for (const auto& c : w.clients) {
            const ProbeResult p = probe(w, sim.routing(), c.name, vm, sim.end_time());
            paths.rows.push_back({c.name, p.reached ? "yes" : "no", p.path, p.reached ? "" : std::string{rule_id(p.rule)}, p.why});
        }
        r.tables.push_back(std::move(paths));
        doc.sections.push_back(std::move(r));
    }
    return doc;
}

}  // namespace drsim
