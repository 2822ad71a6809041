#include "kernel/feature_probe.h"

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/magic.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "feature_probe.skel.h"

namespace riposte {
namespace {

// Loads (and attaches, where attaching is the real test) exactly one of the probe
// programs. Each attempt uses a fresh skeleton so one refusal cannot spoil another.
bool ProgramWorks(bpf_program* (*pick)(feature_probe_bpf*), bool attach) {
  std::unique_ptr<feature_probe_bpf, decltype(&feature_probe_bpf__destroy)> skel(
      feature_probe_bpf__open(), &feature_probe_bpf__destroy);
  if (!skel) return false;
  bpf_program* wanted = pick(skel.get());
  bpf_program* prog;
  bpf_object__for_each_program(prog, skel->obj) bpf_program__set_autoload(prog, prog == wanted);
  if (feature_probe_bpf__load(skel.get()) != 0) return false;
  if (!attach) return true;
  bpf_link* link = bpf_program__attach(wanted);
  if (!link) return false;
  bpf_link__destroy(link);
  return true;
}

int PidsSubsysId() {
  btf* vmlinux = btf__load_vmlinux_btf();
  if (!vmlinux) return -1;
  int result = -1;
  int id = btf__find_by_name_kind(vmlinux, "cgroup_subsys_id", BTF_KIND_ENUM);
  if (id > 0) {
    const btf_type* t = btf__type_by_id(vmlinux, id);
    const struct btf_enum* e = btf_enum(t);
    for (int i = 0; i < btf_vlen(t); ++i, ++e)
      if (std::strcmp(btf__name_by_offset(vmlinux, e->name_off), "pids_cgrp_id") == 0)
        result = e->val;
  }
  btf__free(vmlinux);
  return result;
}

const char* YesNo(bool b) { return b ? "yes" : "no"; }

}  // namespace

std::string KernelFeatures::CaptureMode() const {
  std::string mode = tp_btf ? "capture: tp_btf sys_enter/sys_exit dispatcher" : "capture: raw_tracepoint sys_enter/sys_exit dispatcher";
  mode += " + sched_process_{exec,fork,exit}";
  mode += task_storage ? "; entry stash: task storage" : "; entry stash: hash map by tid";
  mode += cgroup_v2 ? "; cgroups: v2" : "; cgroups: v1 (pids hierarchy)";
  mode += send_signal ? "; in-kernel kill: bpf_send_signal available"
                      : "; in-kernel kill: unavailable, userspace kill only";
  mode += lsm ? "; LSM: available" : "; LSM: refused (no in-kernel blocking)";
  return mode;
}

std::string KernelFeatures::Summary() const {
  std::string s;
  auto add = [&](const char* k, bool v) {
    if (!s.empty()) s += ' ';
    s += k;
    s += '=';
    s += YesNo(v);
  };
  add("btf", btf);
  add("privileged", privileged);
  add("ring_buffer", ring_buffer);
  add("raw_tracepoint", raw_tracepoint);
  add("tp_btf", tp_btf);
  add("fentry", fentry);
  add("lsm", lsm);
  add("task_storage", task_storage);
  add("send_signal", send_signal);
  add("cgroup_skb", cgroup_skb);
  add("cgroup_sock_addr", cgroup_sock_addr);
  add("cgroup_v2", cgroup_v2);
  return s;
}

Result<KernelFeatures> ProbeKernelFeatures() {
  KernelFeatures f;
  utsname u{};
  if (uname(&u) == 0) f.kernel_release = u.release;
  f.btf = access("/sys/kernel/btf/vmlinux", R_OK) == 0;
  if (!f.btf)
    return Error{"this kernel exposes no BTF (/sys/kernel/btf/vmlinux is missing): riposte's "
                 "CO-RE programs need a kernel built with CONFIG_DEBUG_INFO_BTF=y"};
  f.raw_tracepoint = libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_RAW_TRACEPOINT, nullptr) == 1;
  if (!f.raw_tracepoint) {
    if (geteuid() != 0)
      return Error{"cannot load BPF programs: run riposte as root (or with CAP_BPF, "
                   "CAP_PERFMON and CAP_SYS_RESOURCE)"};
    return Error{"cannot load BPF programs of type raw_tracepoint (" +
                 std::string(std::strerror(errno)) + "): check kernel.unprivileged_bpf_disabled, "
                 "lockdown and the agent's capabilities"};
  }
  f.privileged = true;
  f.ring_buffer = libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, nullptr) == 1;
  f.task_storage = libbpf_probe_bpf_map_type(BPF_MAP_TYPE_TASK_STORAGE, nullptr) == 1;
  f.cgroup_skb = libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_CGROUP_SKB, nullptr) == 1;
  f.cgroup_sock_addr = libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_CGROUP_SOCK_ADDR, nullptr) == 1;
  f.send_signal = ProgramWorks([](feature_probe_bpf* s) { return s->progs.probe_send_signal; }, false);
  f.tp_btf = ProgramWorks([](feature_probe_bpf* s) { return s->progs.probe_tp_btf; }, true);
  f.fentry = ProgramWorks([](feature_probe_bpf* s) { return s->progs.probe_fentry; }, true);
  f.lsm = ProgramWorks([](feature_probe_bpf* s) { return s->progs.probe_lsm; }, true);
  struct statfs sfs {};
  f.cgroup_v2 = statfs("/sys/fs/cgroup", &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC;
  f.cgroup_v1_pids_subsys = PidsSubsysId();
  if (!f.ring_buffer)
    return Error{"this kernel has no BPF ring buffer (needs Linux 5.8 or later)"};
  return f;
}

}  // namespace riposte
