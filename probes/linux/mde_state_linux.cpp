#include "probes/common/facts.h"

namespace preflight {

// TODO(mde helper): dpkg/rpm state, mdatp health, onboarding file.
MdeState ReadMdeState(const Context& /*ctx*/) {
  MdeState state;
  state.notes.push_back("MDE state is not inspected yet");
  return state;
}

}  // namespace preflight
