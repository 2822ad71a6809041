# The C++ gRPC clients for containerd and CRI, generated at build time.
#
# containerd's .proto files come from Debian's golang-github-containerd-containerd-dev
# (never copied into the repository). They import gogoproto options "weakly", which
# protoc's C++ generator refuses outside Google's own runtime; the build therefore copies
# the files it needs into the build tree with "import weak" made a plain import, and
# compiles gogo.proto (from golang-github-gogo-protobuf-dev, a dependency of the same
# package) beside them. Nothing else about the files changes.
# The CRI subset (runtime.v1) is riposte's own file: agent/containers/proto/.

set(RIPOSTE_GOCODE /usr/share/gocode/src CACHE PATH "Debian's Go source tree holding containerd's API .proto files")
set(containerd_api ${RIPOSTE_GOCODE}/github.com/containerd/containerd/api)
set(gogo_root ${RIPOSTE_GOCODE}/github.com/gogo/protobuf)
if(NOT EXISTS ${containerd_api}/services/tasks/v1/tasks.proto OR NOT EXISTS ${gogo_root}/gogoproto/gogo.proto)
  message(FATAL_ERROR "containerd's API .proto files are missing under ${RIPOSTE_GOCODE}: "
                      "install golang-github-containerd-containerd-dev (deploy/install-deps.sh does)")
endif()

find_program(PROTOC protoc REQUIRED)
find_program(GRPC_CPP_PLUGIN grpc_cpp_plugin REQUIRED)
pkg_check_modules(GRPCPP REQUIRED IMPORTED_TARGET grpc++ protobuf)

set(proto_src ${CMAKE_CURRENT_BINARY_DIR}/proto-src)
set(proto_out ${CMAKE_CURRENT_BINARY_DIR}/proto-gen)
file(MAKE_DIRECTORY ${proto_out})

set(containerd_protos
  github.com/containerd/containerd/api/events/container.proto
  github.com/containerd/containerd/api/events/task.proto
  github.com/containerd/containerd/api/services/containers/v1/containers.proto
  github.com/containerd/containerd/api/services/events/v1/events.proto
  github.com/containerd/containerd/api/services/snapshots/v1/snapshots.proto
  github.com/containerd/containerd/api/services/tasks/v1/tasks.proto
  github.com/containerd/containerd/api/services/version/v1/version.proto
  github.com/containerd/containerd/api/types/descriptor.proto
  github.com/containerd/containerd/api/types/metrics.proto
  github.com/containerd/containerd/api/types/mount.proto
  github.com/containerd/containerd/api/types/task/task.proto
  github.com/containerd/containerd/protobuf/plugin/fieldpath.proto
)
set(proto_files gogoproto/gogo.proto runtime/v1/cri_runtime_v1.proto)
foreach(p ${containerd_protos})
  # Re-copied when the packaged file changes.
  configure_file(${RIPOSTE_GOCODE}/${p} ${proto_src}/${p}.orig COPYONLY)
  file(READ ${proto_src}/${p}.orig text)
  string(REGEX REPLACE "(^|\n)import weak " "\\1import " text "${text}")
  # Written only when it differs: a rewrite would touch the file and make protoc and
  # every generated gRPC source rebuild on each configure.
  set(old "")
  if(EXISTS ${proto_src}/${p})
    file(READ ${proto_src}/${p} old)
  endif()
  if(NOT old STREQUAL text)
    file(WRITE ${proto_src}/${p} "${text}")
  endif()
  list(APPEND proto_files ${p})
endforeach()
configure_file(${gogo_root}/gogoproto/gogo.proto ${proto_src}/gogoproto/gogo.proto COPYONLY)
configure_file(${CMAKE_CURRENT_SOURCE_DIR}/containers/proto/cri_runtime_v1.proto
               ${proto_src}/runtime/v1/cri_runtime_v1.proto COPYONLY)

set(generated)
foreach(p ${proto_files})
  string(REGEX REPLACE "\\.proto$" "" stem ${p})
  list(APPEND generated ${proto_out}/${stem}.pb.cc ${proto_out}/${stem}.grpc.pb.cc)
endforeach()
list(TRANSFORM proto_files PREPEND ${proto_src}/ OUTPUT_VARIABLE proto_paths)
add_custom_command(
  OUTPUT ${generated}
  COMMAND ${PROTOC} -I${proto_src} -I/usr/include --cpp_out=${proto_out} --grpc_out=${proto_out}
          --plugin=protoc-gen-grpc=${GRPC_CPP_PLUGIN} ${proto_files}
  WORKING_DIRECTORY ${proto_src}
  DEPENDS ${proto_paths}
  COMMENT "Generating the containerd and CRI gRPC clients"
  VERBATIM)

add_library(riposte_runtime_api STATIC ${generated})
# Generated code: not ours to warn about.
target_compile_options(riposte_runtime_api PRIVATE -w)
target_include_directories(riposte_runtime_api SYSTEM PUBLIC ${proto_out})
target_link_libraries(riposte_runtime_api PUBLIC PkgConfig::GRPCPP)
# CRI messages have fields named `linux`, which GNU C++ predefines as a macro.
target_compile_options(riposte_runtime_api PUBLIC -Ulinux)
