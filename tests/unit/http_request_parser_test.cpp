// The HTTP request parser's limits: a chunked body counts against the same limit as a
// Content-Length one (it once bypassed it), heads are bounded, smuggling shapes refused.
#include <gtest/gtest.h>

#include "http/http_request_parser.h"

namespace riposte {
namespace {

HttpLimits Small() {
  HttpLimits l;
  l.max_body_bytes = 1000;
  l.max_header_bytes = 512;
  return l;
}

TEST(HttpRequestParser, ContentLengthBodyArrivesInPieces) {
  HttpRequestParser p(Small());
  EXPECT_EQ(p.Feed("POST /x?y=1 HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhe"), HttpRequestParser::State::kNeedMore);
  EXPECT_TRUE(p.head_complete());
  EXPECT_EQ(p.Feed("llo"), HttpRequestParser::State::kComplete);
  EXPECT_EQ(p.request().body, "hello");
  EXPECT_EQ(p.request().path, "/x");
  EXPECT_EQ(p.request().Header("host"), "a");
}

TEST(HttpRequestParser, ChunkedBodyIsDecodedAndBounded) {
  HttpRequestParser ok(Small());
  EXPECT_EQ(ok.Feed("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;ext=1\r\nde\r\n0\r\n\r\n"),
            HttpRequestParser::State::kComplete);
  EXPECT_EQ(ok.request().body, "abcde");

  HttpRequestParser big(Small());
  std::string req = "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 20; ++i) req += "64\r\n" + std::string(100, 'x') + "\r\n";  // 2000 bytes in 100-byte chunks
  EXPECT_EQ(big.Feed(req), HttpRequestParser::State::kError);
  EXPECT_EQ(big.error_status(), 413);

  HttpRequestParser huge_chunk(Small());
  EXPECT_EQ(huge_chunk.Feed("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nffffffff\r\n"),
            HttpRequestParser::State::kError);
  EXPECT_EQ(huge_chunk.error_status(), 413);
}

TEST(HttpRequestParser, RefusesWhatCouldSmuggleOrExhaust) {
  struct Case {
    std::string text;
    int status;
  };
  for (const auto& c : std::vector<Case>{
           {"POST / HTTP/1.1\r\nContent-Length: 2000\r\n\r\n", 413},
           {"POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 400},
           {"POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n", 400},
           {"POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400},
           {"POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", 501},
           {"POST / HTTP/1.1\r\nX: " + std::string(600, 'a') + "\r\n\r\n", 431},
           {"POST /" + std::string(600, 'a'), 431},
           {"GET http://elsewhere/ HTTP/1.1\r\n\r\n", 400},
           {"GET / HTTP/2\r\n\r\n", 400},
           {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400},
       }) {
    HttpRequestParser p(Small());
    EXPECT_EQ(p.Feed(c.text), HttpRequestParser::State::kError) << c.text.substr(0, 80);
    EXPECT_EQ(p.error_status(), c.status) << c.text.substr(0, 80) << ": " << p.error();
  }
}

TEST(HttpRequestParser, ExpectContinueIsAnsweredOnlyWhenABodyFollows) {
  HttpRequestParser p(Small());
  p.Feed("POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n");
  EXPECT_TRUE(p.wants_continue());
  HttpRequestParser get(Small());
  EXPECT_EQ(get.Feed("GET / HTTP/1.1\r\nExpect: 100-continue\r\n\r\n"), HttpRequestParser::State::kComplete);
  EXPECT_FALSE(get.wants_continue());
}

}  // namespace
}  // namespace riposte
