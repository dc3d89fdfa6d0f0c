// A real child process for integration tests: started with its output in a log file, and
// always killed and reaped when the test lets go of it.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace kite::test {

/// Runs `argv` with stdout and stderr appended to `log_path`.
class child_process {
public:
  child_process(std::vector<std::string> argv, std::string log_path);
  ~child_process();
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  /// Sends `signal` to the child if it still runs.
  void signal(int sig);

  /// Waits up to `timeout` for the child to exit; returns its exit code, or nullopt.
  std::optional<int> wait_for(std::chrono::milliseconds timeout);

  /// SIGKILLs the child and reaps it.
  void kill_now();

  const std::string& log_path() const { return log_path_; }
  pid_t pid() const { return pid_; }

private:
  pid_t pid_ = -1;
  bool reaped_ = false;
  int status_ = 0;
  std::string log_path_;
};

/// Returns the whole content of a file, or "" if it cannot be read.
std::string read_file(const std::string& path);

/// Polls `path` until it contains `needle` or `timeout` passes.
bool wait_for_text(const std::string& path, const std::string& needle,
                   std::chrono::milliseconds timeout);

} // namespace kite::test
