#include "sim/report/dot_graph.hpp"

#include <array>
#include <vector>

#include "reporting/printable.hpp"

namespace drsim {

namespace {
// The text of a name inside a DOT string: shown as printable text (a control character from the
// file as \x1b …), then quotes and backslashes escaped, so no name (one ending in a backslash, one
// with a quote, one with a newline) can end the string early or break the file.
std::string escaped(const std::string& s) {
    std::string out;
    for (char c : reporting::printable(s)) {
        if (c == '"' || c == '\\') out += '\\';
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

// How each kind of connection is drawn: its word and colour (dashed when disconnected).
struct ConnectionStyle {
    std::string_view word, colour;
};
ConnectionStyle style_of(ConnectionKind k) {
    switch (k) {
        case ConnectionKind::vpn: return {"vpn", "darkorange"};
        case ConnectionKind::vnet_to_vnet: return {"vnet-to-vnet", "goldenrod"};
        case ConnectionKind::peering: return {"peering", "gray40"};
        case ConnectionKind::expressroute: return {"expressroute", "purple"};
    }
    return {"?", "black"};
}

constexpr std::array<std::string_view, 3> kSlotWord{"primary", "replica", "test"};
constexpr std::array<std::string_view, 3> kSlotColour{"black", "darkgreen", "steelblue"};

// One VM instance drawn in a subnet: which VM, which instance, its address there.
struct Placed {
    Id vm;
    Slot slot;
    std::string address;
};
}  // namespace

std::string topology_dot(const World& w, const DotOptions& options) {
    // Every existing instance, by the subnet of each of its NICs: one pass over the VMs.
    std::vector<std::vector<Placed>> in_subnet(w.subnets.size());
    for (Id v = 0; v < w.vms.size(); ++v)
        for (std::size_t s = 0; s < 3; ++s) {
            const Instance& inst = w.vms[v].instance(static_cast<Slot>(s));
            if (!inst.exists) continue;
            for (const NicBinding& nic : inst.nics)
                if (nic.subnet != kNone)
                    in_subnet[nic.subnet].push_back({v, static_cast<Slot>(s), nic.ip ? nic.ip->to_string() : std::string{"dhcp"}});
        }

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
            for (Id sn : w.networks[n].subnets) {
                const std::string subnet = vertex_name(w, w.subnets[sn].vertex);
                out += "    " + subnet + " [label=" + lines({w.subnets[sn].name, w.subnets[sn].prefix.to_string()}) +
                       ", shape=ellipse];\n    " + vertex_name(w, w.networks[n].vertex) + " -- " + subnet + ";\n";
                const auto& placed = in_subnet[sn];
                if (placed.size() > options.vms_per_subnet) {
                    // Too many to draw one by one: a count per kind of instance.
                    std::array<std::size_t, 3> count{};
                    for (const Placed& p : placed) ++count[static_cast<std::size_t>(p.slot)];
                    std::vector<std::string> counted{std::to_string(placed.size()) + " VM instances"};
                    for (std::size_t k = 0; k < 3; ++k)
                        if (count[k]) counted.push_back(std::to_string(count[k]) + " " + std::string{kSlotWord[k]});
                    const std::string node = quoted("vms:" + w.networks[n].name + "/" + w.subnets[sn].name);
                    out += "    " + node + " [label=" + lines(counted) + ", shape=folder];\n    " + subnet + " -- " + node + ";\n";
                    continue;
                }
                for (const Placed& p : placed) {
                    const auto k = static_cast<std::size_t>(p.slot);
                    const std::string node = quoted("vm:" + w.vms[p.vm].name + "/" + std::string{kSlotWord[k]} + "/" +
                                                    w.networks[n].name + "/" + w.subnets[sn].name);
                    std::vector<std::string> vm_label{w.vms[p.vm].name, p.address};
                    if (p.slot != Slot::home) vm_label.push_back("(" + std::string{kSlotWord[k]} + ")");
                    const bool up = w.running(w.vms[p.vm].instance(p.slot));
                    out += "    " + node + " [label=" + lines(vm_label) + ", shape=component, color=" + std::string{kSlotColour[k]} +
                           (up ? "" : ", style=dashed") + "];\n    " + subnet + " -- " + node + ";\n";
                }
            }
        }
        out += "  }\n";
    }
    for (const auto& c : w.circuits)
        out += "  " + vertex_name(w, c.vertex) + " [label=" + lines({c.name, c.peering_location}) + ", shape=hexagon];\n";
    for (Id i = 0; i < w.connections.size(); ++i) {
        const Connection& c = w.connections[i];
        const ConnectionStyle st = style_of(c.kind);
        const bool up = w.network.connected(i);
        out += "  " + vertex_name(w, c.ends[0]) + " -- " + vertex_name(w, c.ends[1]) + " [label=" +
               lines({c.name, std::string{st.word} + (up ? "" : ", disconnected")}) + ", color=" + std::string{st.colour} +
               (up ? "" : ", style=dashed") + "];\n";
    }
    for (Id n = 0; n < w.networks.size(); ++n)
        if (w.mappings[n])
            out += "  " + vertex_name(w, w.networks[n].vertex) + " -- " + vertex_name(w, w.networks[w.mappings[n]->target].vertex) +
                   " [dir=forward, color=blue, label=\"mapped\"];\n";
    return out + "}\n";
}

}  // namespace drsim
