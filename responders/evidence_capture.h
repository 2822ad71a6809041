// capture: the flight recorder's last `before` seconds and the next `after` seconds of the
// alert's container (scope: container, the default), its process tree (process_tree) or
// the whole host (host), as a capture file `riposte replay` reads, under the evidence
// directory. The step returns once the capture has started (the seconds before are
// already copied out of the ring), so a kill or pause after it loses nothing; the file is
// closed `after` seconds later and its SHA-256, size and event count go into an
// `evidence` audit record (the agent writes it). A host process asked for with scope
// container is captured by its process tree (said in the details). Dry-run counts what
// would be kept and writes nothing.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "evidence/flight_recorder.h"
#include "responders/responder.h"

namespace riposte {

class EvidenceCaptureResponder : public Responder {
 public:
  // `recorder` null: the agent has none (`respond`, or switched off): the step fails, saying so.
  EvidenceCaptureResponder(FlightRecorder* recorder, std::string evidence_dir);
  std::string_view name() const override { return "capture"; }
  Status ValidateParams(const nlohmann::json& params) const override;
  ActionResult Run(const ActionRequest& request) override;

 private:
  FlightRecorder* recorder_;
  std::string evidence_dir_;
  std::atomic<uint64_t> captures_{0};  // keeps two captures of one alert and step apart
};

}  // namespace riposte
