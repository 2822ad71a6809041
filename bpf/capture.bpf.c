// SPDX-License-Identifier: GPL-2.0
/*
 * riposte's capture programs.
 *
 * Two raw tracepoints see every syscall: rp_sys_enter and rp_sys_exit. Both first look the
 * syscall number up in `syscall_specs`, the table the agent fills from what the loaded
 * rules need; a syscall that is not enabled costs that one lookup and nothing reaches the
 * ring buffer. For an enabled syscall the spec says what to read:
 *   - at entry, the user memory its pointer arguments name (paths, sockaddrs, open_how),
 *     stashed per task until the exit, so a racing thread cannot change them after the
 *     kernel has read them (TOCTOU);
 *   - at exit, the return value, the raw arguments, the kernel's view of a socket fd, and
 *     what the kernel wrote to user memory (pipe fds, recvfrom's source address).
 * One record per syscall is sent, at exit.
 *
 * The sched_process_{exec,fork,exit} tracepoints feed the agent's process table; they are
 * always on. Records are built in place (the stash or a per-CPU scratch buffer) and only
 * the used bytes are copied to the ring buffer.
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "riposte_abi.h"
#include "path_scan.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* Load-time settings, written by the agent before load (see agent/kernel/capture_engine.cpp). */
const volatile __u32 agent_tgid = 0;         /* the agent's own syscalls are never captured */
const volatile bool use_task_storage = true; /* stash in task storage, else in a hash by tid */
const volatile __s32 cgroup_v1_subsys = -1;  /* -1: cgroup v2 (default hierarchy); else a v1 controller */
/* Waking the consumer costs an IPI and a context switch: per record, that is several times
 * the cost of the record itself. The agent polls the ring buffer every few milliseconds
 * anyway; the kernel wakes it early only when this much data waits (or for an exec). */
const volatile __u64 wakeup_bytes = 256 * 1024;
const volatile __u32 host_pidns_ino = 0;      /* the agent's pid namespace: "host" for kill scopes */
const volatile __u32 host_mntns_ino = 0;      /* pid 1's mount namespace: where the node's binaries run */

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 16 << 20);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, RP_MAX_SYSCALLS);
	__type(key, __u32);
	__type(value, struct rp_syscall_spec);
} syscall_specs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, RP_STAT_COUNT);
	__type(key, __u32);
	__type(value, __u64);
} stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, RP_MAX_KILL_SELECTORS);
	__type(key, __u32);
	__type(value, struct rp_kill_selector);
} kill_selectors SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, RP_MAX_KILL_PROTECTED);
	__type(key, __u32);
	__type(value, struct rp_kill_protected);
} kill_protected SEC(".maps");

/* The executable name of the current task, read once per checked syscall. */
struct kill_name_buf {
	__u64 word[RP_KILL_WORDS];
};
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct kill_name_buf);
} kill_name SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct rp_syscall_record);
} stash_task SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, struct rp_syscall_record);
} stash_hash SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, RP_MAX_SYSCALLS);
	__type(key, __u32);
	__type(value, struct rp_syscall_stat);
} syscall_stats SEC(".maps");

/* The kernel record filter's tables (see riposte_abi.h). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, RP_OPEN_SLOTS * RP_OPEN_CLASSES);
	__type(key, __u32);
	__type(value, struct rp_open_class);
} open_classes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, RP_MAX_OPEN_PATHS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct rp_path_key);
	__type(value, __u64);
} open_paths SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct rp_path_key);
} path_key_scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct rp_filter_masks);
} filter_masks SEC(".maps");

/* What the trie answered for a path, remembered per CPU: a path opened again (a loop, a
 * header every compiler reads) is decided by its hash and a compare of its words instead
 * of the trie walk, which compares the path from its start at every node. Direct-mapped by
 * the path's hash; an entry counts only for its filter's generation and its exact bytes, so
 * a collision or a stale entry costs a trie lookup, never a wrong verdict. Per CPU, and
 * only the sys_exit program writes it (which never runs twice at once on a CPU), so an
 * entry is never read while another writer changes it. */
struct rp_path_verdict {
	__u64 generation;
	__u64 clauses; /* the trie's value for the path: the clauses of its listed prefixes */
	__u32 len;     /* bytes with the NUL */
	__u32 pad;
	__u64 words[RP_PATH_KEY_BYTES / 8]; /* the path, zero past its NUL */
};
#define RP_PATH_VERDICT_SLOTS 256

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, RP_PATH_VERDICT_SLOTS);
	__type(key, __u32);
	__type(value, struct rp_path_verdict);
} path_verdicts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct rp_path_verdict);
} path_scan_scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, RP_MAX_OPEN_NAMES);
	__type(key, struct rp_comm);
	__type(value, __u64);
} open_names SEC(".maps");

/* Each process' comm at its last exec (inherited at fork), by pid. A process missing
 * here (evicted, or older than the agent and not seeded) matches every name. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, RP_MAX_EXEC_COMMS);
	__type(key, __u32);
	__type(value, struct rp_comm);
} exec_comms SEC(".maps");

/* The clauses a thread's process name allows (its open_names entry and the clauses that
 * name no process), for the filter of `generation`: two hash lookups per open become one
 * task storage lookup. Dropped at exec (the name changes); a new thread or process starts
 * without one. Not kept for a process whose name the kernel does not know (it matches every
 * name until the agent seeds it). */
struct rp_name_verdict {
	__u64 generation;
	__u64 names;
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct rp_name_verdict);
} name_verdicts SEC(".maps");

/* Without task storage: fds of successful opens the filter kept back, per fd table (keyed
 * by the files_struct's address: threads share it). Losing an entry (LRU eviction) only
 * means a close is sent that userspace did not need; an entry is removed when its process
 * exits. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, struct rp_kept_back_fds);
} kept_back_fds SEC(".maps");

/* With task storage: the kept-back fds of a process, on its thread group leader (userspace
 * keeps one fd table per process). A task storage lookup instead of hashing the fd table's
 * address, twice per open/close pair; freed with the process, and counted only for the
 * filter `generation` that noted them (a new filter starts from none). */
struct rp_kept_back_task {
	__u64 generation;
	struct rp_kept_back_fds fds;
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct rp_kept_back_task);
} kept_back_task SEC(".maps");

union rp_scratch {
	struct rp_syscall_record syscall;
	struct rp_exec_record exec;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, union rp_scratch);
} scratch SEC(".maps");

/* A failed exec's argv and envp are gathered here before they go into the record: writes
 * at a masked offset need slack past the end that the record's own data does not have. */
struct rp_exec_strings {
	__u8 buf[2 * RP_PATH_MAX];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct rp_exec_strings);
} exec_strings_scratch SEC(".maps");

/* Kernels before 6.15 name the kernfs parent `parent`, later ones `__parent`. */
struct kernfs_node___old {
	struct kernfs_node *parent;
} __attribute__((preserve_access_index));

/* Kernels before 6.11 keep inode times as struct timespec64. */
struct inode___old {
	struct timespec64 i_ctime;
	struct timespec64 i_mtime;
} __attribute__((preserve_access_index));
struct inode___mid {
	struct timespec64 __i_ctime;
	struct timespec64 __i_mtime;
} __attribute__((preserve_access_index));

#define OVERLAYFS_SUPER_MAGIC 0x794c7630
#define S_IFMT 00170000
#define S_IFSOCK 0140000
#define AF_INET 2
#define AF_INET6 10
#define AF_UNIX 1

static __always_inline void stat_add(__u32 which)
{
	__u64 *v = bpf_map_lookup_elem(&stats, &which);
	if (v)
		*v += 1;
}

/* Wakes the consumer once, as the waiting data crosses the mark with this record, never on
 * every record above it: a consumer that falls behind keeps the ring above the mark, and a
 * wakeup per record made the traced program pay an interrupt for each of its syscalls (the
 * slow consumer's cost landed on the workload). A consumer that is awake finds the data on
 * its next poll without one; one that sleeps wakes at the crossing or its poll timeout. */
static __always_inline __u64 wakeup_flag(__u64 size)
{
	__u64 waiting = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA);
	return waiting < wakeup_bytes && waiting + size >= wakeup_bytes ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP;
}

static __always_inline void fill_header(struct rp_record_header *hdr, __u64 pid_tgid, __u16 kind)
{
	hdr->ts_boot_ns = bpf_ktime_get_boot_ns();
	hdr->pid = pid_tgid >> 32;
	hdr->tid = (__u32)pid_tgid;
	hdr->kind = kind;
	hdr->cpu = bpf_get_smp_processor_id();
}

/* Sends `size` bytes of a record and counts the outcome. */
static __always_inline void submit(void *rec, __u64 size, __u64 flags)
{
	if (bpf_ringbuf_output(&events, rec, size, flags))
		stat_add(RP_STAT_DROP_RINGBUF);
	else
		stat_add(RP_STAT_SENT);
}

static __always_inline struct rp_syscall_spec *spec_of(long nr)
{
	if ((unsigned long)nr >= RP_MAX_SYSCALLS)
		return 0;
	__u32 key = (__u32)nr;
	struct rp_syscall_spec *spec = bpf_map_lookup_elem(&syscall_specs, &key);
	if (!spec || !(spec->flags & RP_SPEC_ENABLED))
		return 0;
	return spec;
}

static __always_inline struct rp_syscall_record *stash_get(__u32 tid, bool create)
{
	if (use_task_storage) {
		struct task_struct *task = bpf_get_current_task_btf();
		return bpf_task_storage_get(&stash_task, task, 0,
					    create ? BPF_LOCAL_STORAGE_GET_F_CREATE : 0);
	}
	struct rp_syscall_record *rec = bpf_map_lookup_elem(&stash_hash, &tid);
	if (rec || !create)
		return rec;
	union rp_scratch *zero = 0;
	__u32 key = 0;
	zero = bpf_map_lookup_elem(&scratch, &key);
	if (!zero)
		return 0;
	zero->syscall.pending_nr = 0;
	bpf_map_update_elem(&stash_hash, &tid, &zero->syscall, BPF_NOEXIST);
	return bpf_map_lookup_elem(&stash_hash, &tid);
}

/* A syscall register. A tp_btf program's pt_regs is a typed kernel pointer: a plain load,
 * which the JIT inlines. A raw_tracepoint's is an untyped address: one
 * bpf_probe_read_kernel call per register. `btf` is a constant in each caller, so each
 * program keeps only its own form. */
#define REG(regs, field, btf) ((btf) ? (regs)->field : BPF_CORE_READ(regs, field))

static __always_inline void read_syscall_args(struct pt_regs *regs, __u64 *args, const bool btf)
{
	args[0] = REG(regs, di, btf);
	args[1] = REG(regs, si, btf);
	args[2] = REG(regs, dx, btf);
	args[3] = REG(regs, r10, btf);
	args[4] = REG(regs, r8, btf);
	args[5] = REG(regs, r9, btf);
}

/* Keeps clang from folding a bounds check into later arithmetic the verifier can't follow. */
#define BARRIER_VAR(x) asm volatile("" : "+r"(x))

/* Reads one entry-time param into data[off..]; returns bytes used (0 if none). */
static __always_inline __u32 read_param_at_entry(struct rp_syscall_record *rec, __u32 off,
						const struct rp_param_spec *ps, __u64 *args, __u16 trunc_bit)
{
	BARRIER_VAR(off);
	if (off > RP_PATH_MAX)
		return 0;
	__u8 *dst = &rec->data[off];
	__u8 arg = ps->arg;
	if (arg > 5)
		return 0;
	const void *uptr = (const void *)args[arg];
	long n = 0;
	switch (ps->source) {
	case RP_PARAM_PATH:
		n = bpf_probe_read_user_str(dst, RP_PATH_MAX, uptr);
		if (n == RP_PATH_MAX)
			rec->flags |= trunc_bit;
		break;
	case RP_PARAM_SOCKADDR: {
		__u8 la = ps->len_arg;
		if (la > 5)
			return 0;
		__u64 len = args[la];
		if (len > RP_SOCKADDR_MAX) {
			len = RP_SOCKADDR_MAX;
			rec->flags |= trunc_bit;
		}
		BARRIER_VAR(len);
		if (len == 0 || len > RP_SOCKADDR_MAX)
			return 0;
		if (bpf_probe_read_user(dst, len, uptr) == 0)
			n = len;
		break;
	}
	case RP_PARAM_MSGHDR_NAME: {
		struct user_msghdr mh;
		if (bpf_probe_read_user(&mh, sizeof(mh), uptr))
			return 0;
		__u64 len = mh.msg_namelen;
		if (!mh.msg_name || len == 0)
			return 0;
		if (len > RP_SOCKADDR_MAX) {
			len = RP_SOCKADDR_MAX;
			rec->flags |= trunc_bit;
		}
		BARRIER_VAR(len);
		if (len == 0 || len > RP_SOCKADDR_MAX)
			return 0;
		if (bpf_probe_read_user(dst, len, mh.msg_name) == 0)
			n = len;
		break;
	}
	case RP_PARAM_BLOB: {
		__u64 len = ps->len_arg;
		BARRIER_VAR(len);
		if (len == 0 || len > RP_SOCKADDR_MAX)
			return 0;
		if (bpf_probe_read_user(dst, len, uptr) == 0)
			n = len;
		break;
	}
	default:
		return 0;
	}
	if (n <= 0 || n > RP_PATH_MAX)
		return 0;
	return (__u32)n;
}

static __always_inline int sys_enter(struct pt_regs *regs, long nr, const bool btf)
{
	struct rp_syscall_spec *spec = spec_of(nr);
	if (!spec || !(spec->flags & RP_SPEC_ENTER))
		return 0;
	__u64 id = bpf_get_current_pid_tgid();
	if ((__u32)(id >> 32) == agent_tgid)
		return 0;

	struct rp_syscall_record *rec = stash_get((__u32)id, true);
	if (!rec) {
		stat_add(RP_STAT_DROP_STASH);
		return 0;
	}
	__u64 args[6];
	read_syscall_args(regs, args, btf);

	rec->flags = 0;
	struct rp_param_spec p0 = spec->param[0];
	struct rp_param_spec p1 = spec->param[1];
	__u32 len0 = read_param_at_entry(rec, 0, &p0, args, RP_TRUNC_PARAM0);
	__u32 len1 = read_param_at_entry(rec, len0, &p1, args, RP_TRUNC_PARAM1);
	rec->param_len[0] = len0;
	rec->param_len[1] = len1;
	rec->pending_nr = (__u32)nr + 1;
	return 0;
}

static __always_inline struct file *fd_to_file(struct task_struct *task, long fd)
{
	if (fd < 0)
		return 0;
	struct file **fds = BPF_CORE_READ(task, files, fdt, fd);
	unsigned int max = BPF_CORE_READ(task, files, fdt, max_fds);
	if ((unsigned long)fd >= max)
		return 0;
	struct file *f = 0;
	bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]);
	return f;
}

static __always_inline void read_sock_tuple(struct rp_syscall_record *rec, long fd)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct file *f = fd_to_file(task, fd);
	if (!f)
		return;
	umode_t mode = BPF_CORE_READ(f, f_inode, i_mode);
	if ((mode & S_IFMT) != S_IFSOCK)
		return;
	struct socket *sock = BPF_CORE_READ(f, private_data);
	if (!sock)
		return;
	struct sock *sk = BPF_CORE_READ(sock, sk);
	if (!sk)
		return;
	struct rp_sock_tuple *t = &rec->tuple;
	t->family = BPF_CORE_READ(sk, __sk_common.skc_family);
	t->type = BPF_CORE_READ(sock, type);
	t->protocol = BPF_CORE_READ(sk, sk_protocol);
	t->local_port = BPF_CORE_READ(sk, __sk_common.skc_num);
	t->remote_port = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	if (t->family == AF_INET) {
		BPF_CORE_READ_INTO(&t->local_addr, sk, __sk_common.skc_rcv_saddr);
		BPF_CORE_READ_INTO(&t->remote_addr, sk, __sk_common.skc_daddr);
	} else if (t->family == AF_INET6) {
		BPF_CORE_READ_INTO(&t->local_addr, sk, __sk_common.skc_v6_rcv_saddr);
		BPF_CORE_READ_INTO(&t->remote_addr, sk, __sk_common.skc_v6_daddr);
	}
	rec->flags |= RP_SYSCALL_HAS_TUPLE;
}

/* Exit-time param: what the kernel wrote to user memory. Only used by syscalls with no
 * entry params, so it always lands at data[0]. */
static __always_inline __u32 read_param_at_exit(struct rp_syscall_record *rec,
					       const struct rp_param_spec *ps, __u64 *args)
{
	__u8 arg = ps->arg;
	if (arg > 5)
		return 0;
	const void *uptr = (const void *)args[arg];
	__u64 len = 0;
	switch (ps->source) {
	case RP_PARAM_OUT_BLOB:
		len = ps->len_arg;
		break;
	case RP_PARAM_OUT_SOCKADDR: {
		__u8 la = ps->len_arg;
		if (la > 5 || !uptr || !args[la])
			return 0;
		int ulen = 0;
		if (bpf_probe_read_user(&ulen, sizeof(ulen), (const void *)args[la]))
			return 0;
		len = ulen < 0 ? 0 : (__u64)ulen;
		break;
	}
	case RP_PARAM_OUT_STR: {
		/* Read whatever the option left there; a non-pointer argument reads nothing. */
		long n = bpf_probe_read_user_str(rec->data, RP_PATH_MAX, uptr);
		return n > 0 ? (__u32)n : 0;
	}
	case RP_PARAM_OUT_MSGHDR_NAME: {
		struct user_msghdr mh;
		if (bpf_probe_read_user(&mh, sizeof(mh), uptr))
			return 0;
		uptr = mh.msg_name;
		len = mh.msg_namelen;
		break;
	}
	default:
		return 0;
	}
	if (!uptr)
		return 0;
	if (len > RP_SOCKADDR_MAX) {
		len = RP_SOCKADDR_MAX;
		rec->flags |= RP_TRUNC_PARAM0;
	}
	BARRIER_VAR(len);
	if (len == 0 || len > RP_SOCKADDR_MAX)
		return 0;
	if (bpf_probe_read_user(rec->data, len, uptr))
		return 0;
	return (__u32)len;
}


#define RP_STRINGS_CUT (1u << 24)

/* Appends the strings of the user array at `arr` (NULL-ended, at most RP_EXEC_STRINGS_MAX)
 * to s->buf from `pos`, up to RP_PATH_MAX bytes in all. Returns the position after them
 * (bits 0-15), how many it appended (bits 16-23) and RP_STRINGS_CUT when one did not fit.
 * A string the kernel cannot read is left out (Falco's probe pushes nothing for it). A
 * global function: its loop is verified once, not once per state of the caller. */
__noinline __u32 rp_append_user_strings(struct rp_exec_strings *s, __u32 pos, __u64 arr)
{
	if (!s)
		return 0;
	__u32 count = 0;
	for (int i = 0; i < RP_EXEC_STRINGS_MAX; i++) {
		__u64 ptr = 0;
		if (bpf_probe_read_user(&ptr, sizeof(ptr), (const void *)(arr + i * sizeof(ptr))) || !ptr)
			break;
		if (pos >= RP_PATH_MAX)
			return RP_PATH_MAX | count << 16 | RP_STRINGS_CUT;
		/* buf has RP_PATH_MAX bytes of slack past any masked offset. */
		long n = bpf_probe_read_user_str(&s->buf[pos & (RP_PATH_MAX - 1)], RP_PATH_MAX, (const void *)ptr);
		if (n <= 0 || n > RP_PATH_MAX)
			continue;
		count++;
		if (pos + n > RP_PATH_MAX) {
			s->buf[RP_PATH_MAX - 1] = 0;
			return RP_PATH_MAX | count << 16 | RP_STRINGS_CUT;
		}
		pos += n;
	}
	return (pos & 0xffff) | count << 16;
}

/* Writes a failed exec's argv and envp strings (RP_PARAM_OUT_EXEC_STRINGS) into the record
 * at data[off]; returns the bytes used. A global function: verified once, on its own. */
__noinline __u32 rp_failed_exec_strings(struct rp_syscall_record *rec, __u32 off, __u64 argv, __u64 envp)
{
	if (!rec)
		return 0;
	__u32 zero = 0;
	struct rp_exec_strings *s = bpf_map_lookup_elem(&exec_strings_scratch, &zero);
	if (!s)
		return 0;
	__u32 got = argv ? rp_append_user_strings(s, 1, argv) : 1;
	__u32 argc = (got >> 16) & 0xff;
	if (envp && !(got & RP_STRINGS_CUT))
		got = rp_append_user_strings(s, got & 0xffff, envp);
	s->buf[0] = (__u8)argc;
	if (got & RP_STRINGS_CUT)
		rec->flags |= RP_TRUNC_PARAM1;
	/* 64-bit, so the bound checked is the register used (no zero-extended copy). */
	__u64 len = got & 0xffff;
	__u64 at = off;
	BARRIER_VAR(len);
	BARRIER_VAR(at);
	if (len == 0 || len > RP_PATH_MAX || at > RP_PATH_MAX)
		return 0;
	if (bpf_probe_read_kernel(&rec->data[at], len, s->buf))
		return 0;
	return (__u32)len;
}

/* ---- in-kernel kill selectors (see riposte_abi.h) ---- */

/* The pid namespace a task lives in: its pid's deepest level. */
static __always_inline struct pid_namespace *task_pid_ns(struct task_struct *task)
{
	struct pid *pid = BPF_CORE_READ(task, thread_pid);
	unsigned int level = BPF_CORE_READ(pid, level);
	return BPF_CORE_READ(pid, numbers[level & 31].ns);
}

/* Falco's CLONE_CHILD_IN_PIDNS, as its probe decides it at a clone's exit: the caller is in
 * a pid namespace below the initial one (the new task's side, or a parent inside a
 * container), or its children go into another namespace than its own (after
 * unshare(CLONE_NEWPID)). */
__noinline int new_task_outside_init_pidns(void)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct pid_namespace *ns = task_pid_ns(task);
	if (BPF_CORE_READ(ns, level) != 0)
		return RP_SYSCALL_CHILD_IN_PIDNS;
	return BPF_CORE_READ(task, nsproxy, pid_ns_for_children) != ns ? RP_SYSCALL_CHILD_IN_PIDNS : 0;
}

static __always_inline bool in_host_pidns(struct task_struct *task)
{
	struct pid_namespace *ns = task_pid_ns(task);
	return BPF_CORE_READ(ns, ns.inum) == host_pidns_ino;
}

/* The node's own machinery: a protected binary (by inode and device, never by name) run
 * by root in the host's mount and pid namespaces. The same test as userspace's, less the
 * path. */
static __always_inline bool kill_protected_task(struct task_struct *task)
{
	if ((__u32)bpf_get_current_uid_gid() != 0)
		return false;
	if (BPF_CORE_READ(task, nsproxy, mnt_ns, ns.inum) != host_mntns_ino || !in_host_pidns(task))
		return false;
	struct inode *exe = BPF_CORE_READ(task, mm, exe_file, f_inode);
	if (!exe)
		return false;
	__u64 ino = BPF_CORE_READ(exe, i_ino);
	__u32 dev = BPF_CORE_READ(exe, i_sb, s_dev);
	for (__u32 i = 0; i < RP_MAX_KILL_PROTECTED; i++) {
		__u32 key = i;
		struct rp_kill_protected *p = bpf_map_lookup_elem(&kill_protected, &key);
		if (!p || !p->active)
			break;
		if (p->ino == ino && p->dev == dev)
			return true;
	}
	return false;
}


/* Checks the caller against every active selector; kills it on the first match.
 * Returns the selector number + 1, or 0. */
static __noinline __u32 kill_check(struct rp_syscall_record *rec, long nr)
{
	if (!rec)
		return 0;
	__u32 tgid = rec->hdr.pid;
	if (tgid <= 1)
		return 0;
	__u32 zero = 0;
	struct kill_name_buf *name = bpf_map_lookup_elem(&kill_name, &zero);
	if (!name)
		return 0;
	struct task_struct *task = (struct task_struct *)bpf_get_current_task_btf();
	bool name_read = false;
	int host = -1; /* the caller's pid namespace, looked up once, when a selector needs it */
	__u32 nr_word = ((__u32)nr >> 6) & (RP_MAX_SYSCALLS / 64 - 1);
	__u64 nr_bit = 1ull << (nr & 63);
	__u32 path_len = rec->param_len[0];

	for (__u32 i = 0; i < RP_MAX_KILL_SELECTORS; i++) {
		__u32 key = i;
		struct rp_kill_selector *sel = bpf_map_lookup_elem(&kill_selectors, &key);
		if (!sel || !sel->active)
			break;
		if (!(sel->syscalls[nr_word] & nr_bit))
			continue;
		if (sel->success_only && rec->ret < 0)
			continue;
		if (sel->scope != RP_KILL_SCOPE_ANY) {
			if (host < 0)
				host = in_host_pidns(task);
			if ((sel->scope == RP_KILL_SCOPE_HOST) != (host == 1))
				continue;
		}
		if (sel->name[0]) {
			if (!name_read) {
				for (int w = 0; w < RP_KILL_WORDS; w++)
					name->word[w] = 0;
				const unsigned char *fname =
					BPF_CORE_READ(task, mm, exe_file, f_path.dentry, d_name.name);
				bpf_probe_read_kernel_str(name->word, sizeof(name->word), fname);
				name_read = true;
			}
			bool same = true;
			for (int w = 0; w < RP_KILL_WORDS; w++)
				if (name->word[w] != sel->name[w])
					same = false;
			if (!same)
				continue;
		}
		if (sel->prefix_mask[0]) {
			/* The path (NUL included) must be longer than the prefix. */
			if (path_len <= sel->prefix_len)
				continue;
			__u64 *path = (__u64 *)rec->data;
			bool same = true;
			for (int w = 0; w < RP_KILL_WORDS; w++)
				if ((path[w] & sel->prefix_mask[w]) != sel->prefix[w])
					same = false;
			if (!same)
				continue;
		}
		if (kill_protected_task(task))
			return 0;
		bpf_send_signal(9 /* SIGKILL */);
		stat_add(RP_STAT_KERNEL_KILL);
		return i + 1;
	}
	return 0;
}

/* ---- kernel record filter (see riposte_abi.h) ---- */

#define O_ACCMODE_ 00000003
#define O_CREAT_ 00000100
#define O_TRUNC_ 00001000
#define O_APPEND_ 00002000
#define O_DIRECTORY_ 00200000
#define O_PATH_ 010000000
#define O_TMPFILE_BIT_ 020000000
#define S_IFDIR_ 0040000

static __always_inline int open_slot(long nr)
{
	switch (nr) {
	case 2: return 0;   /* open */
	case 257: return 1; /* openat */
	case 437: return 2; /* openat2 */
	case 85: return 3;  /* creat */
	}
	return -1;
}

static __always_inline void syscall_stat(long nr, bool filtered)
{
	__u32 key = (__u32)nr;
	struct rp_syscall_stat *st = bpf_map_lookup_elem(&syscall_stats, &key);
	if (!st)
		return;
	if (filtered)
		st->filtered += 1;
	else
		st->sent += 1;
}

extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym;

/* The caller's file behind `fd`. The typed form walks task->files with plain loads
 * (tp_btf); the other with a helper call per pointer. Callers read the file through a
 * read-only typed cast (plain loads the kernel guards against faults) when typed. */
static __always_inline struct file *current_file_of_fd(long fd, const bool btf)
{
	if (!btf)
		return fd_to_file((struct task_struct *)bpf_get_current_task(), fd);
	struct task_struct *task = bpf_get_current_task_btf();
	struct files_struct *files = task->files;
	if (!files)
		return 0;
	struct fdtable *fdt = files->fdt;
	if (!fdt || fd < 0 || (unsigned long)fd >= fdt->max_fds)
		return 0;
	struct file **fds = fdt->fd;
	struct file *f = 0;
	bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]);
	return f;
}

/* Whether the fd the open returned is a directory. */
static __always_inline bool fd_is_directory(long fd, const bool btf)
{
	struct file *f = current_file_of_fd(fd, btf);
	if (!f)
		return false;
	if (btf) {
		struct file *tf = bpf_rdonly_cast(f, bpf_core_type_id_kernel(struct file));
		struct inode *inode = tf->f_inode; /* typed and read-only, as tf */
		return inode && (inode->i_mode & S_IFMT) == S_IFDIR_;
	}
	return (BPF_CORE_READ(f, f_inode, i_mode) & S_IFMT) == S_IFDIR_;
}

#define RP_FMODE_CREATED 0x100000 /* include/linux/fs.h */

/* What a new fd refers to (an open's, or the first of a pipe's pair): a directory or not,
 * its device and inode, whether this open created it, its overlayfs layer. Only for
 * records that are sent. */
static __always_inline void read_opened_file(struct rp_syscall_record *rec, long fd, const bool btf)
{
	struct file *f = current_file_of_fd(fd, btf);
	if (!f)
		return;
	struct rp_file_facts *out = &rec->file;
	umode_t mode;
	unsigned long magic;
	if (btf) {
		struct file *tf = bpf_rdonly_cast(f, bpf_core_type_id_kernel(struct file));
		struct inode *inode = tf->f_inode;
		if (!inode)
			return;
		out->facts = (tf->f_mode & RP_FMODE_CREATED) ? RP_FILE_CREATED : 0;
		mode = inode->i_mode;
		out->ino = inode->i_ino;
		struct super_block *sb = inode->i_sb;
		out->dev = sb->s_dev;
		magic = sb->s_magic;
	} else {
		struct inode *inode = BPF_CORE_READ(f, f_inode);
		if (!inode)
			return;
		out->facts = (BPF_CORE_READ(f, f_mode) & RP_FMODE_CREATED) ? RP_FILE_CREATED : 0;
		mode = BPF_CORE_READ(inode, i_mode);
		out->ino = BPF_CORE_READ(inode, i_ino);
		out->dev = BPF_CORE_READ(inode, i_sb, s_dev);
		magic = BPF_CORE_READ(inode, i_sb, s_magic);
	}
	if (magic == OVERLAYFS_SUPER_MAGIC) {
		/* As for the executable (exe_facts): the upper dentry follows the vfs inode. */
		struct inode *inode = BPF_CORE_READ(f, f_inode);
		struct dentry *upper = 0;
		bpf_probe_read_kernel(&upper, sizeof(upper), (void *)inode + bpf_core_type_size(struct inode));
		out->facts |= upper ? RP_FILE_UPPER_LAYER : RP_FILE_LOWER_LAYER;
	}
	if ((mode & S_IFMT) == S_IFDIR_)
		rec->flags |= RP_SYSCALL_RET_DIR;
	rec->flags |= RP_SYSCALL_HAS_FILE;
}

/* The trie's value for a clean path: the clauses of every listed prefix of it (0: none). */
static __always_inline int trie_clauses(const __u8 *data, __u32 len, __u64 *clauses)
{
	__u32 zero = 0;
	struct rp_path_key *pk = bpf_map_lookup_elem(&path_key_scratch, &zero);
	if (!pk)
		return -1;
	__u32 n = len > RP_PATH_KEY_BYTES ? RP_PATH_KEY_BYTES : len;
	BARRIER_VAR(n);
	if (n == 0 || n > RP_PATH_KEY_BYTES)
		return -1;
	if (bpf_probe_read_kernel(pk->data, n, data))
		return -1;
	pk->prefixlen = n * 8;
	__u64 *v = bpf_map_lookup_elem(&open_paths, pk);
	*clauses = v ? *v : 0;
	return 0;
}

/* The clauses the trie holds for the record's path (data[0..len), len counting the NUL),
 * through the per-CPU verdict cache; -1 when the kernel cannot judge the path: it is not
 * clean (only a clean path is the path rules see) or a table is missing. A global
 * function: the verifier checks it once, not once per path through the caller (its loops
 * times the kill check's branches exceeded the verifier's budget). */
__noinline int path_clauses(struct rp_syscall_record *rec, __u32 len, __u64 generation, __u64 *clauses)
{
	if (!rec || !clauses || len < 2 || len > RP_PATH_MAX)
		return -1;
	const __u8 *data = rec->data;
	__u32 zero = 0;
	struct rp_path_verdict *scan = bpf_map_lookup_elem(&path_scan_scratch, &zero);
	if (!scan)
		return -1;
	bool clean = false;
	__u64 hash = rp_scan_path(data, len, scan->words, &clean);
	if (!clean)
		return -1;
	/* The scan leaves the verifier one state per path length it stopped at; the length read
	 * back from the map value is one unknown, so what follows is verified once, not once per
	 * length (which exceeded the verifier's budget). */
	scan->len = len;
	__u32 n = *(volatile __u32 *)&scan->len;
	if (n < 2 || n > RP_PATH_MAX)
		return -1;
	if (n > RP_PATH_KEY_BYTES)
		return trie_clauses(data, n, clauses); /* rare: compared on its first 256 bytes, not remembered */
	__u32 slot = (__u32)(hash ^ (hash >> 29)) & (RP_PATH_VERDICT_SLOTS - 1);
	struct rp_path_verdict *known = bpf_map_lookup_elem(&path_verdicts, &slot);
	if (!known)
		return -1;
	if (known->generation == generation && known->len == n) {
		bool same = true;
		for (__u32 k = 0; k < RP_PATH_KEY_BYTES / 8; k++) {
			if (k * 8 >= n)
				break;
			if (known->words[k] != scan->words[k]) {
				same = false;
				break;
			}
		}
		if (same) {
			*clauses = known->clauses;
			return 0;
		}
	}
	if (trie_clauses(data, n, clauses))
		return -1;
	known->generation = generation;
	known->clauses = *clauses;
	known->len = n;
	for (__u32 k = 0; k < RP_PATH_KEY_BYTES / 8; k++) {
		if (k * 8 >= n)
			break;
		known->words[k] = scan->words[k];
	}
	return 0;
}

/* The clauses the calling process' name allows: every clause when the kernel does not
 * know the name. */
static __always_inline __u64 name_clauses(__u32 tgid, const struct rp_filter_masks *fm)
{
	struct rp_name_verdict *known = 0;
	if (use_task_storage) {
		known = bpf_task_storage_get(&name_verdicts, bpf_get_current_task_btf(), 0,
					     BPF_LOCAL_STORAGE_GET_F_CREATE);
		if (known && known->generation == fm->generation)
			return known->names;
	}
	struct rp_comm *comm = bpf_map_lookup_elem(&exec_comms, &tgid);
	if (!comm)
		return ~0ull;
	__u64 names = fm->any_name;
	__u64 *nv = bpf_map_lookup_elem(&open_names, comm);
	if (nv)
		names |= *nv;
	if (known) {
		known->generation = fm->generation;
		known->names = names;
	}
	return names;
}

/* What to do with an open's record (see riposte_abi.h for the tests), cheapest test
 * first. Whether the returned fd is a directory is the caller's test (it has the typed or
 * the untyped form): OPEN_LEAVE_OUT_UNLESS_DIR asks for it. */
enum { OPEN_LEAVE_OUT = 0, OPEN_SEND = 1, OPEN_LEAVE_OUT_UNLESS_DIR = 2 };

static __noinline int open_record_decision(struct rp_syscall_record *rec, long nr, long ret)
{
	const int leave_out = ret >= 0 ? OPEN_LEAVE_OUT_UNLESS_DIR : OPEN_LEAVE_OUT;
	if (!rec)
		return OPEN_SEND;
	int slot = open_slot(nr);
	if (slot < 0)
		return OPEN_SEND;
	if (rec->flags & (RP_SYSCALL_NO_ENTER | RP_TRUNC_PARAM0))
		return OPEN_SEND;
	if (ret >= 0 && ret <= 2)
		return OPEN_SEND;
	__u32 len = rec->param_len[0];
	if (len < 2 || len > RP_PATH_MAX)
		return OPEN_SEND;
	__u64 flags = 0, mode = 0;
	switch (slot) {
	case 0:
		flags = rec->args[1];
		mode = rec->args[2];
		break;
	case 1:
		flags = rec->args[2];
		mode = rec->args[3];
		break;
	case 2: {
		if (rec->param_len[1] < 16)
			return OPEN_SEND;
		__u64 how[2];
		if (bpf_probe_read_kernel(how, sizeof(how), &rec->data[len & (RP_PATH_MAX - 1)]))
			return OPEN_SEND;
		flags = how[0];
		mode = how[1];
		break;
	}
	default:
		flags = O_CREAT_ | 1 /* O_WRONLY */ | O_TRUNC_;
		mode = rec->args[1];
	}
	if (flags & O_PATH_)
		return OPEN_SEND;

	/* The class and the process' name are exact whatever the path: when no clause holds
	 * them, no rule can match, however userspace would normalise the path. */
	__u32 cls = flags & O_ACCMODE_;
	if (flags & O_CREAT_)
		cls |= RP_OPEN_CLASS_CREAT;
	if (flags & O_TRUNC_)
		cls |= RP_OPEN_CLASS_TRUNC;
	if (flags & O_APPEND_)
		cls |= RP_OPEN_CLASS_APPEND;
	if (flags & O_DIRECTORY_)
		cls |= RP_OPEN_CLASS_DIRECTORY;
	if (flags & O_TMPFILE_BIT_)
		cls |= RP_OPEN_CLASS_TMPFILE;
	/* Creating (O_CREAT, or any bit of O_TMPFILE, O_DIRECTORY's included: Falco's encoding
	 * tests it so) with an execute bit: exactly when evt.is_open_exec is true. */
	if ((flags & (O_CREAT_ | O_DIRECTORY_ | O_TMPFILE_BIT_)) && (mode & 0111))
		cls |= RP_OPEN_CLASS_EXEC_MODE;
	if (ret < 0)
		cls |= RP_OPEN_CLASS_FAILED;
	__u32 key = (__u32)slot * RP_OPEN_CLASSES + cls;
	struct rp_open_class *oc = bpf_map_lookup_elem(&open_classes, &key);
	if (!oc || oc->any_path)
		return OPEN_SEND;
	__u64 sets = oc->clauses;
	if (!sets)
		return leave_out;
	__u32 zero = 0;
	struct rp_filter_masks *fm = bpf_map_lookup_elem(&filter_masks, &zero);
	if (!fm)
		return OPEN_SEND;
	sets &= name_clauses(rec->hdr.pid, fm);
	if (!sets)
		return leave_out;
	if (sets & fm->any_path)
		return OPEN_SEND;

	__u64 clauses = 0;
	if (path_clauses(rec, len, fm->generation, &clauses))
		return OPEN_SEND;
	return clauses & sets ? OPEN_SEND : leave_out;
}

static __always_inline __u64 current_files(void)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	return (__u64)BPF_CORE_READ(task, files);
}

static __always_inline __u64 current_files_of(const bool btf)
{
	if (btf)
		return (__u64)bpf_get_current_task_btf()->files;
	return current_files();
}

/* The calling process' kept-back set (created when `create`), or 0. */
static __always_inline struct rp_kept_back_fds *kept_back_set(bool create, const bool btf)
{
	if (use_task_storage) {
		__u32 zero = 0;
		struct rp_filter_masks *fm = bpf_map_lookup_elem(&filter_masks, &zero);
		if (!fm)
			return 0;
		struct task_struct *leader = bpf_get_current_task_btf()->group_leader;
		struct rp_kept_back_task *kt = bpf_task_storage_get(&kept_back_task, leader, 0,
								    create ? BPF_LOCAL_STORAGE_GET_F_CREATE : 0);
		if (!kt)
			return 0;
		if (kt->generation != fm->generation) {
			if (!create)
				return 0; /* noted under an earlier filter: as good as none */
			for (int w = 0; w < RP_KEPT_BACK_FD_WORDS; w++)
				kt->fds.bits[w] = 0;
			kt->generation = fm->generation;
		}
		return &kt->fds;
	}
	__u64 files = current_files_of(btf);
	struct rp_kept_back_fds *kb = bpf_map_lookup_elem(&kept_back_fds, &files);
	if (kb || !create)
		return kb;
	struct rp_kept_back_fds empty = {};
	bpf_map_update_elem(&kept_back_fds, &files, &empty, BPF_NOEXIST);
	return bpf_map_lookup_elem(&kept_back_fds, &files);
}

static __always_inline void keep_back_fd(long fd, const bool btf)
{
	if (fd < 0 || fd >= RP_KEPT_BACK_FD_WORDS * 64)
		return;
	struct rp_kept_back_fds *kb = kept_back_set(true, btf);
	if (!kb)
		return;
	__u32 w = ((__u32)fd >> 6) & (RP_KEPT_BACK_FD_WORDS - 1);
	__sync_fetch_and_or(&kb->bits[w], 1ull << (fd & 63));
}

/* A close of a kept-back fd: userspace never knew the fd, so it needs no close. */
static __always_inline bool close_of_kept_back(long fd, const bool btf)
{
	if (fd < 0 || fd >= RP_KEPT_BACK_FD_WORDS * 64)
		return false;
	struct rp_kept_back_fds *kb = kept_back_set(false, btf);
	if (!kb)
		return false;
	__u32 w = ((__u32)fd >> 6) & (RP_KEPT_BACK_FD_WORDS - 1);
	__u64 bit = 1ull << (fd & 63);
	if (!(kb->bits[w] & bit))
		return false;
	__sync_fetch_and_and(&kb->bits[w], ~bit);
	return true;
}

static __always_inline void strike_fd(struct rp_kept_back_fds *kb, long fd)
{
	if (fd < 0 || fd >= RP_KEPT_BACK_FD_WORDS * 64)
		return;
	__u32 w = ((__u32)fd >> 6) & (RP_KEPT_BACK_FD_WORDS - 1);
	__u64 bit = 1ull << (fd & 63);
	if (kb->bits[w] & bit)
		__sync_fetch_and_and(&kb->bits[w], ~bit);
}

/* A record that tells userspace of fds is about to be sent: none of them may stay in the
 * kept-back set, or their closes would be held back from a table that holds them. */
static __always_inline void strike_made_fds(struct rp_syscall_record *rec, const struct rp_syscall_spec *spec,
					    const bool btf)
{
	struct rp_kept_back_fds *kb = kept_back_set(false, btf);
	if (!kb)
		return;
	strike_fd(kb, rec->ret);
	if (spec->flags & RP_SPEC_TUPLE_ARG0)
		strike_fd(kb, (int)rec->args[0]);
	if (spec->param[0].source == RP_PARAM_OUT_BLOB && rec->param_len[0] >= 8) {
		int pair[2];
		__builtin_memcpy(pair, rec->data, sizeof(pair));
		strike_fd(kb, pair[0]);
		strike_fd(kb, pair[1]);
	}
}

/* Whether the record filter leaves this record out; notes a left-out open's fd. */
static __always_inline bool record_filter_leaves_out(struct rp_syscall_record *rec, __u32 spec_flags, long nr,
						     long ret, const bool btf)
{
	if (spec_flags & RP_SPEC_OPEN_FILTER) {
		int d = open_record_decision(rec, nr, ret);
		if (d == OPEN_SEND)
			return false;
		if (d == OPEN_LEAVE_OUT_UNLESS_DIR && fd_is_directory(ret, btf)) {
			rec->flags |= RP_SYSCALL_RET_DIR;
			return false;
		}
		if (spec_flags & RP_SPEC_MAKES_FD)
			keep_back_fd(ret, btf);
		return true;
	}
	if (spec_flags & RP_SPEC_CLOSE_UNTRACKED)
		return close_of_kept_back((int)rec->args[0], btf);
	return false;
}

static __always_inline int sys_exit(struct pt_regs *regs, long ret, const bool btf)
{
	long nr = REG(regs, orig_ax, btf);
	struct rp_syscall_spec *spec = spec_of(nr);
	if (!spec)
		return 0;
	__u64 id = bpf_get_current_pid_tgid();
	if ((__u32)(id >> 32) == agent_tgid)
		return 0;

	struct rp_syscall_record *rec = 0;
	bool stashed = false;
	__u32 spec_flags = spec->flags;
	if (spec_flags & RP_SPEC_ENTER) {
		rec = stash_get((__u32)id, false);
		if (rec && rec->pending_nr == (__u32)nr + 1)
			stashed = true;
	}
	if (!stashed) {
		__u32 zero = 0;
		union rp_scratch *s = bpf_map_lookup_elem(&scratch, &zero);
		if (!s)
			return 0;
		rec = &s->syscall;
		rec->flags = (spec_flags & RP_SPEC_ENTER) ? RP_SYSCALL_NO_ENTER : 0;
		rec->param_len[0] = 0;
		rec->param_len[1] = 0;
	}
	if (!rec)
		return 0;

	read_syscall_args(regs, rec->args, btf);
	if ((spec_flags & RP_SPEC_DUPFD_ONLY) &&
	    (ret < 0 || (rec->args[1] != 0 /* F_DUPFD */ && rec->args[1] != 1030 /* F_DUPFD_CLOEXEC */)))
		return 0;

	/* A path whose page was not yet faulted in cannot be read at entry (BPF may not
	 * fault). The kernel has faulted it in by now: read it here, and say so, since a
	 * racing thread could have changed it in between. */
	if (stashed && spec->param[0].source == RP_PARAM_PATH && rec->param_len[0] == 0) {
		struct rp_param_spec p0 = spec->param[0];
		struct rp_param_spec p1 = spec->param[1];
		rec->flags |= RP_SYSCALL_PARAMS_AT_EXIT;
		__u32 len0 = read_param_at_entry(rec, 0, &p0, rec->args, RP_TRUNC_PARAM0);
		rec->param_len[1] = read_param_at_entry(rec, len0, &p1, rec->args, RP_TRUNC_PARAM1);
		rec->param_len[0] = len0;
	}

	/* The record filter decides before the record is built, so what it leaves out costs
	 * nothing more; a syscall an in-kernel kill selector names is decided after the
	 * selectors have seen it. */
	rec->hdr.pid = id >> 32;
	rec->ret = ret;
	rec->killed_by = 0;
	if (spec_flags & RP_SPEC_KILL)
		rec->killed_by = kill_check(rec, nr);
	if (!rec->killed_by && record_filter_leaves_out(rec, spec_flags, nr, ret, btf)) {
		rec->pending_nr = 0;
		stat_add(RP_STAT_FILTERED);
		syscall_stat(nr, true);
		return 0;
	}

	fill_header(&rec->hdr, id, RP_REC_SYSCALL);
	rec->ret = ret;
	__u64 ugid = bpf_get_current_uid_gid();
	rec->uid = (__u32)ugid;
	rec->gid = ugid >> 32;
	rec->nr = (__u16)nr;
	rec->pending_nr = 0;
	__builtin_memset(&rec->tuple, 0, sizeof(rec->tuple));

	if (spec_flags & RP_SPEC_NEW_TASK)
		rec->flags |= new_task_outside_init_pidns() & RP_SYSCALL_CHILD_IN_PIDNS;
	if (spec_flags & RP_SPEC_TUPLE_ARG0)
		read_sock_tuple(rec, (long)rec->args[0]);
	else if ((spec_flags & RP_SPEC_TUPLE_RET) && rec->ret >= 0)
		read_sock_tuple(rec, rec->ret);

	if (!(spec_flags & RP_SPEC_ENTER) && rec->ret >= 0) {
		struct rp_param_spec p0 = spec->param[0];
		rec->param_len[0] = read_param_at_exit(rec, &p0, rec->args);
	}
	/* A failed exec: the argv and envp it was given, still in the caller's memory. */
	if (spec->param[1].source == RP_PARAM_OUT_EXEC_STRINGS && rec->ret < 0) {
		__u8 a = spec->param[1].arg, e = spec->param[1].len_arg;
		__u32 off = rec->param_len[0];
		if (a <= 5 && e <= 5 && off <= RP_PATH_MAX)
			rec->param_len[1] = rp_failed_exec_strings(rec, off, rec->args[a], rec->args[e]);
	}

	__u32 len0 = rec->param_len[0];
	__u32 len1 = rec->param_len[1];
	if (len0 > RP_PATH_MAX)
		len0 = RP_PATH_MAX;
	if (len1 > RP_PATH_MAX)
		len1 = RP_PATH_MAX;
	__u32 size = offsetof(struct rp_syscall_record, data) + len0 + len1;
	BARRIER_VAR(size);
	if (size > sizeof(*rec))
		size = sizeof(*rec);
	rec->hdr.size = size;
	/* Also tells replay's model of the filter a directory when it sees one. */
	if (ret >= 0 && open_slot(nr) >= 0)
		read_opened_file(rec, ret, btf);
	/* pipe and socketpair: the pair's first fd, for its inode (Falco's pipe "ino"). */
	if (ret >= 0 && spec->param[0].source == RP_PARAM_OUT_BLOB && rec->param_len[0] >= 8 &&
	    !(spec_flags & RP_SPEC_NEW_TASK)) {
		int first;
		__builtin_memcpy(&first, rec->data, sizeof(first));
		read_opened_file(rec, first, btf);
	}
	if (spec_flags & RP_SPEC_MAKES_FD)
		strike_made_fds(rec, spec, btf);
	syscall_stat(nr, false);
	/* A kill wakes the agent at once: it audits what the kernel did. */
	submit(rec, size, rec->killed_by ? BPF_RB_FORCE_WAKEUP : wakeup_flag(size));
	return 0;
}

/* The two ways in, one body each: tp_btf where the kernel offers it (typed registers,
 * plain loads), raw_tracepoint otherwise. The agent loads one pair (capture_engine.cpp). */
SEC("tp_btf/sys_enter")
int BPF_PROG(rp_sys_enter_btf, struct pt_regs *regs, long id)
{
	return sys_enter(regs, id, true);
}

SEC("tp_btf/sys_exit")
int BPF_PROG(rp_sys_exit_btf, struct pt_regs *regs, long ret)
{
	return sys_exit(regs, ret, true);
}

SEC("raw_tracepoint/sys_enter")
int rp_sys_enter(struct bpf_raw_tracepoint_args *ctx)
{
	return sys_enter((struct pt_regs *)ctx->args[0], (long)ctx->args[1], false);
}

SEC("raw_tracepoint/sys_exit")
int rp_sys_exit(struct bpf_raw_tracepoint_args *ctx)
{
	return sys_exit((struct pt_regs *)ctx->args[0], (long)ctx->args[1], false);
}

/* Writes "/a/b/c", the path of the cgroup whose kernfs node is `kn`, into dst; returns
 * bytes used including the NUL. */
static __always_inline __u32 read_cgroup_path(struct kernfs_node *kn, __u8 *dst, __u32 *flags)
{
	const char *names[RP_CGROUP_DEPTH] = {};
	int depth = 0;
#pragma unroll
	for (int i = 0; i < RP_CGROUP_DEPTH + 1; i++) {
		if (!kn)
			break;
		struct kernfs_node *parent;
		if (bpf_core_field_exists(kn->__parent))
			parent = BPF_CORE_READ(kn, __parent);
		else
			parent = BPF_CORE_READ((struct kernfs_node___old *)kn, parent);
		if (!parent)
			break; /* the root's name is not part of the path */
		if (i == RP_CGROUP_DEPTH) {
			*flags |= RP_TRUNC_CGROUP;
			break;
		}
		names[i] = BPF_CORE_READ(kn, name);
		depth = i + 1;
		kn = parent;
	}

	__u32 off = 0;
	/* Each component gets at most RP_CGROUP_MAX / RP_CGROUP_DEPTH bytes. */
#pragma unroll
	for (int i = RP_CGROUP_DEPTH - 1; i >= 0; i--) {
		if (i >= depth)
			continue;
		BARRIER_VAR(off);
		if (off > RP_CGROUP_MAX - RP_CGROUP_MAX / RP_CGROUP_DEPTH)
			break;
		dst[off] = '/';
		long n = bpf_probe_read_kernel_str(&dst[off + 1], RP_CGROUP_MAX / RP_CGROUP_DEPTH - 1,
						   names[i]);
		if (n <= 0)
			break;
		if (n == RP_CGROUP_MAX / RP_CGROUP_DEPTH - 1)
			*flags |= RP_TRUNC_CGROUP;
		off += n; /* n counts the NUL, which the next '/' overwrites */
	}
	if (off == 0) {
		dst[0] = '/';
		dst[1] = 0;
		return 2;
	}
	return off + 1 > RP_CGROUP_MAX ? RP_CGROUP_MAX : off + 1;
}

/* Writes the path of the cgroup whose kernfs node is at `kn_addr` into the exec record
 * being built (this CPU's scratch buffer) at data[off]; returns bytes used. A global
 * function, verified once on its own: six inlined walks took the exec program past the
 * verifier's budget. */
__noinline __u32 rp_exec_cgroup_path(unsigned long kn_addr, __u64 off)
{
	__u32 zero = 0;
	union rp_scratch *s = bpf_map_lookup_elem(&scratch, &zero);
	if (!s)
		return 0;
	struct rp_exec_record *rec = &s->exec;
	if (off > sizeof(rec->data) - RP_CGROUP_MAX)
		return 0;
	return read_cgroup_path((struct kernfs_node *)kn_addr, &rec->data[off], &rec->flags);
}

/* Appends controller `id`'s cgroup path of the task at `off`, or an empty string when the
 * kernel lacks the controller; returns the offset after it. */
static __always_inline __u32 append_controller_cgroup(struct task_struct *task, struct rp_exec_record *rec,
						      __u32 off, bool exists, int id)
{
	if (!exists) {
		rec->data[off] = 0;
		return off + 1;
	}
	struct kernfs_node *kn = BPF_CORE_READ(task, cgroups, subsys[id & 15], cgroup, kn);
	/* At most RP_CGROUP_MAX; the mask tells the verifier (the data has room for it). */
	return off + (rp_exec_cgroup_path((unsigned long)kn, off) & (2 * RP_CGROUP_MAX - 1));
}

static __always_inline void read_inode_times(struct inode *inode, struct rp_exec_record *rec)
{
	if (bpf_core_field_exists(inode->i_ctime_sec)) {
		/* The top bits of i_ctime_nsec are flags (multigrain timestamps, 6.13+). */
		rec->exe_ctime_ns = BPF_CORE_READ(inode, i_ctime_sec) * 1000000000ll +
				    (BPF_CORE_READ(inode, i_ctime_nsec) & 0x3fffffff);
		rec->exe_mtime_ns = BPF_CORE_READ(inode, i_mtime_sec) * 1000000000ll +
				    BPF_CORE_READ(inode, i_mtime_nsec);
	} else if (bpf_core_field_exists(((struct inode___mid *)inode)->__i_ctime)) {
		struct inode___mid *m = (void *)inode;
		rec->exe_ctime_ns = BPF_CORE_READ(m, __i_ctime.tv_sec) * 1000000000ll +
				    BPF_CORE_READ(m, __i_ctime.tv_nsec);
		rec->exe_mtime_ns = BPF_CORE_READ(m, __i_mtime.tv_sec) * 1000000000ll +
				    BPF_CORE_READ(m, __i_mtime.tv_nsec);
	} else {
		struct inode___old *o = (void *)inode;
		rec->exe_ctime_ns = BPF_CORE_READ(o, i_ctime.tv_sec) * 1000000000ll +
				    BPF_CORE_READ(o, i_ctime.tv_nsec);
		rec->exe_mtime_ns = BPF_CORE_READ(o, i_mtime.tv_sec) * 1000000000ll +
				    BPF_CORE_READ(o, i_mtime.tv_nsec);
	}
}

/* Whether `id` falls inside one of the map's extents (the kernel's map_id_up finds one).
 * Maps of more than five extents keep them out of line: not searched, so not mapped. */
static __always_inline bool id_mapped(struct uid_gid_map *map, __u32 id)
{
	__u32 n = BPF_CORE_READ(map, nr_extents);
	if (n > 5)
		return false;
	for (int i = 0; i < 5; i++) {
		if (i >= n)
			break;
		__u32 lower = BPF_CORE_READ(map, extent[i].lower_first);
		__u32 count = BPF_CORE_READ(map, extent[i].count);
		if (id >= lower && id - lower < count)
			return true;
	}
	return false;
}

/* Whether the credentials' supplementary groups hold gid (the first 32 of them). */
static __always_inline bool in_supplementary_groups(const struct cred *cred, __u32 gid)
{
	struct group_info *gi = BPF_CORE_READ(cred, group_info);
	if (!gi)
		return false;
	int n = BPF_CORE_READ(gi, ngroups);
	for (int i = 0; i < 32; i++) {
		if (i >= n)
			break;
		kgid_t g = {};
		bpf_probe_read_kernel(&g, sizeof(g), __builtin_preserve_access_index(&gi->gid[i]));
		if (g.val == gid)
			return true;
	}
	return false;
}

#define SB_RDONLY_ 1
#define S_IMMUTABLE_ 8
#define S_IFREG_ 0100000
#define S_IFLNK_ 0120000
#define CAP_DAC_OVERRIDE_ 1
#define CAP_FOWNER_ 3

/* Whether the new program may write its own executable: the test Falco's modern probe makes
 * for EXE_WRITABLE (not a read-only or immutable file; the owner; the group or others' write
 * bit; CAP_DAC_OVERRIDE or CAP_FOWNER with the file's ids mapped in the caller's user
 * namespace). POSIX ACLs are not consulted, as Falco does not. */
static __always_inline bool exe_writable(struct inode *inode)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	umode_t mode = BPF_CORE_READ(inode, i_mode);
	umode_t fmt = mode & S_IFMT;
	unsigned long s_flags = BPF_CORE_READ(inode, i_sb, s_flags);
	if ((s_flags & SB_RDONLY_) && (fmt == S_IFREG_ || fmt == S_IFDIR_ || fmt == S_IFLNK_))
		return false;
	if (BPF_CORE_READ(inode, i_flags) & S_IMMUTABLE_)
		return false;
	__u32 i_uid = BPF_CORE_READ(inode, i_uid.val);
	__u32 i_gid = BPF_CORE_READ(inode, i_gid.val);
	if (i_uid == (__u32)-1 || i_gid == (__u32)-1)
		return false;
	const struct cred *cred = BPF_CORE_READ(task, cred);
	if (!cred)
		return false;
	__u32 fsuid = BPF_CORE_READ(cred, fsuid.val);
	if (fsuid == i_uid)
		return true;
	__u32 m = mode;
	if (BPF_CORE_READ(cred, fsgid.val) == i_gid || in_supplementary_groups(cred, i_gid))
		m >>= 3;
	if (m & 2 /* MAY_WRITE */)
		return true;
	struct user_namespace *ns = BPF_CORE_READ(cred, user_ns);
	if (!ns)
		return false;
	__u64 caps = BPF_CORE_READ(cred, cap_effective.val);
	bool uid_mapped = id_mapped(__builtin_preserve_access_index(&ns->uid_map), i_uid);
	bool gid_mapped = id_mapped(__builtin_preserve_access_index(&ns->gid_map), i_gid);
	if ((caps & (1ull << CAP_DAC_OVERRIDE_)) && uid_mapped && gid_mapped)
		return true;
	return (caps & (1ull << CAP_FOWNER_)) && uid_mapped;
}

static __always_inline __u32 exe_facts(struct file *exe, struct rp_exec_record *rec)
{
	__u32 facts = 0;
	struct inode *inode = BPF_CORE_READ(exe, f_inode);
	if (!inode)
		return 0;
	rec->exe_ino = BPF_CORE_READ(inode, i_ino);
	read_inode_times(inode, rec);
	if (exe_writable(inode))
		facts |= RP_EXE_WRITABLE;

	/* memfd files are named "memfd:<name>" on the internal shmem mount. */
	const unsigned char *dname = BPF_CORE_READ(exe, f_path.dentry, d_name.name);
	char prefix[6] = {};
	bpf_probe_read_kernel(prefix, sizeof(prefix), dname);
	if (prefix[0] == 'm' && prefix[1] == 'e' && prefix[2] == 'm' && prefix[3] == 'f' &&
	    prefix[4] == 'd' && prefix[5] == ':')
		facts |= RP_EXE_FROM_MEMFD;

	/* On overlayfs the inode is the vfs_inode inside struct ovl_inode, directly followed
	 * by __upperdentry: set when the file exists in the upper (container-writable) layer.
	 * A file copied up or created after the container started is "upper layer". */
	unsigned long magic = BPF_CORE_READ(inode, i_sb, s_magic);
	if (magic == OVERLAYFS_SUPER_MAGIC) {
		struct dentry *upper = 0;
		bpf_probe_read_kernel(&upper, sizeof(upper),
				      (void *)inode + bpf_core_type_size(struct inode));
		facts |= upper ? RP_EXE_UPPER_LAYER : RP_EXE_LOWER_LAYER;
	}
	return facts;
}

static __always_inline __u32 read_user_block(__u8 *dst, __u32 cap, unsigned long start,
					     unsigned long end, __u32 *flags, __u32 trunc_bit)
{
	if (end <= start)
		return 0;
	unsigned long len = end - start;
	if (len > cap) {
		len = cap;
		*flags |= trunc_bit;
	}
	BARRIER_VAR(len);
	if (len == 0 || len > cap)
		return 0;
	if (bpf_probe_read_user(dst, len, (const void *)start))
		return 0;
	return (__u32)len;
}

/* Kernels before 6.2 count rss in struct mm_rss_stat, later ones in percpu counters. */
struct mm_rss_stat___old {
	atomic_long_t count[4];
} __attribute__((preserve_access_index));
struct mm_struct___old {
	struct mm_rss_stat___old rss_stat;
} __attribute__((preserve_access_index));

#define RP_MM_FILEPAGES 0
#define RP_MM_ANONPAGES 1
#define RP_MM_SWAPENTS 2
#define RP_MM_SHMEMPAGES 3
#define RP_PAGES_TO_KIB(n) ((n) << (12 - 10)) /* x86_64: 4 KiB pages */

static __always_inline __s64 mm_counter(struct mm_struct *mm, int which)
{
	if (bpf_core_type_exists(struct mm_rss_stat___old))
		return BPF_CORE_READ((struct mm_struct___old *)mm, rss_stat.count[which & 3].counter);
	return BPF_CORE_READ(mm, rss_stat[which & 3].count);
}

/* The figures Falco's execve and clone events carry (its modern probe reads the same
 * fields): the soft open-file limit, page faults, and memory in KiB. */
static __always_inline void read_task_figures(struct task_struct *task, struct rp_task_figures *out)
{
	out->fdlimit = BPF_CORE_READ(task, signal, rlim[7 /* RLIMIT_NOFILE */].rlim_cur);
	out->pgft_maj = BPF_CORE_READ(task, maj_flt);
	out->pgft_min = BPF_CORE_READ(task, min_flt);
	struct mm_struct *mm = BPF_CORE_READ(task, mm);
	if (!mm) {
		out->vm_size = out->vm_rss = out->vm_swap = 0;
		return;
	}
	out->vm_size = RP_PAGES_TO_KIB(BPF_CORE_READ(mm, total_vm));
	__s64 rss = mm_counter(mm, RP_MM_FILEPAGES) + mm_counter(mm, RP_MM_ANONPAGES) + mm_counter(mm, RP_MM_SHMEMPAGES);
	__s64 swap = mm_counter(mm, RP_MM_SWAPENTS);
	out->vm_rss = rss > 0 ? RP_PAGES_TO_KIB((__u64)rss) : 0;
	out->vm_swap = swap > 0 ? RP_PAGES_TO_KIB((__u64)swap) : 0;
}

static __always_inline __u32 task_tty(struct task_struct *task)
{
	struct tty_struct *tty = BPF_CORE_READ(task, signal, tty);
	if (!tty)
		return 0;
	int major = BPF_CORE_READ(tty, driver, major);
	int minor = BPF_CORE_READ(tty, driver, minor_start) + BPF_CORE_READ(tty, index);
	/* new_encode_dev(), as userspace sees st_rdev */
	return (minor & 0xff) | (major << 8) | ((minor & ~0xff) << 12);
}

SEC("raw_tracepoint/sched_process_exec")
int rp_sched_process_exec(struct bpf_raw_tracepoint_args *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	if ((__u32)(id >> 32) == agent_tgid)
		return 0;
	struct task_struct *task = (struct task_struct *)ctx->args[0];
	struct linux_binprm *bprm = (struct linux_binprm *)ctx->args[2];
	__u32 zero = 0;
	union rp_scratch *s = bpf_map_lookup_elem(&scratch, &zero);
	if (!s)
		return 0;
	struct rp_exec_record *rec = &s->exec;

	fill_header(&rec->hdr, id, RP_REC_PROC_EXEC);
	rec->flags = 0;
	rec->start_boottime_ns = BPF_CORE_READ(task, start_boottime);
	read_task_figures(task, &rec->figures);
	rec->ppid = BPF_CORE_READ(task, real_parent, tgid);
	unsigned int level = BPF_CORE_READ(task, thread_pid, level);
	rec->vpid = BPF_CORE_READ(task, thread_pid, numbers[level & 31].nr);
	rec->sid = BPF_CORE_READ(task, signal, pids[PIDTYPE_SID], numbers[0].nr);
	rec->pgid = BPF_CORE_READ(task, signal, pids[PIDTYPE_PGID], numbers[0].nr);
	rec->uid = BPF_CORE_READ(task, cred, uid.val);
	rec->gid = BPF_CORE_READ(task, cred, gid.val);
	rec->euid = BPF_CORE_READ(task, cred, euid.val);
	rec->egid = BPF_CORE_READ(task, cred, egid.val);
	rec->loginuid = BPF_CORE_READ(task, loginuid.val);
	rec->cap_effective = BPF_CORE_READ(task, cred, cap_effective.val);
	rec->cap_permitted = BPF_CORE_READ(task, cred, cap_permitted.val);
	rec->cap_inheritable = BPF_CORE_READ(task, cred, cap_inheritable.val);
	rec->tty = task_tty(task);
	rec->pidns_inum = BPF_CORE_READ(task, nsproxy, pid_ns_for_children, ns.inum);
	rec->mntns_inum = BPF_CORE_READ(task, nsproxy, mnt_ns, ns.inum);
	bpf_get_current_comm(rec->comm, sizeof(rec->comm));
	/* The process' name from now on, as userspace will know it (the record filter). */
	if (use_task_storage)
		bpf_task_storage_delete(&name_verdicts, bpf_get_current_task_btf());
	{
		struct rp_comm ec = {};
		__builtin_memcpy(ec.comm, rec->comm, sizeof(ec.comm));
		__u32 tgid = (__u32)(bpf_get_current_pid_tgid() >> 32);
		bpf_map_update_elem(&exec_comms, &tgid, &ec, BPF_ANY);
	}

	struct file *exe = BPF_CORE_READ(bprm, file);
	rec->exe_ino = 0;
	rec->exe_ctime_ns = 0;
	rec->exe_mtime_ns = 0;
	rec->exe_flags = exe ? exe_facts(exe, rec) : 0;

	__u32 off = 0;
	const char *interp = BPF_CORE_READ(bprm, interp);
	long n = bpf_probe_read_kernel_str(rec->data, RP_PATH_MAX, interp);
	if (n == RP_PATH_MAX)
		rec->flags |= RP_TRUNC_EXE;
	if (n < 0)
		n = 0;
	rec->exe_len = n;
	off = n;

	struct mm_struct *mm = BPF_CORE_READ(task, mm);
	unsigned long arg_start = BPF_CORE_READ(mm, arg_start);
	unsigned long arg_end = BPF_CORE_READ(mm, arg_end);
	unsigned long env_start = BPF_CORE_READ(mm, env_start);
	unsigned long env_end = BPF_CORE_READ(mm, env_end);

	BARRIER_VAR(off);
	if (off > RP_PATH_MAX)
		off = RP_PATH_MAX;
	__u32 len = read_user_block(&rec->data[off], RP_ARGS_MAX, arg_start, arg_end, &rec->flags,
				    RP_TRUNC_ARGS);
	rec->args_len = len;
	off += len;

	BARRIER_VAR(off);
	if (off > RP_PATH_MAX + RP_ARGS_MAX)
		off = RP_PATH_MAX + RP_ARGS_MAX;
	len = read_user_block(&rec->data[off], RP_ENV_MAX, env_start, env_end, &rec->flags,
			      RP_TRUNC_ENV);
	rec->env_len = len;
	off += len;

	BARRIER_VAR(off);
	if (off > RP_PATH_MAX + RP_ARGS_MAX + RP_ENV_MAX)
		off = RP_PATH_MAX + RP_ARGS_MAX + RP_ENV_MAX;
	struct kernfs_node *kn;
	if (cgroup_v1_subsys < 0)
		kn = BPF_CORE_READ(task, cgroups, dfl_cgrp, kn);
	else
		kn = BPF_CORE_READ(task, cgroups, subsys[cgroup_v1_subsys & 15], cgroup, kn);
	len = rp_exec_cgroup_path((unsigned long)kn, off) & (2 * RP_CGROUP_MAX - 1);
	rec->cgroup_len = len;
	off += len;

	/* Falco's cgroups parameter: each of its controllers' cgroup, on a v1 host each in its
	 * own hierarchy, on v2 where the controller is enabled (the root when it is nowhere). */
	__u32 start = off;
#define RP_APPEND_CONTROLLER(name)                                                                       \
	off = append_controller_cgroup(task, rec, off, bpf_core_enum_value_exists(enum cgroup_subsys_id, name), \
				       bpf_core_enum_value(enum cgroup_subsys_id, name))
	RP_APPEND_CONTROLLER(cpuset_cgrp_id);
	RP_APPEND_CONTROLLER(cpu_cgrp_id);
	RP_APPEND_CONTROLLER(cpuacct_cgrp_id);
	RP_APPEND_CONTROLLER(io_cgrp_id);
	RP_APPEND_CONTROLLER(memory_cgrp_id);
#undef RP_APPEND_CONTROLLER
	rec->cgroups_len = off - start;

	/* bprm->filename, unless it is the very string bprm->interp points at (read above). */
	const char *filename = BPF_CORE_READ(bprm, filename);
	rec->filename_len = 0;
	if (filename == interp) {
		rec->flags |= RP_EXEC_FILENAME_IS_EXE;
	} else if (filename) {
		BARRIER_VAR(off);
		if (off > RP_PATH_MAX + RP_ARGS_MAX + RP_ENV_MAX + (1 + RP_CGROUP_SUBSYS) * 2 * RP_CGROUP_MAX)
			off = RP_PATH_MAX + RP_ARGS_MAX + RP_ENV_MAX + (1 + RP_CGROUP_SUBSYS) * 2 * RP_CGROUP_MAX;
		long fn = bpf_probe_read_kernel_str(&rec->data[off], RP_PATH_MAX, filename);
		if (fn == RP_PATH_MAX)
			rec->flags |= RP_TRUNC_FILENAME;
		if (fn > 0) {
			rec->filename_len = fn & (2 * RP_PATH_MAX - 1);
			off += rec->filename_len;
		}
	}

	__u32 size = offsetof(struct rp_exec_record, data) + off;
	BARRIER_VAR(size);
	if (size > sizeof(*rec))
		size = sizeof(*rec);
	rec->hdr.size = size;
	/* Not woken for: the agent polls every 2 ms, as for every other record. A wakeup per
	 * exec cost a fork/exec loop 8-10% (an IPI and a context switch per program started:
	 * 1.14x against 1.04x without, measured side by side), for at most 2 ms sooner. */
	submit(rec, size, wakeup_flag(size));
	return 0;
}

SEC("raw_tracepoint/sched_process_fork")
int rp_sched_process_fork(struct bpf_raw_tracepoint_args *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	if ((__u32)(id >> 32) == agent_tgid)
		return 0;
	struct task_struct *child = (struct task_struct *)ctx->args[1];
	struct rp_fork_record rec = {};
	fill_header(&rec.hdr, id, RP_REC_PROC_FORK);
	rec.hdr.size = sizeof(rec);
	rec.child_pid = BPF_CORE_READ(child, tgid);
	rec.child_tid = BPF_CORE_READ(child, pid);
	rec.child_start_boottime_ns = BPF_CORE_READ(child, start_boottime);
	read_task_figures((struct task_struct *)ctx->args[0], &rec.parent_figures);
	unsigned int level = BPF_CORE_READ(child, thread_pid, level);
	rec.child_vpid = BPF_CORE_READ(child, thread_pid, numbers[level & 31].nr);
	struct pid_namespace *child_ns = task_pid_ns(child);
	rec.child_pidns_init_start_ns = BPF_CORE_READ(child_ns, child_reaper, start_time);
	/* A new fd table (a fork without CLONE_FILES) may sit where a freed one was: nothing
	 * of that one's kept-back set may apply to it. */
	if (!use_task_storage) {
		__u64 child_files = (__u64)BPF_CORE_READ(child, files);
		if (child_files != current_files())
			bpf_map_delete_elem(&kept_back_fds, &child_files);
	}
	BPF_CORE_READ_STR_INTO(&rec.child_comm, child, comm);
	/* A new process is named by the comm the kernel gave it (its parent's now, which a
	 * prctl(PR_SET_NAME) may have changed since the parent's exec) until it execs, as
	 * userspace names it from this record. */
	__u32 parent_tgid = (__u32)(id >> 32);
	if (rec.child_pid != parent_tgid) {
		struct rp_comm c = {};
		__builtin_memcpy(c.comm, rec.child_comm, sizeof(c.comm));
		bpf_map_update_elem(&exec_comms, &rec.child_pid, &c, BPF_ANY);
	}
	submit(&rec, sizeof(rec), wakeup_flag(sizeof(rec)));
	return 0;
}

/*
 * procexit's reaper_tid, as Falco's modern probe reports it: who the kernel will hand the
 * ending task's children to (kernel/exit.c, find_new_reaper): a live thread of the same
 * process; else, when some ancestor in the same pid namespace asked to be a child
 * subreaper (PR_SET_CHILD_SUBREAPER), a live thread of the nearest one; else the pid
 * namespace's init. Walks are bounded for the verifier; past a bound the answer is -1
 * ("not known here"), never a guess.
 */
#define RP_REAPER_MAX_THREADS 32
#define RP_REAPER_MAX_ANCESTORS 64
#define RP_PF_EXITING 0x00000004 /* include/linux/sched.h */

/* The first thread of `t`'s process that is not exiting: its tid, 0 if none, -1 if the
 * bound ran out first. */
static __always_inline __s32 live_thread_of(struct task_struct *t)
{
	struct signal_struct *sig = BPF_CORE_READ(t, signal);
	struct list_head *head = &sig->thread_head;
	struct list_head *node = BPF_CORE_READ(head, next);
	for (int i = 0; i < RP_REAPER_MAX_THREADS; i++) {
		if (node == head)
			return 0;
		struct task_struct *thread = container_of(node, struct task_struct, thread_node);
		if (!(BPF_CORE_READ(thread, flags) & RP_PF_EXITING))
			return BPF_CORE_READ(thread, pid);
		node = BPF_CORE_READ(thread, thread_node.next);
	}
	return -1;
}

static __noinline __s32 reaper_of(struct task_struct *task)
{
	if (!task)
		return -1;
	__s32 alive = live_thread_of(task);
	if (alive != 0)
		return alive;
	struct pid_namespace *ns = task_pid_ns(task);
	struct task_struct *init = BPF_CORE_READ(ns, child_reaper);
	if (init == task)
		return 0; /* the namespace's init is ending: its children end with it */
	__s32 init_tid = BPF_CORE_READ(init, pid);
	const unsigned int level = BPF_CORE_READ(task, thread_pid, level);
	struct signal_struct *sig = BPF_CORE_READ(task, signal);
	if (!BPF_CORE_READ_BITFIELD_PROBED(sig, has_child_subreaper))
		return init_tid;
	struct task_struct *up = BPF_CORE_READ(task, real_parent);
	for (int i = 0; i < RP_REAPER_MAX_ANCESTORS; i++) {
		/* Leaving the namespace (setns + fork can put a parent outside it) or reaching
		 * its init: init inherits. */
		if (up == init || BPF_CORE_READ(up, thread_pid, level) != level)
			return init_tid;
		struct signal_struct *up_sig = BPF_CORE_READ(up, signal);
		if (BPF_CORE_READ_BITFIELD_PROBED(up_sig, is_child_subreaper)) {
			alive = live_thread_of(up);
			if (alive != 0)
				return alive;
		}
		up = BPF_CORE_READ(up, real_parent);
	}
	return -1;
}

static __always_inline bool has_children(struct task_struct *task)
{
	struct list_head *head = &task->children;
	return BPF_CORE_READ(head, next) != head;
}

SEC("raw_tracepoint/sched_process_exit")
int rp_sched_process_exit(struct bpf_raw_tracepoint_args *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	if ((__u32)(id >> 32) == agent_tgid)
		return 0;
	struct task_struct *task = (struct task_struct *)ctx->args[0];
	struct rp_exit_record rec = {};
	fill_header(&rec.hdr, id, RP_REC_PROC_EXIT);
	rec.hdr.size = sizeof(rec);
	rec.exit_code = BPF_CORE_READ(task, exit_code);
	/* signal->live is decremented before this tracepoint fires. */
	rec.group_dead = BPF_CORE_READ(task, signal, live.counter) == 0;
	/* Most tasks end childless: one read, no walk. */
	if (has_children(task))
		rec.reaper_tid = reaper_of(task);
	if (!use_task_storage)
		bpf_map_delete_elem(&stash_hash, &rec.hdr.tid);
	if (rec.group_dead) {
		if (!use_task_storage) {
			__u64 files = (__u64)BPF_CORE_READ(task, files);
			bpf_map_delete_elem(&kept_back_fds, &files);
		}
		__u32 tgid = (__u32)(id >> 32);
		bpf_map_delete_elem(&exec_comms, &tgid);
	}
	submit(&rec, sizeof(rec), wakeup_flag(sizeof(rec)));
	return 0;
}
