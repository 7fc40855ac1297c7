#include "probes/common/facts.h"

namespace preflight {

// The Windows reading of MDE's state (Sense, the ATP status key: reference/windows.md section 1)
// comes with the mde.install check; until then the state is unknown and says why.
MdeState ReadMdeState(const Context& /*ctx*/) {
  MdeState state;
  state.notes.push_back("MDE's state is not read on Windows yet");
  return state;
}

}  // namespace preflight
