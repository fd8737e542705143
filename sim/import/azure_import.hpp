#pragma once
// `drsim import azure`: a scenario skeleton from what the Azure CLI lists of a subscription —
// `az network vnet list -o json` (sites, networks, subnets, peerings) and, optionally,
// `az vm list -d -o json` (VMs and their NICs). The result is a topology that `drsim validate`
// accepts, sorted by name; the drill itself (target region, events, expect) is the user's to add.
// docs/import.md describes the mapping field by field.
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

namespace drsim {

/// One JSON input: the name it goes by in messages (the path given) and its text.
struct JsonInput {
    std::string file;
    std::string text;
};

/// An Azure region as drsim scenarios name it.
struct AzureRegion {
    std::string name;    ///< display name ("East US"); the location as given when not in the table
    std::string geo;     ///< geography ("United States"), as `az account list-locations` reports it; "" when unknown
    bool known = false;  ///< the region is in drsim's table
};

/// The region `location` names: "eastus", "East US" and "EASTUS" alike (case and spaces ignored).
AzureRegion azure_region(std::string_view location);

/// `s` as a YAML scalar that reads back as `s` in block and in flow style: plain when it is safe
/// (letters, digits, spaces inside, `-_./()+`, no word YAML reads as a boolean or null), else
/// double-quoted with `\"`, `\\` and control characters escaped.
std::string yaml_scalar(std::string_view s);

/// The 1-based line and column (in bytes) of byte `offset` of `text`; past the end: after its last byte.
std::pair<int, int> line_column(std::string_view text, std::size_t offset);

/// The scenario, as YAML text, for the VNets listed in `vnets` and, when `vms` is given, the VMs
/// listed in it. Sites, networks, subnets, connections and VMs come out sorted by name, so the
/// same inputs give the same bytes. What drsim does not model (IPv6 prefixes, a NIC whose address
/// no subnet holds, …) is left out with a comment saying so.
/// Throws InputError `file:line:column: …` for input that is not such a list: not JSON, not a
/// list, a required field missing or of the wrong type (the message names the element by its
/// JSON path, `[2].subnets[0].addressPrefix`). Unknown fields are ignored.
/// O(input size + VMs x distinct subnet prefix lengths in their region).
std::string import_azure(const JsonInput& vnets, const JsonInput* vms);

}  // namespace drsim
