#include "sim/decisions/target_resources.hpp"

#include <algorithm>

namespace drsim {

namespace {
bool has(const std::vector<std::string>& list, const std::string& kind) { return std::find(list.begin(), list.end(), kind) != list.end(); }

std::string joined(const std::vector<std::string>& kinds) {
    std::string out;
    for (const auto& k : kinds) out += (out.empty() ? "" : ", ") + k;
    return out;
}
}  // namespace

std::vector<std::string> missing_at_target(const std::vector<std::string>& source, const std::vector<std::string>& created) {
    std::vector<std::string> out;
    for (const auto& kind : source)
        if (!has(created, kind)) out.push_back(kind);
    return out;
}

std::optional<std::string> not_replicated_warning(const std::vector<std::string>& source, const std::vector<std::string>& created,
                                                  const std::string& site) {
    const std::vector<std::string> missing = missing_at_target(source, created);
    const bool public_ip = has(source, "public_ip");
    if (missing.empty() && !public_ip) return std::nullopt;
    std::string out;
    if (!missing.empty()) out = "not replicated and not created at " + site + ": " + joined(missing);
    if (public_ip)
        out += std::string{out.empty() ? "" : "; "} + "a public IP never moves: " +
               (has(created, "public_ip") ? "the replica's public IP, created at the target, has a new address"
                                          : "the replica has none (one created at the target gets a new address)");
    return out;
}

std::vector<std::string> add_resources(std::vector<std::string>& into, const std::vector<std::string>& more) {
    std::vector<std::string> added;
    for (const auto& kind : more)
        if (!has(into, kind)) {
            into.push_back(kind);
            added.push_back(kind);
        }
    return added;
}

}  // namespace drsim
