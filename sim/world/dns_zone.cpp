#include "sim/world/dns_zone.hpp"

namespace drsim {

const DnsAnswer& DnsRecord::answer(Millis now) const {
    // The last change a TTL or more ago stands; later ones are still behind the clients' caches.
    for (auto it = history.rbegin(); it != history.rend(); ++it)
        if (it->time + ttl <= now) return it->after;
    return initial;
}

std::uint32_t DnsZone::add(std::uint32_t vm, Millis ttl, DnsAnswer initial) {
    const auto id = static_cast<std::uint32_t>(records_.size());
    records_.push_back(DnsRecord{vm, ttl, initial, {}});
    return id;
}

bool DnsZone::set(std::uint32_t id, DnsAnswer answer, Millis now, Rule rule, std::string cause) {
    DnsRecord& r = records_[id];
    if (r.current() == answer) return false;
    r.history.push_back(DnsChange{now, r.current(), answer, rule, std::move(cause)});
    return true;
}

}  // namespace drsim
