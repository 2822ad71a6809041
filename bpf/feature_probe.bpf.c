// SPDX-License-Identifier: GPL-2.0
/*
 * Tiny programs whose only job is to be loaded and attached, one at a time, so the agent
 * learns which program types this kernel lets it use (agent/kernel/feature_probe.cpp).
 * None of them does anything when it runs. All are autoload-off by default in the agent.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("tp_btf/sched_process_exec")
int BPF_PROG(probe_tp_btf, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	return 0;
}

SEC("fentry/do_unlinkat")
int BPF_PROG(probe_fentry)
{
	return 0;
}

SEC("lsm/bprm_check_security")
int BPF_PROG(probe_lsm, struct linux_binprm *bprm)
{
	return 0;
}

SEC("raw_tracepoint/sys_enter")
int probe_send_signal(struct bpf_raw_tracepoint_args *ctx)
{
	/* Never true at run time; loading proves the verifier accepts bpf_send_signal here. */
	if (ctx->args[1] == (unsigned long)-1)
		bpf_send_signal(9);
	return 0;
}

SEC("cgroup_skb/egress")
int probe_cgroup_skb(struct __sk_buff *skb)
{
	return 1;
}

SEC("cgroup/connect4")
int probe_cgroup_sock_addr(struct bpf_sock_addr *ctx)
{
	return 1;
}
