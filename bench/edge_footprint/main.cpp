// bench/edge_footprint: what kite-edge costs a device. The stripped binary's size; then a real
// kite-edge against a real worker on loopback (CURVE on), idle (a UDP source nobody sends to)
// and under a 1 kHz stream of 256-byte samples each offloaded to kite.echo: resident memory
// (RSS, and its private anonymous part, RssAnon: shared libraries are shared with the rest of
// the device), the threads it runs and what they are, and its CPU time per second.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "../cpu_time.hpp"
#include "../server_process.hpp"
#include "kite/runtime/cli_args.hpp"
#include "kite/runtime/keys.hpp"

namespace {

using namespace std::chrono_literals;
using kite::bench::cpu_seconds;
using kite::bench::server_process;

std::string read_text(const std::string& path) {
  std::ifstream in{path};
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

/// The size of `binary` once stripped with `strip`, in bytes; 0 when that fails.
uintmax_t stripped_size(const std::string& binary, const std::string& strip,
                        const std::string& dir) {
  auto out = dir + "/stripped";
  auto command = fmt::format("{} -o {} {} 2>/dev/null", strip, out, binary);
  if (std::system(command.c_str()) != 0) return 0;
  return std::filesystem::file_size(out);
}

/// A kite-edge process with its log in a file; killed when dropped.
class edge_process {
public:
  edge_process(const std::string& binary, const std::string& config, const std::string& log)
      : log_(log) {
    std::fflush(nullptr); // or the child's freopen writes what this process had buffered
    pid_ = ::fork();
    if (pid_ == 0) {
      std::freopen(log.c_str(), "w", stderr);
      std::freopen(log.c_str(), "a", stdout);
      ::execl(binary.c_str(), binary.c_str(), "--config", config.c_str(), nullptr);
      ::_exit(127);
    }
  }
  ~edge_process() {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  edge_process(const edge_process&) = delete;
  edge_process& operator=(const edge_process&) = delete;

  bool wait_for_log(const std::string& needle, std::chrono::seconds timeout) const {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (read_text(log_).find(needle) == std::string::npos) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(20ms);
    }
    return true;
  }
  pid_t pid() const { return pid_; }
  std::string log() const { return read_text(log_); }

private:
  pid_t pid_ = -1;
  std::string log_;
};

/// The kB figure of `key` in /proc/PID/status.
double status_kib(pid_t pid, const std::string& key) {
  std::istringstream in{read_text(fmt::format("/proc/{}/status", pid))};
  for (std::string line; std::getline(in, line);)
    if (line.rfind(key + ":", 0) == 0) return std::strtod(line.c_str() + key.size() + 1, nullptr);
  return -1;
}

/// The process's threads by name, with how many of each.
std::map<std::string, int> threads_by_name(pid_t pid) {
  std::map<std::string, int> out;
  for (const auto& task : std::filesystem::directory_iterator(fmt::format("/proc/{}/task", pid))) {
    auto name = read_text(task.path().string() + "/comm");
    if (!name.empty() && name.back() == '\n') name.pop_back();
    ++out[name];
  }
  return out;
}

/// The kB figure of `key` in /proc/PID/smaps_rollup.
double rollup_kib(pid_t pid, const std::string& key) {
  std::istringstream in{read_text(fmt::format("/proc/{}/smaps_rollup", pid))};
  for (std::string line; std::getline(in, line);)
    if (line.rfind(key + ":", 0) == 0) return std::strtod(line.c_str() + key.size() + 1, nullptr);
  return -1;
}

struct footprint {
  double rss_mib = 0;
  /// Resident pages divided among the processes that share them.
  double pss_mib = 0;
  double anon_mib = 0;
  int threads = 0;
  std::string thread_names;
  double cpu_percent = 0;
};

footprint measure(const edge_process& edge, std::chrono::seconds window) {
  footprint out;
  auto cpu_before = cpu_seconds(edge.pid());
  auto start = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(window);
  auto elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  out.cpu_percent = 100 * (cpu_seconds(edge.pid()) - cpu_before) / elapsed;
  out.rss_mib = status_kib(edge.pid(), "VmRSS") / 1024;
  out.anon_mib = status_kib(edge.pid(), "RssAnon") / 1024;
  out.pss_mib = rollup_kib(edge.pid(), "Pss") / 1024;
  for (const auto& [name, count] : threads_by_name(edge.pid())) {
    out.threads += count;
    out.thread_names += count == 1 ? fmt::format(" {}", name) : fmt::format(" {}x{}", name, count);
  }
  return out;
}

std::string edge_config(const std::string& dir, const std::string& endpoint,
                        const std::string& worker_key, uint32_t threads,
                        const std::string& pipeline) {
  auto path = fmt::format("{}/edge-{}.yaml", dir, std::hash<std::string>{}(pipeline));
  std::ofstream{path} << fmt::format(R"(kind: edge
node_id: bench-edge
threads: {}
log: {{ level: info }}
security: {{ secret_key_file: {}/edge.key }}
upstreams: [{{ endpoint: "{}", server_key: "{}" }}]
offload: {{ local_fallback: false }}
{})",
                                     threads, dir, endpoint, worker_key, pipeline);
  return path;
}

} // namespace

int main(int argc, char** argv) {
  auto args =
      kite::parse_cli(argc, argv, 1, {"edge-bin", "cloud-bin", "arm64-bin", "seconds", "threads"});
  if (!args || !args->positional.empty()) {
    std::fprintf(stderr, "usage: edge_footprint [--edge-bin PATH] [--cloud-bin PATH] "
                         "[--arm64-bin PATH] [--seconds N] [--threads N]\n");
    return 2;
  }
  auto edge_bin = args->get("edge-bin", KITE_EDGE_BIN);
  auto arm64_bin = args->get("arm64-bin", "");
  auto window = std::chrono::seconds{std::strtoul(args->get("seconds", "10").c_str(), nullptr, 10)};
  auto threads =
      static_cast<uint32_t>(std::strtoul(args->get("threads", "1").c_str(), nullptr, 10));
  if (window.count() < 1 || threads < 1) {
    std::fprintf(stderr, "edge_footprint: --seconds and --threads must be >= 1\n");
    return 2;
  }
  char pattern[] = "/tmp/kite-footprint.XXXXXX";
  std::string dir = ::mkdtemp(pattern);

  auto amd64_size = stripped_size(edge_bin, "strip", dir);
  fmt::print("kite-edge footprint, scheduler threads: {}, measured over {} s\n", threads,
             window.count());
  fmt::print("  stripped binary, amd64: {:.2f} MiB (target <= 4 MiB)  {}\n", amd64_size / 1048576.0,
             amd64_size <= 4u << 20 ? "target met" : "target MISSED");
  if (!arm64_bin.empty()) {
    auto arm64_size = stripped_size(arm64_bin, "aarch64-linux-gnu-strip", dir);
    fmt::print("  stripped binary, arm64: {:.2f} MiB (target <= 4 MiB)  {}\n",
               arm64_size / 1048576.0, arm64_size <= 4u << 20 ? "target met" : "target MISSED");
  }

  auto worker_keys = kite::generate_keypair();
  auto edge_keys = kite::generate_keypair();
  if (!worker_keys || !edge_keys || kite::write_keypair(*worker_keys, dir + "/worker") ||
      kite::write_keypair(*edge_keys, dir + "/edge")) {
    std::fprintf(stderr, "edge_footprint: cannot write keys to %s\n", dir.c_str());
    return 1;
  }
  auto worker_config = dir + "/worker.yaml";
  std::ofstream{worker_config} << fmt::format(
      "kind: worker\nnode_id: bench-worker\nbind: tcp://127.0.0.1:*\nlog: {{level: warn}}\n"
      "security:\n  secret_key_file: {}/worker.key\n  allow: [\"{}\"]\n",
      dir, edge_keys->public_key);
  server_process worker{{args->get("cloud-bin", KITE_CLOUD_BIN), "worker", "--config",
                         worker_config, "--ready-file", dir + "/worker.ready"},
                        dir + "/worker.ready"};

  struct scenario {
    const char* name;
    std::string pipeline;
    const char* ready; // in the log once the scenario is running
  };
  std::vector<scenario> scenarios{
      {"idle (a UDP source nobody sends to)",
       "pipeline:\n  sources: {sensor: {kind: udp, listen: \"127.0.0.1:0\", to: out}}\n"
       "  sinks: {out: {kind: log}}\n",
       "listening for samples"},
      {"1 kHz x 256 B samples, each offloaded",
       "pipeline:\n  sources: {sensor: {kind: synthetic, rate_hz: 1000, values: 64, to: cloud}}\n"
       "  sinks: {cloud: {kind: offload, type: kite.echo}}\n",
       "placed (kite.echo"},
  };
  for (const auto& s : scenarios) {
    auto config = edge_config(dir, worker.endpoint(), worker_keys->public_key, threads, s.pipeline);
    edge_process edge{edge_bin, config, dir + "/edge.log"};
    if (!edge.wait_for_log(s.ready, 10s)) {
      std::fprintf(stderr, "edge_footprint: the edge did not start:\n%s\n", edge.log().c_str());
      return 1;
    }
    std::this_thread::sleep_for(2s); // past start-up allocations and the first connections
    auto f = measure(edge, window);
    fmt::print("  {}:\n    RSS {:.2f} MiB (PSS {:.2f}), private anonymous {:.2f} MiB, CPU {:.2f}% "
               "of one core\n    {} threads:{}\n",
               s.name, f.rss_mib, f.pss_mib, f.anon_mib, f.cpu_percent, f.threads, f.thread_names);
    if (&s == &scenarios.front()) {
      fmt::print("    targets: private <= 5 MiB {}, RSS <= 10 MiB {}\n",
                 f.anon_mib <= 5 ? "met" : "MISSED", f.rss_mib <= 10 ? "met" : "MISSED");
    } else {
      fmt::print("    CPU per 1,000 samples/s: {:.2f}% of one core\n", f.cpu_percent);
    }
  }
  std::filesystem::remove_all(dir);
  return 0;
}
