#pragma once
// Variants (SPEC §11): a scenario may carry `variants:`, each `{name, description, patch}`. A variant
// is the base document with its patch applied before validation:
// - a mapping overrides key by key (recursively: `timing: {failover: 20m}` changes only that key);
// - a list of named items (sites, networks, subnets, vms, circuits, connections, recovery_plans,
//   clients) merges by `name`: a new name is added, an existing one is merged as a mapping, and
//   `{name: X, remove: true}` removes X;
// - `events` are added to the base's (the run orders events by time, file order among equals),
//   or replace them with `events_replace: true`;
// - anything else replaces the base's value.
// Patching works on the located tree, so every node a patch brings keeps the patch's line: an error
// in a variant is reported where the patch caused it.
#include <string>
#include <vector>

#include "sim/scenario/yaml_reader.hpp"

namespace drsim {

struct VariantInfo {
    std::string name;
    std::string description;
    Location loc;
};

/// The variants `root` declares, in file order (names unique, each with a patch mapping). Throws
/// InputError naming `file` for a malformed `variants:`. O(variants).
std::vector<VariantInfo> variants_of(const YamlNode& root, const std::string& file);

/// The document of variant `name` (or of the base, for ""): `root` without `variants`, with the
/// variant's patch applied. Throws InputError for an unknown variant (with the closest name) or a
/// patch that names something the base does not have to remove. O(size of the document).
YamlNode apply_variant(const YamlNode& root, const std::string& name, const std::string& file);

}  // namespace drsim
