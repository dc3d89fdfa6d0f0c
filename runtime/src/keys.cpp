// Uses libzmq's C crypto helpers only; sockets stay behind the link unit.
#include "kite/runtime/keys.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>

#include <fmt/format.h>
#include <zmq.h>

#include "kite/runtime/error.hpp"

namespace kite {

namespace {

constexpr size_t z85_key_size = 40;

caf::error write_file(const std::string& path, const std::string& text, mode_t mode) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0)
    return make_error(errc::key, fmt::format("{}: cannot create: {}", path, std::strerror(errno)));
  // Set the mode explicitly: the umask must not widen or narrow a key file's permissions.
  bool ok = ::fchmod(fd, mode) == 0 &&
            ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  auto saved = errno;
  ::close(fd);
  if (!ok)
    return make_error(errc::key, fmt::format("{}: cannot write: {}", path, std::strerror(saved)));
  return caf::none;
}

} // namespace

caf::expected<keypair> generate_keypair() {
  std::array<char, z85_key_size + 1> pub{};
  std::array<char, z85_key_size + 1> sec{};
  if (zmq_curve_keypair(pub.data(), sec.data()) != 0)
    return make_error(
        errc::key, fmt::format("cannot generate a CURVE keypair: {}", zmq_strerror(zmq_errno())));
  return keypair{pub.data(), sec.data()};
}

caf::error write_keypair(const keypair& keys, const std::string& prefix) {
  if (auto err = write_file(prefix + ".key", keys.secret_key + "\n", 0600)) return err;
  return write_file(prefix + ".pub", keys.public_key + "\n", 0644);
}

caf::expected<keypair> load_secret_key(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0)
    return make_error(errc::key, fmt::format("{}: cannot read the secret key file: {}", path,
                                             std::strerror(errno)));
  if ((info.st_mode & 077) != 0)
    return make_error(errc::key,
                      fmt::format("{}: secret key file has mode {:o}; it must be readable by its "
                                  "owner only (chmod 600)",
                                  path, info.st_mode & 0777));
  std::ifstream in{path};
  std::string secret;
  std::getline(in, secret);
  if (!is_z85_key(secret))
    return make_error(errc::key, fmt::format("{}: expected a 40-character Z85 secret key on the "
                                             "first line (make one with `kite keygen`)",
                                             path));
  std::array<char, z85_key_size + 1> pub{};
  if (zmq_curve_public(pub.data(), secret.c_str()) != 0)
    return make_error(errc::key, fmt::format("{}: cannot derive the public key: {}", path,
                                             zmq_strerror(zmq_errno())));
  return keypair{pub.data(), secret};
}

bool is_z85_key(const std::string& text) {
  if (text.size() != z85_key_size) return false;
  std::array<uint8_t, 32> raw{};
  return zmq_z85_decode(raw.data(), text.c_str()) != nullptr;
}

caf::expected<std::string> read_public_key(const std::string& what, const std::string& arg) {
  if (is_z85_key(arg)) return arg;
  std::ifstream in{arg};
  std::string key;
  if (!in)
    return make_error(errc::key,
                      fmt::format("{} '{}': neither a Z85 key nor a readable file", what, arg));
  if (!std::getline(in, key) || !is_z85_key(key))
    return make_error(errc::key,
                      fmt::format("{} '{}': its first line is not a Z85 public key", what, arg));
  return key;
}

std::string fingerprint(const std::string& z85_public_key) {
  std::array<uint8_t, 32> raw{};
  if (!is_z85_key(z85_public_key) || zmq_z85_decode(raw.data(), z85_public_key.c_str()) == nullptr)
    return "invalid-key";
  return fingerprint_raw(raw.data(), raw.size());
}

std::string fingerprint_raw(const unsigned char* key, size_t size) {
  std::string out;
  for (size_t i = 0; i < size && i < 8; ++i)
    out += fmt::format("{}{:02x}", i == 0 ? "" : ":", key[i]);
  return out;
}

} // namespace kite
