#include "kite/runtime/keys.hpp"

#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <fstream>

#include "kite/runtime/error.hpp"
#include "temp_dir.hpp"

TEST_CASE("keys: keygen writes a 0600 secret and a public key that load back") {
  kite::test::temp_dir dir;
  auto keys = kite::generate_keypair();
  REQUIRE(keys);
  CHECK(kite::is_z85_key(keys->public_key));
  auto prefix = dir.path() + "/node";
  REQUIRE_FALSE(kite::write_keypair(*keys, prefix));
  struct stat info {};
  REQUIRE(::stat((prefix + ".key").c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);
  auto loaded = kite::load_secret_key(prefix + ".key");
  REQUIRE(loaded);
  CHECK(loaded->public_key == keys->public_key);
  CHECK(loaded->secret_key == keys->secret_key);
  // Never overwrite a key that exists: that would lock a device out.
  auto again = kite::write_keypair(*keys, prefix);
  REQUIRE(again);
  CHECK_THAT(kite::describe(again), Catch::Contains("node.key: cannot create"));
}

TEST_CASE("keys: a secret key file others may read is refused with the fix in the message") {
  kite::test::temp_dir dir;
  auto keys = kite::generate_keypair();
  REQUIRE(keys);
  auto prefix = dir.path() + "/open";
  REQUIRE_FALSE(kite::write_keypair(*keys, prefix));
  ::chmod((prefix + ".key").c_str(), 0644);
  auto loaded = kite::load_secret_key(prefix + ".key");
  REQUIRE_FALSE(loaded);
  CHECK_THAT(kite::describe(loaded.error()), Catch::Contains("mode 644"));
  CHECK_THAT(kite::describe(loaded.error()), Catch::Contains("chmod 600"));
}

TEST_CASE("keys: garbage in a key file and malformed keys are recognised") {
  kite::test::temp_dir dir;
  auto path = dir.write("bad.key", "this is not a key\n");
  ::chmod(path.c_str(), 0600);
  auto loaded = kite::load_secret_key(path);
  REQUIRE_FALSE(loaded);
  CHECK_THAT(kite::describe(loaded.error()), Catch::Contains("40-character Z85 secret key"));
  CHECK_FALSE(kite::is_z85_key(""));
  CHECK_FALSE(kite::is_z85_key(std::string(40, '"')));
  CHECK(kite::fingerprint("short") == "invalid-key");
  const unsigned char raw[8] = {0xde, 0xad, 0xbe, 0xef, 0, 1, 2, 3};
  CHECK(kite::fingerprint_raw(raw, sizeof(raw)) == "de:ad:be:ef:00:01:02:03");
}

TEST_CASE("keys: a public key is taken as Z85 text or from the .pub file keygen wrote") {
  kite::test::temp_dir dir;
  auto keys = kite::generate_keypair();
  REQUIRE(keys);
  auto prefix = dir.path() + "/service";
  REQUIRE_FALSE(kite::write_keypair(*keys, prefix));
  CHECK(*kite::read_public_key("--server-key", keys->public_key) == keys->public_key);
  CHECK(*kite::read_public_key("--server-key", prefix + ".pub") == keys->public_key);
  auto missing = kite::read_public_key("--server-key", dir.path() + "/nothing.pub");
  REQUIRE_FALSE(missing);
  CHECK_THAT(kite::describe(missing.error()),
             Catch::Contains("--server-key '" + dir.path() +
                             "/nothing.pub': neither a Z85 key nor a readable file"));
  // A readable file that holds no key, such as a config given by mistake.
  auto config = dir.path() + "/worker.yaml";
  {
    std::ofstream out{config};
    out << "kind: worker\n";
  }
  auto wrong = kite::read_public_key("--server-key", config);
  REQUIRE_FALSE(wrong);
  CHECK_THAT(kite::describe(wrong.error()),
             Catch::Contains("its first line is not a Z85 public key"));
}
