#include "sandbox/base/error.h"

#include <cstring>

namespace snaprun {

const char* ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidInput: return "invalid input";
    case ErrorCode::kPolicyDenied: return "denied by policy";
    case ErrorCode::kNotFound: return "not found";
    case ErrorCode::kAlreadyExists: return "already exists";
    case ErrorCode::kLimitExceeded: return "limit exceeded";
    case ErrorCode::kUnsupported: return "unsupported";
    case ErrorCode::kCorrupt: return "corrupt";
    case ErrorCode::kSystem: return "system error";
    case ErrorCode::kInternal: return "internal error";
  }
  return "unknown error";
}

Error Error::FromErrno(int sys_errno, std::string_view operation, std::string_view object) {
  std::string message(operation);
  if (!object.empty()) {
    message += ' ';
    message += object;
  }
  message += ": ";
  message += std::strerror(sys_errno);
  return Error(ErrorCode::kSystem, std::move(message), sys_errno);
}

Error& Error::Wrap(std::string_view context) & {
  std::string wrapped(context);
  wrapped += ": ";
  wrapped += message_;
  message_ = std::move(wrapped);
  return *this;
}

std::string Error::ToString() const {
  std::string out;
  if (position_ && !position_->file.empty()) {
    out += position_->file;
    if (position_->line > 0) {
      out += ':' + std::to_string(position_->line);
      if (position_->column > 0) out += ':' + std::to_string(position_->column);
    }
    out += ": ";
  }
  out += message_;
  return out;
}

}  // namespace snaprun
