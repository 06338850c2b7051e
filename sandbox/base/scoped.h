// Defer: runs a callable at scope exit unless Cancel()ed. The building block for
// the RAII guards (ScopedMount, ScopedCgroup) of the parent side.
#pragma once

#include <utility>

namespace snaprun {

template <typename F>
class Defer {
 public:
  explicit Defer(F fn) : fn_(std::move(fn)) {}
  Defer(const Defer&) = delete;
  Defer& operator=(const Defer&) = delete;
  ~Defer() {
    if (armed_) fn_();
  }
  void Cancel() { armed_ = false; }

 private:
  F fn_;
  bool armed_ = true;
};

}  // namespace snaprun
