// CPU time of the processes a benchmark runs, read from /proc (user plus system, in clock
// ticks), and of the benchmark itself, from getrusage: what a row costs the machine.
#pragma once

#include <sys/resource.h>
#include <sys/types.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

namespace kite::bench {

/// The fields of /proc/PID/stat after the command name (the state is [0], the parent [1],
/// utime [11], stime [12]); empty when the process is gone.
inline std::vector<std::string> proc_stat_fields(pid_t pid) {
  std::ifstream in{"/proc/" + std::to_string(pid) + "/stat"};
  std::string stat{std::istreambuf_iterator<char>{in}, {}};
  auto name_end = stat.rfind(')'); // the name may hold spaces and parentheses
  if (name_end == std::string::npos || name_end + 2 > stat.size()) return {};
  std::vector<std::string> fields;
  size_t begin = name_end + 2;
  while (begin < stat.size()) {
    auto end = stat.find(' ', begin);
    if (end == std::string::npos) end = stat.size();
    fields.push_back(stat.substr(begin, end - begin));
    begin = end + 1;
  }
  return fields;
}

/// User plus system CPU time of process `pid` so far, in seconds; 0 when it is gone.
inline double cpu_seconds(pid_t pid) {
  auto fields = proc_stat_fields(pid);
  if (fields.size() < 13) return 0;
  auto ticks = std::strtod(fields[11].c_str(), nullptr) + std::strtod(fields[12].c_str(), nullptr);
  return ticks / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

/// `pid` and every process below it, as /proc lists them now (a broker a server started, say).
inline std::vector<pid_t> process_tree(pid_t pid) {
  std::multimap<pid_t, pid_t> children;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    auto name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    auto fields = proc_stat_fields(static_cast<pid_t>(std::stol(name)));
    if (fields.size() > 1)
      children.emplace(static_cast<pid_t>(std::stol(fields[1])), std::stol(name));
  }
  std::vector<pid_t> out{pid};
  for (size_t i = 0; i < out.size(); ++i) {
    auto [begin, end] = children.equal_range(out[i]);
    for (auto child = begin; child != end; ++child)
      out.push_back(child->second);
  }
  return out;
}

/// This process's CPU time so far, all threads, in seconds.
inline double own_cpu_seconds() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

/// The CPU time that this process and the trees of `others` use between start() and stop().
class cpu_meter {
public:
  explicit cpu_meter(std::vector<pid_t> others) : others_(std::move(others)) {}

  void start() {
    // The /proc walk first, so that this process's share counts only the window.
    processes_.clear();
    for (auto pid : others_)
      for (auto member : process_tree(pid))
        processes_.push_back(member);
    started_ = others_seconds() + own_cpu_seconds();
  }

  /// The CPU seconds used since start().
  double stop() const {
    auto own = own_cpu_seconds();
    return own + others_seconds() - started_;
  }

private:
  double others_seconds() const {
    double sum = 0;
    for (auto pid : processes_)
      sum += cpu_seconds(pid);
    return sum;
  }

  std::vector<pid_t> others_;
  std::vector<pid_t> processes_;
  double started_ = 0;
};

} // namespace kite::bench
