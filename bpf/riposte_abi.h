/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The event ABI between riposte's kernel programs (bpf/capture.bpf.c) and the agent.
 *
 * This is the only header both sides include. Every record written to the ring buffer
 * starts with struct rp_record_header; `kind` says which record follows and `size` is the
 * number of bytes actually sent (records end with variable-length data that is only sent
 * as far as it is used). Strings in data[] are NUL-terminated and their lengths include
 * the NUL. A bounded field that did not fit sets a RP_TRUNC_* bit: nothing is cut silently.
 *
 * Bump RP_ABI_VERSION whenever a layout changes; capture files record it and replay
 * refuses a file written with another version.
 */
#ifndef RIPOSTE_ABI_H
#define RIPOSTE_ABI_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define RP_ABI_VERSION 8

/* Bounds on what one record may carry (bytes, NUL included). Powers of two: the kernel
 * side masks offsets with them to satisfy the verifier. */
#define RP_PATH_MAX 512
#define RP_ARGS_MAX 4096 /* argv bytes kept, as Falco keeps (MAX_PROC_ARG_ENV) */
#define RP_ENV_MAX 2048
#define RP_CGROUP_MAX 1024
#define RP_CGROUP_DEPTH 8
/* The controllers Falco's cgroups parameter names, in its order: cpuset, cpu, cpuacct, io,
 * memory (the kernel's cgroup_subsys names). */
#define RP_CGROUP_SUBSYS 5
#define RP_COMM_LEN 16
#define RP_SOCKADDR_MAX 128
#define RP_MAX_SYSCALLS 512
#define RP_EXEC_STRINGS_MAX 16 /* argv/envp pointers read for a failed exec (Falco's MAX_CHARBUF_POINTERS) */

enum rp_record_kind {
	RP_REC_SYSCALL = 1,    /* struct rp_syscall_record */
	RP_REC_PROC_EXEC = 2,  /* struct rp_exec_record: a successful execve/execveat */
	RP_REC_PROC_FORK = 3,  /* struct rp_fork_record: a new task (process or thread) */
	RP_REC_PROC_EXIT = 4,  /* struct rp_exit_record: a task ended */
};

struct rp_record_header {
	__u64 ts_boot_ns; /* bpf_ktime_get_boot_ns() when the record was made */
	__u32 pid;        /* thread-group id (what userspace calls the pid) */
	__u32 tid;        /* thread id */
	__u16 kind;       /* enum rp_record_kind */
	__u16 size;       /* bytes of this record, header included */
	__u32 cpu;
};

/* Truncation bits (rp_syscall_record.flags, rp_exec_record.flags). */
#define RP_TRUNC_PARAM0 (1u << 0)
#define RP_TRUNC_PARAM1 (1u << 1)
#define RP_TRUNC_EXE (1u << 2)
#define RP_TRUNC_ARGS (1u << 3)
#define RP_TRUNC_ENV (1u << 4)
#define RP_TRUNC_CGROUP (1u << 5)
#define RP_TRUNC_FILENAME (1u << 6)
/* Exec record flag that is not truncation: bprm->filename is the string `exe` holds (the
 * kernel ran the binary it was given, no interpreter), so it is not repeated. */
#define RP_EXEC_FILENAME_IS_EXE (1u << 14)
/* Syscall record flags that are not truncation. */
#define RP_SYSCALL_NO_ENTER (1u << 8) /* entry was not seen (attached mid-call, stash full): params absent */
#define RP_SYSCALL_HAS_TUPLE (1u << 9)
#define RP_SYSCALL_PARAMS_AT_EXIT (1u << 10) /* entry read failed (page not present): params read at exit */
#define RP_SYSCALL_RET_DIR (1u << 11) /* an open family syscall returned an fd of a directory */
#define RP_SYSCALL_HAS_FILE (1u << 12) /* rp_syscall_record.file: what an open opened, or a pipe's first fd */
/* The clone family: the new task is not in the initial pid namespace (in it already, or,
 * on the parent's side, the caller's children will not be: Falco's CLONE_CHILD_IN_PIDNS). */
#define RP_SYSCALL_CHILD_IN_PIDNS (1u << 13)

/* How a socket looked in the kernel when the syscall returned. Addresses in network
 * byte order; IPv4 uses the first 4 bytes. family 0 means "not a socket / unknown". */
struct rp_sock_tuple {
	__u16 family;  /* AF_INET, AF_INET6, AF_UNIX */
	__u16 type;    /* SOCK_STREAM, SOCK_DGRAM, ... */
	__u16 protocol;/* IPPROTO_TCP, IPPROTO_UDP, ... */
	__u16 local_port;  /* host byte order */
	__u16 remote_port; /* host byte order */
	__u16 pad;
	__u8 local_addr[16];
	__u8 remote_addr[16];
};

/* What an open family syscall opened, read from its new fd at exit (Falco's open events
 * carry the same: dev, ino, and in the flags whether the open created the file and its
 * overlayfs layer). */
#define RP_FILE_CREATED (1u << 0)     /* this open created the file (FMODE_CREATED) */
#define RP_FILE_UPPER_LAYER (1u << 1) /* on overlayfs, in the upper (container-written) layer */
#define RP_FILE_LOWER_LAYER (1u << 2) /* on overlayfs, from a lower (image) layer */
struct rp_file_facts {
	__u64 ino;
	__u32 dev;   /* the superblock's dev_t as the kernel keeps it: major << 20 | minor */
	__u32 facts; /* RP_FILE_* */
};

/*
 * One syscall, sent at exit. Pointer arguments named by the syscall's spec are read at
 * entry (so a racing thread cannot swap the path after the check: TOCTOU) and carried
 * in data[]: param 0 first, param 1 right after it. What each param is depends on the
 * syscall (see agent/kernel/syscall_table.cpp): a path, a sockaddr, a fixed-size struct
 * such as open_how, or for exit-output syscalls (pipe, recvfrom) what the kernel wrote.
 */
struct rp_syscall_record {
	struct rp_record_header hdr;
	__s64 ret;
	__u64 args[6];
	__u32 uid;
	__u32 gid;
	__u16 nr;        /* x86_64 syscall number */
	__u16 flags;     /* RP_TRUNC_PARAM*, RP_SYSCALL_* */
	__u16 param_len[2];
	__u32 pending_nr; /* kernel-internal: nr + 1 while an entry stash is live, else 0 */
	__u32 killed_by;  /* in-kernel kill selector number + 1 when the caller was sent SIGKILL, else 0 */
	union { /* a syscall acts on a socket or opens a file, never both */
		struct rp_sock_tuple tuple; /* RP_SYSCALL_HAS_TUPLE */
		struct rp_file_facts file;  /* RP_SYSCALL_HAS_FILE */
	};
	__u8 data[2 * RP_PATH_MAX];
};

/* Facts about the executable, taken in the kernel at exec. */
#define RP_EXE_FROM_MEMFD (1u << 0)    /* exe file is a memfd (fileless execution) */
#define RP_EXE_UPPER_LAYER (1u << 1)   /* exe lives in an overlayfs upper layer (added after start) */
#define RP_EXE_WRITABLE (1u << 2)      /* exe inode is writable by the process' fsuid */
#define RP_EXE_LOWER_LAYER (1u << 3)   /* exe on overlayfs but from a lower (image) layer */

/* What a process' resources were when a record was taken (Falco's fdlimit, pgft_maj,
 * pgft_min, vm_size, vm_rss and vm_swap parameters of execve and the clone family). */
struct rp_task_figures {
	__u64 fdlimit;  /* RLIMIT_NOFILE, soft */
	__u64 pgft_maj; /* major page faults so far */
	__u64 pgft_min; /* minor page faults so far */
	__u64 vm_size;  /* KiB of address space (total_vm) */
	__u64 vm_rss;   /* KiB resident: file, anonymous and shared memory pages */
	__u64 vm_swap;  /* KiB swapped out */
};

struct rp_exec_record {
	struct rp_record_header hdr;
	struct rp_task_figures figures; /* the new program's, at exec */
	__u64 start_boottime_ns; /* task->start_boottime: matches /proc/PID/stat starttime */
	__u64 cap_effective;
	__u64 cap_permitted;
	__u64 cap_inheritable;
	__u64 exe_ino;
	__s64 exe_ctime_ns;
	__s64 exe_mtime_ns;
	__u32 ppid;
	__u32 vpid;     /* pid inside the task's own pid namespace */
	__u32 sid;
	__u32 pgid;
	__u32 uid, gid, euid, egid;
	__u32 loginuid;
	__u32 tty;      /* dev_t of the controlling tty, 0 when none */
	__u32 exe_flags;/* RP_EXE_* */
	__u32 flags;    /* RP_TRUNC_* */
	__u32 pidns_inum;
	__u32 mntns_inum;
	__u16 exe_len;  /* exe path (bprm->interp: the binary the kernel ran, as named) */
	__u16 args_len; /* argv, NUL-separated, as the process received it */
	__u16 env_len;  /* envp, NUL-separated */
	__u16 cgroup_len;
	/* Falco's cgroups: for each of the RP_CGROUP_SUBSYS controllers, in order, the path of
	 * the task's cgroup in that controller's hierarchy, NUL-terminated; an empty string for
	 * a controller this kernel lacks. */
	__u16 cgroups_len;
	/* bprm->filename: the path execve was given as the process passed it (execveat's
	 * "/dev/fd/N/name"), Falco's filename parameter; 0 with RP_EXEC_FILENAME_IS_EXE. */
	__u16 filename_len;
	char comm[RP_COMM_LEN];
	/* Each cgroup path takes at most RP_CGROUP_MAX bytes; the kernel side reserves twice
	 * that per path, so that the verifier can bound the offsets it adds up. */
	__u8 data[RP_PATH_MAX + RP_ARGS_MAX + RP_ENV_MAX + (1 + RP_CGROUP_SUBSYS) * 2 * RP_CGROUP_MAX + RP_PATH_MAX];
};

struct rp_fork_record {
	struct rp_record_header hdr; /* pid/tid: the parent */
	struct rp_task_figures parent_figures; /* the parent's, as it forks */
	__u64 child_start_boottime_ns;
	/* When the init of the child's pid namespace started (task->start_time, CLOCK_MONOTONIC
	 * ns): Falco's pidns_init_start_ts of the child's clone exit. */
	__u64 child_pidns_init_start_ns;
	__u32 child_pid;
	__u32 child_tid;
	__u32 child_vpid;
	__u32 pad;
	/* The child's comm as the kernel gave it: the parent's at the fork, so a name set with
	 * prctl(PR_SET_NAME) before forking names the child (Falco's clone exit "comm", which
	 * libsinsp gives the new thread). Zero-padded. RP_ABI_VERSION 8. */
	char child_comm[RP_COMM_LEN];
};

struct rp_exit_record {
	struct rp_record_header hdr;
	__s32 exit_code;   /* raw wait status */
	__u32 group_dead;  /* 1 when this was the last thread of the process */
	/* Who inherits the ending task's children: 0 when it has none (or its whole pid
	 * namespace ends with it), -1 when the kernel side could not walk far enough to say. */
	__s32 reaper_tid;
	__u32 pad;
};

/*
 * Per-syscall handling, filled by the agent: this table is the kernel's "interesting
 * syscalls" set and also says what to read for each. A syscall whose flags lack
 * RP_SPEC_ENABLED costs one array lookup and produces nothing.
 */
#define RP_SPEC_ENABLED (1u << 0)
#define RP_SPEC_ENTER (1u << 1)       /* has something to read at entry (needs the stash) */
#define RP_SPEC_TUPLE_ARG0 (1u << 2)  /* read the socket tuple of fd args[0] at exit */
#define RP_SPEC_TUPLE_RET (1u << 3)   /* read the socket tuple of the returned fd */
#define RP_SPEC_KILL (1u << 4)        /* an in-kernel kill selector names this syscall */
/* fcntl: send only a successful F_DUPFD or F_DUPFD_CLOEXEC (what the fd table needs); the
 * other commands (F_GETFL, F_SETFL ... the bulk of fcntl calls) are dropped in the kernel. */
#define RP_SPEC_DUPFD_ONLY (1u << 5)
/* Open family: send only what a loaded rule could match, or the state tables need (see
 * "Kernel record filter" below). */
#define RP_SPEC_OPEN_FILTER (1u << 6)
/* close: not sent for an fd whose open the filter kept back (userspace never knew it). */
#define RP_SPEC_CLOSE_UNTRACKED (1u << 7)
/* The syscall makes fds userspace will know (ret, pipe's pair, dup2's target): they are
 * struck from the kept-back set when its record is sent. */
#define RP_SPEC_MAKES_FD (1u << 8)
/* The clone family: say whether the new task is outside the initial pid namespace
 * (RP_SYSCALL_CHILD_IN_PIDNS). */
#define RP_SPEC_NEW_TASK (1u << 9)

enum rp_param_source {
	RP_PARAM_NONE = 0,
	RP_PARAM_PATH = 1,       /* entry: user string at args[arg] */
	RP_PARAM_SOCKADDR = 2,   /* entry: user sockaddr at args[arg], length args[len_arg] */
	RP_PARAM_MSGHDR_NAME = 3,/* entry: msg_name of the user msghdr at args[arg] */
	RP_PARAM_BLOB = 4,       /* entry: len_arg bytes (a constant) of user memory at args[arg] */
	RP_PARAM_OUT_BLOB = 5,   /* exit: len_arg bytes (constant) of user memory at args[arg]: the fd pair
	                          * the kernel wrote, or clone3's clone_args.flags (which the new task,
	                          * never having entered the syscall, can only read at exit) */
	RP_PARAM_OUT_SOCKADDR = 6,/* exit: sockaddr written at args[arg], length *(int*)args[len_arg] */
	RP_PARAM_OUT_MSGHDR_NAME = 7, /* exit: msg_name of the user msghdr at args[arg] */
	RP_PARAM_OUT_STR = 8,    /* exit: NUL-terminated user string at args[arg] (prctl's name) */
	/* exit, for a call that failed (execve, execveat): the strings of the user arrays at
	 * args[arg] (argv) and args[len_arg] (envp), as Falco's probe reads them on failure.
	 * Laid out as one byte counting argv's strings, then argv's strings and envp's, each
	 * NUL-terminated; at most RP_EXEC_STRINGS_MAX pointers of each array, RP_PATH_MAX bytes
	 * in all (RP_TRUNC_PARAM1 when more did not fit). A string the kernel could not read
	 * is left out, as Falco leaves it. */
	RP_PARAM_OUT_EXEC_STRINGS = 9,
};

struct rp_param_spec {
	__u8 source;  /* enum rp_param_source */
	__u8 arg;     /* argument index 0..5 */
	__u8 len_arg; /* argument index of a length, or a constant size for *_BLOB */
	__u8 pad;
};

struct rp_syscall_spec {
	__u32 flags; /* RP_SPEC_* */
	struct rp_param_spec param[2];
};

/* Per-CPU counters (map `stats`), summed by the agent and reported. */
enum rp_stat {
	RP_STAT_SENT = 0,         /* records written to the ring buffer */
	RP_STAT_DROP_RINGBUF = 1, /* ring buffer full: record lost */
	RP_STAT_DROP_STASH = 2,   /* no room to stash an entry: record sent without params */
	RP_STAT_KERNEL_KILL = 3,  /* processes sent SIGKILL by an in-kernel kill selector */
	RP_STAT_FILTERED = 4,     /* records the kernel record filter kept back */
	RP_STAT_COUNT = 5,
};

/* Per-CPU, per-syscall counts (map `syscall_stats`, key: the syscall number). */
struct rp_syscall_stat {
	__u64 sent;
	__u64 filtered;
};

/*
 * Kernel record filter (filled by the agent from the loaded rules: see
 * agent/rules/kernel_filter_derivation.cpp). For an open family syscall whose spec has
 * RP_SPEC_OPEN_FILTER the program computes, at exit, the open's class: the access mode
 * and the flags rules test, and success or failure, as RP_OPEN_CLASS_* bits. It sends the
 * record when any of these holds:
 *   - the path is not "clean" (relative, or holding "//", "..", "/./", a trailing "/" or
 *     "/."): normalising it is userspace's job, so the kernel never judges it;
 *   - the record is not whole (entry not seen, a param cut, openat2 without its open_how);
 *   - the fd is 0, 1 or 2, or a directory, or the open is O_PATH: state may need it later
 *     (a dirfd, fchdir, the standard streams);
 *   - `open_classes[slot][class]` has `any_path`: a rule can match this class on any path;
 *   - a clause (bit i) is in `open_classes[slot][class].clauses`, in the value of the
 *     longest prefix of the path in `open_paths` (each entry's value already holds the
 *     bits of its own prefixes that are entries) or in filter_masks.any_path, and in the
 *     value of the process' name in `open_names` or in filter_masks.any_name: a rule can
 *     match this class on this path for this process. The process' name is the comm it
 *     had at its last exec (what userspace calls proc.name), kept per process in
 *     `exec_comms` from exec and fork, seeded by the agent for processes older than it;
 *     a process without one matches every name.
 * Everything else is counted (RP_STAT_FILTERED) and, for a successful open, its fd is
 * noted in `kept_back_fds` so that its close is not sent either (RP_SPEC_CLOSE_UNTRACKED).
 */
#define RP_OPEN_SLOTS 4 /* open, openat, openat2, creat */
#define RP_OPEN_CLASS_WRONLY (1u << 0) /* the two access mode bits, as O_ACCMODE */
#define RP_OPEN_CLASS_RDWR (1u << 1)
#define RP_OPEN_CLASS_CREAT (1u << 2)
#define RP_OPEN_CLASS_TRUNC (1u << 3)
#define RP_OPEN_CLASS_APPEND (1u << 4)
#define RP_OPEN_CLASS_DIRECTORY (1u << 5)
#define RP_OPEN_CLASS_TMPFILE (1u << 6)
#define RP_OPEN_CLASS_EXEC_MODE (1u << 7) /* creating (O_CREAT, O_TMPFILE's or O_DIRECTORY's bit) with an execute bit in the mode */
#define RP_OPEN_CLASS_FAILED (1u << 8)    /* the open returned an error */
#define RP_OPEN_CLASSES 512

#define RP_MAX_FILTER_CLAUSES 64
struct rp_open_class {
	__u64 clauses;  /* bit i: clause i may match this class */
	__u32 any_path; /* a rule matches this class whatever the path and the process */
	__u32 pad;
};

/* Clauses that name no path, and those that name no process; and which filter this is:
 * the agent gives each filter it writes a new generation (never 0), so what the kernel
 * remembered of an earlier filter's trie (its per-CPU path verdicts) stops counting. */
struct rp_filter_masks {
	__u64 any_path;
	__u64 any_name;
	__u64 generation;
};

struct rp_comm {
	char comm[RP_COMM_LEN]; /* zero-padded */
};
#define RP_MAX_OPEN_NAMES 4096
#define RP_MAX_EXEC_COMMS 65536

#define RP_PATH_KEY_BYTES 256 /* the LPM trie's limit; longer paths compare on their first 256 bytes */
struct rp_path_key {
	__u32 prefixlen; /* bits */
	__u8 data[RP_PATH_KEY_BYTES];
};

#define RP_MAX_OPEN_PATHS 8192
#define RP_KEPT_BACK_FD_WORDS 16 /* fds 0..1023; an fd above is never kept back */
struct rp_kept_back_fds {
	__u64 bits[RP_KEPT_BACK_FD_WORDS];
};

/*
 * In-kernel kill selectors (map `kill_selectors`, filled by the agent from enforce-mode
 * policies' `in_kernel:` steps). At the exit of a syscall whose spec has RP_SPEC_KILL,
 * the capture program checks each active selector; on a match it sends SIGKILL to the
 * caller with bpf_send_signal (delivered before the caller runs another instruction),
 * sets killed_by in the record and wakes the agent, which audits the kill.
 *
 * Strings are compared as 8 little 64-bit words: `name` exactly (zero-padded), the path
 * prefix under `prefix_mask` (0xff over its bytes). Never-matched processes: the agent,
 * pid 1, and the node's protected binaries in `kill_protected` — by the executable's
 * identity (inode and device), run as root in the host's mount namespace; never by name.
 */
#define RP_MAX_KILL_SELECTORS 16
#define RP_KILL_WORDS 8 /* 64 bytes */
#define RP_MAX_KILL_PROTECTED 16

enum rp_kill_scope {
	RP_KILL_SCOPE_ANY = 0,
	RP_KILL_SCOPE_HOST = 1,      /* caller in the agent's (host) pid namespace */
	RP_KILL_SCOPE_CONTAINER = 2, /* caller in another pid namespace */
};

struct rp_kill_selector {
	__u64 syscalls[RP_MAX_SYSCALLS / 64]; /* bitmap by syscall number */
	__u64 name[RP_KILL_WORDS];            /* the executable's file name, zero-padded; all zero: any */
	__u64 prefix[RP_KILL_WORDS];          /* path argument prefix */
	__u64 prefix_mask[RP_KILL_WORDS];     /* all zero: any path */
	__u32 active;
	__u32 scope;        /* enum rp_kill_scope */
	__u32 success_only; /* only when the syscall returned >= 0 */
	__u32 prefix_len;   /* bytes of the prefix (the path must be at least this long) */
};

/* A protected executable: the inode number and the device in the kernel's encoding
 * (major << 20 | minor, as super_block.s_dev holds it). */
struct rp_kill_protected {
	__u64 ino;
	__u32 dev;
	__u32 active;
};

#endif /* RIPOSTE_ABI_H */
