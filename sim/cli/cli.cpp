#include "sim/cli/cli.hpp"

#include <boost/program_options.hpp>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "engine/sim_time.hpp"
#include "sim/report/dot_graph.hpp"
#include "sim/decisions/planning_checks.hpp"
#include "sim/report/run_report.hpp"
#include "sim/rules/rule_catalogue.hpp"
#include "sim/run/simulation.hpp"
#include "sim/scenario/input_error.hpp"
#include "sim/scenario/scenario_loader.hpp"

namespace po = boost::program_options;

namespace drsim {

namespace {

constexpr const char* kUsage =
    "usage: drsim <command> [options]\n"
    "\n"
    "commands:\n"
    "  run FILE        replay a scenario; print its timeline; exit 0 if every expect held, 1 if not\n"
    "  validate FILE   check a scenario without running it\n"
    "  explain FILE    run a scenario and show every decision about one VM (--vm NAME)\n"
    "  graph FILE      print the topology as Graphviz DOT (--after: as it is at the end of the run)\n"
    "  rules           print the rule catalogue (Markdown)\n"
    "\n"
    "options:\n"
    "  -h, --help      this text; `drsim <command> --help` for a command's options\n"
    "  --version       print the version\n"
    "\n"
    "exit status: 0 ran and every expect held; 1 ran and some expect failed or an operation was refused\n"
    "  without expect_error (unless allow_refusals: true); 2 invalid file or command line;\n"
    "             3 internal error (out of memory, or a bug)\n";

struct Command {
    std::string name;
    std::string summary;
    po::options_description options;
    bool takes_file = true;
};

// Writes `text` to `path` ("-" = `out`) through a temporary file renamed into place, so a reader
// never sees a half-written file.
void write_output(const std::string& path, const std::string& text, std::ostream& out) {
    if (path == "-") {
        out << text;
        return;
    }
    const std::string temp = path + ".tmp";
    {
        std::ofstream f(temp, std::ios::binary | std::ios::trunc);
        if (!f) throw InputError("cannot write " + path);
        f << text;
        if (!f.flush()) throw InputError("cannot write " + path);
    }
    if (std::rename(temp.c_str(), path.c_str()) != 0) {
        std::remove(temp.c_str());
        throw InputError("cannot write " + path);
    }
}

Command make_command(const std::string& name) {
    Command c{name, "", po::options_description("options of drsim " + name), true};
    c.options.add_options()("help,h", "show this help");
    if (name == "run") {
        c.summary = "drsim run FILE [--json FILE|-] [--csv FILE|-] [--report FILE.html] [--quiet] [--verbose]\n"
                    "Replays FILE and prints the timeline: every operation, its outcome, the decisions with\n"
                    "their rules, the state after; then the expectations and the final state.";
        c.options.add_options()("json", po::value<std::string>(), "write the run as JSON to FILE (- for standard output)")(
            "csv", po::value<std::string>(), "write the event log as CSV to FILE (- for standard output)")(
            "report", po::value<std::string>(), "write the run as a self-contained HTML page to FILE")(
            "quiet,q", "print only the expectations that failed and the summary line")(
            "verbose,v", "print every record of long runs of like records");
    } else if (name == "validate") {
        c.summary = "drsim validate FILE\nChecks FILE against the scenario format; prints a summary of what it declares.";
    } else if (name == "explain") {
        c.summary = "drsim explain FILE --vm NAME\nRuns FILE and prints every decision about one VM, with its rule and inputs.";
        c.options.add_options()("vm", po::value<std::string>(), "the VM to explain");
    } else if (name == "graph") {
        c.summary = "drsim graph FILE [--after]\nPrints the topology (sites, networks, subnets, circuits, connections, mappings) as DOT.";
        c.options.add_options()("after", "the topology at the end of the run instead of before it");
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

int command_run(const po::variables_map& vm, const std::string& file, std::ostream& out) {
    auto scenario_holder = std::make_unique<Scenario>(load_scenario_file(file));
    auto sim_holder = std::make_unique<Simulation>(*scenario_holder);
    Simulation& sim = *sim_holder;
    sim.run();
    const bool json_to_stdout = vm.count("json") && vm["json"].as<std::string>() == "-";
    const bool csv_to_stdout = vm.count("csv") && vm["csv"].as<std::string>() == "-";
    ReportOptions options;
    options.verbose = vm.count("verbose") > 0;
    reporting::Document doc;
    if (vm.count("report") || (!json_to_stdout && !csv_to_stdout && !vm.count("quiet"))) doc = build_document(sim, options);
    if (vm.count("json")) write_output(vm["json"].as<std::string>(), build_json(sim).dump(2) + "\n", out);
    if (vm.count("csv")) write_output(vm["csv"].as<std::string>(), reporting::render_csv(build_event_table(sim)), out);
    if (vm.count("report")) write_output(vm["report"].as<std::string>(), reporting::render_html(doc), out);
    const ExpectationCounts counts = count_expectations(sim);
    if (!json_to_stdout && !csv_to_stdout) {
        if (vm.count("quiet")) {
            for (const auto& e : sim.expectations()) {
                if (e.ok) continue;
                if (e.unexpected_refusal)
                    out << file << ":" << e.line << ": " << e.check << " at " << engine::format_duration(e.time) << ": "
                        << e.found << "\n";
                else
                    out << file << ":" << e.line << ": expectation FAILED at " << engine::format_duration(e.time) << ": "
                        << e.check << ": expected " << e.expected << ", found " << e.found << "\n";
            }
        } else {
            out << reporting::render_text(doc);
        }
        out << "\n"
            << (counts.all_held() ? "OK: " : "FAILED: ") << counts.summary() << ", " << sim.log().size()
            << " records, simulated " << engine::format_duration(sim.end_time()) << "\n";
    }
    keep_until_exit(sim_holder);
    keep_until_exit(scenario_holder);
    return counts.all_held() ? 0 : 1;
}

int command_validate(const std::string& file, std::ostream& out) {
    Scenario s = load_scenario_file(file);
    std::size_t expects = 0;
    for (const auto& e : s.events) expects += e.expects.size() + (e.expect_error.empty() ? 0 : 1);
    out << file << ": valid scenario '" << s.name << "': " << s.sites.size() << " sites, " << s.networks.size()
        << " networks, " << s.vms.size() << " VMs, " << s.recovery_plans.size() << " recovery plans, " << s.events.size()
        << " events, " << expects << " checks\n";
    auto sim = std::make_unique<Simulation>(s);  // the world as it starts: connections are checked too
    for (const auto& w : sim->planning_warnings())
        out << file << ":" << w.loc.line << ":" << w.loc.column << ": warning: " << rule_id(w.rule) << ": " << w.detail << "\n";
    return 0;
}

int command_explain(const po::variables_map& vm, const std::string& file, std::ostream& out) {
    if (!vm.count("vm")) throw InputError("explain needs --vm NAME (see drsim explain --help)");
    Scenario scenario = load_scenario_file(file);
    const std::string name = vm["vm"].as<std::string>();
    std::vector<std::string> names;
    for (const auto& v : scenario.vms) names.push_back(v.name);
    if (std::find(names.begin(), names.end(), name) == names.end())
        throw InputError("no VM named '" + name + "' in " + file + did_you_mean(closest_name(name, names)));
    Simulation sim(scenario);
    sim.run();
    out << reporting::render_text(build_explanation(sim, name));
    return 0;
}

int command_graph(const po::variables_map& vm, const std::string& file, std::ostream& out) {
    Scenario scenario = load_scenario_file(file);
    Simulation sim(scenario);
    if (vm.count("after")) sim.run();
    out << topology_dot(sim.world());
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

int run_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    try {
        if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
            if (args.size() > 1) {
                Command c = make_command(args[1]);
                if (c.summary.empty()) throw InputError("unknown command '" + args[1] + "'");
                out << c.summary << "\n\n" << c.options;
                return 0;
            }
            out << kUsage;
            return args.empty() ? 2 : 0;
        }
        if (args[0] == "--version" || args[0] == "version") {
            out << "drsim " << DRSIM_VERSION << "\n";
            return 0;
        }
        const std::vector<std::string> known{"run", "validate", "explain", "graph", "rules"};
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
        if (c.name == "run") return command_run(vm, file, out);
        if (c.name == "validate") return command_validate(file, out);
        if (c.name == "explain") return command_explain(vm, file, out);
        if (c.name == "graph") return command_graph(vm, file, out);
        out << rules_markdown();
        return 0;
    } catch (const InputError& e) {
        err << "drsim: " << e.what() << "\n";
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
