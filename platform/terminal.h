#pragma once

namespace preflight {

// True when standard output is an interactive terminal (colour is then allowed).
bool StdoutIsTerminal();

}  // namespace preflight
