// SPDX-License-Identifier: GPL-2.0
/*
 * The floor: the cheapest possible syscall hook, for the capture benchmark
 * (tests/bench/capture_overhead.cpp). It counts every syscall entry and exit in a per-CPU
 * array and does nothing else, on the same hooks the capture programs use, so what the
 * capture programs cost above it is their own work.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

static __always_inline void count(__u32 which)
{
	__u64 *v = bpf_map_lookup_elem(&counts, &which);
	if (v)
		*v += 1;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(rp_count_enter, struct pt_regs *regs, long id)
{
	count(0);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(rp_count_exit, struct pt_regs *regs, long ret)
{
	count(1);
	return 0;
}
