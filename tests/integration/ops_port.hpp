// A node's operator port as tests reach it: the port it logged, and GETs polled until they say
// what a test waits for.
#pragma once

#include <chrono>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <thread>

#include "../runtime/http_get.hpp"
#include "child_process.hpp"

namespace kite::test {

/// The port a node logged as "metrics on http://127.0.0.1:PORT/metrics"; throws, with the log,
/// when it logged none within 10 s.
inline int logged_metrics_port(const std::string& log_path) {
  const std::string prefix = "metrics on http://127.0.0.1:";
  if (!wait_for_text(log_path, prefix, std::chrono::seconds(10)))
    throw std::runtime_error("no metrics port in " + log_path + ":\n" + read_file(log_path));
  auto log = read_file(log_path);
  return std::atoi(log.c_str() + log.find(prefix) + prefix.size());
}

/// GETs `path` on `port` every 50 ms until the answer holds `needle` or `timeout` passed;
/// returns the last answer.
inline std::string wait_for_answer(int port, const std::string& path, const std::string& needle,
                                   std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  auto answer = http_get(port, path);
  while (answer.find(needle) == std::string::npos && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    answer = http_get(port, path);
  }
  return answer;
}

} // namespace kite::test
