#pragma once
// Azure's words for a replication's situation, beside drsim's own states: the protection state,
// the active location, the failover direction and the operations allowed, as Site Recovery's
// replicated items report them (protectionState, activeLocation, allowedOperations). One table
// (azure_terms.cpp) says them all; a record keeps only a byte (AzureKey) and the reports look the
// words up when they write.
#include <cstdint>
#include <span>
#include <string_view>

#include "sim/world/world.hpp"

namespace drsim {

/// A replication's situation in a byte: its state, whether it runs recovery to primary, whether a
/// test failover is running, and whether its last failover was planned. kNoAzureKey: not a VM's.
using AzureKey = std::uint8_t;
inline constexpr AzureKey kNoAzureKey = 0xff;

AzureKey azure_key(const Replication& r);

struct AzureView {
    std::string_view protection_state;              ///< "Protected", "UnplannedFailoverCommitRequired" …
    std::string_view protection_state_description;  ///< "Protected", "Commit pending" …
    std::string_view active_location;                ///< "Primary" | "Recovery": where the VM serves from
    std::string_view failover_direction;             ///< "PrimaryToRecovery" | "RecoveryToPrimary"
    std::span<const std::string_view> allowed_operations;  ///< Azure's operation names, drsim's rules applied
};

/// The words for `key` (a key azure_key returned).
const AzureView& azure_view(AzureKey key);

/// Azure's name of a drsim operation on a VM ("failover" planned → "PlannedFailover"); "" when
/// Azure has no operation of that name.
std::string_view azure_operation(std::string_view op, bool planned);

}  // namespace drsim
