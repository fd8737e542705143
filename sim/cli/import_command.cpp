#include "sim/cli/import_command.hpp"

#include <boost/program_options.hpp>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <stdexcept>

#include "sim/cli/output_files.hpp"
#include "sim/import/azure_import.hpp"
#include "sim/scenario/input_error.hpp"
#include "sim/scenario/scenario_loader.hpp"

namespace po = boost::program_options;

namespace drsim {

namespace {

constexpr const char* kSummary =
    "drsim import azure --vnets FILE [--vms FILE] [-o FILE]\n"
    "Writes a scenario skeleton from what the Azure CLI lists: sites (one per region), networks and\n"
    "subnets from `az network vnet list -o json`, peerings as connections, and VMs with their NICs\n"
    "from `az vm list -d -o json` (each address placed in the subnet of its region that holds it).\n"
    "Sorted by name; what drsim does not model is left out with a comment. Add the target region,\n"
    "events and expect checks to make it a drill (docs/import.md).";

po::options_description options() {
    po::options_description o("options of drsim import azure");
    o.add_options()("help,h", "show this help")("vnets", po::value<std::string>(), "the output of `az network vnet list -o json` (required; - for standard input)")(
        "vms", po::value<std::string>(), "the output of `az vm list -d -o json` (- for standard input)")(
        "output,o", po::value<std::string>()->default_value("-"), "write the scenario to FILE (- for standard output)");
    return o;
}

// The whole file ("-": standard input); an InputError naming it when it cannot be read or is
// absurdly large (an endless device is not read for ever).
std::string read_input(const std::string& path) {
    std::ifstream file;
    if (path != "-") {
        file.open(path, std::ios::binary);
        if (!file) throw InputError(path, 0, 0, "cannot read: " + std::string{std::strerror(errno)});
    }
    std::istream& in = path == "-" ? std::cin : file;
    std::string text;
    char buffer[1 << 16];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
        text.append(buffer, static_cast<std::size_t>(in.gcount()));
        if (text.size() > max_scenario_bytes) throw InputError(path, 0, 0, "larger than 512 MiB: not a CLI listing drsim reads");
    }
    if (in.bad()) throw InputError(path, 0, 0, "cannot read: " + std::string{std::strerror(errno)});
    return text;
}

}  // namespace

std::optional<int> run_import_command(const std::vector<std::string>& args, std::ostream& out) {
    const bool help_for_import = args.size() > 1 && (args[0] == "help" || args[0] == "--help" || args[0] == "-h") && args[1] == "import";
    if (help_for_import) {
        out << kSummary << "\n\n" << options();
        return 0;
    }
    if (args.empty() || args[0] != "import") return std::nullopt;
    po::options_description all = options();
    all.add_options()("source", po::value<std::string>(), "what to import from");
    po::positional_options_description positional;
    positional.add("source", 1);
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(std::vector<std::string>(args.begin() + 1, args.end())).options(all).positional(positional).run(), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        throw InputError(std::string{e.what()} + " (see drsim import --help)");
    }
    if (vm.count("help")) {
        out << kSummary << "\n\n" << options();
        return 0;
    }
    if (!vm.count("source")) throw InputError("drsim import needs a source: drsim import azure --vnets FILE (see drsim import --help)");
    const std::string source = vm["source"].as<std::string>();
    if (source != "azure")
        throw InputError("drsim import: unknown source '" + source + "'" + did_you_mean(closest_name(source, std::vector<std::string>{"azure"})) +
                         "; drsim imports from: azure");
    if (!vm.count("vnets")) throw InputError("drsim import azure needs --vnets FILE, the output of `az network vnet list -o json` (see drsim import --help)");
    const std::string output = vm["output"].as<std::string>();
    std::vector<std::string> inputs{vm["vnets"].as<std::string>()};
    if (vm.count("vms")) inputs.push_back(vm["vms"].as<std::string>());
    if (inputs.size() > 1 && inputs[0] == "-" && inputs[1] == "-") throw InputError("--vnets and --vms cannot both read standard input");
    for (const auto& in : inputs) {
        std::error_code ec;
        if (output != "-" && in != "-" && std::filesystem::equivalent(output, in, ec))
            throw InputError("-o " + output + ": is the input " + in + ", which the output would replace: give another path");
    }
    check_output_paths({{"-o", output}}, {}, "import");

    auto input = [](const std::string& path) { return JsonInput{path == "-" ? "standard input" : path, read_input(path)}; };
    const JsonInput vnets = input(inputs[0]);
    std::optional<JsonInput> vms;
    if (inputs.size() > 1) vms = input(inputs[1]);
    const std::string scenario = import_azure(vnets, vms ? &*vms : nullptr);
    // What the importer writes must load: a refusal here is a bug in the importer, not bad input.
    try {
        (void)load_scenario_text(scenario, output == "-" ? "imported scenario" : output);
    } catch (const InputError& e) {
        throw std::logic_error(std::string{"the imported scenario does not load: "} + e.what());
    }
    write_outputs({{"-o", output, scenario}}, out);
    return 0;
}

}  // namespace drsim
