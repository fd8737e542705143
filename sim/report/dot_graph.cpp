#include "sim/report/dot_graph.hpp"

#include <vector>

namespace drsim {

namespace {
// The text of a name inside a DOT string: quotes and backslashes escaped, a line break as DOT's \n,
// so no name (one ending in a backslash, one with a quote) can end the string early.
std::string escaped(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out;
}
// A DOT string holding `s`.
std::string quoted(const std::string& s) { return "\"" + escaped(s) + "\""; }
// A DOT label of several lines, each escaped, joined by DOT's line break.
std::string lines(const std::vector<std::string>& parts) {
    std::string out = "\"";
    for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? "\\n" : "") + escaped(parts[i]);
    return out + "\"";
}
std::string vertex_name(const World& w, TopologyVertex v) {
    const auto& p = w.topology.graph()[v];
    switch (p.kind) {
        case VertexKind::site: return quoted("site:" + w.sites[p.entity].name);
        case VertexKind::network: return quoted("net:" + w.networks[p.entity].name);
        case VertexKind::subnet: return quoted("subnet:" + w.networks[w.subnets[p.entity].network].name + "/" + w.subnets[p.entity].name);
        case VertexKind::circuit: return quoted("circuit:" + w.circuits[p.entity].name);
    }
    return "\"?\"";
}
}  // namespace

std::string topology_dot(const World& w) {
    std::string out = "graph drsim {\n  compound=true;\n  node [shape=box, fontname=\"sans-serif\"];\n";
    for (Id s = 0; s < w.sites.size(); ++s) {
        const Site& site = w.sites[s];
        out += "  subgraph " + quoted("cluster_" + site.name) + " {\n    label=" +
               quoted(site.name + (site.kind == SiteKind::azure ? " (azure)" : " (on-premises)") + (w.site_up(s) ? "" : " DOWN")) + ";\n";
        out += "    " + vertex_name(w, site.vertex) + " [label=" + quoted(site.name) + ", shape=point];\n";
        for (Id n = 0; n < w.networks.size(); ++n) {
            if (w.networks[n].site != s) continue;
            std::vector<std::string> label{w.networks[n].name};
            for (const auto& p : w.networks[n].address_space) label.push_back(p.to_string());
            out += "    " + vertex_name(w, w.networks[n].vertex) + " [label=" + lines(label) + "];\n";
            for (Id sn : w.networks[n].subnets)
                out += "    " + vertex_name(w, w.subnets[sn].vertex) + " [label=" +
                       lines({w.subnets[sn].name, w.subnets[sn].prefix.to_string()}) + ", shape=ellipse];\n    " +
                       vertex_name(w, w.networks[n].vertex) + " -- " + vertex_name(w, w.subnets[sn].vertex) + ";\n";
        }
        out += "  }\n";
    }
    for (const auto& c : w.circuits)
        out += "  " + vertex_name(w, c.vertex) + " [label=" + lines({c.name, c.peering_location}) + ", shape=hexagon];\n";
    for (Id i = 0; i < w.connections.size(); ++i) {
        const Connection& c = w.connections[i];
        out += "  " + vertex_name(w, c.ends[0]) + " -- " + vertex_name(w, c.ends[1]) + " [label=" + quoted(c.name) +
               (w.network.connected(i) ? "" : ", style=dashed") + "];\n";
    }
    for (Id n = 0; n < w.networks.size(); ++n)
        if (w.mappings[n])
            out += "  " + vertex_name(w, w.networks[n].vertex) + " -- " + vertex_name(w, w.networks[w.mappings[n]->target].vertex) +
                   " [dir=forward, color=blue, label=\"mapped\"];\n";
    return out + "}\n";
}

}  // namespace drsim
