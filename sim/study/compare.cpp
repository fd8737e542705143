#include "sim/study/compare.hpp"

#include <algorithm>
#include <string_view>
#include <unordered_map>

#include "engine/sim_time.hpp"

namespace drsim {

bool Comparison::all_held() const {
    return std::all_of(variants.begin(), variants.end(), [](const ComparedVariant& v) { return v.metrics.expectations_held; });
}

Comparison compare(const ScenarioDocument& document, const std::vector<std::string>& asked, std::optional<std::uint64_t> seed) {
    std::vector<std::string> names = asked;
    if (names.empty()) {
        names.push_back("base");
        for (const auto& v : document.variants()) names.push_back(v.name);
    }
    Comparison c;
    for (const auto& name : names) {
        const Scenario s = document.load(name);
        if (c.scenario.empty()) {
            c.scenario = s.name;
            c.seed = seed.value_or(s.seed);
        }
        ComparedVariant v;
        v.name = name.empty() ? "base" : name;
        for (const auto& info : document.variants())
            if (info.name == name) v.description = info.description;
        if (v.name == "base") v.description = s.description;
        // One seed for every design: their random timings are the same draws (SPEC §11).
        RunSetup setup;
        setup.seed = c.seed;
        v.metrics = run_scenario(s, std::move(setup), true);
        c.variants.push_back(std::move(v));
    }
    return c;
}

namespace {

// How a figure reads: durations as durations, counts as numbers.
std::string show(const std::string& name, double value) {
    const bool count = name.ends_with("/outages") || name.starts_with("run/");
    if (count) return std::to_string(static_cast<long long>(value));
    return engine::format_duration(static_cast<Millis>(value * 1000.0 + (value >= 0 ? 0.5 : -0.5)));
}

// "client/lille/app/shop/downtime" -> "lille -> app shop: downtime".
std::string label(const std::string& name) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    for (std::size_t slash = name.find('/'); slash != std::string::npos; slash = name.find('/', start)) {
        parts.push_back(name.substr(start, slash - start));
        start = slash + 1;
    }
    parts.push_back(name.substr(start));
    auto words = [](std::string s) {
        std::replace(s.begin(), s.end(), '_', ' ');
        return s;
    };
    if (parts.size() == 5 && parts[0] == "client") return parts[1] + " -> " + parts[2] + " " + parts[3] + ": " + words(parts[4]);
    if (parts.size() == 3 && parts[0] == "vm" && (parts[2] == "site" || parts[2] == "network" || parts[2] == "address"))
        return "vm " + parts[1] + ": " + parts[2];
    if (parts.size() == 3) return parts[0] + " " + parts[1] + ": " + words(parts[2]);
    if (parts.size() == 2 && parts[0] == "run") {
        if (parts[1] == "refused") return "refused operations";
        if (parts[1] == "dns_changes") return "DNS records changed";
        if (parts[1] == "route_changes") return "route changes";
        return words(parts[1]);
    }
    return name;
}

}  // namespace

reporting::Table comparison_table(const Comparison& c) {
    reporting::Table t;
    t.columns.push_back("");
    for (const auto& v : c.variants) t.columns.push_back(v.name);
    std::vector<std::string> held{"expectations held"};
    for (const auto& v : c.variants) held.push_back(v.metrics.expectations_held ? "yes" : "NO");
    t.rows.push_back(std::move(held));
    if (c.variants.empty()) return t;
    // Rows in the base's order; a figure a variant does not have (a VM it removed) shows "-".
    const RunMetrics& first = c.variants.front().metrics;
    // Each variant's figures and facts by name, looked up once per row.
    std::vector<std::unordered_map<std::string_view, double>> values_by_name(c.variants.size());
    std::vector<std::unordered_map<std::string_view, std::string_view>> facts_by_name(c.variants.size());
    for (std::size_t v = 0; v < c.variants.size(); ++v) {
        const RunMetrics& m = c.variants[v].metrics;
        for (std::size_t i = 0; i < m.names.size(); ++i) values_by_name[v].emplace(m.names[i], m.values[i]);
        for (const auto& [n, text] : m.facts) facts_by_name[v].emplace(n, text);
    }
    auto value_of = [&](std::size_t v, const std::string& name) -> std::optional<double> {
        auto it = values_by_name[v].find(name);
        if (it == values_by_name[v].end()) return std::nullopt;
        return it->second;
    };
    auto fact_of = [&](std::size_t v, const std::string& name) -> std::string {
        auto it = facts_by_name[v].find(name);
        return it == facts_by_name[v].end() ? "-" : std::string{it->second};
    };
    std::size_t fact = 0;
    for (const auto& name : first.names) {
        // A VM's facts go just before its figures.
        const std::string vm_prefix = name.starts_with("vm/") ? name.substr(0, name.rfind('/') + 1) : "";
        while (!vm_prefix.empty() && fact < first.facts.size() && first.facts[fact].first.starts_with(vm_prefix)) {
            std::vector<std::string> row{label(first.facts[fact].first)};
            for (std::size_t v = 0; v < c.variants.size(); ++v) row.push_back(fact_of(v, first.facts[fact].first));
            t.rows.push_back(std::move(row));
            ++fact;
        }
        std::vector<std::optional<double>> values;
        for (std::size_t v = 0; v < c.variants.size(); ++v) values.push_back(value_of(v, name));
        std::optional<double> best;
        bool differ = false;
        for (const auto& x : values) {
            if (!x) continue;
            if (best && *x != *best) differ = true;
            if (!best || *x < *best) best = x;
        }
        std::vector<std::string> row{label(name)};
        for (const auto& x : values) row.push_back(!x ? "-" : show(name, *x) + (differ && *x == *best ? " *" : ""));
        t.rows.push_back(std::move(row));
    }
    return t;
}

nlohmann::json comparison_json(const Comparison& c) {
    nlohmann::json j;
    j["scenario"] = c.scenario;
    j["seed"] = c.seed;
    auto& variants = j["variants"] = nlohmann::json::array();
    for (const auto& v : c.variants) {
        nlohmann::json metrics = v.metrics.shaped;
        auto& run = metrics["run"];
        for (std::size_t i = 0; i < v.metrics.names.size(); ++i)
            if (v.metrics.names[i].starts_with("run/")) run[v.metrics.names[i].substr(4)] = static_cast<std::int64_t>(v.metrics.values[i]);
        // Where each VM came back, beside its figures.
        for (auto& vm : metrics["vms"]) {
            const std::string prefix = "vm/" + vm["name"].get<std::string>() + "/";
            for (const auto& [n, value] : v.metrics.facts)
                if (n.starts_with(prefix)) vm[n.substr(prefix.size())] = value;
        }
        variants.push_back({{"name", v.name},
                            {"description", v.description},
                            {"expectations_held", v.metrics.expectations_held},
                            {"metrics", std::move(metrics)}});
    }
    return j;
}

}  // namespace drsim
