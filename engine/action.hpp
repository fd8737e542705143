#pragma once

#include <cassert>
#include <cstddef>
#include <cstring>
#include <new>
#include <type_traits>
#include <utility>

namespace drsim::engine {

// A move-only `void()` callable with a small inline buffer: callables of up to kInlineCapacity bytes
// (a lambda capturing e.g. `this` and three ids) are stored without allocation, larger ones on the
// heap. Used instead of std::function because scheduling an event must not allocate in the common case
// (libstdc++'s std::function stores only 16 bytes inline) and because move-only captures
// (std::unique_ptr) are allowed.
class Action {
public:
  static constexpr std::size_t kInlineCapacity = 32;

  // An empty action; calling it is a bug.
  Action() noexcept = default;

  // Wraps `callable` (copied or moved in). Implicit on purpose so that lambdas convert at call sites.
  template <typename Callable>
    requires(!std::is_same_v<std::remove_cvref_t<Callable>, Action> &&
             std::is_invocable_v<std::decay_t<Callable>&>)
  Action(Callable&& callable) {  // NOLINT(google-explicit-constructor)
    using Stored = std::decay_t<Callable>;
    if constexpr (fits_inline<Stored>) {
      ::new (static_cast<void*>(storage_)) Stored(std::forward<Callable>(callable));
      invoke_ = [](void* storage) { (*std::launder(static_cast<Stored*>(storage)))(); };
      // Trivially copyable callables (the common lambda capturing pointers and integers) move by
      // memcpy and need no destructor, so they get no manager call at all.
      if constexpr (!(std::is_trivially_copyable_v<Stored> && std::is_trivially_destructible_v<Stored>)) {
        manage_ = &manage_inline<Stored>;
      }
    } else {
      Stored* const heap_copy = new Stored(std::forward<Callable>(callable));
      std::memcpy(storage_, &heap_copy, sizeof heap_copy);
      invoke_ = [](void* storage) {
        Stored* target = nullptr;
        std::memcpy(&target, storage, sizeof target);
        (*target)();
      };
      manage_ = &manage_heap<Stored>;
    }
  }

  Action(Action&& other) noexcept { take(other); }

  Action& operator=(Action&& other) noexcept {
    if (this != &other) {
      reset();
      take(other);
    }
    return *this;
  }

  Action(const Action&) = delete;
  Action& operator=(const Action&) = delete;

  ~Action() { reset(); }

  // Returns true when a callable is held.
  explicit operator bool() const noexcept { return invoke_ != nullptr; }

  // Calls the held callable; the action must not be empty.
  void operator()() {
    assert(invoke_ != nullptr && "calling an empty Action");
    invoke_(storage_);
  }

private:
  enum class Operation { move_to, destroy };
  using Invoke = void (*)(void* storage);
  using Manage = void (*)(Operation operation, void* storage, void* target) noexcept;

  template <typename Stored>
  static constexpr bool fits_inline = sizeof(Stored) <= kInlineCapacity &&
                                      alignof(Stored) <= alignof(std::max_align_t) &&
                                      std::is_nothrow_move_constructible_v<Stored>;

  template <typename Stored>
  static void manage_inline(Operation operation, void* storage, void* target) noexcept {
    Stored* const self = std::launder(static_cast<Stored*>(storage));
    if (operation == Operation::move_to) {
      ::new (target) Stored(std::move(*self));
    }
    self->~Stored();
  }

  template <typename Stored>
  static void manage_heap(Operation operation, void* storage, void* target) noexcept {
    if (operation == Operation::move_to) {
      // Ownership of the heap object passes with the pointer.
      std::memcpy(target, storage, sizeof(Stored*));
      return;
    }
    Stored* heap_copy = nullptr;
    std::memcpy(&heap_copy, storage, sizeof heap_copy);
    delete heap_copy;
  }

  void take(Action& other) noexcept {
    if (other.invoke_ == nullptr) {
      return;
    }
    if (other.manage_ != nullptr) {
      other.manage_(Operation::move_to, other.storage_, storage_);
    } else {
      std::memcpy(storage_, other.storage_, kInlineCapacity);
    }
    invoke_ = std::exchange(other.invoke_, nullptr);
    manage_ = std::exchange(other.manage_, nullptr);
  }

  void reset() noexcept {
    if (manage_ != nullptr) {
      manage_(Operation::destroy, storage_, nullptr);
    }
    invoke_ = nullptr;
    manage_ = nullptr;
  }

  alignas(std::max_align_t) std::byte storage_[kInlineCapacity];
  Invoke invoke_ = nullptr;
  Manage manage_ = nullptr;
};

}  // namespace drsim::engine
