# Builds CO-RE eBPF objects and their libbpf skeletons.
#   riposte_bpf_skeleton(NAME SOURCE) -> target NAME_skel providing NAME.skel.h
# vmlinux.h is generated from the running kernel's BTF at build time and never committed.
find_program(BPFTOOL bpftool PATHS /usr/sbin /sbin REQUIRED)
find_program(BPF_CLANG clang REQUIRED)

set(RIPOSTE_BPF_GEN_DIR ${CMAKE_BINARY_DIR}/bpf-gen)
set(RIPOSTE_VMLINUX_BTF /sys/kernel/btf/vmlinux CACHE FILEPATH "BTF used to generate vmlinux.h")
file(MAKE_DIRECTORY ${RIPOSTE_BPF_GEN_DIR})

add_custom_command(
  OUTPUT ${RIPOSTE_BPF_GEN_DIR}/vmlinux.h
  COMMAND ${BPFTOOL} btf dump file ${RIPOSTE_VMLINUX_BTF} format c > ${RIPOSTE_BPF_GEN_DIR}/vmlinux.h
  DEPENDS ${RIPOSTE_VMLINUX_BTF}
  COMMENT "Generating vmlinux.h from ${RIPOSTE_VMLINUX_BTF}")

function(riposte_bpf_skeleton name source)
  set(obj ${RIPOSTE_BPF_GEN_DIR}/${name}.bpf.o)
  set(skel ${RIPOSTE_BPF_GEN_DIR}/${name}.skel.h)
  add_custom_command(
    OUTPUT ${obj}
    COMMAND ${BPF_CLANG} -g -O2 -target bpf -D__TARGET_ARCH_x86 -Wall -Werror
            -I${RIPOSTE_BPF_GEN_DIR} -I${CMAKE_SOURCE_DIR}/bpf
            -c ${source} -o ${obj}
    DEPENDS ${source} ${CMAKE_SOURCE_DIR}/bpf/riposte_abi.h ${CMAKE_SOURCE_DIR}/bpf/path_scan.bpf.h
            ${RIPOSTE_BPF_GEN_DIR}/vmlinux.h
    COMMENT "Compiling eBPF ${name}")
  add_custom_command(
    OUTPUT ${skel}
    COMMAND ${BPFTOOL} gen skeleton ${obj} name ${name}_bpf > ${skel}
    DEPENDS ${obj}
    COMMENT "Generating skeleton ${name}.skel.h")
  add_custom_target(${name}_skel_gen DEPENDS ${skel})
  add_library(${name}_skel INTERFACE)
  add_dependencies(${name}_skel ${name}_skel_gen)
  target_include_directories(${name}_skel INTERFACE ${RIPOSTE_BPF_GEN_DIR} ${CMAKE_SOURCE_DIR}/bpf)
endfunction()
