// kite: the operator's tool. `keygen` makes CURVE keypairs; `validate` checks a config file;
// `status` shows the cluster as the placement service sees it.
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "kite/runtime/cli_args.hpp"
#include "kite/runtime/config.hpp"
#include "kite/runtime/error.hpp"
#include "kite/runtime/keys.hpp"
#include "kite/runtime/status_query.hpp"

namespace {

constexpr const char* usage =
    "usage: kite keygen --out PREFIX   (writes PREFIX.key 0600 and "
    "PREFIX.pub)\n"
    "       kite validate FILE         (checks an edge, worker or placement "
    "config)\n"
    "       kite status --placement ENDPOINT --server-key KEY --key FILE [--json]\n"
    "                  [--node-id ID] [--timeout MS]\n"
    "                                  (the cluster as the placement service sees it; KEY is its\n"
    "                                  public key or its .pub file, FILE a secret key on its\n"
    "                                  allowlist)\n";

int keygen(int argc, char** argv) {
  auto args = kite::parse_cli(argc, argv, 2, {"out"});
  if (!args || args->get("out").empty() || !args->positional.empty()) {
    std::fprintf(stderr, "kite keygen: %s\n%s",
                 args ? "expected --out PREFIX" : kite::describe(args.error()).c_str(), usage);
    return 2;
  }
  auto keys = kite::generate_keypair();
  if (!keys) {
    std::fprintf(stderr, "kite keygen: %s\n", kite::describe(keys.error()).c_str());
    return 1;
  }
  auto prefix = args->get("out");
  if (auto err = kite::write_keypair(*keys, prefix)) {
    std::fprintf(stderr, "kite keygen: %s\n", kite::describe(err).c_str());
    return 1;
  }
  // Z85 keys hold YAML punctuation, so show the quoted form to paste into a config.
  std::printf("wrote %s.key (secret, mode 0600) and %s.pub\npublic key: \"%s\"\nfingerprint: "
              "%s\n",
              prefix.c_str(), prefix.c_str(), keys->public_key.c_str(),
              kite::fingerprint(keys->public_key).c_str());
  return 0;
}

int validate(int argc, char** argv) {
  if (argc != 3) {
    std::fputs(usage, stderr);
    return 2;
  }
  std::string path = argv[2];
  auto kind = kite::config_kind(path);
  caf::error err;
  if (!kind) {
    err = kind.error();
  } else if (*kind == "worker") {
    if (auto cfg = kite::load_worker_config(path); !cfg) err = cfg.error();
  } else if (*kind == "edge") {
    if (auto cfg = kite::load_edge_config(path); !cfg) err = cfg.error();
  } else if (*kind == "placement") {
    if (auto cfg = kite::load_placement_config(path); !cfg) err = cfg.error();
  } else {
    err = kite::make_error(kite::errc::config, path +
                                                   ": key 'kind': expected 'edge', 'worker' or "
                                                   "'placement', got '" +
                                                   *kind + "'");
  }
  if (err) {
    std::fprintf(stderr, "%s\n", kite::describe(err).c_str());
    return 1;
  }
  std::printf("%s: valid %s config\n", path.c_str(), kind->c_str());
  return 0;
}

int status(int argc, char** argv) {
  // --json takes no value; the other options do.
  bool json = false;
  std::vector<char*> rest;
  for (int i = 0; i < argc; ++i) {
    if (i >= 2 && std::string{argv[i]} == "--json")
      json = true;
    else
      rest.push_back(argv[i]);
  }
  auto args = kite::parse_cli(static_cast<int>(rest.size()), rest.data(), 2,
                              {"placement", "server-key", "key", "node-id", "timeout"});
  if (!args || args->get("placement").empty() || args->get("server-key").empty() ||
      args->get("key").empty() || !args->positional.empty()) {
    std::fprintf(stderr, "kite status: %s\n%s",
                 args ? "expected --placement ENDPOINT --server-key KEY --key FILE"
                      : kite::describe(args.error()).c_str(),
                 usage);
    return 2;
  }
  // Stdout is for the answer (JSON for scripts): the link's own notes go to stderr, warnings up.
  auto log = spdlog::stderr_color_mt("kite-status");
  log->set_level(spdlog::level::warn);
  spdlog::set_default_logger(log);
  kite::status_query_settings settings;
  settings.endpoint = args->get("placement");
  settings.node_id = args->get("node-id", "kite-status-" + std::to_string(::getpid()));
  auto timeout = kite::parse_whole_number("timeout", args->get("timeout", "5000"), 1, 600000);
  auto server_key = kite::read_public_key("--server-key", args->get("server-key"));
  auto keys = kite::load_secret_key(args->get("key"));
  caf::error bad;
  if (auto id = kite::check_node_id("node-id", settings.node_id))
    bad = id;
  else if (!timeout)
    bad = timeout.error();
  else if (!server_key)
    bad = server_key.error();
  else if (!keys)
    bad = keys.error();
  if (bad) {
    std::fprintf(stderr, "kite status: %s\n", kite::describe(bad).c_str());
    return 2;
  }
  settings.timeout = std::chrono::milliseconds{*timeout};
  settings.server_key = *server_key;
  settings.own_keys = *keys;
  auto answer = kite::query_cluster_status(settings);
  if (!answer) {
    std::fprintf(stderr, "kite status: %s\n", kite::describe(answer.error()).c_str());
    return 1;
  }
  std::fputs(json ? (kite::to_json(*answer) + "\n").c_str() : kite::to_text(*answer).c_str(),
             stdout);
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  std::string command = argc > 1 ? argv[1] : "";
  if (command == "keygen") return keygen(argc, argv);
  if (command == "validate") return validate(argc, argv);
  if (command == "status") return status(argc, argv);
  std::fputs(usage, stderr);
  return 2;
}
