// bench/spool: the edge's SQLite spool alone: ingest of 256-byte records in batched
// transactions, and drain (read the oldest, acknowledge them), in records per second.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <unistd.h>
#include <vector>

#include <fmt/format.h>

#include "kite/edge/spool.hpp"
#include "kite/runtime/cli_args.hpp"
#include "kite/runtime/error.hpp"

namespace {

using clock_type = std::chrono::steady_clock;

double seconds_since(clock_type::time_point start) {
  return std::chrono::duration<double>(clock_type::now() - start).count();
}

} // namespace

int main(int argc, char** argv) {
  auto args = kite::parse_cli(argc, argv, 1, {"records", "batch", "dir", "sync"});
  if (!args || !args->positional.empty()) {
    std::fprintf(stderr,
                 "usage: spool [--records N] [--batch N] [--dir PATH] [--sync normal|full]\n");
    return 2;
  }
  auto records = std::strtoul(args->get("records", "200000").c_str(), nullptr, 10);
  auto batch = std::strtoul(args->get("batch", "100").c_str(), nullptr, 10);
  auto sync = args->get("sync", "normal");
  if (records < 1 || batch < 1 || (sync != "normal" && sync != "full")) {
    std::fprintf(stderr, "spool: --records and --batch must be >= 1, --sync normal or full\n");
    return 2;
  }
  auto dir = std::filesystem::path{args->get("dir", std::filesystem::temp_directory_path())} /
             fmt::format("kite-bench-spool-{}", ::getpid());
  std::filesystem::create_directories(dir);
  kite::spool_config cfg;
  cfg.path = (dir / "spool.db").string();
  cfg.max_bytes = 1ull << 32;
  cfg.sync_full = sync == "full";
  auto spool = kite::edge::spool::open(cfg);
  if (!spool) {
    std::fprintf(stderr, "%s\n", kite::describe(spool.error()).c_str());
    return 1;
  }
  std::vector<kite::edge::spool_entry> entries(batch, {"lidar", 0, std::string(256, 'x')});
  auto start = clock_type::now();
  for (unsigned long done = 0; done < records; done += batch) {
    for (auto& e : entries)
      e.at_ns = static_cast<int64_t>(done);
    if (auto appended = (*spool)->append(entries); !appended) {
      std::fprintf(stderr, "%s\n", kite::describe(appended.error()).c_str());
      return 1;
    }
  }
  double ingest_s = seconds_since(start);
  auto stored = (*spool)->stats().records;
  start = clock_type::now();
  uint64_t drained = 0;
  for (;;) {
    auto next = (*spool)->oldest(batch);
    if (!next || next->empty()) break;
    std::vector<uint64_t> sequences;
    for (const auto& r : *next)
      sequences.push_back(r.sequence);
    if (auto err = (*spool)->acknowledge(sequences)) {
      std::fprintf(stderr, "%s\n", kite::describe(err).c_str());
      return 1;
    }
    drained += sequences.size();
  }
  double drain_s = seconds_since(start);
  spool->reset();
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
  double ingest_rate = static_cast<double>(stored) / ingest_s;
  fmt::print("spool, 256-byte records, {} per transaction, synchronous={}\n", batch, sync);
  fmt::print("  ingest: {} records in {:.2f} s: {:.0f} records/s  (target: >= 50000/s)  {}\n",
             stored, ingest_s, ingest_rate, ingest_rate >= 50000 ? "target met" : "TARGET MISSED");
  fmt::print("  drain (read oldest, acknowledge): {} records in {:.2f} s: {:.0f} records/s\n",
             drained, drain_s, static_cast<double>(drained) / drain_s);
  return 0;
}
