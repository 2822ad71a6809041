#include "http/http_request_parser.h"

#include <algorithm>
#include <cctype>

namespace riposte {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool IsToken(std::string_view s) {
  if (s.empty()) return false;
  for (unsigned char c : s)
    if (c <= ' ' || c >= 127 || std::string_view("()<>@,;:\\\"/[]?={}").find(static_cast<char>(c)) != std::string_view::npos)
      return false;
  return true;
}

}  // namespace

HttpRequestParser::State HttpRequestParser::Fail(int status, std::string message) {
  state_ = State::kError;
  error_status_ = status;
  error_ = std::move(message);
  return state_;
}

HttpRequestParser::State HttpRequestParser::Feed(std::string_view bytes) {
  if (state_ != State::kNeedMore) return state_;
  buffer_.append(bytes);
  return Advance();
}

HttpRequestParser::State HttpRequestParser::ParseHead(std::string_view head) {
  size_t line_end = head.find("\r\n");
  std::string_view line = head.substr(0, line_end);
  size_t sp1 = line.find(' '), sp2 = line.rfind(' ');
  if (sp1 == std::string_view::npos || sp1 == sp2) return Fail(400, "malformed request line");
  request_.method = std::string(line.substr(0, sp1));
  request_.target = std::string(line.substr(sp1 + 1, sp2 - sp1 - 1));
  std::string_view version = line.substr(sp2 + 1);
  if (!IsToken(request_.method)) return Fail(400, "malformed method");
  if (version != "HTTP/1.1" && version != "HTTP/1.0") return Fail(400, "unsupported HTTP version");
  if (request_.target.empty() || request_.target[0] != '/') return Fail(400, "the target must be a path");
  request_.path = request_.target.substr(0, request_.target.find('?'));
  bool have_length = false, chunked = false;
  size_t pos = line_end + 2;
  while (pos < head.size()) {
    size_t end = head.find("\r\n", pos);
    if (end == std::string_view::npos) end = head.size();
    std::string_view h = head.substr(pos, end - pos);
    pos = end + 2;
    size_t colon = h.find(':');
    if (colon == std::string_view::npos || !IsToken(h.substr(0, colon))) return Fail(400, "malformed header line");
    std::string name = Lower(h.substr(0, colon));
    std::string value(Trim(h.substr(colon + 1)));
    if (name == "content-length") {
      if (value.empty() || value.size() > 19 || !std::all_of(value.begin(), value.end(), ::isdigit))
        return Fail(400, "malformed Content-Length");
      const size_t n = std::stoull(value);
      if (have_length && n != content_length_) return Fail(400, "conflicting Content-Length headers");
      if (n > limits_.max_body_bytes)
        return Fail(413, "the body is larger than " + std::to_string(limits_.max_body_bytes) + " bytes");
      content_length_ = n;
      have_length = true;
    } else if (name == "transfer-encoding") {
      if (Lower(value) != "chunked") return Fail(501, "transfer coding '" + value + "' is not supported");
      chunked = true;
    } else if (name == "expect") {
      if (Lower(value) != "100-continue") return Fail(400, "unsupported Expect");
      wants_continue_ = true;
    }
    request_.headers.emplace_back(std::move(name), std::move(value));
  }
  if (chunked && have_length) return Fail(400, "both Content-Length and Transfer-Encoding: refused");
  phase_ = chunked ? Phase::kChunkSize : have_length && content_length_ > 0 ? Phase::kLengthBody : Phase::kDone;
  if (phase_ == Phase::kDone) wants_continue_ = false;
  return State::kNeedMore;
}

HttpRequestParser::State HttpRequestParser::Advance() {
  while (true) {
    switch (phase_) {
      case Phase::kHead: {
        size_t end = buffer_.find("\r\n\r\n", pos_ > 3 ? pos_ - 3 : 0);
        if (end == std::string::npos) {
          pos_ = buffer_.size();
          if (buffer_.size() > limits_.max_header_bytes) return Fail(431, "the request head is too large");
          return State::kNeedMore;
        }
        if (end + 4 > limits_.max_header_bytes) return Fail(431, "the request head is too large");
        if (ParseHead(std::string_view(buffer_).substr(0, end)) == State::kError) return state_;
        buffer_.erase(0, end + 4);
        pos_ = 0;
        break;
      }
      case Phase::kLengthBody:
        if (buffer_.size() < content_length_) return State::kNeedMore;
        request_.body = buffer_.substr(0, content_length_);
        buffer_.clear();
        phase_ = Phase::kDone;
        break;
      case Phase::kChunkSize: {
        size_t end = buffer_.find("\r\n", pos_);
        if (end == std::string::npos) {
          if (buffer_.size() - pos_ > 1024) return Fail(400, "malformed chunk size line");
          return State::kNeedMore;
        }
        std::string_view line = std::string_view(buffer_).substr(pos_, end - pos_);
        line = line.substr(0, line.find(';'));  // chunk extensions are ignored
        line = Trim(line);
        if (line.empty() || line.size() > 8 || !std::all_of(line.begin(), line.end(), ::isxdigit))
          return Fail(400, "malformed chunk size");
        chunk_left_ = std::stoul(std::string(line), nullptr, 16);
        pos_ = end + 2;
        if (chunk_left_ == 0) {
          phase_ = Phase::kTrailers;
        } else {
          if (request_.body.size() + chunk_left_ > limits_.max_body_bytes)
            return Fail(413, "the body is larger than " + std::to_string(limits_.max_body_bytes) + " bytes");
          phase_ = Phase::kChunkData;
        }
        break;
      }
      case Phase::kChunkData: {
        const size_t available = std::min(chunk_left_, buffer_.size() - pos_);
        request_.body.append(buffer_, pos_, available);
        pos_ += available;
        chunk_left_ -= available;
        buffer_.erase(0, pos_);
        pos_ = 0;
        if (chunk_left_ > 0) return State::kNeedMore;
        phase_ = Phase::kChunkDataEnd;
        break;
      }
      case Phase::kChunkDataEnd:
        if (buffer_.size() - pos_ < 2) return State::kNeedMore;
        if (buffer_.compare(pos_, 2, "\r\n") != 0) return Fail(400, "malformed chunk end");
        pos_ += 2;
        phase_ = Phase::kChunkSize;
        break;
      case Phase::kTrailers: {
        size_t end = buffer_.find("\r\n", pos_);
        if (end == std::string::npos) {
          if (buffer_.size() - pos_ > limits_.max_header_bytes) return Fail(431, "trailers too large");
          return State::kNeedMore;
        }
        const bool last = end == pos_;
        pos_ = end + 2;
        if (last) phase_ = Phase::kDone;
        break;
      }
      case Phase::kDone:
        state_ = State::kComplete;
        return state_;
    }
  }
}

}  // namespace riposte
