// Reads and checks what a kite-edge process logged about its answers, for tests that count them.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace kite::test {

class child_process;

/// Waits for `edge` to end its bounded run and checks, as test assertions, that it exited 0
/// with each of its `samples` feature sequences (key robot-1) answered exactly once and none
/// failed; returns its log for further checks.
std::string await_each_answered_once(child_process& edge, uint64_t samples);

/// How many answers each feature sequence got: from the edge's "answered kite.summary(...)"
/// lines, whose third field is the last sequence the summary saw.
std::map<uint64_t, int> answers_by_sequence(const std::string& log, const std::string& key);

/// The count of each summary the edge logged as answered, in log order.
std::vector<uint64_t> summary_counts(const std::string& log, const std::string& key);

/// How many times `needle` occurs in `text`.
size_t occurrences(const std::string& text, const std::string& needle);

/// The index among `endpoints` of the worker the edge first placed (type, key) on, or -1.
int first_host(const std::string& log, const std::string& type, const std::string& key,
               const std::vector<std::string>& endpoints);

} // namespace kite::test
