#include "edge_log.hpp"

#include <chrono>
#include <regex>
#include <vector>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "../integration/child_process.hpp"
#include "../integration/loopback_cluster.hpp"

namespace kite::test {

std::map<uint64_t, int> answers_by_sequence(const std::string& log, const std::string& key) {
  std::map<uint64_t, int> out;
  std::regex line{fmt::format(R"(answered \(?kite\.summary\("{}", \d+, (\d+),)", key)};
  for (std::sregex_iterator i{log.begin(), log.end(), line}, end; i != end; ++i)
    ++out[std::stoull((*i)[1].str())];
  return out;
}

std::vector<uint64_t> summary_counts(const std::string& log, const std::string& key) {
  std::vector<uint64_t> out;
  std::regex line{fmt::format(R"(answered \(?kite\.summary\("{}", (\d+),)", key)};
  for (std::sregex_iterator i{log.begin(), log.end(), line}, end; i != end; ++i)
    out.push_back(std::stoull((*i)[1].str()));
  return out;
}

std::string await_each_answered_once(child_process& edge, uint64_t samples) {
  auto code = edge.wait_for(std::chrono::seconds(30));
  REQUIRE(code.has_value());
  auto log = read_file(edge.log_path());
  INFO(log);
  CHECK(*code == 0);
  CHECK(counter_in(log, "answered") == static_cast<long long>(samples));
  CHECK(counter_in(log, "failed") == 0);
  auto answers = answers_by_sequence(log, "robot-1");
  CHECK(answers.size() == samples);
  for (const auto& [sequence, count] : answers) {
    INFO("sequence " << sequence);
    CHECK(count == 1);
  }
  return log;
}

size_t occurrences(const std::string& text, const std::string& needle) {
  size_t count = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
    ++count;
  return count;
}

int first_host(const std::string& log, const std::string& type, const std::string& key,
               const std::vector<std::string>& endpoints) {
  auto at = log.find(fmt::format("placed ({}, {}) on ", type, key));
  if (at == std::string::npos) return -1;
  auto line = log.substr(at, log.find('\n', at) - at);
  for (size_t i = 0; i < endpoints.size(); ++i)
    if (line.find(endpoints[i] + " ") != std::string::npos) return static_cast<int>(i);
  return -1;
}

} // namespace kite::test
