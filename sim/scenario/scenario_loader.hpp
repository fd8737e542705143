#pragma once
// Reading a scenario file (SPEC §9, docs/scenario-format.md) into the validated Scenario AST.
// Every problem with the input is one InputError with the file, the 1-based line and column of the
// offending node, what was expected, what was found and, for a near miss, the closest valid name.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/scenario/scenario.hpp"
#include "sim/scenario/variants.hpp"
#include "sim/scenario/yaml_reader.hpp"

namespace drsim {

/// The largest scenario file read (a million VMs written one per line fit in it; compact entries
/// stand for any number).
inline constexpr std::size_t max_scenario_bytes = std::size_t{512} << 20;
/// The name messages give a scenario read from standard input (the path "-").
inline constexpr std::string_view stdin_name = "<stdin>";

/// Reads, parses and validates a scenario file; throws InputError (one message, located) on any problem.
/// An unreadable file is an InputError naming the file with line 0.
Scenario load_scenario_file(const std::string& path);

/// Same for text already in memory; `file` names it in messages.
/// Linear in the size of the file plus the number of VMs (compact entries expanded).
Scenario load_scenario_text(const std::string& text, const std::string& file);

/// A scenario file read and parsed once: its base and each of its variants (SPEC §11) load from it.
class ScenarioDocument {
public:
    /// Reads and parses; throws InputError (a located syntax error, an unreadable file, a
    /// malformed `variants:`). The path "-" reads standard input, named stdin_name in messages.
    static ScenarioDocument from_file(const std::string& path);
    static ScenarioDocument from_text(const std::string& text, const std::string& file);

    const std::string& file() const { return file_; }
    const std::vector<VariantInfo>& variants() const { return variants_; }
    /// The base ("" or "base") or variant `name`, validated. Throws InputError, located in the patch
    /// for what a patch brought. O(size of the document).
    Scenario load(const std::string& variant = "") const;

private:
    std::string file_;
    YamlNode root_;
    std::vector<VariantInfo> variants_;
};

/// Parses a duration ("0", "90s", "5m", "1h30m", "2d", "250ms"); nullopt when malformed or absurd (> 100 years).
std::optional<Millis> parse_duration(std::string_view text);

}  // namespace drsim
