#pragma once
// The `drsim import` command: reads what a cloud's CLI lists and writes a scenario skeleton.
// Its own file beside cli.cpp, which hands it the command line in one line; the conversion is
// in sim/import/.
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace drsim {

/// Runs `drsim import …` (and answers `drsim help import`); its exit status: 0 written, 2 bad
/// input or command line (InputError thrown, as every command). nullopt when `args` name another
/// command. The scenario goes to `-o FILE` through write_outputs, else to `out`.
std::optional<int> run_import_command(const std::vector<std::string>& args, std::ostream& out);

}  // namespace drsim
