#pragma once

#include <string>
#include <utility>
#include <variant>

namespace preflight {

// What went wrong, as a value. `kind` lets callers branch without parsing text.
enum class ErrorKind {
  kOther,
  kNotFound,
  kPermission,
  kTooLarge,
  kTimeout,
  kInvalid,
  kUnavailable
};

struct Error {
  ErrorKind kind = ErrorKind::kOther;
  std::string message;
};

inline Error MakeError(ErrorKind kind, std::string message) {
  return Error{kind, std::move(message)};
}

// A value or an Error. Errors cross module boundaries as values (STYLE.md, convention 4).
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool Ok() const { return v_.index() == 0; }
  explicit operator bool() const { return Ok(); }

  T& Value() & { return std::get<0>(v_); }
  const T& Value() const& { return std::get<0>(v_); }
  T&& Value() && { return std::get<0>(std::move(v_)); }
  const Error& Err() const { return std::get<1>(v_); }

  T ValueOr(T fallback) const& { return Ok() ? Value() : std::move(fallback); }

 private:
  std::variant<T, Error> v_;
};

// The value of an operation that has nothing to return.
struct Done {};

}  // namespace preflight
