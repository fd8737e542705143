#pragma once
// The drsim command line: run, validate, explain, graph, rules. Separate from main() so tests can
// drive it with argument vectors and string streams.
#include <iosfwd>
#include <string>
#include <vector>

namespace drsim {

/// Runs one command; returns the exit status (0 held, 1 an expectation failed, 2 invalid input,
/// 3 internal error, 4 an output could not be written: `out` or a file). Never throws: every error
/// is reported on `err` as one line. `out` is flushed, and its failure reported, before returning.
int run_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

/// The rule catalogue as Markdown (docs/rules.md is this text).
std::string rules_markdown();

}  // namespace drsim
