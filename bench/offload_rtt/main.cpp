// bench/offload_rtt: Kite's edge->worker round trip and pipelined throughput next to a raw
// cppzmq DEALER/ROUTER echo, same payloads, same machine, same run, CURVE off and on.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "kite/runtime/cli_args.hpp"
#include "kite/runtime/error.hpp"
#include "kite/runtime/keys.hpp"
#include "kite_client.hpp"
#include "raw_zmq.hpp"

namespace {

using kite::bench::measurement;

/// A server process for the duration of one CURVE setting; killed when it goes out of scope.
class server_process {
public:
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
  const std::string& endpoint() const { return endpoint_; }

private:
  pid_t pid_ = -1;
  std::string endpoint_;
};

kite::keypair make_keys(const std::string& prefix) {
  auto keys = kite::generate_keypair();
  if (!keys || kite::write_keypair(*keys, prefix))
    throw std::runtime_error("cannot write keys to " + prefix);
  return *keys;
}

std::string worker_config(const std::string& dir, bool curve, const kite::keypair& edge) {
  auto path = fmt::format("{}/worker-{}.yaml", dir, curve ? "curve" : "plain");
  std::ofstream out{path};
  out << "kind: worker\nnode_id: bench-worker\nthreads: 2\nbind: tcp://127.0.0.1:*\n"
      << "log: {level: warn}\n";
  if (curve)
    out << fmt::format("security:\n  secret_key_file: {}/worker.key\n  allow: [\"{}\"]\n", dir,
                       edge.public_key);
  else
    out << "security: {curve: false}\n";
  return path;
}

/// The median by p50 of repeated measurements of one row, with the spread of p50 and rate.
struct row {
  measurement median;
  double p50_min = 0, p50_max = 0, rate_min = 0, rate_max = 0;
};

row summarize(std::vector<measurement> reps) {
  std::vector<double> p50, p99, rate;
  for (auto& m : reps) {
    p50.push_back(m.p50_us);
    p99.push_back(m.p99_us);
    rate.push_back(m.round_trips_per_s);
  }
  row out;
  out.median = reps.front();
  out.median.p50_us = kite::bench::quantile(p50, 0.5);
  out.median.p99_us = kite::bench::quantile(p99, 0.5);
  out.median.round_trips_per_s = kite::bench::quantile(rate, 0.5);
  out.p50_min = p50.front();
  out.p50_max = p50.back();
  out.rate_min = rate.front();
  out.rate_max = rate.back();
  return out;
}

std::string size_name(size_t size) {
  return size >= 1024 ? fmt::format("{} KiB", size / 1024) : fmt::format("{} B", size);
}

} // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && std::string{argv[1]} == "raw-server") {
    auto args = kite::parse_cli(argc, argv, 2, {"bind", "secret-key-file", "ready-file"});
    if (!args) return 2;
    std::string secret;
    if (auto path = args->get("secret-key-file"); !path.empty()) {
      auto keys = kite::load_secret_key(path);
      if (!keys) return 1;
      secret = keys->secret_key;
    }
    return kite::bench::serve_raw_echo(args->get("bind"), secret, args->get("ready-file"));
  }
  auto args = kite::parse_cli(argc, argv, 1, {"json", "reps", "quick"});
  if (!args) {
    std::fprintf(stderr,
                 "offload_rtt: %s\nusage: offload_rtt [--json FILE] [--reps N] "
                 "[--quick yes]\n",
                 kite::describe(args.error()).c_str());
    return 2;
  }
  int reps = std::atoi(args->get("reps", "5").c_str());
  kite::bench::workload work;
  if (args->get("quick") == "yes") work = {50, 300, 2000, 64};
  auto self = std::filesystem::canonical("/proc/self/exe").string();

  std::string dir = std::filesystem::temp_directory_path() / "kite-bench.XXXXXX";
  if (::mkdtemp(dir.data()) == nullptr) return 1;
  auto worker_keys = make_keys(dir + "/worker");
  auto edge_keys = make_keys(dir + "/edge");

  std::FILE* json = nullptr;
  if (auto path = args->get("json"); !path.empty()) json = std::fopen(path.c_str(), "w");

  std::printf("%-8s %-5s %-7s %10s %10s %12s %8s %8s   (median of %d; p50 and rate ranges)\n",
              "path", "curve", "size", "p50 us", "p99 us", "rt/s", "p50 x", "rate x", reps);
  bool all_met = true;
  for (bool curve : {false, true}) {
    int generation = 0;
    auto ready = [&] { return fmt::format("{}/ready-{}-{}", dir, curve, generation++); };
    auto raw_ready = ready();
    std::vector<std::string> raw_argv{self,           "raw-server", "--bind", "tcp://127.0.0.1:*",
                                      "--ready-file", raw_ready};
    if (curve) {
      raw_argv.push_back("--secret-key-file");
      raw_argv.push_back(dir + "/worker.key");
    }
    server_process raw_server{raw_argv, raw_ready};
    auto kite_ready = ready();
    server_process worker{{KITE_CLOUD_BIN, "worker", "--config",
                           worker_config(dir, curve, edge_keys), "--ready-file", kite_ready},
                          kite_ready};
    const kite::keypair* client = curve ? &edge_keys : nullptr;
    for (size_t size : {size_t{64}, size_t{1024}, size_t{65536}}) {
      auto sized = work;
      if (size >= 65536) sized.pipelined = std::max<size_t>(work.pipelined / 10, 200);
      std::vector<measurement> raw_reps, kite_reps;
      for (int rep = 0; rep < reps; ++rep) {
        // Alternate, so drift in the machine's load hits both sides alike.
        raw_reps.push_back(kite::bench::measure_raw(raw_server.endpoint(), client,
                                                    worker_keys.public_key, size, sized));
        kite_reps.push_back(kite::bench::measure_kite(worker.endpoint(), client,
                                                      worker_keys.public_key, size, sized));
      }
      auto raw = summarize(raw_reps);
      auto kite = summarize(kite_reps);
      double p50_ratio = kite.median.p50_us / raw.median.p50_us;
      double rate_ratio = kite.median.round_trips_per_s / raw.median.round_trips_per_s;
      double rate_target = size >= 65536 ? 0.8 : size <= 64 ? 0.5 : 0.0;
      bool met = p50_ratio <= 1.5 && rate_ratio >= rate_target;
      all_met = all_met && met;
      for (const auto* r : {&raw, &kite}) {
        bool is_kite = r == &kite;
        std::printf(
            "%-8s %-5s %-7s %10.1f %10.1f %12.0f %8s %8s   p50 %.1f-%.1f, rate %.0f-%.0f%s\n",
            r->median.transport.c_str(), curve ? "on" : "off", size_name(size).c_str(),
            r->median.p50_us, r->median.p99_us, r->median.round_trips_per_s,
            is_kite ? fmt::format("{:.2f}", p50_ratio).c_str() : "",
            is_kite ? fmt::format("{:.2f}", rate_ratio).c_str() : "", r->p50_min, r->p50_max,
            r->rate_min, r->rate_max, is_kite ? (met ? "  target met" : "  TARGET MISSED") : "");
        if (json != nullptr)
          std::fprintf(json,
                       "{\"bench\":\"offload_rtt\",\"transport\":\"%s\",\"curve\":%s,\"size\":%zu,"
                       "\"p50_us\":%.2f,\"p99_us\":%.2f,\"round_trips_per_s\":%.0f,"
                       "\"p50_ratio_to_raw\":%.3f,\"rate_ratio_to_raw\":%.3f,\"reps\":%d}\n",
                       r->median.transport.c_str(), curve ? "true" : "false", size,
                       r->median.p50_us, r->median.p99_us, r->median.round_trips_per_s,
                       is_kite ? p50_ratio : 1.0, is_kite ? rate_ratio : 1.0, reps);
      }
      std::fflush(stdout);
    }
  }
  if (json != nullptr) std::fclose(json);
  std::filesystem::remove_all(dir);
  std::printf("%s\n", all_met ? "all targets met" : "some targets missed");
  return 0;
}
