// drsim import azure (sim/import/azure_import.hpp): region names, YAML quoting, peerings made one
// connection, NICs placed by address, and bad input located. The listing here is its own (two
// European regions, names that clash, overlapping VNets), not the sample under scenarios/import/.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <string>

#include "sim/import/azure_import.hpp"
#include "sim/scenario/input_error.hpp"
#include "sim/scenario/scenario_loader.hpp"

using namespace drsim;
using nlohmann::json;

namespace {

const std::string kSub = "/subscriptions/aaaaaaaa-0000-0000-0000-000000000001/resourceGroups/";

std::string vnet_id(const std::string& rg, const std::string& name) {
    return kSub + rg + "/providers/Microsoft.Network/virtualNetworks/" + name;
}

json peering(const std::string& name, const std::string& rg, const std::string& remote, const std::string& state) {
    return {{"name", name}, {"peeringState", state}, {"allowForwardedTraffic", false}, {"remoteVirtualNetwork", {{"id", vnet_id(rg, remote)}}}};
}

json vnet(const std::string& rg, const std::string& name, const std::string& location, json space, json subnets, json peerings = json::array()) {
    return {{"id", vnet_id(rg, name)},
            {"name", name},
            {"location", location},
            {"resourceGroup", rg},
            {"addressSpace", {{"addressPrefixes", space}}},
            {"subnets", subnets},
            {"virtualNetworkPeerings", peerings},
            {"someFieldDrsimDoesNotKnow", {{"nested", true}}}};
}

json vm(const std::string& rg, const std::string& name, const std::string& location, const std::string& ips, json nics) {
    json refs = json::array();
    for (const auto& n : nics) refs.push_back({{"id", kSub + rg + "/providers/Microsoft.Network/networkInterfaces/" + n.get<std::string>()}});
    return {{"name", name},     {"location", location}, {"resourceGroup", rg}, {"privateIps", ips},
            {"publicIps", ""}, {"powerState", "VM running"}, {"networkProfile", {{"networkInterfaces", refs}}}};
}

// Two regions given as the CLI writes them and as people write them; two VNets named alike in two
// resource groups; two VNets of one region sharing 10.0.0.0/16; a peering listed from both ends,
// one from one end only, one to a VNet outside the listing; an IPv6-only VNet.
json europe_vnets() {
    return json::array({
        vnet("rg-b", "vnet-shared", "northeurope", {"10.0.0.0/16"},
             json::array({{{"name", "app"}, {"addressPrefix", "10.0.1.0/24"}}}),
             json::array({peering("b-to-a", "rg-a", "vnet-shared", "Connected")})),
        vnet("rg-a", "vnet-shared", "North Europe", {"10.0.0.0/16"},
             json::array({{{"name", "app"}, {"addressPrefix", "10.0.1.0/24"}}, {{"name", "db: \"primary\""}, {"addressPrefix", "10.0.2.0/24"}}}),
             json::array({peering("a-to-b", "rg-b", "vnet-shared", "Connected"), peering("a-to-c", "rg-c", "vnet-weu", "Connected"),
                          peering("a-to-elsewhere", "rg-x", "vnet-other-subscription", "Connected")})),
        vnet("rg-c", "vnet-weu", "westeurope", {"10.9.0.0/16", "fd00:9::/48"},
             json::array({{{"name", "web"}, {"addressPrefixes", {"10.9.1.0/24", "fd00:9:0:1::/64"}}}})),
        vnet("rg-c", "vnet-v6", "westeurope", {"fd00:6::/48"}, json::array({{{"name", "only6"}, {"addressPrefix", "fd00:6:0:1::/64"}}})),
    });
}

json europe_vms() {
    return json::array({
        vm("rg-b", "api1", "northeurope", "10.0.1.4", {"api1-nic"}),         // both vnet-shared hold it: rg-b's wins
        vm("rg-a", "multi", "northeurope", "10.0.1.5,10.0.2.5", {"multi-a", "multi-b"}),
        vm("rg-c", "lost", "westeurope", "192.168.7.7", {"lost-nic"}),        // no subnet holds it
        vm("rg-c", "edge", "westeurope", "10.9.1.1", {"edge-nic"}),           // an address Azure reserves
        vm("rg-z", "far", "japaneast", "10.50.0.4", {"far-nic"}),             // no VNet in its region
    });
}

std::string import_europe() {
    const JsonInput vnets{"vnets.json", europe_vnets().dump(2)};
    const JsonInput vms{"vms.json", europe_vms().dump(2)};
    return import_azure(vnets, &vms);
}

bool has_line(const std::string& text, const std::string& line) {
    return ("\n" + text).find("\n" + line + "\n") != std::string::npos;
}

// The InputError of importing `text` as the VNet listing (and `vms` as the VM listing).
InputError import_error(const std::string& text, const std::string& vms_text = "") {
    const JsonInput vnets{"in.json", text};
    const JsonInput vms{"vms.json", vms_text};
    try {
        (void)import_azure(vnets, vms_text.empty() ? nullptr : &vms);
    } catch (const InputError& e) {
        return e;
    }
    FAIL("no InputError");
    return InputError("unreachable");
}

}  // namespace

TEST_CASE("regions are named as drsim scenarios name them, whatever the spelling") {
    CHECK(azure_region("eastus").name == "East US");
    CHECK(azure_region("eastus").geo == "United States");
    CHECK(azure_region("East US 2").name == "East US 2");
    CHECK(azure_region("SOUTHEASTASIA").name == "Southeast Asia");
    CHECK(azure_region("southeastasia").geo == "Asia Pacific");
    CHECK(azure_region("chinanorth").geo == "China");
    const AzureRegion unknown = azure_region("marsnorth");
    CHECK_FALSE(unknown.known);
    CHECK(unknown.name == "marsnorth");
    CHECK(unknown.geo.empty());
}

TEST_CASE("YAML scalars are plain only where they read back the same") {
    CHECK(yaml_scalar("vnet-hub_1.a") == "vnet-hub_1.a");
    CHECK(yaml_scalar("East US 2") == "East US 2");
    CHECK(yaml_scalar("db: primary") == "\"db: primary\"");
    CHECK(yaml_scalar("say \"hi\"\\") == "\"say \\\"hi\\\"\\\\\"");
    CHECK(yaml_scalar("a,b") == "\"a,b\"");
    CHECK(yaml_scalar("x #y") == "\"x #y\"");
    CHECK(yaml_scalar("[x]") == "\"[x]\"");
    CHECK(yaml_scalar("true") == "\"true\"");
    CHECK(yaml_scalar("No") == "\"No\"");
    CHECK(yaml_scalar("12") == "\"12\"");
    CHECK(yaml_scalar("-x") == "\"-x\"");
    CHECK(yaml_scalar("") == "\"\"");
    CHECK(yaml_scalar("tab\there\x1b") == "\"tab\\there\\x1b\"");
    CHECK(yaml_scalar("café") == "café");
}

TEST_CASE("a byte offset becomes a line and a column") {
    CHECK(line_column("ab\ncd", 0) == std::pair{1, 1});
    CHECK(line_column("ab\ncd", 3) == std::pair{2, 1});
    CHECK(line_column("ab\ncd", 4) == std::pair{2, 2});
    CHECK(line_column("ab\ncd", 99) == std::pair{2, 3});
}

TEST_CASE("a listing of its own imports into a scenario the loader accepts") {
    const std::string yaml = import_europe();
    CAPTURE(yaml);
    const Scenario s = load_scenario_text(yaml, "imported.yaml");

    SUBCASE("one site per region, sorted by name, with geo") {
        REQUIRE(s.sites.size() == 2);  // North Europe, West Europe; none for Japan East, where no VNet is
        CHECK(s.sites[0].name == "North Europe");
        CHECK(s.sites[0].geo == "Europe");
        CHECK(s.sites[1].name == "West Europe");
        CHECK(has_line(yaml, "  - {name: North Europe, kind: azure, geo: Europe}"));
    }
    SUBCASE("VNets named alike in two resource groups keep one name each") {
        std::vector<std::string> names;
        for (const auto& n : s.networks) names.push_back(n.name);
        CHECK(names == std::vector<std::string>{"vnet-shared", "vnet-shared-rg-b", "vnet-weu"});
        CHECK(yaml.find("# Azure name 'vnet-shared' (renamed") != std::string::npos);
    }
    SUBCASE("IPv6 is left out with a comment; an IPv6-only VNet entirely") {
        CHECK(yaml.find("# IPv6 address space fd00:9::/48 left out") != std::string::npos);
        CHECK(yaml.find("# IPv6 prefix fd00:9:0:1::/64 left out") != std::string::npos);
        CHECK(yaml.find("# VNet vnet-v6 (resource group rg-c) left out: it has no IPv4 address space") != std::string::npos);
    }
    SUBCASE("a subnet name YAML would misread is quoted and reads back") {
        CHECK(has_line(yaml, "      - {name: \"db: \\\"primary\\\"\", prefix: 10.0.2.0/24}"));
        CHECK(s.networks[0].subnets[1].name == "db: \"primary\"");
    }
    SUBCASE("the two ends of a peering make one connection; one end only is not established") {
        REQUIRE(s.connections.size() == 2);
        const auto& ab = s.connections[0];
        CHECK(ab.name == "a-to-b");
        CHECK(ab.between == std::array<std::string, 2>{"vnet-shared", "vnet-shared-rg-b"});
        CHECK(ab.connected);
        const auto& ac = s.connections[1];
        CHECK(ac.name == "a-to-c");
        CHECK_FALSE(ac.connected);
        CHECK(yaml.find("# only vnet-shared has a peering to the other") != std::string::npos);
        CHECK(yaml.find("# peering a-to-elsewhere of vnet-shared left out: the remote VNet vnet-other-subscription is not in the input") !=
              std::string::npos);
    }
    SUBCASE("an address is placed in the subnet of its region that holds it, ambiguity said") {
        auto find_vm = [&](const std::string& name) {
            auto it = std::find_if(s.vms.begin(), s.vms.end(), [&](const VmSpec& v) { return v.name == name; });
            REQUIRE(it != s.vms.end());
            return *it;
        };
        const VmSpec api = find_vm("api1");
        REQUIRE(s.entry_of(api).nics.size() == 1);
        CHECK(s.entry_of(api).nics[0].network == "vnet-shared-rg-b");  // the VM's resource group
        CHECK(s.entry_of(api).nics[0].subnet == "app");
        CHECK(s.nic_ip(api, 0) == Ipv4Address::parse("10.0.1.4"));
        CHECK(yaml.find("# ambiguous: 10.0.1.4 is also in vnet-shared/app of North Europe; chose vnet-shared-rg-b/app (the VM's resource group)") !=
              std::string::npos);
        const VmSpec multi = find_vm("multi");
        REQUIRE(s.entry_of(multi).nics.size() == 2);
        CHECK(s.entry_of(multi).nics[0].network == "vnet-shared");
        CHECK(s.entry_of(multi).nics[1].subnet == "db: \"primary\"");
        CHECK(yaml.find("# NIC multi-b") != std::string::npos);
        const VmSpec edge = find_vm("edge");
        CHECK_FALSE(s.nic_ip(edge, 0).has_value());  // 10.9.1.1 is reserved: dhcp
        CHECK(s.vms.size() == 3);
        CHECK(yaml.find("# VM lost (West Europe) left out: none of its private addresses (192.168.7.7)") != std::string::npos);
        CHECK(yaml.find("# VM far (Japan East) left out: no VNet of the input is in its region") != std::string::npos);
    }
}

TEST_CASE("the same listing in another order gives the same bytes") {
    json vnets = europe_vnets(), vms = europe_vms();
    std::reverse(vnets.begin(), vnets.end());
    std::reverse(vms.begin(), vms.end());
    const JsonInput v{"vnets.json", vnets.dump()};
    const JsonInput m{"vms.json", vms.dump()};
    CHECK(import_azure(v, &m) == import_europe());
}

TEST_CASE("bad input is located in its file") {
    SUBCASE("not JSON: the byte offset becomes line and column") {
        const InputError e = import_error("[\n  {\"name\": \"v\",,\n");
        CHECK(e.file() == "in.json");
        CHECK(e.line() == 2);
        CHECK(e.column() == 16);  // the second comma
        CHECK(e.message().rfind("not JSON: ", 0) == 0);
    }
    SUBCASE("not a list") {
        const InputError e = import_error("{\"value\": []}");
        CHECK(e.line() == 1);
        CHECK(e.message().find("expected a list") != std::string::npos);
    }
    SUBCASE("a wrong type: its path, its place, what was found") {
        json v = europe_vnets();
        v[2]["subnets"][0]["addressPrefixes"][0] = 24;
        const std::string text = v.dump(2);
        const InputError e = import_error(text);
        CHECK(e.message().rfind("[2].subnets[0].addressPrefixes[0]: expected a CIDR prefix string, found the number 24", 0) == 0);
        CHECK(e.message().find("VNet 'vnet-weu', subnet 'web'") != std::string::npos);
        const auto at = text.find("24,\n");
        CHECK(std::pair{e.line(), e.column()} == line_column(text, at));
    }
    SUBCASE("a missing field: the object it is missing from") {
        json v = europe_vnets();
        v[1].erase("location");
        const std::string text = v.dump(2);
        const InputError e = import_error(text);
        CHECK(e.message().rfind("[1]: missing 'location'", 0) == 0);
        std::size_t second = text.find("\n  {", text.find("\n  {") + 1);
        CHECK(std::pair{e.line(), e.column()} == line_column(text, second + 3));
    }
    SUBCASE("a malformed prefix, an unknown peering state") {
        json v = europe_vnets();
        v[0]["addressSpace"]["addressPrefixes"][0] = "10.0.0.1/16";
        CHECK(import_error(v.dump()).message().find("found '10.0.0.1/16'") != std::string::npos);
        v = europe_vnets();
        v[0]["virtualNetworkPeerings"][0]["peeringState"] = "Connecting";
        CHECK(import_error(v.dump()).message().find("expected Connected, Initiated or Disconnected") != std::string::npos);
    }
    SUBCASE("the VM listing: privateIps missing (az vm list without -d), malformed") {
        json m = europe_vms();
        m[3].erase("privateIps");
        const InputError e = import_error(europe_vnets().dump(), m.dump(1));
        CHECK(e.file() == "vms.json");
        CHECK(e.message().find("[3]: missing 'privateIps'") == 0);
        CHECK(e.message().find("az vm list -d") != std::string::npos);
        m = europe_vms();
        m[0]["privateIps"] = "10.0.1.4;10.0.1.5";
        CHECK(import_error(europe_vnets().dump(), m.dump()).message().find("expected addresses separated by commas") != std::string::npos);
    }
    SUBCASE("the two listings swapped") {
        CHECK(import_error(europe_vms().dump()).message().find("this is a VM, not a VNet") != std::string::npos);
    }
}
