// The raw ZeroMQ sockets the benchmarks measure Kite against: a ROUTER server and a DEALER
// client, CURVE on or off as Kite's own link, no other option changed from ZeroMQ's defaults.
#pragma once

#include <stdexcept>
#include <string>

#include <zmq.hpp>

#include "kite/runtime/keys.hpp"
#include "server_process.hpp"

namespace kite::bench {

/// A ROUTER bound on `endpoint`, a CURVE server with `secret_key` unless that is empty; writes
/// the endpoint it bound to `ready_file`.
inline zmq::socket_t bind_router(zmq::context_t& context, const std::string& endpoint,
                                 const std::string& secret_key, const std::string& ready_file) {
  zmq::socket_t router{context, zmq::socket_type::router};
  router.set(zmq::sockopt::linger, 0);
  if (!secret_key.empty()) {
    router.set(zmq::sockopt::curve_server, 1);
    router.set(zmq::sockopt::curve_secretkey, secret_key);
  }
  router.bind(endpoint);
  write_ready_file(ready_file, router.get(zmq::sockopt::last_endpoint));
  return router;
}

/// A DEALER connected to `endpoint`, a CURVE client of `server_key` with `client`'s keys when
/// given.
inline zmq::socket_t connect_dealer(zmq::context_t& context, const std::string& endpoint,
                                    const keypair* client, const std::string& server_key) {
  zmq::socket_t dealer{context, zmq::socket_type::dealer};
  dealer.set(zmq::sockopt::linger, 0);
  if (client != nullptr) {
    dealer.set(zmq::sockopt::curve_serverkey, server_key);
    dealer.set(zmq::sockopt::curve_publickey, client->public_key);
    dealer.set(zmq::sockopt::curve_secretkey, client->secret_key);
  }
  dealer.connect(endpoint);
  return dealer;
}

/// The secret key in the .key file `path` (from make_keys); empty for an empty path.
inline std::string secret_key_in(const std::string& path) {
  if (path.empty()) return {};
  auto keys = load_secret_key(path);
  if (!keys) throw std::runtime_error("cannot read the secret key in " + path);
  return keys->secret_key;
}

} // namespace kite::bench
