#include "sim/cli/cli.hpp"

#include "sim/cli/output_files.hpp"

#include <boost/program_options.hpp>
#include <unistd.h>

#include <charconv>
#include <chrono>
#include <limits>
#include <ranges>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <thread>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>

#include "engine/sim_time.hpp"
#include "reporting/printable.hpp"
#include "sim/report/dot_graph.hpp"
#include "sim/decisions/planning_checks.hpp"
#include "sim/cli/import_command.hpp"
#include "sim/report/html_report.hpp"
#include "sim/report/run_report.hpp"
#include "sim/rules/rule_catalogue.hpp"
#include "sim/run/simulation.hpp"
#include "sim/scenario/input_error.hpp"
#include "sim/scenario/scenario_loader.hpp"
#include "sim/study/compare.hpp"
#include "sim/study/mpi_session.hpp"
#include "sim/study/sweep.hpp"

namespace po = boost::program_options;

namespace drsim {

namespace {

constexpr const char* kUsage =
    "usage: drsim <command> [options]\n"
    "\n"
    "commands:\n"
    "  run FILE        replay a scenario (FILE - reads standard input); print its timeline;\n"
    "                  exit 0 if every expect held, 1 if not\n"
    "  validate FILE   check a scenario without running it\n"
    "  explain FILE    run a scenario and show every decision about one VM (--vm NAME)\n"
    "  graph FILE      print the topology as Graphviz DOT (--after: as it is at the end of the run)\n"
    "  compare FILE    run the base and each variant with one seed; their figures side by side\n"
    "  sweep FILE      run each variant N times over random timings and faults; percentiles\n"
    "  sweep-merge FILE...  merge the run files of a sweep's shards into its summary\n"
    "  rules           print the rule catalogue (Markdown)\n"
    "  import azure    write a scenario skeleton from `az network vnet list` / `az vm list -d` JSON (-o FILE)\n"
    "\n"
    "options:\n"
    "  -h, --help      this text; `drsim <command> --help` for a command's options\n"
    "  -V, --version   print the version\n"
    "\n"
    "exit status: 0 ran and every expect held; 1 ran and some expect failed or an operation was refused\n"
    "  without expect_error (unless allow_refusals: true); 2 invalid file or command line;\n"
    "             3 internal error (out of memory, or a bug);\n"
    "             4 an output could not be written (standard output or an output file: disk full, no permission);\n"
    "               with several outputs, none is replaced unless all can be\n";

// A whole number on the command line: digits only, so that "-1" is refused rather than read as
// 2^64-1 (as Boost's lexical cast reads it), and no more than the option allows.
template <std::uint64_t Min, std::uint64_t Max>
struct Whole {
    std::uint64_t value = 0;
};
template <std::uint64_t Min, std::uint64_t Max>
void validate(boost::any& v, const std::vector<std::string>& values, Whole<Min, Max>*, int) {
    po::validators::check_first_occurrence(v);
    const std::string& text = po::validators::get_single_string(values);
    std::uint64_t n = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || n < Min || n > Max)
    {
        po::error_with_option_name e("the argument '%value%' for option '%canonical_option%' is invalid: expected a whole number from " +
                                     std::to_string(Min) + " to " + std::to_string(Max));
        e.set_substitute("value", text);
        throw e;
    }
    v = Whole<Min, Max>{n};
}
using AnyWhole = Whole<0, std::numeric_limits<std::uint64_t>::max()>;
constexpr std::uint64_t kMaxRuns = 10'000'000;  // per variant: each run's figures are kept for the percentiles
constexpr std::uint64_t kMaxJobs = 1024;
template <typename T>
std::uint64_t whole(const po::variables_map& vm, const char* name) {
    return vm[name].as<T>().value;
}

struct Command {
    std::string name;
    std::string summary;
    po::options_description options;
    bool takes_file = true;
};

// --seed and --run: which draws of the random timings (and of the faults) a single run uses.
void add_run_options(po::options_description& options) {
    options.add_options()("seed", po::value<AnyWhole>(), "draw the random timings from seed S instead of the file's `seed`")(
        "run", po::value<AnyWhole>(),
        "replay run R (0-based) of a sweep with that seed: its random timings and the faults the sweep drew for it");
}

Command make_command(const std::string& name) {
    Command c{name, "", po::options_description("options of drsim " + name), true};
    c.options.add_options()("help,h", "show this help");
    if (name == "run") {
        c.summary = "drsim run FILE|- [--variant NAME] [--seed S] [--run R] [--json FILE|-] [--pretty] [--csv FILE|-] [--metrics-csv FILE|-] [--report FILE.html] [--quiet] [--verbose]\n"
                    "Replays FILE (- reads standard input) and prints the timeline: every operation, its outcome, the\n"
                    "decisions with their rules, the state after; then the expectations and the final state.";
        c.options.add_options()("json", po::value<std::string>(), "write the run as JSON to FILE (- for standard output)")(
            "csv", po::value<std::string>(), "write the event log as CSV to FILE (- for standard output)")(
            "report", po::value<std::string>(), "write the run as a self-contained HTML page to FILE")(
            "metrics-csv", po::value<std::string>(), "write the metrics (VMs, apps, clients) as tidy CSV rows to FILE (- for standard output)")(
            "pretty", "indent the JSON (one member per line); compact by default")(
            "quiet,q", "print only the expectations that failed and the summary line")(
            "verbose,v", "print every record of long runs of like records")(
            "variant", po::value<std::string>(), "run variant NAME of the scenario (its `variants:`) instead of the base");
        add_run_options(c.options);
    } else if (name == "validate") {
        c.summary = "drsim validate FILE\nChecks FILE, and each of its variants, against the scenario format; prints a summary of\n"
                    "what it declares and its planning warnings, or the errors of every variant together.";
    } else if (name == "explain") {
        c.summary = "drsim explain FILE --vm NAME\nRuns FILE and prints every decision about one VM, with its rule and inputs.";
        c.options.add_options()("vm", po::value<std::string>(), "the VM to explain")(
            "variant", po::value<std::string>(), "explain it in variant NAME of the scenario");
        add_run_options(c.options);
    } else if (name == "graph") {
        c.summary = "drsim graph FILE [--after]\nPrints the topology (sites, networks, subnets, circuits, connections, mappings) as DOT.";
        c.options.add_options()("after", "the topology at the end of the run instead of before it")(
            "variant", po::value<std::string>(), "the topology of variant NAME of the scenario");
        add_run_options(c.options);
    } else if (name == "compare") {
        c.summary = "drsim compare FILE [--variant NAME]... [--seed S] [--json FILE|-] [--csv FILE|-]\n"
                    "Runs the base and each variant (all by default; 'base' names the base) with the scenario's seed and\n"
                    "prints their figures side by side; * marks the lowest of a row where they differ. Exit status as run,\n"
                    "over every variant.";
        c.options.add_options()("variant", po::value<std::vector<std::string>>(), "a variant to compare (repeatable)")(
            "seed", po::value<AnyWhole>(), "draw every design's random timings from seed S instead of the file's")(
            "json", po::value<std::string>(), "write the comparison as JSON to FILE (- for standard output)")(
            "csv", po::value<std::string>(), "write the comparison table as CSV to FILE (- for standard output)");
    } else if (name == "sweep") {
        c.summary = "drsim sweep FILE --runs N [--seed S] [--variant NAME]... [--jobs J] [--shard K/M] [--runs-out FILE] [--json FILE|-]\n"
                    "Runs each variant N times; run r draws its random timings and faults from (S, r, name). Prints the\n"
                    "summary: per variant, the share of runs whose expectations all held, and per metric count, mean, p50,\n"
                    "p90, p99 (nearest rank) and max. The summary is the same bytes whatever J and however runs are spread.";
        c.options.add_options()("runs", po::value<Whole<1, kMaxRuns>>(), "runs per variant (1 to 10,000,000)")(
            "seed", po::value<AnyWhole>(), "the sweep's seed (default: the scenario's)")(
            "variant", po::value<std::vector<std::string>>(), "a variant to sweep (repeatable; default: base and every variant)")(
            "jobs,j", po::value<Whole<1, kMaxJobs>>(), "runs at once, 1 to 1,024 (default: the number of cores)")(
            "shard", po::value<std::string>(), "K/M: run only share K (1..M) of M, for a job array; merge with sweep-merge")(
            "runs-out", po::value<std::string>(), "write one JSON line per run to FILE")(
            "json", po::value<std::string>(), "write the summary as JSON to FILE (- for standard output)");
    } else if (name == "sweep-merge") {
        c.summary = "drsim sweep-merge FILE... [--json FILE|-]\nMerges the --runs-out files of every shard of one sweep into its summary,\n"
                    "byte for byte the summary of the sweep run in one process.";
        c.options.add_options()("json", po::value<std::string>(), "write the summary as JSON to FILE (- for standard output)");
        c.takes_file = false;
    } else if (name == "rules") {
        c.summary = "drsim rules\nPrints the rule catalogue as Markdown (the text of docs/rules.md).";
        c.takes_file = false;
    }
    return c;
}

po::variables_map parse(const Command& c, const std::vector<std::string>& args, std::string& file) {
    po::options_description all;
    all.add(c.options);
    all.add_options()("file", po::value<std::string>(), "scenario file");
    po::positional_options_description positional;
    if (c.takes_file) positional.add("file", 1);
    if (c.name == "sweep-merge") {
        all.add_options()("files", po::value<std::vector<std::string>>(), "run files");
        positional.add("files", -1);
    }
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        throw InputError(std::string{e.what()} + " (see drsim " + c.name + " --help)");
    }
    if (vm.count("file")) file = vm["file"].as<std::string>();
    return vm;
}

// Keeps a finished run alive until the process ends. A run of 100,000 VMs holds millions of small
// objects; freeing them one by one at exit costs a quarter of a second and returns nothing the
// operating system would not take back anyway. Sanitizer builds free them, so leak checks stay exact.
template <typename T>
void keep_until_exit(std::unique_ptr<T>& p) {
#ifdef DRSIM_FREE_AT_EXIT
    (void)p;
#else
    (void)p.release();
#endif
}

// The scenario the command line names: FILE, or its --variant NAME.
Scenario load_named(const po::variables_map& vm, const std::string& file) {
    return ScenarioDocument::from_file(file).load(vm.count("variant") ? vm["variant"].as<std::string>() : "");
}

// The run the command line asks for: the file's seed unless --seed; with --run R, run R of a sweep
// with that seed (sim/study/sweep), byte for byte: its timings and the faults it drew.
RunSetup run_setup(const po::variables_map& vm, const Scenario& scenario) {
    const std::uint64_t seed = vm.count("seed") ? whole<AnyWhole>(vm, "seed") : scenario.seed;
    if (vm.count("run")) return sweep_run_setup(scenario, seed, whole<AnyWhole>(vm, "run"));
    RunSetup setup;
    setup.seed = seed;
    return setup;
}

int command_run(const po::variables_map& vm, const std::string& file, std::ostream& out) {
    auto scenario_holder = std::make_unique<Scenario>(load_named(vm, file));
    auto sim_holder = std::make_unique<Simulation>(*scenario_holder, run_setup(vm, *scenario_holder));
    Simulation& sim = *sim_holder;
    sim.run();
    const bool json_to_stdout = vm.count("json") && vm["json"].as<std::string>() == "-";
    // A table or the report on standard output (--csv -, --metrics-csv -, --report -) takes the
    // timeline's place, as JSON does.
    const bool csv_to_stdout = (vm.count("csv") && vm["csv"].as<std::string>() == "-") ||
                               (vm.count("metrics-csv") && vm["metrics-csv"].as<std::string>() == "-") ||
                               (vm.count("report") && vm["report"].as<std::string>() == "-");
    ReportOptions options;
    options.verbose = vm.count("verbose") > 0;
    reporting::Document doc;
    if (!json_to_stdout && !csv_to_stdout && !vm.count("quiet")) doc = build_document(sim, options);
    std::vector<Output> outputs;  // each produced into its temporary; none renamed until all are complete
    if (vm.count("json")) {
        const int indent = vm.count("pretty") ? 2 : -1;
        outputs.push_back({"--json", vm["json"].as<std::string>(), "", [&sim, indent](reporting::TextSink& sink) {
                               reporting::JsonWriter j(sink, indent);
                               write_json(sim, j);
                               sink.put('\n');
                           }});
    }
    if (vm.count("csv"))
        outputs.push_back({"--csv", vm["csv"].as<std::string>(), "", [&sim](reporting::TextSink& sink) { write_event_csv(sim, sink); }});
    if (vm.count("metrics-csv"))
        outputs.push_back({"--metrics-csv", vm["metrics-csv"].as<std::string>(), "",
                           [&sim](reporting::TextSink& sink) { write_metrics_csv(sim, sink); }});
    if (vm.count("report")) outputs.push_back({"--report", vm["report"].as<std::string>(), reporting::render_html(build_html_report(sim, options))});
    const ExpectationCounts counts = count_expectations(sim);
    if (!json_to_stdout && !csv_to_stdout) {
        // The timeline is one of the outputs: written to standard output before any file is renamed
        // into place, so that a failure to write it leaves no file changed (all or none).
        std::ostringstream text;
        if (vm.count("quiet")) {
            for (const auto& e : sim.expectations()) {
                if (e.ok) continue;
                if (e.unexpected_refusal)
                    text << sim.scenario().file << ":" << e.line << ": " << reporting::printable(e.check) << " at "
                         << engine::format_duration(e.time) << ": " << reporting::printable(e.found) << "\n";
                else
                    text << sim.scenario().file << ":" << e.line << ": expectation FAILED at " << engine::format_duration(e.time)
                         << ": " << reporting::printable(e.check) << ": expected " << reporting::printable(e.expected) << ", found "
                         << reporting::printable(e.found) << "\n";
            }
        } else {
            text << reporting::render_text(doc);
        }
        text << "\n"
             << (counts.all_held() ? "OK: " : "FAILED: ") << counts.summary() << ", " << sim.log().size()
             << " records, simulated " << engine::format_duration(sim.end_time()) << "\n";
        outputs.push_back({"the timeline", "-", std::move(text).str()});
    }
    write_outputs(outputs, out);
    keep_until_exit(sim_holder);
    keep_until_exit(scenario_holder);
    return counts.all_held() ? 0 : 1;
}

int command_validate(const std::string& file, std::ostream& out) {
    const ScenarioDocument doc = ScenarioDocument::from_file(file);
    std::vector<std::string> names{""};
    for (const auto& v : doc.variants()) names.push_back(v.name);
    // Every variant is checked, and their errors reported together (an error of the base, which
    // every variant repeats, once), as a compiler reports a file's.
    std::vector<InputError> errors;
    bool truncated = false;
    auto add_error = [&](const InputError& e) {
        for (const InputError& seen : errors)
            if (seen.line() == e.line() && seen.column() == e.column() && seen.message() == e.message()) return;
        if (errors.size() == max_errors_per_file) {
            truncated = true;
            return;
        }
        errors.push_back(e);
        errors.back().set_following({}, false);
    };
    for (const auto& variant : names) {
        std::optional<Scenario> loaded;
        try {
            loaded.emplace(doc.load(variant));
        } catch (const InputError& e) {
            add_error(e);
            for (const InputError& next : e.following()) add_error(next);
            truncated = truncated || e.truncated();
            continue;
        }
        const Scenario& s = *loaded;
        std::size_t expects = 0;
        for (const auto& e : s.events) expects += e.expects.size() + (e.expect_error.empty() ? 0 : 1);
        out << doc.file() << (variant.empty() ? "" : " (variant " + variant + ")") << ": valid scenario '" << reporting::printable(s.name) << "': " << s.sites.size()
            << " sites, " << s.networks.size() << " networks, " << s.vms.size() << " VMs, " << s.recovery_plans.size()
            << " recovery plans, " << s.events.size() << " events, " << expects << " checks"
            << (s.faults.empty() ? "" : ", " + std::to_string(s.faults.size()) + " random faults") << "\n";
        auto sim = std::make_unique<Simulation>(s);  // the world as it starts: connections are checked too
        for (const auto& w : sim->planning_warnings())
            out << doc.file() << ":" << w.loc.line << ":" << w.loc.column << ": warning: " << rule_id(w.rule) << ": "
                << (variant.empty() ? "" : "(variant " + variant + ") ") << reporting::printable(w.detail) << "\n";
    }
    if (errors.empty()) return 0;
    InputError first = errors.front();
    first.set_following(std::vector<InputError>(errors.begin() + 1, errors.end()), truncated);
    throw first;
}

int command_explain(const po::variables_map& vm, const std::string& file, std::ostream& out) {
    if (!vm.count("vm")) throw InputError("explain needs --vm NAME (see drsim explain --help)");
    Scenario scenario = load_named(vm, file);
    const std::string name = vm["vm"].as<std::string>();
    if (!scenario.vm_names.find(name))
        throw InputError("no VM named '" + name + "' in " + scenario.file +
                         did_you_mean(closest_name(name, vm_names(scenario))));
    Simulation sim(scenario, run_setup(vm, scenario));
    sim.run();
    out << reporting::render_text(build_explanation(sim, name));
    return 0;
}

int command_graph(const po::variables_map& vm, const std::string& file, std::ostream& out) {
    Scenario scenario = load_named(vm, file);
    Simulation sim(scenario, run_setup(vm, scenario));
    if (vm.count("after")) sim.run();
    out << topology_dot(sim.world());
    return 0;
}

int command_compare(const po::variables_map& vm, const std::string& file, std::ostream& out) {
    const ScenarioDocument doc = ScenarioDocument::from_file(file);
    const std::vector<std::string> asked = vm.count("variant") ? vm["variant"].as<std::vector<std::string>>() : std::vector<std::string>{};
    const Comparison c = compare(doc, asked, vm.count("seed") ? std::optional{whole<AnyWhole>(vm, "seed")} : std::nullopt);
    const reporting::Table table = comparison_table(c);
    const bool to_stdout = (vm.count("json") && vm["json"].as<std::string>() == "-") || (vm.count("csv") && vm["csv"].as<std::string>() == "-");
    std::vector<Output> outputs;
    if (vm.count("json")) outputs.push_back({"--json", vm["json"].as<std::string>(), comparison_json(c).dump(2) + "\n"});
    if (vm.count("csv")) outputs.push_back({"--csv", vm["csv"].as<std::string>(), reporting::render_csv(table)});
    if (!to_stdout) {  // the table on standard output: one of the outputs (all or none)
        std::ostringstream text;
        text << "drsim compare: " << reporting::printable(c.scenario) << " (" << c.variants.size()
             << (c.variants.size() == 1 ? " design" : " designs") << ", seed " << c.seed << ")\n\n"
             << reporting::render_text(table) << "\n";
        for (const auto& v : c.variants) {
            // A folded YAML description ends with a line break: not part of what it says.
            std::string_view description = v.description;
            while (!description.empty() && (description.back() == '\n' || description.back() == ' ')) description.remove_suffix(1);
            if (!description.empty()) text << v.name << ": " << reporting::printable(std::string{description}) << "\n";
        }
        text << "\n" << (c.all_held() ? "OK: every design held its expectations" : "FAILED: some designs did not hold their expectations") << "\n";
        outputs.push_back({"the table", "-", std::move(text).str()});
    }
    write_outputs(outputs, out);
    return c.all_held() ? 0 : 1;
}

// "K/M" with 1 <= K <= M.
std::pair<std::uint64_t, std::uint64_t> parse_shard(const std::string& text) {
    const auto slash = text.find('/');
    std::uint64_t k = 0, m = 0;
    try {
        if (slash == std::string::npos) throw std::invalid_argument("no /");
        std::size_t used = 0;
        k = std::stoull(text.substr(0, slash), &used);
        if (used != slash) throw std::invalid_argument("K");
        m = std::stoull(text.substr(slash + 1), &used);
        if (used != text.size() - slash - 1) throw std::invalid_argument("M");
    } catch (const std::exception&) {
        throw InputError("--shard: expected K/M (share K of M, 1 <= K <= M), found '" + text + "'");
    }
    if (m == 0 || k == 0 || k > m) throw InputError("--shard: expected K/M with 1 <= K <= M, found '" + text + "'");
    return {k - 1, m};
}

// Writes the summary (and the runs) of a sweep: to --json / --runs-out, and as text unless the JSON
// goes to standard output.
int write_sweep(const po::variables_map& vm, const SweepPlan& plan, const std::vector<SweepRun>& runs, std::ostream& out) {
    std::vector<Output> outputs;
    if (vm.count("runs-out")) {
        std::string lines;
        for (const auto& r : runs) lines += run_line(plan, r);
        outputs.push_back({"--runs-out", vm["runs-out"].as<std::string>(), std::move(lines)});
    }
    const nlohmann::json summary = sweep_summary(plan, runs);
    const bool to_stdout = (vm.count("json") && vm["json"].as<std::string>() == "-") ||
                           (vm.count("runs-out") && vm["runs-out"].as<std::string>() == "-");
    if (vm.count("json")) outputs.push_back({"--json", vm["json"].as<std::string>(), summary.dump(2) + "\n"});
    if (!to_stdout) outputs.push_back({"the summary", "-", sweep_summary_text(summary)});  // all or none, as the files
    write_outputs(outputs, out);
    return 0;
}

// Rank r runs share r of the ranks' count; rank 0 gathers every rank's run lines, reads them as
// sweep-merge does (so the summary is the single process's, byte for byte) and writes it.
int sweep_under_mpi(const po::variables_map& vm, const ScenarioDocument& doc, const SweepPlan& plan, unsigned jobs,
                    const MpiSession& mpi, std::ostream& out) {
    const auto rank = static_cast<std::uint64_t>(mpi.rank()), size = static_cast<std::uint64_t>(mpi.size());
    std::string lines;
    for (const auto& r : run_sweep(doc, plan, jobs, rank, size, nullptr)) lines += run_line(plan, r);
    const std::vector<std::string> all = mpi.gather(lines);
    if (rank != 0) return 0;
    std::vector<std::pair<std::string, std::string>> texts;
    for (std::size_t r = 0; r < all.size(); ++r) texts.emplace_back("rank " + std::to_string(r), all[r]);
    SweepPlan merged;
    const std::vector<SweepRun> runs = read_run_lines(texts, merged);
    return write_sweep(vm, merged, runs, out);
}

int command_sweep(const po::variables_map& vm, const std::string& file, std::ostream& out, std::ostream& err) {
    if (!vm.count("runs") || whole<Whole<1, kMaxRuns>>(vm, "runs") == 0) throw InputError("sweep needs --runs N (N >= 1) (see drsim sweep --help)");
    const ScenarioDocument doc = ScenarioDocument::from_file(file);
    SweepPlan plan;
    plan.runs = whole<Whole<1, kMaxRuns>>(vm, "runs");
    if (vm.count("variant")) {
        plan.variants = vm["variant"].as<std::vector<std::string>>();
    } else {
        plan.variants.push_back("base");
        for (const auto& v : doc.variants()) plan.variants.push_back(v.name);
    }
    const Scenario base = doc.load(plan.variants.front());  // validates, and names the scenario
    plan.scenario = base.name;
    plan.seed = vm.count("seed") ? whole<AnyWhole>(vm, "seed") : base.seed;
    const unsigned jobs = vm.count("jobs") ? std::max(1u, static_cast<unsigned>(whole<Whole<1, kMaxJobs>>(vm, "jobs")))
                                           : std::max(1u, std::thread::hardware_concurrency());
    auto [shard, shards] = vm.count("shard") ? parse_shard(vm["shard"].as<std::string>()) : std::pair<std::uint64_t, std::uint64_t>{0, 1};
    if (shards > 1 && !vm.count("runs-out"))
        throw InputError("--shard writes its runs for sweep-merge: give --runs-out FILE (see drsim sweep --help)");
    // Under mpirun the ranks split the runs as shards do, and rank 0 merges them and writes.
    if (MpiSession::launched() && !MpiSession::built_with_mpi())
        throw InputError("this drsim was built without MPI: run the sweep in one process, or in shards with --shard K/M");
    MpiSession mpi;
    if (mpi.size() > 1) {
        if (vm.count("shard")) throw InputError("--shard and mpirun both split the runs: use one of them");
        return sweep_under_mpi(vm, doc, plan, jobs, mpi, out);
    }
    // A progress line on a terminal only: runs done, runs per second, time left.
    const bool tty = isatty(fileno(stderr)) != 0;
    const auto started = std::chrono::steady_clock::now();
    auto progress = [&](std::uint64_t done, std::uint64_t total) {
        const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        const double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0.0;
        char line[160];
        std::snprintf(line, sizeof line, "\r%llu/%llu runs, %.1f runs/s, %.0f s left   ", static_cast<unsigned long long>(done),
                      static_cast<unsigned long long>(total), rate, rate > 0 ? static_cast<double>(total - done) / rate : 0.0);
        err << line << (done == total ? "\n" : "") << std::flush;
    };
    const std::vector<SweepRun> runs =
        run_sweep(doc, plan, jobs, shard, shards, tty ? std::function<void(std::uint64_t, std::uint64_t)>(progress) : nullptr);
    if (shards > 1) {  // the summary comes from sweep-merge
        std::string lines;
        for (const auto& r : runs) lines += run_line(plan, r);
        write_outputs({{"--runs-out", vm["runs-out"].as<std::string>(), std::move(lines)}}, out);
        return 0;
    }
    return write_sweep(vm, plan, runs, out);
}

int command_sweep_merge(const po::variables_map& vm, std::ostream& out) {
    if (!vm.count("files")) throw InputError("sweep-merge needs the run files of every shard (see drsim sweep-merge --help)");
    std::vector<std::pair<std::string, std::string>> files;
    for (const auto& path : vm["files"].as<std::vector<std::string>>()) {
        std::ifstream in(path, std::ios::binary);
        if (!in) throw InputError(path, 0, 0, "cannot read run file: " + std::string{std::strerror(errno)});
        std::ostringstream text;
        text << in.rdbuf();
        files.emplace_back(path, text.str());
    }
    SweepPlan plan;
    const std::vector<SweepRun> runs = read_run_lines(files, plan);
    return write_sweep(vm, plan, runs, out);
}

// Refusals that need the whole command line: contradicting options, an output path named twice
// or naming the file read (which the output would replace before it is read again).
void check_command_line(const Command& c, const po::variables_map& vm, const std::string& file) {
    if (vm.count("quiet") && vm.count("verbose"))
        throw InputError("--quiet and --verbose contradict each other: give one (see drsim " + c.name + " --help)");
    std::vector<std::pair<std::string, std::string>> outputs;
    for (const char* option : {"json", "csv", "metrics-csv", "report", "runs-out"})
        if (vm.count(option)) outputs.emplace_back(std::string{"--"} + option, vm[option].as<std::string>());
    std::vector<std::string> inputs;
    if (!file.empty()) inputs.push_back(file);
    if (vm.count("files"))
        for (const auto& f : vm["files"].as<std::vector<std::string>>()) inputs.push_back(f);
    check_output_paths(outputs, inputs, c.name);
}

int run_command(const Command& c, const po::variables_map& vm, const std::string& file, std::ostream& out, std::ostream& err) {
    if (c.name == "run") return command_run(vm, file, out);
    if (c.name == "validate") return command_validate(file, out);
    if (c.name == "explain") return command_explain(vm, file, out);
    if (c.name == "graph") return command_graph(vm, file, out);
    if (c.name == "compare") return command_compare(vm, file, out);
    if (c.name == "sweep") return command_sweep(vm, file, out, err);
    if (c.name == "sweep-merge") return command_sweep_merge(vm, out);
    out << rules_markdown();
    return 0;
}

}  // namespace

std::string rules_markdown() {
    std::string md =
        "# drsim rule catalogue\n\n"
        "Generated by `drsim rules` from `sim/rules/rule_catalogue.hpp`; a test fails when this file and the code "
        "differ.\nOrigin `spec`: a rule of SPEC.md; `drsim`: an interpretation drsim adds where the spec is silent.\n\n"
        "| id | section | origin | rule |\n|---|---|---|---|\n";
    for (const auto& r : all_rules())
        md += "| `" + std::string{r.id} + "` | " + std::string{r.section} + " | " + std::string{r.origin} + " | " +
              std::string{r.summary} + " |\n";
    return md;
}

namespace {

// The command named by `args`, run; its exit status. Throws what run_cli reports.
int dispatch(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    if (auto status = run_import_command(args, out)) return *status;  // drsim import (sim/import/)
    if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
        if (args.size() > 1) {
            Command c = make_command(args[1]);
            if (c.summary.empty()) throw InputError("unknown command '" + args[1] + "'");
            out << c.summary << "\n\n" << c.options;
            return 0;
        }
        // Bare `drsim` is a command line missing its command: the usage goes to standard error.
        (args.empty() ? err : out) << kUsage;
        return args.empty() ? 2 : 0;
    }
    if (args[0] == "--version" || args[0] == "-V" || args[0] == "version") {
        out << "drsim " << DRSIM_VERSION << "\n";
        return 0;
    }
    const std::vector<std::string> known{"run", "validate", "explain", "graph", "compare", "sweep", "sweep-merge", "rules", "import"};
    Command c = make_command(args[0]);
    if (c.summary.empty())
        throw InputError("unknown command '" + args[0] + "'" + did_you_mean(closest_name(args[0], known)) +
                         " (see drsim --help)");
    std::string file;
    po::variables_map vm = parse(c, {args.begin() + 1, args.end()}, file);
    if (vm.count("help")) {
        out << c.summary << "\n\n" << c.options;
        return 0;
    }
    if (c.takes_file && file.empty()) throw InputError("drsim " + c.name + " needs a scenario FILE (see drsim " + c.name + " --help)");
    check_command_line(c, vm, file);
    return run_command(c, vm, file, out, err);
}

}  // namespace

int run_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    try {
        const int status = dispatch(args, out, err);
        // Standard output is written through a buffer: its last bytes (or a write that failed
        // earlier, whose errno is still the reason) come out here.
        if (!out.flush()) throw OutputError("cannot write standard output: " + stream_error_reason());
        return status;
    } catch (const OutputError& e) {
        err << "drsim: error: " << e.what() << "\n";
        return 4;
    } catch (const InputError& e) {
        // A located diagnostic starts with its file, as a compiler's does, so that editors jump to
        // it; one about the command line says who is speaking.
        auto print = [&](const InputError& one) { err << (one.file().empty() ? "drsim: " : "") << one.what() << "\n"; };
        print(e);
        for (const auto& next : e.following()) print(next);
        if (e.truncated())
            err << e.file() << ": note: stopped after " << max_errors_per_file << " errors; fix these and run again\n";
        return 2;
    } catch (const std::bad_alloc&) {
        err << "drsim: error: out of memory\n";
        return 3;
    } catch (const std::exception& e) {
        // A bug, not bad input: say so in one line rather than abort with a trace.
        err << "drsim: internal error: " << e.what() << " (please report it with the scenario)\n";
        return 3;
    }
}

}  // namespace drsim
