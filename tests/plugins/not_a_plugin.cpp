// A shared library that is not a Kite plugin: it has no manifest.
extern "C" __attribute__((visibility("default"))) int kite_test_answer() {
  return 42;
}
