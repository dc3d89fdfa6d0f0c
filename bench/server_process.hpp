// A server process started by a benchmark: waits for its ready file, killed when dropped; and the
// server's side, which writes that file.
#pragma once

#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace kite::bench {

class server_process {
public:
  /// Runs `argv` with stderr discarded and waits up to 10 s for it to write `ready_file`.
  server_process(std::vector<std::string> argv, const std::string& ready_file) {
    pid_ = ::fork();
    if (pid_ == 0) {
      std::vector<char*> args;
      for (auto& arg : argv)
        args.push_back(arg.data());
      args.push_back(nullptr);
      std::freopen("/dev/null", "w", stderr);
      ::execv(args[0], args.data());
      ::_exit(127);
    }
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!std::filesystem::exists(ready_file)) {
      if (std::chrono::steady_clock::now() > deadline)
        throw std::runtime_error("server did not start: " + argv[0]);
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    std::ifstream in{ready_file};
    std::getline(in, endpoint_);
  }

  ~server_process() {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }

  server_process(const server_process&) = delete;
  server_process& operator=(const server_process&) = delete;

  void signal(int sig) { ::kill(pid_, sig); }

  pid_t pid() const { return pid_; }

  const std::string& endpoint() const { return endpoint_; }

private:
  pid_t pid_ = -1;
  std::string endpoint_;
};

/// Writes `endpoint` to `ready_file` at once (through a rename), for server_process to read.
inline void write_ready_file(const std::string& ready_file, const std::string& endpoint) {
  {
    std::ofstream out{ready_file + ".tmp"};
    out << endpoint << '\n';
  }
  std::rename((ready_file + ".tmp").c_str(), ready_file.c_str());
}

} // namespace kite::bench
