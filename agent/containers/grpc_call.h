// What containerd and CRI clients share: a channel on a unix socket that reconnects
// quickly after the runtime restarts, deadlines on every call, and gRPC failures turned
// into riposte errors whose kind says whether the target is gone or the runtime is down.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>

#include "common/result.h"

namespace riposte {

// A channel to "unix://PATH". gRPC backs off up to minutes between reconnects by
// default; a node agent must find its runtime again within a second of a restart.
std::shared_ptr<grpc::Channel> UnixSocketChannel(const std::string& socket_path);

// "containerd Pause: not found: task abc" with the kind taken from the gRPC code.
Error RuntimeCallError(std::string_view call, const grpc::Status& status);

// A client context with a deadline and, for containerd, the namespace header.
void PrepareContext(grpc::ClientContext& ctx, std::chrono::milliseconds timeout, std::string_view containerd_namespace);

}  // namespace riposte
