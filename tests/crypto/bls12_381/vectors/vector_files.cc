#include "vector_files.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <stdexcept>

namespace cryfttee::bls::testing {

std::optional<std::filesystem::path> VectorsDir() {
  const char* shared = std::getenv("CRYFTTEE_SHARED_DIR");
  if (shared == nullptr || *shared == '\0') return std::nullopt;
  std::filesystem::path dir = std::filesystem::path(shared) / "vectors";
  if (!std::filesystem::is_directory(dir)) return std::nullopt;
  return dir;
}

std::vector<std::filesystem::path> JsonFilesIn(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

nlohmann::json LoadJson(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error("cannot open " + file.string());
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(file.string() + ": " + e.what());
  }
}

Bytes MustHex(std::string_view text) {
  auto decoded = HexDecode(text);
  if (!decoded.ok()) throw std::runtime_error("bad hex in vector: " + std::string(text));
  return *decoded;
}

}  // namespace cryfttee::bls::testing
