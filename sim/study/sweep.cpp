#include "sim/study/sweep.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include "reporting/document.hpp"
#include "sim/scenario/input_error.hpp"

namespace drsim {

namespace {

// How one variant's runs name their metrics: the names as a run gives them, the order that sorts
// them, and the sorted names every such run shares. Runs of a variant nearly always measure the
// same things in the same order, so the sort is done once, not once per run.
struct NameOrder {
    std::vector<std::string> raw;
    std::vector<std::size_t> order;
    std::shared_ptr<const std::vector<std::string>> sorted;
};

// Puts (names, values) into `run` sorted by name, reusing `known` (guarded by `mutex`) when the run
// named its metrics as the variant's first run did.
void set_metrics(SweepRun& run, std::vector<std::string> names, const std::vector<double>& values, NameOrder& known,
                 std::mutex& mutex) {
    {
        std::lock_guard lock(mutex);
        if (known.sorted && known.raw == names) {
            run.names = known.sorted;
            run.values.reserve(values.size());
            for (std::size_t i : known.order) run.values.push_back(values[i]);
            return;
        }
    }
    std::vector<std::size_t> order(names.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return names[a] < names[b]; });
    auto sorted = std::make_shared<std::vector<std::string>>();
    sorted->reserve(names.size());
    for (std::size_t i : order) {
        sorted->push_back(names[i]);
        run.values.push_back(values[i]);
    }
    run.names = sorted;
    std::lock_guard lock(mutex);
    if (!known.sorted) known = NameOrder{std::move(names), std::move(order), std::move(sorted)};
}

}  // namespace

std::vector<SweepRun> run_sweep(const ScenarioDocument& document, const SweepPlan& plan, unsigned jobs, std::uint64_t shard,
                                std::uint64_t shards, const std::function<void(std::uint64_t, std::uint64_t)>& progress) {
    // Each variant is loaded once; runs share it read-only.
    std::vector<Scenario> scenarios;
    for (const auto& v : plan.variants) scenarios.push_back(document.load(v));
    struct Task {
        std::size_t variant;
        std::uint64_t run;
    };
    std::vector<Task> tasks;
    for (std::size_t v = 0; v < plan.variants.size(); ++v)
        for (std::uint64_t r = 0; r < plan.runs; ++r)
            if (r % shards == shard) tasks.push_back({v, r});
    std::vector<SweepRun> out(tasks.size());
    std::vector<NameOrder> shared(plan.variants.size());
    std::mutex shared_mutex;
    std::atomic<std::size_t> next{0};
    std::atomic<std::uint64_t> done{0};
    std::mutex progress_mutex;
    auto worker = [&] {
        for (std::size_t i = next++; i < tasks.size(); i = next++) {
            const Task& t = tasks[i];
            const Scenario& s = scenarios[t.variant];
            RunMetrics m = run_scenario(s, sweep_run_setup(s, plan.seed, t.run));
            SweepRun& r = out[i];
            r.variant = plan.variants[t.variant];
            r.run = t.run;
            r.expectations_held = m.expectations_held;
            r.faults = std::move(m.faults);
            set_metrics(r, std::move(m.names), m.values, shared[t.variant], shared_mutex);
            const std::uint64_t finished = ++done;
            if (progress) {
                std::lock_guard lock(progress_mutex);
                progress(finished, tasks.size());
            }
        }
    };
    const unsigned threads = std::max(1u, std::min<unsigned>(jobs, static_cast<unsigned>(std::max<std::size_t>(1, tasks.size()))));
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker);
    worker();
    for (auto& th : pool) th.join();
    return out;
}

std::string run_line(const SweepPlan& plan, const SweepRun& run) {
    nlohmann::json j;
    j["scenario"] = plan.scenario;
    j["seed"] = plan.seed;
    j["runs"] = plan.runs;
    j["variants"] = plan.variants;
    j["variant"] = run.variant;
    j["run"] = run.run;
    j["expectations_held"] = run.expectations_held;
    j["faults"] = run.faults;
    auto& metrics = j["metrics"] = nlohmann::json::object();
    for (std::size_t i = 0; i < run.values.size(); ++i) metrics[(*run.names)[i]] = run.values[i];
    return j.dump() + "\n";
}

std::vector<SweepRun> read_run_lines(const std::vector<std::pair<std::string, std::string>>& files, SweepPlan& plan) {
    std::vector<SweepRun> runs;
    std::map<std::string, std::shared_ptr<const std::vector<std::string>>> last_names;  // shared as run_sweep shares them
    bool have_plan = false;
    for (const auto& [file, text] : files) {
        std::istringstream in(text);
        std::string line;
        int number = 0;
        while (std::getline(in, line)) {
            ++number;
            if (line.empty()) continue;
            try {
                const nlohmann::json j = nlohmann::json::parse(line);
                SweepPlan p{j.at("scenario").get<std::string>(), j.at("seed").get<std::uint64_t>(), j.at("runs").get<std::uint64_t>(),
                            j.at("variants").get<std::vector<std::string>>()};
                if (!have_plan) {
                    plan = p;
                    have_plan = true;
                } else if (p.scenario != plan.scenario || p.seed != plan.seed || p.runs != plan.runs || p.variants != plan.variants) {
                    throw InputError(file, number, 1, "this run belongs to another sweep (scenario, seed, runs or variants differ)");
                }
                SweepRun r;
                r.variant = j.at("variant").get<std::string>();
                r.run = j.at("run").get<std::uint64_t>();
                r.expectations_held = j.at("expectations_held").get<bool>();
                r.faults = j.at("faults").get<std::vector<std::string>>();
                // JSON objects keep their keys sorted: the names come in the order runs keep them.
                auto names = std::make_shared<std::vector<std::string>>();
                for (const auto& [name, value] : j.at("metrics").items()) {
                    names->push_back(name);
                    r.values.push_back(value.get<double>());
                }
                auto& last = last_names[r.variant];
                if (last && *last == *names) r.names = last;
                else r.names = last = std::move(names);
                runs.push_back(std::move(r));
            } catch (const nlohmann::json::exception& e) {
                throw InputError(file, number, 1, std::string{"not a run line of drsim sweep: "} + e.what());
            }
        }
    }
    if (!have_plan) throw InputError("no runs to merge");
    // Every (variant, run) exactly once, in plan order.
    auto index = [&](const SweepRun& r) {
        auto it = std::find(plan.variants.begin(), plan.variants.end(), r.variant);
        if (it == plan.variants.end() || r.run >= plan.runs) throw InputError("run " + std::to_string(r.run) + " of '" + r.variant + "' is not in the sweep");
        return static_cast<std::uint64_t>(it - plan.variants.begin()) * plan.runs + r.run;
    };
    std::sort(runs.begin(), runs.end(), [&](const SweepRun& a, const SweepRun& b) { return index(a) < index(b); });
    for (std::size_t i = 0; i < runs.size(); ++i)
        if (index(runs[i]) != i) {
            const bool twice = i > 0 && index(runs[i]) == index(runs[i - 1]);
            throw InputError("the shards " + std::string{twice ? "hold run " : "miss a run before run "} + std::to_string(runs[i].run) +
                             " of '" + runs[i].variant + "'" + (twice ? " twice" : "") + ": merge every shard of one sweep, once");
        }
    if (runs.size() != plan.variants.size() * plan.runs)
        throw InputError("the shards hold " + std::to_string(runs.size()) + " runs of " + std::to_string(plan.variants.size() * plan.runs) +
                         ": merge every shard of the sweep");
    return runs;
}

nlohmann::json sweep_summary(const SweepPlan& plan, const std::vector<SweepRun>& runs) {
    nlohmann::json j;
    j["scenario"] = plan.scenario;
    j["seed"] = plan.seed;
    j["runs"] = plan.runs;
    j["percentiles"] = "nearest rank";
    auto& variants = j["variants"] = nlohmann::json::array();
    for (const auto& name : plan.variants) {
        // The values of each metric over the variant's runs, in run order.
        std::map<std::string, std::vector<double>> values;
        std::uint64_t count = 0, held = 0;
        // Runs sharing one list of names share one list of slots: a name is looked up once per list.
        const std::vector<std::string>* seen = nullptr;
        std::vector<std::vector<double>*> slots;
        for (const auto& r : runs) {
            if (r.variant != name) continue;
            ++count;
            held += r.expectations_held;
            if (r.names.get() != seen) {
                seen = r.names.get();
                slots.clear();
                for (const auto& metric : *r.names) slots.push_back(&values[metric]);
            }
            for (std::size_t i = 0; i < r.values.size(); ++i) slots[i]->push_back(r.values[i]);
        }
        nlohmann::json v;
        v["name"] = name;
        v["expectations_held_share"] = count ? static_cast<double>(held) / static_cast<double>(count) : 0.0;
        auto& metrics = v["metrics"] = nlohmann::json::array();
        for (auto& entry : values) {
            const auto& metric = entry.first;
            auto& xs = entry.second;  // a reference, not a structured binding: clang 14 cannot capture those
            double sum = 0;
            for (double x : xs) sum += x;  // in run order: the same sum however the runs were spread
            std::sort(xs.begin(), xs.end());
            auto rank = [&](double p) {
                const auto k = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(xs.size())));
                return xs[std::max<std::size_t>(k, 1) - 1];
            };
            metrics.push_back({{"metric", metric},
                               {"count", xs.size()},
                               {"mean", sum / static_cast<double>(xs.size())},
                               {"p50", rank(50)},
                               {"p90", rank(90)},
                               {"p99", rank(99)},
                               {"max", xs.back()}});
        }
        variants.push_back(std::move(v));
    }
    return j;
}

std::string sweep_summary_text(const nlohmann::json& summary) {
    std::ostringstream out;
    out << "drsim sweep: " << summary["scenario"].get<std::string>() << " (" << summary["runs"].get<std::uint64_t>()
        << " runs per variant, seed " << summary["seed"].get<std::uint64_t>() << "; percentiles by nearest rank)\n";
    for (const auto& v : summary["variants"]) {
        out << "\n" << v["name"].get<std::string>() << ": every expectation held in "
            << std::llround(v["expectations_held_share"].get<double>() * 1000.0) / 10.0 << "% of runs\n";
        reporting::Table t{"", {"metric", "count", "mean", "p50", "p90", "p99", "max"}, {}};
        auto num = [](const nlohmann::json& x) {
            std::ostringstream s;
            s << x.get<double>();
            return s.str();
        };
        for (const auto& m : v["metrics"])
            t.rows.push_back({m["metric"].get<std::string>(), std::to_string(m["count"].get<std::uint64_t>()), num(m["mean"]), num(m["p50"]),
                              num(m["p90"]), num(m["p99"]), num(m["max"])});
        out << reporting::render_text(t);
    }
    return out.str();
}

}  // namespace drsim
