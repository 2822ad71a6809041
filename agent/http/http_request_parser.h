// An incremental HTTP/1.1 request parser with hard limits: fed bytes as they arrive, it
// says when a request is complete, or which error status ends the connection. Bodies by
// Content-Length or chunked transfer coding, both counted against one body limit (a
// chunked body once bypassed it); a request with both is refused (request smuggling).
#pragma once

#include <string>
#include <string_view>

#include "http/http_message.h"

namespace riposte {

class HttpRequestParser {
 public:
  enum class State { kNeedMore, kComplete, kError };

  explicit HttpRequestParser(const HttpLimits& limits) : limits_(limits) {}
  State Feed(std::string_view bytes);
  State state() const { return state_; }
  bool head_complete() const { return phase_ != Phase::kHead; }
  // The head asked for "Expect: 100-continue" and the interim answer is due.
  bool wants_continue() const { return wants_continue_; }
  void continue_sent() { wants_continue_ = false; }
  int error_status() const { return error_status_; }
  const std::string& error() const { return error_; }
  HttpRequest& request() { return request_; }

 private:
  enum class Phase { kHead, kLengthBody, kChunkSize, kChunkData, kChunkDataEnd, kTrailers, kDone };
  State Fail(int status, std::string message);
  State ParseHead(std::string_view head);
  State Advance();

  HttpLimits limits_;
  State state_ = State::kNeedMore;
  Phase phase_ = Phase::kHead;
  std::string buffer_;
  size_t pos_ = 0;  // parsed up to here
  size_t content_length_ = 0;
  size_t chunk_left_ = 0;
  bool wants_continue_ = false;
  int error_status_ = 0;
  std::string error_;
  HttpRequest request_;
};

}  // namespace riposte
