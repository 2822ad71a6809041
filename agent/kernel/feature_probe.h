// What this kernel lets riposte use, found by asking it at start-up (loading tiny
// programs, creating maps) rather than by version numbers.
#pragma once

#include <string>

#include "common/result.h"

namespace riposte {

struct KernelFeatures {
  bool btf = false;                // /sys/kernel/btf/vmlinux: needed for CO-RE
  bool privileged = false;         // may load BPF programs at all
  bool ring_buffer = false;
  bool raw_tracepoint = false;
  bool tp_btf = false;
  bool fentry = false;
  bool lsm = false;
  bool task_storage = false;
  bool send_signal = false;        // bpf_send_signal from a tracepoint (in-kernel kill)
  bool cgroup_skb = false;
  bool cgroup_sock_addr = false;
  bool cgroup_v2 = false;          // /sys/fs/cgroup is the unified hierarchy
  int cgroup_v1_pids_subsys = -1;  // the kernel's pids_cgrp_id, for v1 hosts
  std::string kernel_release;

  // A one-line description of the mode the capture engine will run in.
  std::string CaptureMode() const;
  // Every feature as "name=yes|no" pairs, for logs and `riposte probe`.
  std::string Summary() const;
};

// Probes the running kernel. Fails only if nothing can be probed (no BTF, no privileges);
// the error says what is missing and how to fix it.
Result<KernelFeatures> ProbeKernelFeatures();

}  // namespace riposte
