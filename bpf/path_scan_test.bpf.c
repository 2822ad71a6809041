// SPDX-License-Identifier: GPL-2.0
/*
 * Runs the capture programs' path scan (path_scan.bpf.h) on a path handed in by a test,
 * through BPF_PROG_TEST_RUN, so the scan the kernel runs is checked against userspace's
 * IsCleanPath on any input (tests/integration/path_scan_test.cpp). Never loaded by the
 * agent.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#include "path_scan.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* The test's input and the scan's answer. `data` is copied into a map value first: the
 * scan reads whole words past the NUL, as it does in the capture programs' stash. */
struct rp_path_scan_io {
	__u32 len; /* bytes with the NUL */
	__u32 clean;
	__u64 hash;
	__u8 data[RP_PATH_MAX];
};

struct path_scan_buf {
	__u8 data[RP_PATH_MAX + 16];
	__u64 words[RP_PATH_KEY_BYTES / 8];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct path_scan_buf);
} buf SEC(".maps");

/* Bytes past the path in the buffer: what an earlier, longer path left there. */
const volatile __u8 garbage = 0;

SEC("syscall")
int rp_path_scan(struct rp_path_scan_io *io)
{
	__u32 zero = 0;
	struct path_scan_buf *b = bpf_map_lookup_elem(&buf, &zero);
	if (!b)
		return 1;
	__u32 n = io->len;
	if (n < 2 || n > RP_PATH_MAX)
		return 2;
	/* Leftovers everywhere, then the path over them (a branch per byte would give the
	 * verifier a state per path length). */
	for (__u32 i = 0; i < sizeof(b->data); i++)
		b->data[i] = garbage;
	if (bpf_probe_read_kernel(b->data, n, io->data))
		return 3;
	bool clean = false;
	io->hash = rp_scan_path(b->data, n, b->words, &clean);
	io->clean = clean;
	return 0;
}
