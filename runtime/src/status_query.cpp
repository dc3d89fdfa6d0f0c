#include "kite/runtime/status_query.hpp"

#include <condition_variable>
#include <mutex>
#include <optional>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <fmt/format.h>

#include "kite/runtime/error.hpp"
#include "kite/runtime/link.hpp"

namespace kite {

caf::expected<cluster_status> query_cluster_status(const status_query_settings& settings) {
  caf::actor_system_config sys_cfg;
  placement_protocol().install(sys_cfg);
  caf::actor_system sys{sys_cfg};
  link_settings ls;
  ls.node_id = settings.node_id;
  ls.endpoint = settings.endpoint;
  ls.own_keys = settings.own_keys;
  ls.server_key = settings.server_key;
  auto service = link::connect(sys, std::move(ls), placement_protocol().messages());
  if (!service) return service.error();

  std::mutex mutex;
  std::condition_variable answered;
  std::optional<caf::expected<caf::message>> answer;
  bool was_up = false;
  client_handlers handlers;
  auto& l = **service;
  handlers.on_up = [&](const std::vector<std::string>&) {
    {
      std::lock_guard<std::mutex> guard{mutex};
      was_up = true;
    }
    // Asked at every up: a reconnect before the answer asks again, as any client resends.
    auto query = caf::make_message(cluster_status_query{settings.node_id});
    if (auto err = l.send_request(1, 0, placement_actor_type, "", query)) {
      std::lock_guard<std::mutex> guard{mutex};
      answer = caf::expected<caf::message>{std::move(err)};
      answered.notify_all();
    }
  };
  handlers.on_response = [&](uint64_t, uint64_t, caf::expected<caf::message> got) {
    std::lock_guard<std::mutex> guard{mutex};
    if (!answer) answer = std::move(got);
    answered.notify_all();
  };
  l.start(std::move(handlers));
  std::unique_lock<std::mutex> lock{mutex};
  bool in_time = answered.wait_for(lock, settings.timeout, [&] { return answer.has_value(); });
  bool reached = was_up;
  lock.unlock();
  l.stop();
  if (!in_time)
    return make_error(
        errc::link_down,
        reached ? fmt::format("the placement service at {} took the question but did not "
                              "answer within {} ms",
                              settings.endpoint, settings.timeout.count())
                : fmt::format("no hello from a placement service at {} within {} ms: check the "
                              "endpoint, that --server-key is the service's public key, and that "
                              "this key is on the service's security.allow list",
                              settings.endpoint, settings.timeout.count()));
  if (!*answer) return answer->error();
  if (!answer->value().match_elements<cluster_status>())
    return make_error(errc::wire, fmt::format("the service at {} answered a status query "
                                              "with something else",
                                              settings.endpoint));
  return answer->value().get_as<cluster_status>(0);
}

} // namespace kite
