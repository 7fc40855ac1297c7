// Runs a libFuzzer target without libFuzzer, so every build (g++ too) exercises each target:
// first over the files of its corpus directory, then over inputs generated from a fixed seed
// (the same inputs on every run and every compiler, so a failure reproduces).
//   fuzz_replay_<name> CORPUS_DIR [GENERATED_INPUTS]

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <system_error>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

// libFuzzer's default -max_len is 4096; seeds are far smaller. 1 MiB bounds a stray big file.
constexpr std::size_t kMaxSeedBytes = 1 << 20;
// Generated inputs stay around libFuzzer's default -max_len.
constexpr std::size_t kMaxGeneratedBytes = 4096;
constexpr std::uint64_t kSeed = 0x5eed0f00d;
// Bytes that text parsers care about, to reach past the first check more often than noise does.
constexpr char kTextBytes[] =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789=:-_.,;\"'\\/ \t\r\n\n\n";

std::vector<std::string> ReadCorpus(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> paths;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file(ec)) paths.push_back(it->path());
  }
  std::sort(paths.begin(), paths.end());
  std::vector<std::string> corpus;
  for (const auto& path : paths) {
    std::ifstream in(path, std::ios::binary);
    std::string data(kMaxSeedBytes, '\0');
    in.read(data.data(), static_cast<std::streamsize>(data.size()));
    data.resize(static_cast<std::size_t>(in.gcount()));
    corpus.push_back(std::move(data));
  }
  return corpus;
}

void Feed(const std::string& input) {
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
}

// mt19937_64's output is fixed by the standard; distributions are not, so plain modulo is used.
class Generator {
 public:
  explicit Generator(const std::vector<std::string>& corpus) : corpus_(corpus) {}

  std::string Next() {
    const std::uint64_t mode = corpus_.empty() ? Below(2) : Below(5);
    switch (mode) {
      case 0:
        return Random(Below(kMaxGeneratedBytes / 8 + 1), /*text=*/false);
      case 1:
        return Random(Below(kMaxGeneratedBytes / 8 + 1), /*text=*/true);
      case 2:
        return Flip(Pick());
      case 3:
        return Pick().substr(0, Below(Pick().size() + 1));
      default: {
        const std::string& a = Pick();
        const std::string& b = Pick();
        std::string spliced = a.substr(0, Below(a.size() + 1)) + b.substr(Below(b.size() + 1));
        if (spliced.size() > kMaxGeneratedBytes) spliced.resize(kMaxGeneratedBytes);
        return spliced;
      }
    }
  }

 private:
  std::uint64_t Below(std::uint64_t n) { return n == 0 ? 0 : rng_() % n; }
  const std::string& Pick() { return corpus_[Below(corpus_.size())]; }

  std::string Random(std::uint64_t size, bool text) {
    std::string s;
    for (std::uint64_t i = 0; i < size; ++i) {
      s += text ? kTextBytes[Below(sizeof(kTextBytes) - 1)] : static_cast<char>(Below(256));
    }
    return s;
  }

  std::string Flip(std::string s) {
    if (s.empty()) return s;
    for (std::uint64_t n = 1 + Below(8); n > 0; --n) {
      char& c = s[Below(s.size())];
      c = Below(2) == 0 ? static_cast<char>(Below(256)) : kTextBytes[Below(sizeof(kTextBytes) - 1)];
    }
    return s;
  }

  const std::vector<std::string>& corpus_;
  std::mt19937_64 rng_{kSeed};
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR [GENERATED_INPUTS]\n", argv[0]);
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  const long generated = argc == 3 ? std::strtol(argv[2], nullptr, 10) : 4000;
  if (generated < 0) {
    std::fprintf(stderr, "GENERATED_INPUTS must not be negative\n");
    return 2;
  }
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    std::printf("no corpus directory %s; generated inputs only\n", dir.string().c_str());
  }
  const std::vector<std::string> corpus = ReadCorpus(dir);
  for (const std::string& input : corpus) Feed(input);
  Feed(std::string());
  Generator generator(corpus);
  for (long i = 0; i < generated; ++i) Feed(generator.Next());
  std::printf("replayed %zu corpus files and %ld generated inputs\n", corpus.size(), generated);
  return 0;
}
