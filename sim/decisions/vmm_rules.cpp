#include "sim/decisions/vmm_rules.hpp"

#include <algorithm>

namespace drsim {

bool target_available_to(const World& w, Id cloud, Id target) {
    if (cloud == kNone || w.clouds[cloud].protected_by == kNone) return false;
    return w.clouds[w.clouds[cloud].protected_by].has_logical_network(w.networks[target].logical_network);
}

std::string mapping_unavailable_reason(const World& w, Id source, Id target) {
    if (w.clouds.empty()) return "";
    const std::string& source_ln = w.networks[source].logical_network;
    // A pair is travelled both ways: protected -> protecting for failover, and back for failback
    // (a mapping from a recovery-site network serves the reverse replication).
    std::string pairs;
    const std::string& target_ln = w.networks[target].logical_network;
    for (Id c = 0; c < w.clouds.size(); ++c) {
        const Cloud& cloud = w.clouds[c];
        if (cloud.protected_by == kNone) continue;
        const Cloud& protecting = w.clouds[cloud.protected_by];
        for (const auto& [from, to] : {std::pair{&cloud, &protecting}, std::pair{&protecting, &cloud}}) {
            if (!from->has_logical_network(source_ln)) continue;
            if (to->has_logical_network(target_ln)) return "";
            pairs += (pairs.empty() ? "" : ", ") + from->name + " -> " + to->name;
        }
    }
    if (pairs.empty())
        return "no protected cloud uses " + w.networks[source].name + " (logical network " +
               (source_ln.empty() ? std::string{"none"} : source_ln) + ")";
    return w.networks[target].name + " (logical network " + (target_ln.empty() ? std::string{"none"} : target_ln) +
           ") is available to no cloud pair that uses " + w.networks[source].name + ": " + pairs;
}

bool host_reaches(const World& w, Id host, const std::vector<Id>& targets) {
    for (Id t : targets) {
        if (t == kNone) continue;
        const auto& lns = w.hosts[host].logical_networks;
        if (std::find(lns.begin(), lns.end(), w.networks[t].logical_network) == lns.end()) return false;
    }
    return true;
}

std::optional<Id> choose_host(const World& w, Id cloud, const std::vector<Id>& targets, Decisions& out) {
    const Cloud& c = w.clouds[cloud];
    if (c.hosts.empty()) {
        out.push_back({Rule::MapPlacement, {"cloud {} declares no hosts: placement not modelled", arg::cloud(cloud)}});
        return kNone;
    }
    for (Id h : c.hosts) {
        if (host_reaches(w, h, targets)) {
            std::string nets;
            for (Id t : targets)
                if (t != kNone) nets += (nets.empty() ? "" : ", ") + w.networks[t].name;
            if (nets.empty())
                out.push_back({Rule::MapPlacement, {"replica placed on host {} of {}", arg::host(h), arg::cloud(cloud)}});
            else
                out.push_back({Rule::MapPlacement, {"replica placed on host {} of {}, which reaches {}", arg::host(h), arg::cloud(cloud),
                                                    arg::text(nets, w.texts)}});
            return h;
        }
    }
    return std::nullopt;
}

}  // namespace drsim
