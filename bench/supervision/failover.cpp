#include "failover.hpp"

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <thread>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>
#include <fmt/format.h>

#include "../server_process.hpp"
#include "kite/actors/builtin.hpp"
#include "kite/actors/messages.hpp"
#include "kite/edge/offload_router.hpp"
#include "kite/runtime/error.hpp"
#include "kite/runtime/protocol.hpp"
#include "kite/runtime/registry.hpp"

namespace kite::bench {

namespace {

using clock_type = std::chrono::steady_clock;

std::string plain_worker_config(const std::string& dir, int index) {
  auto path = fmt::format("{}/worker-{}.yaml", dir, index);
  std::ofstream out{path};
  out << fmt::format("kind: worker\nnode_id: worker-{}\nbind: tcp://127.0.0.1:*\n", index)
      << "log: {level: warn}\nsecurity: {curve: false}\n";
  return path;
}

/// One repetition: returns the failover time in milliseconds.
double one_failover(const std::string& worker_bin, const std::string& dir, int signal, int rep) {
  std::vector<std::unique_ptr<server_process>> workers;
  for (int i = 0; i < 2; ++i) {
    auto ready = fmt::format("{}/ready-{}-{}", dir, rep, i);
    workers.push_back(std::make_unique<server_process>(
        std::vector<std::string>{worker_bin, "worker", "--config", plain_worker_config(dir, i),
                                 "--ready-file", ready},
        ready));
  }
  registry types;
  actors::register_builtin(types);
  caf::actor_system_config cfg;
  types.install(cfg);
  caf::actor_system sys{cfg};
  std::vector<std::shared_ptr<link>> uplinks;
  for (const auto& worker : workers) {
    link_settings settings;
    settings.node_id = "bench-edge";
    settings.endpoint = worker->endpoint();
    settings.curve = false;
    auto uplink = link::connect(sys, settings, types.messages());
    if (!uplink) throw std::runtime_error(describe(uplink.error()));
    uplinks.push_back(*uplink);
  }
  auto router = edge::offload_router::start(sys, uplinks, offload_config{});
  caf::scoped_actor self{sys};
  auto payload = caf::make_message(actors::blob{std::string(64, 'f')});
  auto ask = [&] {
    caf::error failure;
    self->request(router->handle(), std::chrono::seconds(30), offload_atom::value,
                  std::string{"kite.echo"}, std::string{"failover"}, payload)
        .receive([](const actors::blob&) {}, [&](caf::error& err) { failure = std::move(err); });
    if (failure)
      throw std::runtime_error("a request failed during the failover benchmark: " +
                               describe(failure));
  };
  for (int i = 0; i < 200; ++i)
    ask();
  auto stats = router->stats();
  size_t host = stats.answered_by[0] > 0 ? 0 : 1;
  auto before = stats.answered_by[1 - host];
  auto start = clock_type::now();
  workers[host]->signal(signal);
  while (router->stats().answered_by[1 - host] == before)
    ask();
  auto elapsed = std::chrono::duration<double, std::milli>(clock_type::now() - start).count();
  if (signal == SIGSTOP) workers[host]->signal(SIGCONT);
  router->stop();
  return elapsed;
}

} // namespace

std::vector<double> failover_ms(const std::string& worker_bin, int signal, int reps) {
  std::string dir = std::filesystem::temp_directory_path() / "kite-failover.XXXXXX";
  if (::mkdtemp(dir.data()) == nullptr) throw std::runtime_error("cannot create a temp dir");
  std::vector<double> out;
  for (int rep = 0; rep < reps; ++rep)
    out.push_back(one_failover(worker_bin, dir, signal, rep));
  std::filesystem::remove_all(dir);
  return out;
}

} // namespace kite::bench
