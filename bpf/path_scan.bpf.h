/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One pass over a path, eight bytes at a time: whether it is clean (its own normal form,
 * the test agent/kernel/record_filter.cpp's IsCleanPath makes) and a hash of it, for the
 * record filter's verdict cache. Shared by the capture programs and the test program that
 * checks this scan against IsCleanPath (bpf/path_scan_test.bpf.c).
 *
 * The byte-at-a-time scan it replaces called a bpf_loop callback per byte; for a typical
 * path that was a third of what deciding an open cost.
 */
#ifndef RIPOSTE_PATH_SCAN_BPF_H
#define RIPOSTE_PATH_SCAN_BPF_H

#include "riposte_abi.h"

#define RP_BYTE_ONES 0x0101010101010101ull
#define RP_BYTE_LOW7 0x7f7f7f7f7f7f7f7full

/* 0x80 in each byte of w that equals c, 0 in the others: exact, no carries between
 * bytes (the plain "has a zero byte" trick marks bytes above a match as well). */
static __always_inline __u64 rp_bytes_equal(__u64 w, __u8 c)
{
	__u64 t = w ^ (RP_BYTE_ONES * c);
	return ~(((t & RP_BYTE_LOW7) + RP_BYTE_LOW7) | t | RP_BYTE_LOW7);
}

static __always_inline __u64 rp_load_word(const __u8 *p)
{
	__u64 w;
	__builtin_memcpy(&w, p, sizeof(w));
	return w;
}

/*
 * data[0..n) is a path and its NUL (n counts it, as bpf_probe_read_user_str returns it),
 * with at least RP_PATH_MAX + 16 bytes readable from data. n must be 2..RP_PATH_MAX.
 * Writes the path's first RP_PATH_KEY_BYTES as words, zero past the NUL, to
 * words[0..min(n, RP_PATH_KEY_BYTES)/8 rounded up) and returns a hash of the whole path;
 * *clean says whether the path is clean: absolute, and no "//", no "..", no "/./" or "/."
 * at the end, no "/" at the end but for "/" itself.
 *
 * Each word is tested at byte offsets 0, 1 and 2 (unaligned loads) so the byte after each
 * byte, and the one after that, sit in the same lane: a pattern across two words needs no
 * carrying. Bytes past the NUL may hold anything (an earlier record's path): only lanes up
 * to the one before the NUL count, and every pattern that reaches past the NUL needs a '.'
 * or '/' on the NUL.
 */
static __always_inline __u64 rp_scan_path(const __u8 *data, __u32 n, __u64 *words, bool *clean)
{
	__u64 hash = 0x9e3779b97f4a7c15ull ^ n;
	__u64 bad = data[0] != '/' || data[(n - 1) & (RP_PATH_MAX - 1)] != 0;
	for (__u32 k = 0; k < RP_PATH_MAX / 8; k++) {
		__u32 off = k * 8;
		if (off >= n)
			break;
		__u64 w0 = rp_load_word(data + off);
		__u64 w1 = rp_load_word(data + off + 1);
		__u64 w2 = rp_load_word(data + off + 2);
		__u64 s0 = rp_bytes_equal(w0, '/'), s1 = rp_bytes_equal(w1, '/'), s2 = rp_bytes_equal(w2, '/');
		__u64 d0 = rp_bytes_equal(w0, '.'), d1 = rp_bytes_equal(w1, '.');
		__u64 z1 = rp_bytes_equal(w1, 0), z2 = rp_bytes_equal(w2, 0);
		/* A trailing "/" is bad but for the path "/": lane 0 of word 0. */
		__u64 trailing = s0 & z1 & (k == 0 ? ~0x80ull : ~0ull);
		__u64 lane_bad = (s0 & s1) | (d0 & d1) | (s0 & d1 & (s2 | z2)) | trailing;
		/* Lanes at positions up to n - 2 (the last byte before the NUL) count. */
		__u32 lanes = n - 1 - off;
		__u64 live = lanes >= 8 ? ~0ull : (1ull << (lanes * 8)) - 1;
		/* The path's own bytes (the NUL included), the rest zero. */
		__u32 bytes = n - off;
		__u64 mine = bytes >= 8 ? ~0ull : (1ull << (bytes * 8)) - 1;
		bad |= lane_bad & live;
		w0 &= mine;
		if (k < RP_PATH_KEY_BYTES / 8)
			words[k] = w0;
		hash = (hash ^ w0) * 0xff51afd7ed558ccdull;
		hash ^= hash >> 32;
	}
	*clean = bad == 0;
	return hash;
}

#endif /* RIPOSTE_PATH_SCAN_BPF_H */
