#include "sim/report/run_report.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>

#include "engine/sim_time.hpp"
#include "sim/decisions/planning_checks.hpp"
#include "sim/routing/reachability.hpp"
#include "reporting/json_memo.hpp"
#include "reporting/json_writer.hpp"
#include "sim/world/azure_terms.hpp"

namespace drsim {

namespace {

using engine::format_duration;

std::string headline(const World& w, const LogRecord& r) {
    std::string h{r.op()};
    if (r.phase == Phase::done) h += " done";
    if (std::string target = w.render(r.target()); !target.empty()) h += " " + target;
    return h;
}

std::string status(const LogRecord& r) {
    std::string s{to_string(r.outcome)};
    if (r.refused_by()) s += " by " + std::string{rule_id(*r.refused_by())};
    if (r.has_state && !r.refused_by()) s += (r.phase == Phase::start ? " -> " : ", ") + std::string{r.state_after()};
    if (r.has_state && r.degraded && !r.refused_by()) s += " (degraded)";
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

reporting::TimelineEntry timeline_entry(const World& w, const LogRecord& r) {
    reporting::TimelineEntry e;
    e.time = format_duration(r.time);
    e.headline = headline(w, r);
    e.status = status(r);
    e.tone = tone(r.outcome);
    if (const Text detail = r.detail(); !detail.empty()) e.details.emplace_back("", w.render(detail));
    for (Rule also : r.also_refused_by()) e.details.emplace_back(std::string{rule_id(also)}, "also forbids it");
    for (const auto& d : r.decisions())
        e.details.emplace_back(std::string{rule_id(d.rule)}, d.warning ? "warning: " + w.render(d.detail()) : w.render(d.detail()));
    return e;
}

namespace {

// Records alike enough to be summarised together in a long run: same moment, operation, outcome
// and the same sequence of rules.
bool alike(const LogRecord& a, const LogRecord& b) {
    if (a.time != b.time || a.op() != b.op() || a.phase != b.phase || a.outcome != b.outcome ||
        a.event_index != b.event_index || a.refused_by() != b.refused_by() || a.decisions().size() != b.decisions().size() ||
        a.state_after() != b.state_after() || a.health_after() != b.health_after())
        return false;
    for (std::size_t i = 0; i < a.decisions().size(); ++i)
        if (a.decisions()[i].rule != b.decisions()[i].rule) return false;
    return true;
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

std::string seconds_text(Millis ms) { return std::string{seconds_chars(ms).view()}; }

SecondsText seconds_chars(Millis ms) {
    SecondsText t{};
    char* out = t.chars;
    if (ms < 0) *out++ = '-';
    // As unsigned: the magnitude of the most negative Millis fits.
    const std::uint64_t a = ms < 0 ? 0 - static_cast<std::uint64_t>(ms) : static_cast<std::uint64_t>(ms);
    out = std::to_chars(out, t.chars + sizeof t.chars, a / 1000).ptr;
    if (std::uint64_t frac = a % 1000; frac != 0) {
        *out++ = '.';
        const char digits[3] = {static_cast<char>('0' + frac / 100), static_cast<char>('0' + frac / 10 % 10),
                                static_cast<char>('0' + frac % 10)};
        std::size_t n = 3;
        while (digits[n - 1] == '0') --n;  // no trailing zeros ("0.5")
        for (std::size_t i = 0; i < n; ++i) *out++ = digits[i];
    }
    t.size = static_cast<std::uint8_t>(out - t.chars);
    return t;
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
        for (std::size_t k = i; k < i + shown; ++k) timeline.entries.push_back(timeline_entry(sim.world(), log[k]));
        if (shown < run) {
            reporting::TimelineEntry more;
            more.time = format_duration(log[i].time);
            more.headline = "... and " + std::to_string(run - shown) + " more " + std::string{log[i].op()} +
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

namespace {

// The instance a record is about, by name: primary, replica or test; "" for none.
std::string_view instance_name(std::uint8_t slot) {
    switch (slot) {
        case static_cast<std::uint8_t>(Slot::home): return "primary";
        case static_cast<std::uint8_t>(Slot::recovery): return "replica";
        case static_cast<std::uint8_t>(Slot::test): return "test";
        default: return "";
    }
}

// Where the instance a record is about runs: its site, network and subnet by name as the world holds
// them ("" for none), its first address as text (short: no allocation).
struct Where {
    std::string_view instance, site, network, subnet;
    Ipv4Address::Text address{};  ///< empty for none
};
Where where_of(const World& w, const LogRecord& r) {
    Where x;
    if (r.instance == 0xff) return x;
    x.instance = instance_name(r.instance);
    if (r.site != kNone) x.site = w.sites[r.site].name;
    if (r.network != kNone) x.network = w.networks[r.network].name;
    if (r.subnet != kNone) x.subnet = w.subnets[r.subnet].name;
    if (r.has_address) x.address = Ipv4Address{r.address_value}.text();
    return x;
}

}  // namespace

namespace {

using reporting::JsonWriter;

// Seconds as a JSON number (seconds_text).
void write_seconds(JsonWriter& j, Millis ms) { j.number_text(seconds_chars(ms).view()); }
// The keys below are taken as the caller gave them (a literal stays a literal for JsonWriter::key).
template <typename Key>
void seconds_field(JsonWriter& j, const Key& key, Millis ms) {
    j.key(key);
    write_seconds(j, ms);
}
template <typename Key, typename Name>
void name_or_null(JsonWriter& j, const Key& key, bool present, const Name& name) {
    j.key(key);
    if (present) j.value(name);
    else j.null();
}
// An address as a word (its text never needs escaping), or null.
template <typename Key>
void address_or_null(JsonWriter& j, const Key& key, const std::optional<Ipv4Address>& ip) {
    j.key(key);
    if (ip) j.word(ip->text().view());
    else j.null();
}
// The name of entity `id` of `entities` (networks, subnets, sites), or null for kNone.
template <typename Key, typename Entities>
void id_name(JsonWriter& j, const Key& key, Id id, const Entities& entities) {
    name_or_null(j, key, id != kNone, id != kNone ? std::string_view{entities[id].name} : std::string_view{});
}

// Azure's words for a replication's situation (world/azure_terms), as Site Recovery spells them.
void write_azure_words(JsonWriter& j, AzureKey key) {
    const AzureView& v = azure_view(key);
    j.begin_object().field("activeLocation", v.active_location).key("allowedOperations").begin_array();
    for (std::string_view op : v.allowed_operations) j.value(op);
    j.end_array()
        .field("failoverDirection", v.failover_direction)
        .field("protectionState", v.protection_state)
        .field("protectionStateDescription", v.protection_state_description)
        .end_object();
}

// Azure's words for `key`; a compact writer copies them from their text, written once per key (a
// million records share a dozen keys).
void write_azure(JsonWriter& j, AzureKey key) {
    if (!j.compact()) {
        write_azure_words(j, key);
        return;
    }
    static const std::array<std::string, 256> texts = [] {
        std::array<std::string, 256> t;
        for (unsigned k = 0; k < kNoAzureKey; ++k) {
            if (azure_view(static_cast<AzureKey>(k)).protection_state.empty()) continue;
            reporting::StringSink sink(t[k]);
            JsonWriter w(sink);
            write_azure_words(w, static_cast<AzureKey>(k));
        }
        return t;
    }();
    j.raw_value(texts[key]);
}

// What a JSON document says many times, remembered on each thread while it is written
// (reporting/json_memo.hpp): a run says the same things of many VMs (the mapping a replication used,
// a rule's fixed words, one operation's outcome and state after, one network and subnet), and
// rendering a text (World::render) or writing a run of members costs more than copying them again.
// Each key holds all its bytes depend on, read against one world, the end of its run.
// A key's words mixed into one hash (JsonMemo finds a slot by it).
std::size_t mixed(std::initializer_list<std::uint64_t> words) {
    std::uint64_t h = 0;
    for (std::uint64_t w : words) h = (h ^ w) * 0x9E3779B97F4A7C15ULL;
    return h ^ (h >> 29);
}

struct StatusKey {  ///< a record's members from health_after to state_after: all they are made of
    int line = 0;
    std::optional<Rule> refused;
    std::uint8_t op = 0;
    Phase phase{};
    Outcome outcome{};
    bool has_state = false, degraded = false;
    ReplicationState state{};
    bool operator==(const StatusKey&) const = default;
    std::size_t hash() const {
        return mixed({static_cast<std::uint64_t>(line), refused ? static_cast<std::uint64_t>(*refused) + 1 : 0, op,
                      static_cast<std::uint64_t>(phase), static_cast<std::uint64_t>(outcome), has_state, degraded,
                      static_cast<std::uint64_t>(state)});
    }
};
struct IdsKey {  ///< members that name what ids (networks, sites …) and small codes stand for
    std::array<std::uint32_t, 4> ids{};
    bool operator==(const IdsKey&) const = default;
    std::size_t hash() const { return mixed({ids[0], ids[1], ids[2], ids[3]}); }
};
struct DecisionKey {  ///< one decision object
    Text detail;
    Rule rule{};
    bool warning = false;
    bool operator==(const DecisionKey&) const = default;
    std::size_t hash() const { return mixed({detail.hash(), static_cast<std::uint64_t>(rule), warning}); }
};
struct TextKey {  ///< a text as a JSON string
    Text text;
    bool operator==(const TextKey&) const = default;
    std::size_t hash() const { return text.hash(); }
};

class Remembered {
public:
    /// Before writing in document number `document`: a new one starts afresh.
    Remembered& in_document(std::uint64_t document) {
        if (document != document_) {
            texts_.forget();
            decisions_.forget();
            status_.forget();
            where_.forget();
            nic_place_.forget();
            instance_place_.forget();
            vm_place_.forget();
            document_ = document;
        }
        return *this;
    }

    /// `text` rendered against `w`, as a JSON string value.
    void text(JsonWriter& j, const World& w, const Text& text) {
        texts_.value(j, TextKey{text}, [&](JsonWriter& m) { m.value(render(w, text)); });
    }
    /// One decision, as an object.
    void decision(JsonWriter& j, const World& w, const Decision& d) {
        decisions_.value(j, DecisionKey{d.detail(), d.rule, d.warning}, [&](JsonWriter& m) {
            m.begin_object().field("detail", render(w, d.detail())).word_field("rule", rule_id(d.rule));
            if (d.warning) m.field("warning", true);
            m.end_object();
        });
    }
    /// health_after (with a state), line (when known), op, outcome, phase, rule and state_after.
    void status(JsonWriter& j, const LogRecord& r) {
        const std::optional<Rule> refused = r.refused_by();
        const StatusKey key{std::max(r.line, 0), refused, r.op_code, r.phase, r.outcome, r.has_state, r.degraded, r.state};
        status_.members(j, key, [&](JsonWriter& m) {
            if (r.has_state) m.word_field("health_after", r.health_after());
            if (r.line > 0) m.field("line", r.line);
            m.word_field("op", r.op()).word_field("outcome", to_string(r.outcome)).word_field("phase", to_string(r.phase));
            name_or_null(m, "rule", refused.has_value(), refused ? rule_id(*refused) : std::string_view{});
            if (r.has_state) m.word_field("state_after", r.state_after());
        });
    }
    /// instance, network, site and subnet of a record's where.
    void where(JsonWriter& j, const World& w, const LogRecord& r) {
        where_.members(j, IdsKey{{r.network, r.site, r.subnet, r.instance}}, [&](JsonWriter& m) {
            m.word_field("instance", instance_name(r.instance));
            id_name(m, "network", r.network, w.networks);
            id_name(m, "site", r.site, w.sites);
            id_name(m, "subnet", r.subnet, w.subnets);
        });
    }
    /// network and subnet of a NIC.
    void nic_place(JsonWriter& j, const World& w, const NicBinding& nic) {
        nic_place_.members(j, IdsKey{{nic.network, nic.subnet, 0, 0}}, [&](JsonWriter& m) {
            id_name(m, "network", nic.network, w.networks);
            id_name(m, "subnet", nic.subnet, w.subnets);
        });
    }
    /// running and site of an instance.
    void instance_place(JsonWriter& j, const World& w, bool running, Id site) {
        instance_place_.members(j, IdsKey{{site, running, 0, 0}},
                                [&](JsonWriter& m) { m.field("running", running).field("site", w.sites[site].name); });
    }
    /// network, running, state and subnet of a final VM.
    void vm_place(JsonWriter& j, const World& w, const NicBinding& nic, bool running, ReplicationState state) {
        vm_place_.members(j, IdsKey{{nic.network, nic.subnet, running, static_cast<std::uint32_t>(state)}}, [&](JsonWriter& m) {
            id_name(m, "network", nic.network, w.networks);
            m.field("running", running).word_field("state", to_string(state));
            id_name(m, "subnet", nic.subnet, w.subnets);
        });
    }

private:
    const std::string& render(const World& w, const Text& text) {
        scratch_.clear();
        w.render(scratch_, text);
        return scratch_;
    }
    reporting::JsonMemo<TextKey> texts_;
    reporting::JsonMemo<DecisionKey> decisions_;
    reporting::JsonMemo<StatusKey, 64> status_;
    reporting::JsonMemo<IdsKey, 64> where_, nic_place_, instance_place_, vm_place_;
    std::string scratch_;
    std::uint64_t document_ = 0;
};

/// Numbers each JSON document written (Remembered).
std::atomic<std::uint64_t> g_documents{0};

/// What this thread remembers of document number `document`, which it writes.
Remembered& thread_memo(std::uint64_t document) {
    thread_local Remembered memo;
    return memo.in_document(document);
}

void write_event(JsonWriter& j, const World& w, const LogRecord& r, Remembered& remembered) {
    j.begin_object();
    if (const std::vector<Rule> also = r.also_refused_by(); !also.empty()) {
        j.key("also_refused_by").begin_array();
        for (Rule rule : also) j.value(rule_id(rule));
        j.end_array();
    }
    if (r.azure_after != kNoAzureKey) {
        j.key("azure_after");
        write_azure(j, r.azure_after);
    }
    j.key("decisions").begin_array();
    for (const auto& d : r.decisions()) remembered.decision(j, w, d);
    j.end_array().key("detail");
    remembered.text(j, w, r.detail());
    remembered.status(j, r);
    // A name the world holds is read there; what is composed (a subnet's path …) is rendered.
    if (const auto name = w.held_name(r.target())) j.field("target", *name);
    else if (r.target().kind == TextArg::Kind::none) j.field("target", "");
    else remembered.text(j.key("target"), w, Text{"{}", r.target()});
    seconds_field(j, "time", r.time);
    if (r.instance != 0xff) {
        j.key("where").begin_object();
        address_or_null(j, "address", r.address());
        remembered.where(j, w, r);
        j.end_object();
    }
    j.end_object();
}

void write_expectation(JsonWriter& j, const ExpectationResult& e) {
    j.begin_object()
        .field("check", e.check)
        .field("column", e.column)
        .field("expected", e.expected)
        .field("found", e.found)
        .field("kind", e.unexpected_refusal ? "unexpected_refusal" : "check")
        .field("line", e.line)
        .field("ok", e.ok);
    if (e.unexpected_refusal) j.field("rule", e.rule);
    seconds_field(j, "time", e.time);
    j.end_object();
}

void write_instance(JsonWriter& j, const World& w, const Instance& inst, Remembered& remembered) {
    if (!inst.exists) {
        j.null();
        return;
    }
    j.begin_object().key("nics").begin_array();
    for (const auto& nic : inst.nics) {
        j.begin_object().word_field("allocation", nic.dhcp ? "dhcp" : "static");
        address_or_null(j, "ip", nic.ip);
        remembered.nic_place(j, w, nic);
        j.end_object();
    }
    j.end_array();
    remembered.instance_place(j, w, w.running(inst), inst.site);
    j.end_object();
}

void write_final_vm(JsonWriter& j, const World& w, const Vm& vm, Remembered& remembered) {
    const Instance& active = vm.instance(vm.active_slot());
    const NicBinding nic = active.exists && !active.nics.empty() ? active.nics[0] : NicBinding{};
    j.begin_object();
    id_name(j, "active_site", active.exists ? active.site : kNone, w.sites);
    j.key("addresses").begin_array();
    if (active.exists)
        for (const auto& n : active.nics)
            if (n.ip) j.word(n.ip->text().view());
    j.end_array().key("azure");
    write_azure(j, azure_key(vm.replication));
    j.word_field("direction", vm.replication.reversed ? "reversed" : "forward");
    if (vm.dns_record != kNone) {
        const DnsRecord& rec = w.dns.record(vm.dns_record);
        const DnsAnswer& a = rec.current();
        j.key("dns").begin_object();
        address_or_null(j, "answers", a.address);
        j.field("name", vm.dns_name);
        seconds_field(j, "ttl", rec.ttl);
        j.end_object();
    }
    j.word_field("health", health_name(vm.replication.degraded)).key("instances").begin_object().key("primary");
    write_instance(j, w, vm.instance(Slot::home), remembered);
    j.key("replica");
    write_instance(j, w, vm.instance(Slot::recovery), remembered);
    j.key("test");
    write_instance(j, w, vm.instance(Slot::test), remembered);
    j.end_object().field("name", vm.name);
    remembered.vm_place(j, w, nic, w.running(active), vm.replication.state);
    j.end_object();
}

void write_downtime(JsonWriter& j, const DowntimeMetric& m) {
    seconds_field(j, "downtime", m.downtime);
    j.field("outages", m.outages);
    seconds_field(j, "time_to_recover", m.longest_outage);
}

}  // namespace

void write_json(const Simulation& sim, reporting::JsonWriter& j) {
    // Keys in sorted order, object by object: the order nlohmann::json, a map, kept them in.
    const World& w = sim.world();
    j.begin_object();

    // Every change of a DNS record, in time order: when, from what to what, why, and when every
    // client has the new answer (a TTL later, the worst case).
    std::vector<std::pair<const DnsRecord*, const DnsChange*>> changes;
    for (const DnsRecord& rec : w.dns.records())
        for (const DnsChange& c : rec.history) changes.emplace_back(&rec, &c);
    std::stable_sort(changes.begin(), changes.end(), [](const auto& a, const auto& b) { return a.second->time < b.second->time; });
    j.key("dns").begin_object().key("changes").begin_array();
    for (const auto& [rec, c] : changes) {
        j.begin_object().field("cause", c->cause);
        seconds_field(j, "clients_from", c->time + rec->ttl);
        address_or_null(j, "from", c->before.address);
        j.field("name", w.vms[rec->vm].dns_name).field("rule", rule_id(c->rule));
        seconds_field(j, "time", c->time);
        address_or_null(j, "to", c->after.address);
        j.field("vm", w.vms[rec->vm].name).end_object();
    }
    j.end_array().field("registration", sim.scenario().dns.dynamic_registration ? "dynamic" : "manual");
    seconds_field(j, "ttl", sim.scenario().dns.ttl);
    j.end_object();

    seconds_field(j, "end_time", sim.end_time());
    // The long arrays (five records, a final state and the metrics per VM) may be written on two
    // threads (JsonWriter::items); what they are given is read only.
    j.key("events").begin_array();
    const RunLog& log = sim.log();
    const std::uint64_t document = ++g_documents;
    j.items(log.size(), [&](JsonWriter& out, std::size_t i) { write_event(out, w, log[i], thread_memo(document)); });
    j.end_array().key("expectations").begin_array();
    for (const auto& e : sim.expectations()) write_expectation(j, e);
    j.end_array().field("file", sim.scenario().file);

    j.key("final").begin_object().key("mappings").begin_array();
    for (Id n = 0; n < w.networks.size(); ++n)
        if (w.mappings[n])
            j.begin_object().field("source", w.networks[n].name).field("target", w.networks[w.mappings[n]->target].name).end_object();
    j.end_array().key("networks").begin_array();
    for (const auto& n : w.networks)
        j.begin_object().field("created_at_run_time", n.created_at_run_time).field("name", n.name).field("site", w.sites[n.site].name).end_object();
    j.end_array().key("vms").begin_array();
    j.items(w.vms.size(), [&](JsonWriter& out, std::size_t v) { write_final_vm(out, w, w.vms[v], thread_memo(document)); });
    j.end_array().end_object();

    j.key("metrics").begin_object().key("apps").begin_array();
    for (const auto& [app, members] : sim.apps()) {
        const DowntimeMetric m = sim.app_downtime(app);
        j.begin_object();
        seconds_field(j, "downtime", m.downtime);
        j.field("name", app).field("outages", m.outages);
        seconds_field(j, "time_to_recover", m.longest_outage);
        j.field("vms", members.size()).end_object();
    }
    j.end_array();
    j.key("clients").begin_array();
    for (const ReachPair& p : sim.reachability().pairs()) {
        j.begin_object();
        if (!p.app.empty()) j.field("app", p.app);
        j.field("client", w.clients[p.client].name);
        write_downtime(j, sim.pair_downtime(p));
        if (p.app.empty()) j.field("vm", w.vms[p.vm].name);
        j.end_object();
    }
    j.end_array().key("vms").begin_array();
    j.items(w.vms.size(), [&](JsonWriter& out, std::size_t v) {
        const DowntimeMetric m = sim.vm_downtime(static_cast<Id>(v));
        out.begin_object();
        seconds_field(out, "downtime", m.downtime);
        out.field("name", w.vms[v].name).field("outages", m.outages);
        seconds_field(out, "time_to_recover", m.longest_outage);
        seconds_field(out, "unprotected", w.vms[v].replication.unprotected_time(sim.end_time()));
        out.end_object();
    });
    j.end_array().end_object();

    j.key("notes").begin_array();
    for (const auto& n : sim.notes()) write_expectation(j, n);
    j.end_array().key("reachability").begin_array();
    for (const ReachPair& p : sim.reachability().pairs()) {
        j.begin_object();
        if (!p.app.empty()) j.field("app", p.app);
        j.field("client", w.clients[p.client].name).key("intervals").begin_array();
        for (const auto& iv : sim.reachability().intervals(p)) {
            j.begin_object().field("detail", iv.detail);
            seconds_field(j, "from", iv.start);
            j.field("reachable", iv.reachable);
            name_or_null(j, "rule", iv.has_rule, iv.has_rule ? rule_id(iv.rule) : std::string_view{});
            seconds_field(j, "to", iv.end < 0 ? sim.end_time() : iv.end);
            j.end_object();
        }
        j.end_array();
        if (p.app.empty()) j.field("vm", w.vms[p.vm].name);
        j.end_object();
    }
    j.end_array().field("run", sim.run_id()).field("scenario", sim.scenario().name).field("seed", sim.seed());

    const ExpectationCounts counts = count_expectations(sim);
    j.key("summary")
        .begin_object()
        .field("all_held", counts.all_held())
        .field("allowed_refusals", counts.allowed_refusals)
        .field("expectations", counts.checks)
        .field("failed", counts.failed_checks)
        .field("kernel_events", sim.kernel_events())
        .field("unexpected_refusals", counts.unexpected_refusals)
        .end_object();
    if (!sim.scenario().variant.empty()) j.field("variant", sim.scenario().variant);
    j.key("warnings").begin_array();
    for (const auto& pw : sim.planning_warnings())
        j.begin_object().field("detail", pw.detail).field("line", pw.loc.line).field("rule", rule_id(pw.rule)).end_object();
    j.end_array().end_object();
}

nlohmann::json build_json(const Simulation& sim) {
    std::string text;
    {
        reporting::StringSink sink(text);
        reporting::JsonWriter j(sink);
        write_json(sim, j);
    }
    return nlohmann::json::parse(text);
}

const std::vector<std::string>& event_columns() {
    static const std::vector<std::string> columns{"time_s", "op", "target", "phase", "outcome", "rule", "detail", "decisions",
                                                  "state_after", "health_after", "instance", "site", "network", "subnet", "address",
                                                  "protection_state", "active_location", "line"};
    return columns;
}

void event_rows(const Simulation& sim, const RowFn& row) {
    const World& w = sim.world();
    std::vector<std::string> cells;
    for (const auto& r : sim.log()) {
        std::string decisions;
        for (const auto& d : r.decisions()) {
            if (!decisions.empty()) decisions += "; ";
            decisions += rule_id(d.rule);
            decisions += ": ";
            w.render(decisions, d.detail());
        }
        Where x = where_of(w, r);
        const bool azure = r.azure_after != kNoAzureKey;
        cells = {seconds_text(r.time), std::string{r.op()}, w.render(r.target()), std::string{to_string(r.phase)},
                 std::string{to_string(r.outcome)}, r.refused_by() ? std::string{rule_id(*r.refused_by())} : "",
                 w.render(r.detail()), std::move(decisions), std::string{r.state_after()}, std::string{r.health_after()}, std::string{x.instance},
                 std::string{x.site}, std::string{x.network}, std::string{x.subnet}, std::string{x.address.view()},
                 azure ? std::string{azure_view(r.azure_after).protection_state} : "",
                 azure ? std::string{azure_view(r.azure_after).active_location} : "",
                 r.line > 0 ? std::to_string(r.line) : ""};
        row(cells);
    }
}

const std::vector<std::string>& metric_columns() {
    static const std::vector<std::string> columns{"scope", "name", "client", "metric", "value", "unit"};
    return columns;
}

void metric_rows(const Simulation& sim, const RowFn& emit) {
    std::vector<std::string> cells;
    auto row = [&](std::string_view scope, const std::string& name, const std::string& client, std::string_view metric,
                   std::string value, std::string_view unit) {
        cells = {std::string{scope}, name, client, std::string{metric}, std::move(value), std::string{unit}};
        emit(cells);
    };
    auto figures = [&](std::string_view scope, const std::string& name, const std::string& client, const DowntimeMetric& m) {
        row(scope, name, client, "downtime", seconds_text(m.downtime), "s");
        row(scope, name, client, "time_to_recover", seconds_text(m.longest_outage), "s");
        row(scope, name, client, "outages", std::to_string(m.outages), "count");
    };
    const World& w = sim.world();
    for (Id v = 0; v < w.vms.size(); ++v) {
        figures("vm", w.vms[v].name, "", sim.vm_downtime(v));
        row("vm", w.vms[v].name, "", "unprotected", seconds_text(w.vms[v].replication.unprotected_time(sim.end_time())), "s");
    }
    for (const auto& [app, members] : sim.apps()) {
        figures("app", app, "", sim.app_downtime(app));
        row("app", app, "", "vms", std::to_string(members.size()), "count");
    }
    for (const ReachPair& p : sim.reachability().pairs())
        figures(p.app.empty() ? "client_vm" : "client_app", p.app.empty() ? w.vms[p.vm].name : p.app, w.clients[p.client].name,
                sim.pair_downtime(p));
}

reporting::Table build_event_table(const Simulation& sim) {
    reporting::Table t{"", event_columns(), {}};
    event_rows(sim, [&](const std::vector<std::string>& cells) { t.rows.push_back(cells); });
    return t;
}

reporting::Table build_metrics_table(const Simulation& sim) {
    reporting::Table t{"", metric_columns(), {}};
    metric_rows(sim, [&](const std::vector<std::string>& cells) { t.rows.push_back(cells); });
    return t;
}

void write_event_csv(const Simulation& sim, reporting::TextSink& sink) {
    reporting::write_csv_row(sink, event_columns());
    event_rows(sim, [&](const std::vector<std::string>& cells) { reporting::write_csv_row(sink, cells); });
}

void write_metrics_csv(const Simulation& sim, reporting::TextSink& sink) {
    reporting::write_csv_row(sink, metric_columns());
    metric_rows(sim, [&](const std::vector<std::string>& cells) { reporting::write_csv_row(sink, cells); });
}

reporting::Document build_explanation(const Simulation& sim, const std::string& vm) {
    reporting::Document doc;
    doc.title = "drsim explain " + vm + " (" + sim.scenario().name + ")";
    reporting::Section s;
    s.heading = "Every decision about " + vm;
    reporting::Timeline t;
    const Id vm_id = sim.world().vm_id(vm);
    for (const auto& r : sim.log()) {
        if (vm_id == kNone || r.vm() != vm_id) continue;
        reporting::TimelineEntry e = timeline_entry(sim.world(), r);
        // Azure's words after the step: what the portal and `az` would show, and what it would let through.
        if (r.azure_after != kNoAzureKey) {
            const AzureView& a = azure_view(r.azure_after);
            std::string allowed;
            for (std::string_view op : a.allowed_operations) allowed += (allowed.empty() ? "" : ", ") + std::string{op};
            e.details.emplace_back("Azure", "protectionState " + std::string{a.protection_state} + ", activeLocation " +
                                                std::string{a.active_location} + ", " + std::string{a.failover_direction} +
                                                "; allowedOperations: " + (allowed.empty() ? "none" : allowed));
        }
        t.entries.push_back(std::move(e));
    }
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
