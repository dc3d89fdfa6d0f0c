// Workers behind the project's latency proxy, one proxy each, so tests give each path its RTT.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "loopback_cluster.hpp"
#include "tcp_proxy.hpp"

namespace kite::test {

/// Starts workers 0, 1, ... behind one proxy each, delaying each way by `one_way[i]`; edges
/// started from now on go through them. Worker 0's config gets `first_settings` and the others
/// `other_settings`; the cluster's worker_settings are left empty.
inline std::vector<std::unique_ptr<tcp_proxy>>
start_proxied_workers(loopback_cluster& cluster,
                      const std::vector<std::chrono::milliseconds>& one_way,
                      const std::string& first_settings, const std::string& other_settings = {}) {
  std::vector<std::unique_ptr<tcp_proxy>> proxies;
  for (auto delay_each_way : one_way) {
    cluster.worker_settings = proxies.empty() ? first_settings : other_settings;
    cluster.start_worker(proxies.size());
    auto proxy = tcp_proxy::start(port_of(cluster.endpoint(proxies.size())));
    REQUIRE(proxy);
    impairment delay;
    delay.delay = delay_each_way;
    (*proxy)->set(direction::upstream, delay);
    (*proxy)->set(direction::downstream, delay);
    cluster.route_through(proxies.size(), (*proxy)->endpoint());
    proxies.push_back(std::move(*proxy));
  }
  cluster.worker_settings.clear();
  return proxies;
}

} // namespace kite::test
