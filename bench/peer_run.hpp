// What the benchmarks of Kite against its peers share: each is its own servers, a mode its first
// argument names, and a run holds a scratch folder with the worker's and the edge's keys, the
// server processes it started, and the file its JSON rows go to.
#pragma once

#include <cstdio>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "kite/runtime/keys.hpp"
#include "server_process.hpp"

namespace kite::bench {

/// One run of a peer benchmark; it stops its servers and removes its folder when dropped.
class peer_run {
public:
  /// Makes the scratch folder and the keys; writes JSON rows to `json_path` unless it is empty.
  explicit peer_run(const std::string& json_path);
  ~peer_run();
  peer_run(const peer_run&) = delete;
  peer_run& operator=(const peer_run&) = delete;

  const std::string& dir() const { return dir_; }
  /// This executable, to start in a server mode.
  const std::string& self() const { return self_; }
  const keypair& worker_keys() const { return worker_keys_; }
  const keypair& edge_keys() const { return edge_keys_; }
  /// The edge's keys with CURVE on; null with it off.
  const keypair* client(bool curve) const { return curve ? &edge_keys_ : nullptr; }
  /// Where JSON rows go; null without --json.
  std::FILE* json() const { return json_; }

  /// Runs `argv` with `--ready-file FILE` appended and waits until it is ready; it runs until
  /// stop_servers().
  const server_process* start(std::vector<std::string> argv);
  /// Stops every server started so far.
  void stop_servers() { servers_.clear(); }

  /// The arguments that make a raw ZeroMQ server a CURVE server with the worker's keys.
  std::vector<std::string> curve_server_args(bool curve) const;

private:
  std::string dir_;
  std::string self_;
  keypair worker_keys_;
  keypair edge_keys_;
  std::FILE* json_ = nullptr;
  int ready_files_ = 0;
  std::vector<std::unique_ptr<server_process>> servers_;
};

/// A server mode: its name, the first argument, and what runs it.
using server_mode = std::pair<const char*, int (*)(int, char**)>;

/// main() of a peer benchmark called `name`: runs the server mode `argv[1]` names, else `bench`,
/// with the allocator Kite's nodes configure; an exception ends it with a message and 1.
int peer_main(int argc, char** argv, const char* name, const std::vector<server_mode>& modes,
              int (*bench)(int, char**));

} // namespace kite::bench
