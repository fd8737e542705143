#pragma once
// A vector that most of its owners leave empty: one pointer until the first element is added. A VM
// carries a dozen lists that only a few VMs ever fill (the resources Site Recovery does not copy,
// the addresses a VMM pool reserved, the windows without protection, a re-IP plan …); held as plain
// vectors they cost 24 bytes each on every VM of a million, held here 8.
#include <cstddef>
#include <memory>
#include <utility>
#include <vector>

namespace drsim {

template <typename T>
class RareVector {
public:
    using value_type = T;
    using iterator = typename std::vector<T>::iterator;
    using const_iterator = typename std::vector<T>::const_iterator;

    RareVector() = default;
    RareVector(std::vector<T> v) { *this = std::move(v); }  // NOLINT: implicit, as the vector it stands for
    RareVector(const RareVector& o) : items_(o.items_ ? std::make_unique<std::vector<T>>(*o.items_) : nullptr) {}
    RareVector(RareVector&&) noexcept = default;
    RareVector& operator=(const RareVector& o) {
        if (this != &o) items_ = o.items_ ? std::make_unique<std::vector<T>>(*o.items_) : nullptr;
        return *this;
    }
    RareVector& operator=(RareVector&&) noexcept = default;
    RareVector& operator=(std::vector<T> v) {
        if (v.empty()) items_.reset();
        else items_ = std::make_unique<std::vector<T>>(std::move(v));
        return *this;
    }

    /// The elements as a vector (an empty one when none was ever added).
    const std::vector<T>& items() const { return items_ ? *items_ : empty_vector(); }
    operator const std::vector<T>&() const { return items(); }  // NOLINT: implicit, read as the vector

    bool empty() const { return !items_ || items_->empty(); }
    std::size_t size() const { return items_ ? items_->size() : 0; }
    const T& operator[](std::size_t i) const { return (*items_)[i]; }
    T& operator[](std::size_t i) { return (*items_)[i]; }
    const_iterator begin() const { return items().begin(); }
    const_iterator end() const { return items().end(); }
    iterator begin() { return items_ ? items_->begin() : iterator{}; }
    iterator end() { return items_ ? items_->end() : iterator{}; }

    template <typename... A>
    T& emplace_back(A&&... args) {
        return made().emplace_back(std::forward<A>(args)...);
    }
    void assign(std::size_t n, const T& v) {
        if (n == 0) items_.reset();
        else made().assign(n, v);
    }
    void clear() { items_.reset(); }

private:
    std::vector<T>& made() {
        if (!items_) items_ = std::make_unique<std::vector<T>>();
        return *items_;
    }
    static const std::vector<T>& empty_vector() {
        static const std::vector<T> none;
        return none;
    }

    std::unique_ptr<std::vector<T>> items_;
};

}  // namespace drsim
