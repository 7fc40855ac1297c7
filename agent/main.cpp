#include <string>
#include <vector>

#include "agent/app.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return preflight::RunApp(args);
}
