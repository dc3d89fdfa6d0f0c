// A fresh directory under /tmp for one test, removed with everything in it afterwards.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

namespace kite::test {

/// Owns a unique temporary directory.
class temp_dir {
public:
  temp_dir() {
    std::string pattern = std::filesystem::temp_directory_path() / "kite-unit.XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~temp_dir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  /// Writes `text` to `name` inside the directory and returns the file's path.
  std::string write(const std::string& name, const std::string& text) const {
    auto file = path_ + "/" + name;
    std::ofstream{file} << text;
    return file;
  }

  const std::string& path() const { return path_; }

private:
  std::string path_;
};

} // namespace kite::test
