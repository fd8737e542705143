#pragma once
// A located YAML tree for the scenario loader, built from libyaml's parser events. A YAML library's
// own document model keeps no mark on keys, silently keeps one of two duplicate keys, expands
// aliases and recurses without a useful bound; so the loader builds this tree itself, refusing
// those cases as the events stream past (before anything is built from them).
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "sim/scenario/scenario.hpp"

namespace drsim {

struct YamlNode {
    enum class Type { null, scalar, sequence, mapping };
    Type type = Type::null;
    Location loc;          ///< 1-based position of the node's first character
    bool quoted = false;   ///< scalar written quoted or with an explicit tag: never a number, boolean or null
    std::string text;      ///< scalar text
    std::vector<YamlNode> items;  ///< sequence: the items; mapping: key, value, key, value, ...

    bool is_null() const { return type == Type::null; }
    bool is_scalar() const { return type == Type::scalar; }
    bool is_sequence() const { return type == Type::sequence; }
    bool is_mapping() const { return type == Type::mapping; }
    /// Number of entries of a mapping (keys are scalars, unique: the parser checked both).
    std::size_t entry_count() const { return items.size() / 2; }
    const YamlNode& key(std::size_t i) const { return items[2 * i]; }
    const YamlNode& value(std::size_t i) const { return items[2 * i + 1]; }
    /// The value under `key` in a mapping; nullptr when absent (linear: scenario mappings are small).
    const YamlNode* find(std::string_view key) const;
};

/// Most levels of nesting a scenario may use; deeper documents are refused while parsing.
inline constexpr int max_yaml_depth = 64;

/// Parses `text` (one YAML document, UTF-8) into a located tree. Throws InputError naming `file`
/// for a syntax error or text that is not UTF-8 (located; see yaml_reader.cpp for where), an empty
/// file (1:1), a second document, an alias (`*x`), a duplicate or non-scalar key, a quoted scalar
/// whose further lines are not indented past its block collection, or nesting deeper than
/// max_yaml_depth. Linear in the size of the text.
YamlNode parse_yaml_document(const std::string& text, const std::string& file);

/// What a message says was found: "a mapping", "a list", "an empty value", "'text'".
std::string describe_node(const YamlNode& node);

}  // namespace drsim
