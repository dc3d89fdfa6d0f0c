#include "peer_run.hpp"

#include <unistd.h>

#include <filesystem>
#include <stdexcept>

#include "kite/runtime/node.hpp"
#include "kite_edge.hpp"

namespace kite::bench {

peer_run::peer_run(const std::string& json_path)
    : dir_(std::filesystem::temp_directory_path() / "kite-bench.XXXXXX"),
      self_(std::filesystem::canonical("/proc/self/exe").string()) {
  if (::mkdtemp(dir_.data()) == nullptr) throw std::runtime_error("cannot create a temp dir");
  worker_keys_ = make_keys(dir_ + "/worker");
  edge_keys_ = make_keys(dir_ + "/edge");
  if (!json_path.empty()) {
    json_ = std::fopen(json_path.c_str(), "w");
    if (json_ == nullptr) throw std::runtime_error("cannot write " + json_path);
  }
}

peer_run::~peer_run() {
  stop_servers();
  if (json_ != nullptr) std::fclose(json_);
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

const server_process* peer_run::start(std::vector<std::string> argv) {
  auto ready_file = dir_ + "/ready-" + std::to_string(ready_files_++);
  argv.push_back("--ready-file");
  argv.push_back(ready_file);
  servers_.push_back(std::make_unique<server_process>(argv, ready_file));
  return servers_.back().get();
}

std::vector<std::string> peer_run::curve_server_args(bool curve) const {
  if (!curve) return {};
  return {"--secret-key-file", dir_ + "/worker.key"};
}

int peer_main(int argc, char** argv, const char* name, const std::vector<server_mode>& modes,
              int (*bench)(int, char**)) {
  // As kite-edge and kite-cloud do; every peer gets the same allocator, like for like.
  configure_allocator();
  try {
    for (const auto& [mode, serve] : modes)
      if (argc >= 2 && std::string{argv[1]} == mode) return serve(argc, argv);
    return bench(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: %s\n", name, e.what());
    return 1;
  }
}

} // namespace kite::bench
