// kite: the operator's tool. `keygen` makes CURVE keypairs; `validate` checks a config file.
#include <cstdio>
#include <string>

#include "kite/runtime/cli_args.hpp"
#include "kite/runtime/config.hpp"
#include "kite/runtime/error.hpp"
#include "kite/runtime/keys.hpp"

namespace {

constexpr const char* usage =
    "usage: kite keygen --out PREFIX   (writes PREFIX.key 0600 and "
    "PREFIX.pub)\n"
    "       kite validate FILE         (checks an edge, worker or placement "
    "config)\n";

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

} // namespace

int main(int argc, char** argv) {
  std::string command = argc > 1 ? argv[1] : "";
  if (command == "keygen") return keygen(argc, argv);
  if (command == "validate") return validate(argc, argv);
  std::fputs(usage, stderr);
  return 2;
}
