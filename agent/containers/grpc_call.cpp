#include "containers/grpc_call.h"

namespace riposte {

std::shared_ptr<grpc::Channel> UnixSocketChannel(const std::string& socket_path) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
  // Container specs and listings of busy nodes exceed gRPC's 4 MiB default.
  args.SetMaxReceiveMessageSize(64 << 20);
  return grpc::CreateCustomChannel("unix://" + socket_path, grpc::InsecureChannelCredentials(), args);
}

Error RuntimeCallError(std::string_view call, const grpc::Status& status) {
  ErrorKind kind = ErrorKind::kGeneric;
  switch (status.error_code()) {
    case grpc::StatusCode::NOT_FOUND: kind = ErrorKind::kNotFound; break;
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED: kind = ErrorKind::kUnavailable; break;
    default: break;
  }
  std::string text = std::string(call) + ": " + status.error_message();
  if (status.error_message().empty()) text += "gRPC code " + std::to_string(status.error_code());
  return Error{std::move(text), kind};
}

void PrepareContext(grpc::ClientContext& ctx, std::chrono::milliseconds timeout, std::string_view containerd_namespace) {
  ctx.set_deadline(std::chrono::system_clock::now() + timeout);
  if (!containerd_namespace.empty()) ctx.AddMetadata("containerd-namespace", std::string(containerd_namespace));
}

}  // namespace riposte
