// Error and Result<T>: the typed error channel used by every library in snaprun.
// Result<T> mirrors the std::expected API (value(), error(), has_value(), operator*)
// so it can be swapped for std::expected once the toolchain has it (GCC 12 in C++20
// mode does not). Errors carry a code, errno, a message, an optional position and
// the chain of "while …" contexts added by Wrap().
#pragma once

#include <cerrno>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace snaprun {

enum class ErrorCode {
  kInvalidInput,   // a spec, config, flag or file the user gave is wrong
  kPolicyDenied,   // the operator's policy forbids it
  kNotFound,       // a named thing does not exist
  kAlreadyExists,  // a named thing exists and must not
  kLimitExceeded,  // a size/count/resource limit was hit
  kUnsupported,    // the host or this build cannot do it
  kCorrupt,        // stored data failed verification
  kSystem,         // a system call failed (errno says why)
  kInternal,       // a bug in snaprun
};

const char* ErrorCodeName(ErrorCode code);

// Where in an input file an error was found; line and column are 1-based, 0 = unknown.
struct SourcePosition {
  std::string file;
  int line = 0;
  int column = 0;
};

class Error {
 public:
  Error(ErrorCode code, std::string message, int sys_errno = 0)
      : code_(code), errno_(sys_errno), message_(std::move(message)) {}

  // "OPERATION OBJECT: strerror(errno)", e.g. "mount /proc: Operation not permitted".
  static Error FromErrno(int sys_errno, std::string_view operation, std::string_view object = {});
  // Same, reading errno now.
  static Error FromErrno(std::string_view operation, std::string_view object = {}) {
    return FromErrno(errno, operation, object);
  }

  ErrorCode code() const { return code_; }
  int sys_errno() const { return errno_; }
  const std::string& message() const { return message_; }
  const std::optional<SourcePosition>& position() const { return position_; }

  Error& At(SourcePosition position) & {
    position_ = std::move(position);
    return *this;
  }
  Error&& At(SourcePosition position) && {
    position_ = std::move(position);
    return std::move(*this);
  }
  // Prefixes outer context: "while loading config.json: <message>".
  Error& Wrap(std::string_view context) &;
  Error&& Wrap(std::string_view context) && { return std::move(Wrap(context)); }

  // One line for a terminal: "file:line:col: message".
  std::string ToString() const;

 private:
  ErrorCode code_;
  int errno_;
  std::string message_;
  std::optional<SourcePosition> position_;
};

// The error side of a Result, as std::unexpected.
template <typename E>
class Unexpected {
 public:
  explicit Unexpected(E error) : error_(std::move(error)) {}
  E& error() & { return error_; }
  E&& error() && { return std::move(error_); }

 private:
  E error_;
};
Unexpected(Error) -> Unexpected<Error>;

template <typename T>
class [[nodiscard]] Result {
 public:
  using value_type = T;
  Result(T value) : storage_(std::in_place_index<0>, std::move(value)) {}  // NOLINT
  Result(Unexpected<Error> error)                                          // NOLINT
      : storage_(std::in_place_index<1>, std::move(error).error()) {}
  Result(Error error) : storage_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool has_value() const { return storage_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & { return std::get<0>(storage_); }
  const T& value() const& { return std::get<0>(storage_); }
  T&& value() && { return std::get<0>(std::move(storage_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  template <typename U>
  T value_or(U&& fallback) const& {
    return has_value() ? value() : static_cast<T>(std::forward<U>(fallback));
  }

  Error& error() & { return std::get<1>(storage_); }
  const Error& error() const& { return std::get<1>(storage_); }
  Error&& error() && { return std::get<1>(std::move(storage_)); }

 private:
  std::variant<T, Error> storage_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  using value_type = void;
  Result() = default;
  Result(Unexpected<Error> error) : error_(std::move(error).error()) {}  // NOLINT
  Result(Error error) : error_(std::move(error)) {}                      // NOLINT

  bool has_value() const { return !error_.has_value(); }
  explicit operator bool() const { return has_value(); }
  void value() const {}
  Error& error() & { return *error_; }
  const Error& error() const& { return *error_; }
  Error&& error() && { return std::move(*error_); }

 private:
  std::optional<Error> error_;
};

inline Result<void> Ok() { return {}; }

}  // namespace snaprun

// Evaluates a Result-returning expression; on error returns the error from the
// enclosing function, otherwise yields the value. GNU statement expression: the
// one extension the project relies on (GCC and Clang both have it).
#define SNAPRUN_TRY(expr)                                            \
  ({                                                                 \
    auto&& snaprun_try_result_ = (expr);                             \
    if (!snaprun_try_result_.has_value())                            \
      return ::snaprun::Unexpected(std::move(snaprun_try_result_).error()); \
    std::move(snaprun_try_result_).value();                          \
  })

// As SNAPRUN_TRY, adding "while CONTEXT" to the error.
#define SNAPRUN_TRY_CTX(expr, context)                               \
  ({                                                                 \
    auto&& snaprun_try_result_ = (expr);                             \
    if (!snaprun_try_result_.has_value())                            \
      return ::snaprun::Unexpected(                                  \
          std::move(snaprun_try_result_).error().Wrap(context));     \
    std::move(snaprun_try_result_).value();                          \
  })
