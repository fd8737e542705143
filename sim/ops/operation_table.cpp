#include "sim/ops/operation_table.hpp"

#include <array>
#include <cassert>

#include "sim/ops/dns_operations.hpp"
#include "sim/ops/mapping_operations.hpp"
#include "sim/ops/network_operations.hpp"
#include "sim/ops/vm_operations.hpp"

namespace drsim {

namespace {

OpResult failover_vm(OperationContext& ctx, Id vm, const OperationSpec& op) { return failover(ctx, vm, op, false); }
OpResult failback_vm(OperationContext& ctx, Id vm, const OperationSpec& op) { return failover(ctx, vm, op, true); }

// In OpKind order (checked below).
constexpr std::array kHandlers{
    OperationHandler{OpKind::map_network, nullptr, map_network},
    OperationHandler{OpKind::change_mapping, nullptr, change_mapping},
    OperationHandler{OpKind::delete_mapping, nullptr, delete_mapping},
    OperationHandler{OpKind::enable_replication, enable_replication, nullptr},
    OperationHandler{OpKind::update_replication, update_replication, nullptr},
    OperationHandler{OpKind::disable_replication, disable_replication, nullptr},
    OperationHandler{OpKind::failover, failover_vm, nullptr},
    OperationHandler{OpKind::test_failover, test_failover, nullptr},
    OperationHandler{OpKind::cleanup_test_failover, cleanup_test_failover, nullptr},
    OperationHandler{OpKind::commit, commit, nullptr},
    OperationHandler{OpKind::reprotect, reprotect, nullptr},
    OperationHandler{OpKind::failback, failback_vm, nullptr},
    OperationHandler{OpKind::set_vm_network, set_vm_network, nullptr},
    OperationHandler{OpKind::subnet_failover, nullptr, subnet_failover},
    OperationHandler{OpKind::update_routes, nullptr, update_routes},
    OperationHandler{OpKind::connect, nullptr, connect},
    OperationHandler{OpKind::disconnect, nullptr, disconnect},
    OperationHandler{OpKind::site_down, nullptr, site_down},
    OperationHandler{OpKind::site_up, nullptr, site_up},
    OperationHandler{OpKind::broadcast_storm, nullptr, broadcast_storm},
    OperationHandler{OpKind::peering_location_down, nullptr, peering_location_down},
    OperationHandler{OpKind::delete_vm, delete_vm, nullptr},
    OperationHandler{OpKind::dns_update, nullptr, dns_update},
    OperationHandler{OpKind::peering_location_up, nullptr, peering_location_up},
    OperationHandler{OpKind::create_resources, create_resources, nullptr},
    OperationHandler{OpKind::expect, nullptr, nullptr},
};

constexpr bool in_kind_order() {
    for (std::size_t i = 0; i < kHandlers.size(); ++i)
        if (static_cast<std::size_t>(kHandlers[i].kind) != i) return false;
    return true;
}
static_assert(in_kind_order(), "kHandlers must list every OpKind in declaration order");

}  // namespace

const OperationHandler& handler_of(OpKind kind) {
    const auto i = static_cast<std::size_t>(kind);
    assert(i < kHandlers.size());
    return kHandlers[i];
}

std::string target_of(const OperationSpec& op) {
    switch (op.kind) {
        case OpKind::map_network:
        case OpKind::change_mapping:
        case OpKind::delete_mapping: return op.source + " -> " + (op.target.empty() ? "*" : op.target);
        case OpKind::site_down:
        case OpKind::site_up: return op.site;
        case OpKind::connect:
        case OpKind::disconnect: return op.connection;
        case OpKind::subnet_failover:
        case OpKind::broadcast_storm: return op.subnet_network + "/" + op.subnet;
        case OpKind::peering_location_down:
        case OpKind::peering_location_up: return op.peering_location;
        case OpKind::dns_update: return op.dns_name;
        default: return op.site.empty() ? op.connection : op.site;
    }
}

}  // namespace drsim
