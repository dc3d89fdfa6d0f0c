// CURVE keypairs: generation, files on disk (secret 0600), and fingerprints for logs.
#pragma once

#include <string>

#include <caf/expected.hpp>

namespace kite {

/// A CURVE keypair in Z85 text (40 characters each).
struct keypair {
  std::string public_key;
  std::string secret_key;
};

/// Makes a fresh keypair from the system's random source.
caf::expected<keypair> generate_keypair();

/// Writes `<prefix>.key` (secret, mode 0600) and `<prefix>.pub`; refuses to overwrite either.
caf::error write_keypair(const keypair& keys, const std::string& prefix);

/// Reads a secret key file, refusing one that group or others may read.
caf::expected<keypair> load_secret_key(const std::string& path);

/// A public key as an operator gives one: Z85 text, or the path of the .pub file `kite keygen`
/// wrote; an error naming `what` (such as "--server-key") and the problem otherwise.
caf::expected<std::string> read_public_key(const std::string& what, const std::string& arg);

/// Tells whether `text` is a well-formed Z85 CURVE key.
bool is_z85_key(const std::string& text);

/// A short, stable name for a public key (hex of its first 8 bytes) to put in logs.
std::string fingerprint(const std::string& z85_public_key);

/// The same, for a key in its raw 32-byte form.
std::string fingerprint_raw(const unsigned char* key, size_t size);

} // namespace kite
