// Every operator, field kind and transformer, evaluated by the real engine on events
// decoded from kernel-format records and enriched by the real state tracker.
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>

#include <gtest/gtest.h>

#include "decode/record_decoder.h"
#include "decode/user_names.h"
#include "rules/rule_engine.h"
#include "state/state_tracker.h"
#include "unit/record_builder.h"

namespace riposte::testing {
namespace {

class RuleEvaluation : public ::testing::Test {
 protected:
  void SetUp() override {
    Seed(1, 0, "systemd", "/usr/lib/systemd/systemd", {});
    Seed(10, 1, "sshd", "/usr/sbin/sshd", {"-D"});
    Seed(20, 10, "bash", "/usr/bin/bash", {});
    Seed(30, 20, "cat", "/usr/bin/cat", {"/etc/shadow"});
  }

  void Seed(uint32_t pid, uint32_t ppid, const std::string& comm, const std::string& exepath,
            std::vector<std::string> args) {
    ProcessInfo p;
    p.pid = pid;
    p.ppid = ppid;
    p.comm = comm;
    p.exe = comm;
    p.exepath = exepath;
    p.args = std::move(args);
    p.cwd = "/root";
    p.env = {"HOME=/root", "TERM=xterm"};
    p.cap_effective = (1ull << 21) | (1ull << 0);  // CAP_SYS_ADMIN, CAP_CHOWN
    p.pgid = ppid == 0 ? pid : ppid;
    tracker_.Seed(std::move(p));
  }

  // Whether a rule with `condition` fires on `rec` (applied to the state first).
  bool Fires(const std::string& condition, const RawRecord& rec, std::string* output = nullptr,
             const std::string& out_format = "%proc.name") {
    auto set = RuleSet::LoadTexts({{"t.yaml", "- rule: T\n  desc: t\n  condition: |-\n    " + condition +
                                                  "\n  output: \"" + out_format + "\"\n  priority: WARNING\n"}});
    std::vector<Alert> alerts = Evaluate(std::move(set), rec);
    if (output && !alerts.empty()) *output = alerts[0].output;
    if (!alerts.empty()) last_fields_ = alerts[0].output_fields;
    return !alerts.empty();
  }

  // The alerts `set` raises on `rec` (applied to the state first).
  std::vector<Alert> Evaluate(std::unique_ptr<RuleSet> set, const RawRecord& rec) {
    for (const auto& m : set->messages())
      if (m.severity == Severity::kError) ADD_FAILURE() << m.ToString();
    Event e;
    EXPECT_TRUE(DecodeRecord(rec.bytes(), e).ok());
    tracker_.Apply(e);
    RuleEngine engine(std::shared_ptr<const RuleSet>(std::move(set)), Priority::kDebug, "testhost");
    std::vector<Alert> alerts;
    engine.Evaluate(e, tracker_.processes(), 1'700'000'000'000'000'000, alerts);
    return alerts;
  }

  // `rec` with the IPv4 socket tuple the kernel read at its exit.
  static RawRecord WithTuple(RawRecord rec, const char* local, uint16_t lport, const char* remote, uint16_t rport,
                             int proto = IPPROTO_TCP) {
    auto* r = reinterpret_cast<rp_syscall_record*>(rec.storage.data());
    r->flags |= RP_SYSCALL_HAS_TUPLE;
    r->tuple.family = AF_INET;
    r->tuple.protocol = static_cast<uint16_t>(proto);
    r->tuple.local_port = lport;
    r->tuple.remote_port = rport;
    inet_pton(AF_INET, local, r->tuple.local_addr);
    inet_pton(AF_INET, remote, r->tuple.remote_addr);
    return rec;
  }

  // cat's connect of `fd`, as the kernel saw the TCP socket at its exit.
  static RawRecord TcpConnect(uint64_t fd, const char* local, uint16_t lport, const char* remote, uint16_t rport) {
    return WithTuple(SyscallRecord(SYS_connect, 0, {fd}, {}, {}, 30), local, lport, remote, rport);
  }

  // cat's pipe2 that made fds 7 and 8.
  static RawRecord Pipe2(uint64_t flags) {
    int32_t fds[2] = {7, 8};
    return SyscallRecord(SYS_pipe2, 0, {0, flags}, std::string(reinterpret_cast<const char*>(fds), 8), {}, 30, false);
  }

  RawRecord OpenShadow() {
    return SyscallRecord(SYS_openat, 3, {static_cast<uint64_t>(AT_FDCWD), 0, O_RDONLY}, "/etc/shadow", {}, 30);
  }

  // Hands out entries the test fills, as the container directory would after asking the runtime.
  struct FixedCatalog : ContainerCatalog {
    std::map<std::string, std::shared_ptr<ContainerEntry>> entries;
    std::shared_ptr<ContainerEntry> EntryFor(const std::string& id, std::string_view) override {
      auto& e = entries[id];
      if (!e) e = std::make_shared<ContainerEntry>(id);
      return e;
    }
  };
  FixedCatalog catalog_;
  StateTracker tracker_{StateConfig{}, nullptr, &catalog_};
  nlohmann::json last_fields_;
};

TEST_F(RuleEvaluation, ComparisonOperators) {
  EXPECT_TRUE(Fires("evt.type = openat", OpenShadow()));
  EXPECT_FALSE(Fires("evt.type != openat", OpenShadow()));
  EXPECT_TRUE(Fires("evt.type == openat and fd.num = 3", OpenShadow()));
  EXPECT_TRUE(Fires("fd.num < 4 and fd.num <= 3 and fd.num > 2 and fd.num >= 3", OpenShadow()));
  EXPECT_FALSE(Fires("fd.num > 3", OpenShadow()));
  EXPECT_TRUE(Fires("evt.rawres = 3 and evt.res = SUCCESS", OpenShadow()));
}

TEST_F(RuleEvaluation, StringOperators) {
  EXPECT_TRUE(Fires("fd.name contains shad", OpenShadow()));
  EXPECT_TRUE(Fires("fd.name icontains SHAD", OpenShadow()));
  EXPECT_TRUE(Fires("fd.name startswith /etc/", OpenShadow()));
  EXPECT_TRUE(Fires("fd.name endswith dow", OpenShadow()));
  EXPECT_TRUE(Fires("fd.name glob /etc/sh*", OpenShadow()));
  EXPECT_FALSE(Fires("fd.name glob /usr/*", OpenShadow()));
  EXPECT_TRUE(Fires("fd.name iglob /ETC/SH*", OpenShadow()));
  EXPECT_TRUE(Fires("fd.name bcontains 736861", OpenShadow()));     // "sha"
  EXPECT_TRUE(Fires("fd.name bstartswith 2f657463", OpenShadow()));  // "/etc"
  EXPECT_TRUE(Fires("fd.name regex '/etc/s[a-z]+'", OpenShadow()));
  EXPECT_FALSE(Fires("fd.name regex 'shadow'", OpenShadow()));  // full match, as Falco
  EXPECT_TRUE(Fires("fd.name exists and not fd.sip exists", OpenShadow()));
}

TEST_F(RuleEvaluation, ListOperators) {
  EXPECT_TRUE(Fires("proc.name in (sh, cat)", OpenShadow()));
  EXPECT_FALSE(Fires("proc.name in (sh, bash)", OpenShadow()));
  EXPECT_TRUE(Fires("fd.name pmatch (/usr, /etc)", OpenShadow()));
  EXPECT_TRUE(Fires("fd.directory pmatch (/etc)", OpenShadow()));
  EXPECT_FALSE(Fires("fd.name pmatch (/et)", OpenShadow()));  // a path prefix, not a string prefix
  EXPECT_TRUE(Fires("proc.aname intersects (sshd, dockerd)", OpenShadow()));
}

// Falco's two kinds of multi-valued field. proc.aname without an index compares each
// ancestor on its own (libsinsp's compare_full_aname): `in` holds when any ancestor is in
// the set, so `not proc.aname in (...)` holds only when none is (upstream's
// protected_shell_spawner). fd.types is one list: `in` holds when every type is in the set.
TEST_F(RuleEvaluation, AncestorFieldsMatchAnyAncestor) {
  EXPECT_TRUE(Fires("proc.aname in (sshd)", OpenShadow()));
  EXPECT_TRUE(Fires("proc.aname in (httpd, bash)", OpenShadow()));
  EXPECT_FALSE(Fires("proc.aname in (httpd, nginx)", OpenShadow()));
  EXPECT_FALSE(Fires("not proc.aname in (sshd)", OpenShadow()));
  EXPECT_TRUE(Fires("not proc.aname in (httpd)", OpenShadow()));
  EXPECT_TRUE(Fires("proc.aname = systemd", OpenShadow()));
  EXPECT_TRUE(Fires("proc.aexepath = /usr/sbin/sshd", OpenShadow()));
  std::string out;
  ASSERT_TRUE(Fires("evt.type = openat", OpenShadow(), &out, "%proc.aname"));
  EXPECT_EQ(out, "bash sshd systemd");  // every ancestor from the parent up, as Falco prints it
  EXPECT_EQ(last_fields_["proc.aname"], "bash sshd systemd");
}

TEST_F(RuleEvaluation, ListFieldsInMeansEveryValue) {
  // cat's fds: the opened /etc/shadow (fd 3) only
  EXPECT_TRUE(Fires("fd.types in (file, ipv4)", OpenShadow()));
  EXPECT_TRUE(Fires("fd.types intersects (file, ipv4)", OpenShadow()));
  EXPECT_FALSE(Fires("fd.types in (ipv4)", OpenShadow()));
}

TEST_F(RuleEvaluation, AncestorsParentsAndProcessFields) {
  EXPECT_TRUE(Fires("proc.aname[0] = cat and proc.aname[1] = bash and proc.aname[2] = sshd and proc.aname[3] = systemd", OpenShadow()));
  EXPECT_TRUE(Fires("proc.pname = bash and proc.pexepath = /usr/bin/bash and proc.aexepath[2] = /usr/sbin/sshd", OpenShadow()));
  EXPECT_TRUE(Fires("proc.cmdline = \"cat /etc/shadow\" and proc.args = /etc/shadow", OpenShadow()));
  EXPECT_TRUE(Fires("proc.env[HOME] = /root and proc.env contains TERM=xterm", OpenShadow()));
  EXPECT_TRUE(Fires("thread.cap_effective contains CAP_SYS_ADMIN", OpenShadow()));
  EXPECT_FALSE(Fires("thread.cap_effective contains CAP_NET_ADMIN", OpenShadow()));
  EXPECT_TRUE(Fires("container.id = host and container.name = host", OpenShadow()));
}

TEST_F(RuleEvaluation, ContainerAndPodFieldsComeFromTheRuntimeDescription) {
  const std::string id = "3f2a9c1d0b8e7f6a5d4c3b2a19081726354433221100ffeeddccbbaa99887766";
  ProcessInfo p;
  p.pid = 30;
  p.ppid = 20;
  p.comm = "cat";
  p.exe = "cat";
  p.exepath = "/usr/bin/cat";
  p.args = {"/etc/shadow"};
  p.cgroup = "/kubepods/besteffort/podabc/" + id;
  tracker_.Seed(std::move(p));
  // Before the runtime answered: the id is known, the rest has no value.
  EXPECT_TRUE(Fires("container.id = 3f2a9c1d0b8e and container.full_id = " + id, OpenShadow()));
  EXPECT_FALSE(Fires("container.name = host", OpenShadow()));
  EXPECT_FALSE(Fires("container.image.repository exists", OpenShadow()));

  ContainerInfo info;
  info.id = id;
  info.name = "web";
  info.image = "riposte.local/busybox:1";
  info.image_repository = "riposte.local/busybox";
  info.image_tag = "1";
  info.privileged = true;
  info.mounts = {{"/srv/data", "/data", "rbind,rw", true, "rprivate"},
                 {"/var/run/docker.sock", "/run/docker.sock", "rbind,ro", false, ""}};
  info.sandbox_id = "5a4db0c0ffee11223344";
  info.k8s_namespace = "prod";
  info.pod_name = "shop";
  info.pod_uid = "uid-1";
  info.pod_labels = {{"app", "shop"}, {"tier", "web"}};
  catalog_.entries[id]->Publish(info);
  EXPECT_TRUE(Fires("container.name = web and container.image = riposte.local/busybox:1 and "
                    "container.image.repository = riposte.local/busybox and container.image.tag = 1",
                    OpenShadow()));
  EXPECT_TRUE(Fires("container.privileged = true and container.mounts contains /srv/data:/data", OpenShadow()));
  // The container plugin's keys: container.mount.dest[SOURCE] answers the destination of
  // the mount whose source matches (a regex, searched), .source[DEST] the other way; an
  // index picks a mount; no match, no value.
  EXPECT_TRUE(Fires("container.mount.dest[/var/run/docker.sock] = /run/docker.sock", OpenShadow()));
  EXPECT_FALSE(Fires("container.mount.dest[/run/docker.sock] exists and container.mount.dest[/run/docker.sock] = /data",
                     OpenShadow()));  // "/run/docker.sock" is found inside the source "/var/run/docker.sock"
  EXPECT_FALSE(Fires("container.mount.dest[/etc] exists", OpenShadow()));
  EXPECT_TRUE(Fires("container.mount.source[/data] = /srv/data and container.mount.source[^/run] = /var/run/docker.sock",
                    OpenShadow()));
  EXPECT_TRUE(Fires("container.mount[1] = \"/var/run/docker.sock:/run/docker.sock:rbind,ro:false:\"", OpenShadow()));
  EXPECT_TRUE(Fires("container.mount.rdwr[^/srv] = true and container.mount.mode[0] = \"rbind,rw\" and "
                    "container.mount.propagation[/srv/data] = rprivate",
                    OpenShadow()));
  EXPECT_FALSE(Fires("container.mount[7] exists", OpenShadow()));
  std::string out;
  ASSERT_TRUE(Fires("evt.type = openat", OpenShadow(), &out, "%container.mounts"));
  EXPECT_EQ(out, "/srv/data:/data:rbind,rw:true:rprivate,/var/run/docker.sock:/run/docker.sock:rbind,ro:false:");
  EXPECT_TRUE(Fires("k8s.ns.name = prod and k8s.pod.name = shop and k8s.pod.uid = uid-1 and "
                    "k8s.pod.sandbox_id = 5a4db0c0ffee and k8s.pod.label[app] = shop",
                    OpenShadow()));
  EXPECT_TRUE(Fires("k8s.pod.labels = \"app:shop, tier:web\"", OpenShadow()));
  EXPECT_FALSE(Fires("k8s.pod.label[missing] exists", OpenShadow()));
}

TEST_F(RuleEvaluation, HostProcessesHaveNoImageOrPod) {
  // As the container plugin answers for the host: empty image fields, no pod.
  EXPECT_TRUE(Fires("container.image = \"\" and container.image.tag = \"\" and container.mounts = \"\"", OpenShadow()));
  EXPECT_TRUE(Fires("container.privileged = false", OpenShadow()));
  EXPECT_FALSE(Fires("k8s.pod.name exists or k8s.ns.name exists", OpenShadow()));
  EXPECT_FALSE(Fires("container.image.repository in (docker.io/library/nginx)", OpenShadow()));
}

TEST_F(RuleEvaluation, EventArgumentsRenderedAsFalcoDoes) {
  auto write = SyscallRecord(SYS_openat, 4, {static_cast<uint64_t>(AT_FDCWD), 0, O_WRONLY | O_CREAT | O_TRUNC, 0644},
                             "notes", {}, 30);
  EXPECT_TRUE(Fires("evt.arg.flags contains O_CREAT and evt.arg.name = /root/notes", write));
  EXPECT_TRUE(Fires("evt.arg.flags = \"O_TRUNC|O_CREAT|O_WRONLY\"", write));  // Falco's order
  // evt.arg[N] counts Falco's exit parameters for openat: fd, dirfd, name, flags, mode, ...
  // evt.rawarg.flags is Falco's own encoding: O_WRONLY 2 | O_CREAT 4 | O_TRUNC 256 (the
  // kernel's 577 is not what Falco shows).
  EXPECT_TRUE(Fires("evt.rawarg.flags = 262 and evt.arg[2] = /root/notes and evt.arg[1] = AT_FDCWD", write));
  // fd parameters show the fd as Falco does; the raw form is the number.
  EXPECT_TRUE(Fires("evt.rawarg.fd = 4 and evt.arg[0] = <f>/root/notes and evt.arg.fd = <f>/root/notes", write));
  EXPECT_FALSE(Fires("evt.arg[7] exists", write));  // openat has seven parameters
  EXPECT_TRUE(Fires("evt.is_open_write = true and evt.is_open_read = false", write));
  auto failed = SyscallRecord(SYS_openat, -2, {static_cast<uint64_t>(AT_FDCWD), 0, 0}, "/nope", {}, 30);
  EXPECT_TRUE(Fires("evt.res = ENOENT and evt.failed = true and evt.rawres < 0", failed));
}

// evt.args in Falco's order and rendering, for the parameters riposte's records carry
// (an open record that does not say what was opened reports dev and ino as 0, as Falco's).
TEST_F(RuleEvaluation, EventArgsListFalcosParametersInItsOrder) {
  std::string out;
  auto open = SyscallRecord(SYS_openat, 4, {static_cast<uint64_t>(AT_FDCWD), 0, O_WRONLY}, "notes", {}, 30);
  ASSERT_TRUE(Fires("evt.type = openat", open, &out, "%evt.args"));
  EXPECT_EQ(out, "fd=4(<f>/root/notes) dirfd=-100(AT_FDCWD) name=notes(/root/notes) flags=2(O_WRONLY) mode=0 dev=0 ino=0");
  auto dup = SyscallRecord(SYS_dup2, 1, {4, 1}, {}, {}, 30);
  ASSERT_TRUE(Fires("evt.type = dup2", dup, &out, "%evt.args|%evt.arg.res|%evt.arg.oldfd|%evt.arg.newfd"));
  EXPECT_EQ(out, "res=1(<f>/root/notes) oldfd=4(<f>/root/notes) newfd=1(<f>/root/notes)|<f>/root/notes|"
                 "<f>/root/notes|<f>/root/notes");
  // openat2's mode and resolve flags, from its open_how, in Falco's encoding.
  uint64_t how[3] = {O_RDONLY, 0600, 0x04 /* RESOLVE_NO_SYMLINKS */};
  auto openat2 = SyscallRecord(SYS_openat2, 5, {static_cast<uint64_t>(AT_FDCWD), 0, 0, 24}, "/etc/hosts",
                               std::string(reinterpret_cast<const char*>(how), sizeof(how)), 30, false);
  ASSERT_TRUE(Fires("evt.type = openat2", openat2, &out, "%evt.args|%evt.arg.resolve|%evt.arg.mode"));
  EXPECT_NE(out.find("flags=1(O_RDONLY) mode=0600 resolve=8(RESOLVE_NO_SYMLINKS) dev=0"), std::string::npos) << out;
  EXPECT_EQ(out.substr(out.find('|')), "|RESOLVE_NO_SYMLINKS|0600");
  // chdir's path is a plain string to Falco: shown as passed, not resolved.
  auto chdir = SyscallRecord(SYS_chdir, 0, {}, "sub", {}, 30);
  ASSERT_TRUE(Fires("evt.type = chdir", chdir, &out, "%evt.args|%evt.arg.path"));
  EXPECT_EQ(out, "res=0 path=sub|sub");
  auto chmod = SyscallRecord(SYS_chmod, -ENOENT, {0, 04755}, "/x", {}, 30);
  ASSERT_TRUE(Fires("evt.type = chmod", chmod, &out, "%evt.args|%evt.arg.res"));
  EXPECT_EQ(out, "res=-2(ENOENT) filename=/x mode=04755(S_IXOTH|S_IROTH|S_IXGRP|S_IRGRP|S_IXUSR|S_IWUSR|S_IRUSR|S_ISUID)|ENOENT");
  auto kill = SyscallRecord(SYS_kill, 0, {1234, SIGKILL}, {}, {}, 30);
  ASSERT_TRUE(Fires("evt.type = kill", kill, &out, "%evt.args"));
  EXPECT_EQ(out, "res=0 pid=1234 sig=9(SIGKILL)");
  // A pid riposte knows shows its process's name, as Falco's PT_PID parameters do.
  auto kill_known = SyscallRecord(SYS_tgkill, 0, {30, 30, SIGTERM}, {}, {}, 20);
  ASSERT_TRUE(Fires("evt.type = tgkill and evt.arg.pid = cat and evt.rawarg.tid = 30", kill_known, &out,
                    "%evt.args|%evt.arg.pid|%evt.rawarg.pid"));
  EXPECT_EQ(out, "res=0 pid=30(cat) tid=30(cat) sig=15(SIGTERM)|cat|30");
}

// execve's exit parameters come from the process riposte built at the exec, named and
// rendered as Falco's event table has them; what riposte's record lacks has no value.
TEST_F(RuleEvaluation, ExecveParametersAreFalcosExitParameters) {
  std::string out;
  auto exec = SyscallRecord(SYS_execve, 0, {}, "/usr/bin/cat", {}, 30);
  ASSERT_TRUE(Fires("evt.type = execve", exec, &out,
                    "%evt.arg.exe|%evt.arg.args|%evt.arg.pid|%evt.arg.ptid|%evt.arg.pgid|%evt.arg.comm|%evt.arg.cwd|"
                    "%evt.arg.uid|%evt.arg.loginuid|%evt.arg.cap_effective|%evt.arg.trusted_exepath|%evt.arg[1]|"
                    "%evt.arg[3]|%evt.rawarg.ptid|%evt.arg.fdlimit"));
  EXPECT_EQ(out, "cat|/etc/shadow.|cat|bash|bash|cat|<NA>|root|<NONE>|200001|/usr/bin/cat|cat|cat|20|<NA>");
  ASSERT_TRUE(Fires("evt.type = execve", exec, &out, "%evt.args"));
  EXPECT_EQ(out.substr(0, out.find(" cap_inheritable")),
            "res=0 exe=cat args=/etc/shadow. tid=30(cat) pid=30(cat) ptid=20(bash) cwd=<NA> comm=cat "
            "env=HOME=/root.TERM=xterm. tty=0 vpgid=20(bash) loginuid=-1(<NONE>) flags=0");
  ASSERT_TRUE(Fires("evt.type = execve and evt.arg.env contains TERM=xterm", exec));
  EXPECT_NE(out.find("uid=0(root) trusted_exepath=/usr/bin/cat pgid=20(bash) gid=0(root) filename=/usr/bin/cat"),
            std::string::npos) << out;
  // Conditions compare the numbers underneath.
  EXPECT_TRUE(Fires("evt.type = execve and evt.rawarg.uid = 0 and evt.arg.ptid = bash and evt.rawarg.tid = 30", exec));
  // The clone family describes the caller the same way; its uid and gid are plain numbers,
  // and it has no pgid.
  auto clone = SyscallRecord(SYS_clone, 31, {SIGCHLD}, {}, {}, 30);
  ASSERT_TRUE(Fires("evt.type = clone", clone, &out,
                    "%evt.arg.exe|%evt.arg.ptid|%evt.arg.uid|%evt.arg.gid|%evt.arg.vpid|%evt.arg.pgid|%evt.arg[5]"));
  EXPECT_EQ(out, "cat|bash|0|0|cat|<NA>|bash");
  // The new process's side of a clone (ret 0) says when its pid namespace's init started,
  // as the kernel's fork record told; the parent's side says 0.
  auto fork = ForkRecord(30, 31);
  reinterpret_cast<rp_fork_record*>(fork.storage.data())->child_pidns_init_start_ns = 223013421;
  Event forked;
  ASSERT_TRUE(DecodeRecord(fork.bytes(), forked).ok());
  tracker_.Apply(forked);
  ASSERT_TRUE(Fires("evt.type = clone", SyscallRecord(SYS_clone, 0, {SIGCHLD}, {}, {}, 31), &out,
                    "%evt.arg.pidns_init_start_ts|%evt.rawarg.pidns_init_start_ts"));
  EXPECT_EQ(out, "223013421|223013421");
  ASSERT_TRUE(Fires("evt.type = clone", clone, &out, "%evt.arg.pidns_init_start_ts"));
  EXPECT_EQ(out, "0");
  // The container plugin's container.start_ts is that start on the wall clock, for a host
  // process too (the host's pid namespace); container.duration counts from it.
  auto fork2 = ForkRecord(30, 32);
  reinterpret_cast<rp_fork_record*>(fork2.storage.data())->child_pidns_init_start_ns = 400;
  ASSERT_TRUE(DecodeRecord(fork2.bytes(), forked).ok());
  tracker_.Apply(forked);
  ASSERT_TRUE(Fires("container.start_ts = 1699999999999999400 and container.duration = 600",
                    SyscallRecord(SYS_kill, 0, {1, 0}, {}, {}, 32), &out, "%container.start_ts|%container.duration"));
  EXPECT_EQ(out, "1699999999999999400|600");
  // The clone family's flags are Falco's: its bits and names, none for fork, and its
  // CLONE_CHILD_IN_PIDNS when the kernel side says the new task is outside the initial
  // pid namespace.
  auto fork_clone = SyscallRecord(SYS_clone, 31, {CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID | SIGCHLD}, {}, {}, 30);
  ASSERT_TRUE(Fires("evt.type = clone and evt.arg.flags contains CLONE_CHILD_SETTID", fork_clone, &out,
                    "%evt.arg.flags|%evt.rawarg.flags"));
  EXPECT_EQ(out, "CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|25165824");
  ASSERT_TRUE(Fires("evt.type = clone", fork_clone, &out, "%evt.args"));
  EXPECT_NE(out.find(" flags=25165824(CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID) uid=0"), std::string::npos) << out;
  auto in_pidns = SyscallRecord(SYS_fork, 0, {}, {}, {}, 31);
  reinterpret_cast<rp_syscall_record*>(in_pidns.storage.data())->flags |= RP_SYSCALL_CHILD_IN_PIDNS;
  ASSERT_TRUE(Fires("evt.type = fork", in_pidns, &out, "%evt.arg.flags"));
  EXPECT_EQ(out, "CLONE_CHILD_IN_PIDNS");
  ASSERT_TRUE(Fires("evt.type = vfork", SyscallRecord(SYS_vfork, 31, {}, {}, {}, 30), &out, "%evt.arg.flags"));
  EXPECT_EQ(out, "0");
  uint64_t clone3_flags = CLONE_VM | CLONE_THREAD | CLONE_SIGHAND;
  auto clone3 = SyscallRecord(SYS_clone3, 0, {}, std::string(reinterpret_cast<const char*>(&clone3_flags), 8), {}, 30, false);
  ASSERT_TRUE(Fires("evt.type = clone3", clone3, &out, "%evt.arg.flags"));
  EXPECT_EQ(out, "CLONE_SIGHAND|CLONE_THREAD|CLONE_VM");
  // A secondary thread's clone: its tid names its process; its own namespace tid is not kept.
  auto thread_clone = SyscallRecord(SYS_clone, 0, {SIGCHLD}, {}, {}, 30);
  reinterpret_cast<rp_record_header*>(thread_clone.storage.data())->tid = 33;
  ASSERT_TRUE(Fires("evt.type = clone", thread_clone, &out, "%evt.arg.tid|%evt.rawarg.tid|%evt.arg.vtid"));
  EXPECT_EQ(out, "cat|33|<NA>");
}

// Falco's cgroups: execve and the clone family carry each controller's cgroup as the
// kernel read it at exec ("cpuset=/docker/c1." ...); thread.cgroups lists them,
// thread.cgroup.NAME gives one; a fork inherits them.
TEST_F(RuleEvaluation, CgroupsAreEachControllersPath) {
  std::string out;
  auto exec = ExecRecord(50, 20, "/usr/bin/id", {"id"}, "/docker/c1");
  ASSERT_TRUE(Fires("evt.type = procexec", exec));  // applies the exec (riposte's own event)
  ASSERT_TRUE(Fires("evt.type = execve and thread.cgroup.memory = /docker/c1",
                    SyscallRecord(SYS_execve, 0, {}, "/usr/bin/id", {}, 50), &out,
                    "%evt.arg.cgroups|%thread.cgroups|%thread.cgroup.cpuacct|%thread.cgroup[io]"));
  EXPECT_EQ(out, "cpuset=/docker/c1.cpu=/docker/c1.cpuacct=/docker/c1.io=/docker/c1.memory=/docker/c1.|"
                 "cpuset=/docker/c1 cpu=/docker/c1 cpuacct=/docker/c1 io=/docker/c1 memory=/docker/c1|"
                 "/docker/c1|/docker/c1");
  Event forked;
  ASSERT_TRUE(DecodeRecord(ForkRecord(50, 51).bytes(), forked).ok());
  tracker_.Apply(forked);
  ASSERT_TRUE(Fires("evt.type = clone", SyscallRecord(SYS_clone, 0, {SIGCHLD}, {}, {}, 51), &out, "%evt.args"));
  EXPECT_NE(out.find(" cgroups=cpuset=/docker/c1.cpu=/docker/c1.cpuacct=/docker/c1.io=/docker/c1.memory=/docker/c1."
                     " flags=0 "),
            std::string::npos)
      << out;
  // A controller the host lacks has no value.
  EXPECT_FALSE(Fires("thread.cgroup.pids exists", SyscallRecord(SYS_kill, 0, {1, 0}, {}, {}, 51)));
}

// procexit carries Falco's five parameters: the raw wait status, the exit code, the
// killing signal (a name, "9(SIGKILL)" in evt.args, "0" for none), the core bit, and who
// inherits the children (0 for none; a known process shows its name).
TEST_F(RuleEvaluation, ProcexitParametersAreFalcos) {
  std::string out;
  ASSERT_TRUE(Fires("evt.type = procexit", ExitRecord(30, true, 127 << 8), &out,
                    "%evt.arg.status|%evt.arg.ret|%evt.arg.sig|%evt.arg.core|%evt.arg.reaper_tid|%evt.arg[1]|%evt.args"));
  EXPECT_EQ(out, "32512|127|0|0|0|127|status=32512 ret=127 sig=0 core=0 reaper_tid=0");
  Seed(40, 20, "sleep", "/usr/bin/sleep", {"9"});
  ASSERT_TRUE(Fires("evt.type = procexit and evt.rawarg.sig = 9 and evt.arg.core = 1", ExitRecord(40, true, SIGKILL | 0x80, 10),
                    &out, "%evt.arg.sig|%evt.rawarg.status|%evt.arg.reaper_tid|%evt.args"));
  EXPECT_EQ(out, "SIGKILL|137|sshd|status=137 ret=0 sig=9(SIGKILL) core=1 reaper_tid=10(sshd)");
  // A syscall event has none of them.
  ASSERT_TRUE(Fires("evt.type = kill", SyscallRecord(SYS_kill, 0, {1234, SIGKILL}, {}, {}, 30), &out, "%evt.arg.status"));
  EXPECT_EQ(out, "<NA>");
}

// Fields Falco answers on every event: the open predicates are false on one that is not an
// open, and an unset variable of proc.env[KEY] is "" (a set one has its spaces trimmed).
TEST_F(RuleEvaluation, OpenPredicatesAndEnvironmentAnswerOnEveryEvent) {
  auto kill = SyscallRecord(SYS_kill, 0, {1234, SIGKILL}, {}, {}, 30);
  EXPECT_TRUE(Fires("evt.is_open_read = false and evt.is_open_write = false and evt.is_open_exec = false", kill));
  EXPECT_TRUE(Fires("proc.env[NOT_SET] = \"\" and proc.env[HOME] = /root", kill));
  std::string out;
  ASSERT_TRUE(Fires("evt.type = kill", kill, &out, "%evt.is_open_read|%proc.env[NOT_SET]|%proc.env[TERM]"));
  EXPECT_EQ(out, "false||xterm");
}

// fd.l4proto as Falco answers it: "<NA>" (a value) for an fd that is not an IP socket, no
// value for a failed open.
TEST_F(RuleEvaluation, L4ProtoOfAFileIsNotApplicable) {
  std::string out;
  ASSERT_TRUE(Fires("fd.l4proto = \"<NA>\" and fd.l4proto exists", OpenShadow(), &out, "%fd.l4proto"));
  EXPECT_EQ(out, "<NA>");
  auto failed = SyscallRecord(SYS_openat, -2, {static_cast<uint64_t>(AT_FDCWD), 0, 0}, "/nope", {}, 30);
  EXPECT_TRUE(Fires("evt.type = openat and not fd.l4proto exists", failed));
}

TEST_F(RuleEvaluation, NetworkFieldsAndNetworks) {
  EXPECT_TRUE(Fires("evt.type = socket", SyscallRecord(SYS_socket, 5, {AF_INET, SOCK_STREAM, 0}, {}, {}, 30)));
  auto rec = TcpConnect(5, "192.168.1.5", 40000, "10.1.2.3", 4444);
  EXPECT_TRUE(Fires("fd.rip = 10.1.2.3 and fd.rport = 4444 and fd.lport = 40000 and fd.l4proto = tcp", rec));
  EXPECT_TRUE(Fires("fd.snet in (10.0.0.0/8) and not fd.cnet in (10.0.0.0/8)", rec));  // a client: the server is remote
  EXPECT_TRUE(Fires("fd.net = 192.168.0.0/16 and fd.sockfamily = ip and fd.typechar = 4", rec));
  EXPECT_TRUE(Fires("fd.name = 192.168.1.5:40000->10.1.2.3:4444", rec));
}

// What an open opened, as the kernel read it off the new fd: the device (Falco's encoding,
// in hex) and inode in evt.arg and fd.*, whether the open created the file among the flags
// (O_F_CREATED), the overlayfs layer; creat reports the layer in creat_flags. A failed open,
// and an open that returns fd 0, report 0 and 0, as Falco's probe does.
TEST_F(RuleEvaluation, OpensReportTheFileTheyOpened) {
  auto opened = [](int nr, int64_t ret, std::vector<uint64_t> args, uint32_t facts) {
    auto rec = SyscallRecord(nr, ret, std::move(args), "/tmp/new", {}, 30);
    auto* r = reinterpret_cast<rp_syscall_record*>(rec.storage.data());
    r->flags |= RP_SYSCALL_HAS_FILE;
    r->file.dev = (254u << 20) | 1u;  // the kernel's MKDEV(254, 1)
    r->file.ino = 11076521;
    r->file.facts = facts;
    return rec;
  };
  auto created = opened(SYS_openat, 3, {static_cast<uint64_t>(AT_FDCWD), 0, O_CREAT | O_RDWR, 0600}, RP_FILE_CREATED);
  std::string out;
  ASSERT_TRUE(Fires("evt.type = openat and fd.dev = 65025 and fd.ino = 11076521", created, &out,
                    "%evt.arg.flags|%evt.rawarg.flags|%evt.arg.dev|%evt.arg.ino|%fd.dev|%fd.dev.major|%fd.dev.minor|"
                    "%fd.is_upper_layer|%fd.is_lower_layer|%fd.ino"));
  EXPECT_EQ(out, "O_CREAT|O_RDWR|O_F_CREATED|4007|FE01|11076521|FE01|254|1|false|false|11076521");
  EXPECT_EQ(last_fields_["fd.dev"], "FE01");
  EXPECT_EQ(last_fields_["fd.ino"], 11076521);
  EXPECT_TRUE(Fires("evt.is_open_create = true", created));
  ASSERT_TRUE(Fires("evt.type = openat", created, &out, "%evt.args"));
  EXPECT_EQ(out, "fd=3(<f>/tmp/new) dirfd=-100(AT_FDCWD) name=/tmp/new flags=16391(O_CREAT|O_RDWR|O_F_CREATED) "
                 "mode=0600 dev=FE01 ino=11076521");
  // An existing file in a container's upper layer; creat says it in creat_flags.
  auto upper = opened(SYS_open, 4, {0, O_RDONLY}, RP_FILE_UPPER_LAYER);
  ASSERT_TRUE(Fires("fd.is_upper_layer = true and evt.is_open_create = false", upper, &out, "%evt.arg.flags"));
  EXPECT_EQ(out, "O_RDONLY|FD_UPPER_LAYER");
  auto creat = opened(SYS_creat, 5, {0, 0644}, RP_FILE_CREATED | RP_FILE_LOWER_LAYER);
  ASSERT_TRUE(Fires("evt.type = creat and fd.is_lower_layer = true and evt.is_open_create = false", creat, &out, "%evt.arg.creat_flags|%evt.args"));
  EXPECT_EQ(out, "FD_LOWER_LAYER_CREAT|fd=5(<f>/tmp/new) name=/tmp/new mode=0644 dev=FE01 ino=11076521 "
                 "creat_flags=2(FD_LOWER_LAYER_CREAT)");
  // Falco's quirk: a successful O_DIRECTORY open counts as creating (O_TMPFILE holds its bit).
  EXPECT_TRUE(Fires("evt.is_open_create = true", opened(SYS_openat, 6, {static_cast<uint64_t>(AT_FDCWD), 0, O_RDONLY | O_DIRECTORY}, 0)));
  EXPECT_TRUE(Fires("evt.is_open_create = false", SyscallRecord(SYS_kill, 0, {1234, SIGKILL}, {}, {}, 30)));
  // fd 0: the created bit, but no device, inode or layer.
  auto zero = opened(SYS_openat, 0, {static_cast<uint64_t>(AT_FDCWD), 0, O_CREAT | O_WRONLY, 0600}, RP_FILE_CREATED | RP_FILE_UPPER_LAYER);
  ASSERT_TRUE(Fires("evt.type = openat", zero, &out, "%evt.arg.flags|%evt.arg.dev|%evt.arg.ino|%fd.dev"));
  EXPECT_EQ(out, "O_CREAT|O_WRONLY|O_F_CREATED|0|0|0");
  // A failed open: 0 and 0 in its parameters, and no fd to have a device or a server end.
  auto failed = SyscallRecord(SYS_openat, -ENOENT, {static_cast<uint64_t>(AT_FDCWD), 0, O_RDONLY}, "/nope", {}, 30);
  ASSERT_TRUE(Fires("evt.type = openat", failed, &out, "%evt.arg.dev|%evt.arg.ino|%fd.dev|%fd.ino|%fd.is_server"));
  EXPECT_EQ(out, "0|0|<NA>|<NA>|<NA>");
}

// Flags that are not an open's, rendered as Falco's table renders them: pipe2's and
// socket's (from its type) in Falco's encoding, O_NONE for none; memfd_create's by MFD_*
// name, 0 for none; userfaultfd's the kernel's value read with Falco's O_* table.
TEST_F(RuleEvaluation, FdFlagsRenderAsFalcoDoes) {
  std::string out;
  auto pipe2 = Pipe2(O_CLOEXEC | O_NONBLOCK);
  ASSERT_TRUE(Fires("evt.type = pipe2", pipe2, &out, "%evt.arg.flags|%evt.rawarg.flags"));
  EXPECT_EQ(out, "O_NONBLOCK|O_CLOEXEC|4160");
  auto socket = SyscallRecord(SYS_socket, 5, {AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0}, {}, {}, 30);
  ASSERT_TRUE(Fires("evt.type = socket", socket, &out, "%evt.arg.flags|%evt.args"));
  EXPECT_EQ(out, "O_CLOEXEC|fd=5(<4>) domain=2(AF_INET) type=524289 proto=0 flags=4096(O_CLOEXEC)");
  ASSERT_TRUE(Fires("evt.type = socket", SyscallRecord(SYS_socket, 6, {AF_INET, SOCK_DGRAM, 0}, {}, {}, 30), &out,
                    "%evt.arg.flags"));
  EXPECT_EQ(out, "O_NONE");
  auto memfd = SyscallRecord(SYS_memfd_create, 9, {0, MFD_CLOEXEC | MFD_ALLOW_SEALING}, "cf_mfd", {}, 30);
  ASSERT_TRUE(Fires("evt.type = memfd_create", memfd, &out, "%evt.arg.flags"));
  EXPECT_EQ(out, "MFD_CLOEXEC|MFD_ALLOW_SEALING");
  ASSERT_TRUE(Fires("evt.type = memfd_create", SyscallRecord(SYS_memfd_create, 9, {0, 0}, "cf_mfd", {}, 30), &out,
                    "%evt.arg.flags"));
  EXPECT_EQ(out, "0");
  ASSERT_TRUE(Fires("evt.type = userfaultfd", SyscallRecord(SYS_userfaultfd, 10, {O_CLOEXEC | O_NONBLOCK}, {}, {}, 30),
                    &out, "%evt.arg.flags"));
  EXPECT_EQ(out, "O_LARGEFILE");
}

// prctl as Falco's probe reports it: the option by Falco's name (the number when its table
// has none), arg2_str the name PR_SET_NAME set (read by the kernel at exit) or "<NA>",
// arg2_int 0 for the name options and the argument itself for the others.
TEST_F(RuleEvaluation, PrctlReportsOptionNameAndArgument) {
  std::string out;
  auto set_name = SyscallRecord(SYS_prctl, 0, {PR_SET_NAME, 0x7ffd0000}, "cf_renamed", {}, 30);
  ASSERT_TRUE(Fires("evt.type = prctl and evt.arg.option = PR_SET_NAME and evt.rawarg.option = 15", set_name, &out,
                    "%evt.arg.arg2_str|%evt.arg.arg2_int|%evt.args"));
  EXPECT_EQ(out, "cf_renamed|0|res=0 option=15(PR_SET_NAME) arg2_str=cf_renamed arg2_int=0");
  auto deathsig = SyscallRecord(SYS_prctl, 0, {PR_SET_PDEATHSIG, SIGKILL}, {}, {}, 30);
  ASSERT_TRUE(Fires("evt.type = prctl and evt.arg.arg2_int = 9", deathsig, &out, "%evt.arg.option|%evt.arg.arg2_str|%evt.args"));
  EXPECT_EQ(out, "1|<NA>|res=0 option=1 arg2_str=<NA> arg2_int=9");
}

// A pipe event's fd, as Falco's parser leaves it: fd.num is the second fd, the fd is a
// pipe without a name; evt.arg.fd1/fd2 are fds ("<p>"), ino the inode the kernel read off
// the first one, which both fds keep (fd.ino). A mode of 0 prints as Falco's "%#o": "0".
TEST_F(RuleEvaluation, PipesNameBothFdsAndTheirInode) {
  std::string out;
  auto pipe2 = Pipe2(O_CLOEXEC);
  auto* r = reinterpret_cast<rp_syscall_record*>(pipe2.storage.data());
  r->flags |= RP_SYSCALL_HAS_FILE;
  r->file.ino = 123456;
  ASSERT_TRUE(Fires("evt.type = pipe2 and fd.num = 8 and fd.type = pipe and fd.ino = 123456", pipe2, &out,
                    "%evt.arg.fd1|%evt.rawarg.fd2|%evt.arg.ino|%fd.name|%fd.typechar|%fd.l4proto|%fd.connected|%evt.args"));
  EXPECT_EQ(out, "<p>|8|123456||p|<NA>|false|res=0 fd1=7(<p>) fd2=8(<p>) ino=123456 flags=4096(O_CLOEXEC)");
  auto open0 = SyscallRecord(SYS_openat, 3, {static_cast<uint64_t>(AT_FDCWD), 0, O_RDONLY, 0}, "/etc/hostname", {}, 30);
  ASSERT_TRUE(Fires("evt.type = openat", open0, &out, "%evt.arg.mode|%evt.arg[4]"));
  EXPECT_EQ(out, "0|0");
}

// Falco's filter-only fields (fd.ip, fd.port, fd.net, fd.proto) compare but print no value;
// a network field prints as Falco prints any ipnet value: "<IPNET>".
TEST_F(RuleEvaluation, FilterOnlyFieldsCompareButPrintNothing) {
  ASSERT_TRUE(Fires("evt.type = socket", SyscallRecord(SYS_socket, 5, {AF_INET, SOCK_STREAM, 0}, {}, {}, 30)));
  auto rec = TcpConnect(5, "192.168.1.5", 40000, "10.1.2.3", 4444);
  std::string out;
  ASSERT_TRUE(Fires("fd.ip = 10.1.2.3 and fd.port = 4444 and fd.net = 10.0.0.0/8 and fd.proto = 4444", rec, &out,
                    "%fd.ip|%fd.port|%fd.net|%fd.proto|%fd.snet|%fd.rip"));
  EXPECT_EQ(out, "<NA>|<NA>|<NA>|<NA>|<IPNET>|10.1.2.3");
  EXPECT_TRUE(last_fields_["fd.ip"].is_null());
  EXPECT_TRUE(last_fields_["fd.port"].is_null());
  EXPECT_EQ(last_fields_["fd.snet"], "<IPNET>");
}

// An IP socket as Falco's parser keeps it, step by step: a new socket has no role (no ends,
// protocol <NA>); bind makes it a server socket holding only its own address, named by it;
// listen changes nothing; an accepted fd is the tuple from the peer (on loopback the
// client's end is the "local" one, as Falco's interface test has it); an unbound UDP
// socket's send names the tuple with the missing 0.0.0.0 filled in and guesses the client
// role, while evt.arg.tuple shows the driver's tuple as it was.
TEST_F(RuleEvaluation, SocketsFollowFalcosParser) {
  auto sockaddr = [](const char* ip, uint16_t port) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    inet_pton(AF_INET, ip, &a.sin_addr);
    return std::string(reinterpret_cast<const char*>(&a), sizeof(a));
  };
  const std::string ends = "%fd.name|%fd.cip|%fd.cport|%fd.sip|%fd.sport|%fd.lip|%fd.lport|%fd.rip|%fd.rport|"
                           "%fd.l4proto|%fd.is_server|%fd.cproto|%fd.sproto";
  std::string out;
  ASSERT_TRUE(Fires("evt.type = socket", SyscallRecord(SYS_socket, 5, {AF_INET, SOCK_STREAM, 0}, {}, {}, 30), &out,
                    ends + "|%evt.arg.type|%evt.arg.res|%evt.args"));
  EXPECT_EQ(out, "|<NA>|<NA>|<NA>|<NA>|<NA>|<NA>|<NA>|<NA>|<NA>|false|<NA>|<NA>|1|<NA>|"
                 "fd=5(<4>) domain=2(AF_INET) type=1 proto=0 flags=0(O_NONE)");
  auto bind = WithTuple(SyscallRecord(SYS_bind, 0, {5}, sockaddr("127.0.0.1", 8080), {}, 30, false), "127.0.0.1", 8080,
                         "0.0.0.0", 0, IPPROTO_TCP);
  ASSERT_TRUE(Fires("evt.type = bind and fd.name_changed = true", bind, &out, ends + "|%evt.args"));
  EXPECT_EQ(out, "127.0.0.1:8080|<NA>|<NA>|127.0.0.1|8080|<NA>|<NA>|<NA>|<NA>|tcp|true|||"
                 "res=0 addr=127.0.0.1:8080 fd=5(<4t>127.0.0.1:8080)");
  auto listen = WithTuple(SyscallRecord(SYS_listen, 0, {5, 8}, {}, {}, 30), "127.0.0.1", 8080, "0.0.0.0", 0, IPPROTO_TCP);
  ASSERT_TRUE(Fires("evt.type = listen and fd.name_changed = false", listen, &out, "%fd.name"));
  EXPECT_EQ(out, "127.0.0.1:8080");
  auto accept = WithTuple(SyscallRecord(SYS_accept, 6, {5}, {}, {}, 30), "127.0.0.1", 8080, "127.0.0.1", 40000, IPPROTO_TCP);
  ASSERT_TRUE(Fires("evt.type = accept", accept, &out, ends + "|%evt.arg.tuple"));
  EXPECT_EQ(out, "127.0.0.1:40000->127.0.0.1:8080|127.0.0.1|40000|127.0.0.1|8080|127.0.0.1|40000|127.0.0.1|8080|"
                 "tcp|true|40000|8080|127.0.0.1:40000->127.0.0.1:8080");
  ASSERT_TRUE(Fires("evt.type = socket", SyscallRecord(SYS_socket, 7, {AF_INET, SOCK_DGRAM, 0}, {}, {}, 30)));
  auto sendto = WithTuple(SyscallRecord(SYS_sendto, 4, {7, 0, 4}, sockaddr("127.0.0.1", 53), {}, 30, false), "0.0.0.0",
                           5555, "0.0.0.0", 0, IPPROTO_UDP);
  ASSERT_TRUE(Fires("evt.type = sendto and fd.name_changed = true", sendto, &out, ends + "|%evt.arg.tuple|%evt.arg.addr"));
  EXPECT_EQ(out, "127.0.0.1:5555->127.0.0.1:53|127.0.0.1|5555|127.0.0.1|53|127.0.0.1|5555|127.0.0.1|53|udp|true|"
                 "5555|53|0.0.0.0:5555->127.0.0.1:53|<NA>");
  // A refused connect reports no tuple ("NULL"), and leaves the socket as it was.
  ASSERT_TRUE(Fires("evt.type = socket", SyscallRecord(SYS_socket, 8, {AF_INET, SOCK_STREAM, 0}, {}, {}, 30)));
  auto refused = SyscallRecord(SYS_connect, -ECONNREFUSED, {8}, sockaddr("127.0.0.1", 9), {}, 30, false);
  ASSERT_TRUE(Fires("evt.type = connect", refused, &out, "%evt.arg.tuple|%fd.name|%fd.l4proto"));
  EXPECT_EQ(out, "NULL||<NA>");
}

// fd.connected and fd.name_changed as Falco keeps them: every fd has them (not what a failed
// open asked for); a socket is connected once it connects or is accepted, an IP socket
// also once it reads or writes; the name changes with the event that opens, accepts or
// connects it, not with later ones.
TEST_F(RuleEvaluation, ConnectedAndNameChangedFollowTheFd) {
  std::string out;
  auto open = SyscallRecord(SYS_openat, 3, {static_cast<uint64_t>(AT_FDCWD), 0, O_RDONLY}, "/etc/hosts", {}, 30);
  ASSERT_TRUE(Fires("evt.type = openat", open, &out, "%fd.connected|%fd.name_changed"));
  EXPECT_EQ(out, "false|true");
  ASSERT_TRUE(Fires("evt.type = read", SyscallRecord(SYS_read, 10, {3, 0, 10}, {}, {}, 30), &out, "%fd.connected|%fd.name_changed"));
  EXPECT_EQ(out, "false|false");
  // A UDP socket: unnamed and unconnected until it sends.
  ASSERT_TRUE(Fires("evt.type = socket", SyscallRecord(SYS_socket, 5, {AF_INET, SOCK_DGRAM, 0}, {}, {}, 30), &out,
                    "%fd.connected|%fd.name_changed"));
  EXPECT_EQ(out, "false|false");
  ASSERT_TRUE(Fires("evt.type = sendto", SyscallRecord(SYS_sendto, 4, {5, 0, 4}, {}, {}, 30), &out, "%fd.connected"));
  EXPECT_EQ(out, "true");
  // A TCP connect names the peer.
  ASSERT_TRUE(Fires("evt.type = socket", SyscallRecord(SYS_socket, 6, {AF_INET, SOCK_STREAM, 0}, {}, {}, 30)));
  auto connect = TcpConnect(6, "127.0.0.1", 40000, "127.0.0.1", 80);
  ASSERT_TRUE(Fires("evt.type = connect", connect, &out, "%fd.connected|%fd.name_changed"));
  EXPECT_EQ(out, "true|true");
  // A failed open has no fd for them.
  auto failed = SyscallRecord(SYS_openat, -ENOENT, {static_cast<uint64_t>(AT_FDCWD), 0, O_RDONLY}, "/nope", {}, 30);
  ASSERT_TRUE(Fires("evt.type = openat", failed, &out, "%fd.connected|%fd.name_changed"));
  EXPECT_EQ(out, "<NA>|<NA>");
}

// fd.nameraw is the path as passed (upstream's directory_traversal asks
// `fd.nameraw contains ../`), fd.name the resolved one; a failed open still names its path.
TEST_F(RuleEvaluation, RawAndResolvedNamesAndFailedOpens) {
  auto traversal = SyscallRecord(SYS_openat, 3, {static_cast<uint64_t>(AT_FDCWD), 0, O_RDONLY}, "../etc/./shadow", {}, 30);
  std::string out;
  ASSERT_TRUE(Fires("fd.nameraw contains ../", traversal, &out, "%fd.name|%fd.nameraw"));
  EXPECT_EQ(out, "/etc/shadow|../etc/./shadow");  // cwd is /root
  auto failed = SyscallRecord(SYS_openat, -ENOENT, {static_cast<uint64_t>(AT_FDCWD), 0, O_RDONLY}, "nope", {}, 30);
  ASSERT_TRUE(Fires("evt.type = openat and fd.num = -1", failed, &out, "%fd.name|%fd.nameraw|%fd.directory|%fd.type"));
  EXPECT_EQ(out, "/root/nope|nope|/root|<NA>");
  EXPECT_FALSE(Fires("fd.num >= 0", failed));
  // and keeps an absolute path as given, not normalised, as Falco does
  auto failed_up = SyscallRecord(SYS_openat, -ENOENT, {static_cast<uint64_t>(AT_FDCWD), 0, O_RDONLY}, "/root/../etc/none", {}, 30);
  ASSERT_TRUE(Fires("fd.num = -1", failed_up, &out, "%fd.name|%fd.directory"));
  EXPECT_EQ(out, "/root/../etc/none|/root/../etc");
}

// Falco's event fd (libsinsp's last event fd): an event that uses an fd names it whether or
// not the table knows it (fchmodat's AT_FDCWD is -100, its name "" and directory "/", its
// type guessed 'o'); an event that only creates one has -1 when it fails; an event with no
// fd at all has no fd fields. fd.nameraw drops repeated '/', fd.filename is for files
// only, fd.directory keeps a name ending in '/', and a failed openat's type is 'f' (open's
// 'o'). A dup's fd is the new one. A failed memfd_create has Falco's typeless fd.
TEST_F(RuleEvaluation, EventFdFollowsFalcosLastEventFd) {
  const std::string fd_fields = "%fd.num|%fd.name|%fd.nameraw|%fd.directory|%fd.typechar|%fd.type|%fd.filename";
  std::string out;
  auto fchmodat = SyscallRecord(SYS_fchmodat, 0, {static_cast<uint64_t>(AT_FDCWD), 0, 0755}, "/tmp/x", {}, 30);
  ASSERT_TRUE(Fires("evt.type = fchmodat and fd.num = -100", fchmodat, &out, fd_fields + "|%evt.arg.filename"));
  EXPECT_EQ(out, "-100|||/|o|<NA>|<NA>|/tmp/x");
  auto chmod = SyscallRecord(SYS_chmod, 0, {0, 0755}, "/tmp/x", {}, 30);
  ASSERT_TRUE(Fires("evt.type = chmod and not fd.num exists and not fd.name exists", chmod, &out, "%fd.typechar|%fd.uid"));
  EXPECT_EQ(out, "<NA>|<NA>");
  auto failed_socket = SyscallRecord(SYS_socket, -EACCES, {AF_INET, SOCK_STREAM, 0}, {}, {}, 30);
  ASSERT_TRUE(Fires("evt.type = socket and fd.num = -1", failed_socket, &out, "%fd.name|%fd.typechar|%fd.directory|%fd.uid"));
  EXPECT_EQ(out, "|4|/|30-1");

  auto doubled = SyscallRecord(SYS_openat, 3, {static_cast<uint64_t>(AT_FDCWD), 0, O_RDONLY}, "//etc//hosts", {}, 30);
  ASSERT_TRUE(Fires("evt.type = openat", doubled, &out, fd_fields + "|%evt.arg.name"));
  EXPECT_EQ(out, "3|/etc/hosts|/etc/hosts|/etc|f|file|hosts|//etc//hosts");
  auto dir = SyscallRecord(SYS_openat, 4, {static_cast<uint64_t>(AT_FDCWD), 0, O_RDONLY | O_DIRECTORY}, "/etc", {}, 30);
  ASSERT_TRUE(Fires("evt.type = openat", dir, &out, fd_fields));
  EXPECT_EQ(out, "4|/etc|/etc|/etc|d|directory|<NA>");
  auto failed_openat = SyscallRecord(SYS_openat, -ENOENT, {4, 0, O_RDONLY}, "", {}, 30);
  ASSERT_TRUE(Fires("evt.type = openat", failed_openat, &out, fd_fields));
  EXPECT_EQ(out, "-1|||/|f|<NA>|<NA>");  // an empty path names nothing, as Falco
  auto failed_open = SyscallRecord(SYS_open, -ENOENT, {0, O_RDONLY}, "nope", {}, 30);
  ASSERT_TRUE(Fires("evt.type = open", failed_open, &out, fd_fields));
  EXPECT_EQ(out, "-1|/root/nope|/root/nope|/root|o|<NA>|<NA>");

  auto dup = SyscallRecord(SYS_dup, 5, {3}, {}, {}, 30);
  ASSERT_TRUE(Fires("evt.type = dup", dup, &out, "%fd.num|%fd.name|%evt.args"));
  EXPECT_EQ(out, "5|/etc/hosts|res=5(<f>/etc/hosts) oldfd=3(<f>/etc/hosts)");
  auto bad_dup = SyscallRecord(SYS_dup, -EBADF, {99}, {}, {}, 30);
  ASSERT_TRUE(Fires("evt.type = dup", bad_dup, &out, "%fd.num|%fd.name|%fd.typechar|%fd.directory"));
  EXPECT_EQ(out, "99||o|/");

  auto bad_memfd = SyscallRecord(SYS_memfd_create, -EINVAL, {0, 0}, "x", {}, 30);
  ASSERT_TRUE(Fires("evt.type = memfd_create", bad_memfd, &out, fd_fields + "|%fd.l4proto|%fd.connected"));
  EXPECT_EQ(out, "-22|||<NA>|?|<NA>|<NA>|<NA>|false");
  auto memfd = SyscallRecord(SYS_memfd_create, 6, {0, 0}, "blob", {}, 30);
  ASSERT_TRUE(Fires("evt.type = memfd_create", memfd, &out, fd_fields));
  EXPECT_EQ(out, "6|blob||<NA>|m|memfd|<NA>");

  // bpf, userfaultfd and io_uring_setup make fds of their kind (Falco: any bpf result >= 0).
  ASSERT_TRUE(Fires("evt.type = userfaultfd", SyscallRecord(SYS_userfaultfd, 7, {0}, {}, {}, 30), &out, "%fd.num|%fd.typechar|%fd.type"));
  EXPECT_EQ(out, "7|u|userfaultfd");
  ASSERT_TRUE(Fires("evt.type = bpf", SyscallRecord(SYS_bpf, 8, {5, 0, 0}, {}, {}, 30), &out, "%fd.num|%fd.typechar|%fd.type"));
  EXPECT_EQ(out, "8|b|bpf");
}

// proc.nthreads counts the process' live threads (main included), proc.nchilds the others:
// a thread's creation counts it, its exit event still sees it, the next event no longer;
// a forked process starts with one.
TEST_F(RuleEvaluation, ThreadCountsFollowCreationAndExit) {
  std::string out;
  ASSERT_TRUE(Fires("proc.nthreads = 1 and proc.nchilds = 0", OpenShadow()));
  Fires("evt.type = procfork", ForkRecord(30, 30, 31));
  Fires("evt.type = procfork", ForkRecord(30, 30, 32));
  ASSERT_TRUE(Fires("evt.type = openat", OpenShadow(), &out, "%proc.nthreads|%proc.nchilds"));
  EXPECT_EQ(out, "3|2");
  Fires("evt.type = procfork", ForkRecord(30, 40));
  auto exit = ExitRecord(30, false);
  reinterpret_cast<rp_exit_record*>(exit.storage.data())->hdr.tid = 31;
  ASSERT_TRUE(Fires("evt.type = procexit", exit, &out, "%proc.nthreads"));
  EXPECT_EQ(out, "3");
  ASSERT_TRUE(Fires("evt.type = openat", OpenShadow(), &out, "%proc.nthreads"));
  EXPECT_EQ(out, "2");
  ASSERT_TRUE(Fires("evt.type = openat", SyscallRecord(SYS_openat, 3, {static_cast<uint64_t>(AT_FDCWD), 0, O_RDONLY}, "/x", {}, 40),
                    &out, "%proc.nthreads"));
  EXPECT_EQ(out, "1");
}

// A successful execve's filename is the path the exec was given (the kernel's
// bprm->filename, from the exec record), made absolute against the cwd when relative:
// "./tool(/root/tool)" in evt.args, the absolute path in evt.arg.filename. Users with a
// name Falco cannot resolve show as "<NA>".
TEST_F(RuleEvaluation, ExecFilenameIsThePathTheExecWasGiven) {
  Event exec;
  auto rec = ExecRecord(30, 20, "/root/tool", {"./tool"}, "/", {}, "./tool");
  ASSERT_TRUE(DecodeRecord(rec.bytes(), exec).ok());
  tracker_.Apply(exec);
  std::string out;
  ASSERT_TRUE(Fires("evt.type = execve", SyscallRecord(SYS_execve, 0, {}, {}, {}, 30), &out,
                    "%evt.arg.filename|%evt.args"));
  EXPECT_EQ(out.substr(0, out.find('|')), "/root/tool");
  EXPECT_TRUE(out.ends_with(" filename=./tool(/root/tool)")) << out;
  ASSERT_TRUE(Fires("evt.type = setuid", SyscallRecord(SYS_setuid, 0, {54321}, {}, {}, 30), &out, "%evt.arg.uid|%evt.args"));
  EXPECT_EQ(out, "<NA>|res=0 uid=54321(<NA>)");
  ASSERT_TRUE(Fires("evt.type = kill", SyscallRecord(SYS_kill, 0, {30, 0}, {}, {}, 30), &out, "%evt.arg.sig|%evt.args"));
  EXPECT_EQ(out, "0|res=0 pid=30(tool) sig=0");
}

// The chown family's owner ids are unsigned 32-bit in Falco's event table but printed with
// "%d": chown(path, -1, 0) shows uid=-1 while evt.rawarg.uid is 4294967295.
TEST_F(RuleEvaluation, ChownOwnerIdsAreUnsignedRawAndPrintedSigned) {
  std::string out;
  auto chown = SyscallRecord(SYS_chown, 0, {0, 0xFFFFFFFFull, 0}, "/tmp/f", {}, 30);
  ASSERT_TRUE(Fires("evt.type = chown and evt.rawarg.uid = 4294967295", chown, &out,
                    "%evt.arg.uid|%evt.rawarg.uid|%evt.rawarg.gid|%evt.args"));
  EXPECT_EQ(out, "-1|4294967295|0|res=0 path=/tmp/f uid=-1 gid=0");
  EXPECT_EQ(last_fields_["evt.rawarg.uid"], 4294967295u);
  // setregid's ids are typed as user ids in Falco's table: named by the user database.
  // On Debian 65534 is the user "nobody" and the group "nogroup".
  ASSERT_NE(UserName(65534), GroupName(65534));
  ASSERT_TRUE(Fires("evt.type = setregid", SyscallRecord(SYS_setregid, 0, {0xFFFFFFFFull, 65534}, {}, {}, 30), &out,
                    "%evt.args"));
  EXPECT_EQ(out, "res=0 rgid=-1(<NONE>) egid=65534(" + std::string(UserName(65534)) + ")");
}

// setsid's result is a pid in Falco's table: a failure prints as the number, not as an
// errno's name; a success as the session leader's name.
TEST_F(RuleEvaluation, PidResultsPrintAsPids) {
  std::string out;
  ASSERT_TRUE(Fires("evt.type = setsid", SyscallRecord(SYS_setsid, -1, {}, {}, {}, 30), &out,
                    "%evt.res|%evt.args|%evt.arg.res|%evt.rawres"));
  EXPECT_EQ(out, "-1|res=-1|-1|-1");
  ASSERT_TRUE(Fires("evt.type = setsid", SyscallRecord(SYS_setsid, 30, {}, {}, {}, 30), &out,
                    "%evt.res|%evt.args|%evt.arg.res"));
  EXPECT_EQ(out, "SUCCESS|res=30(cat)|cat");
}

// A failed exec's exe, args and env are what it was given (the kernel reads argv and envp
// at the call's exit), not the caller's: exe=argv[0], args the rest ("NULL" for none).
TEST_F(RuleEvaluation, AFailedExecShowsWhatItWasGiven) {
  std::string out;
  // The record builder ends the last string with its NUL.
  const std::string given = std::string("\x01") + "cf_nope" + '\0' + "PATH=/bin" + '\0' + "CF=1";
  auto failed = SyscallRecord(SYS_execve, -ENOENT, {0x1000, 0x2000, 0x3000}, "/tmp/cf_nope", given, 30);
  ASSERT_TRUE(Fires("evt.type = execve and evt.arg.exe = cf_nope", failed, &out,
                    "%evt.arg.exe|%evt.arg.args|%evt.arg.env|%evt.arg[1]|%evt.arg[2]|%proc.name"));
  EXPECT_EQ(out, "cf_nope|NULL|PATH=/bin.CF=1.|cf_nope|NULL|cat");
  ASSERT_TRUE(Fires("evt.type = execve", failed, &out, "%evt.args"));
  EXPECT_TRUE(out.starts_with("res=-2(ENOENT) exe=cf_nope args=NULL tid=30(cat)")) << out;
  const std::string with_args = std::string("\x02") + "ls" + '\0' + "-la";
  ASSERT_TRUE(Fires("evt.type = execve",
                    SyscallRecord(SYS_execve, -EACCES, {0x1000, 0x2000, 0}, "/tmp/ls", with_args, 30), &out,
                    "%evt.arg.exe|%evt.arg.args|%evt.arg.env"));
  EXPECT_EQ(out, "ls|-la.|NULL");
}

// prctl(PR_SET_NAME) leaves proc.name alone (as in Falco), but the kernel's name passes to
// a child forked after it: the fork record names the child, and the clone's comm parameter
// is the kernel's name on both sides.
TEST_F(RuleEvaluation, ARenamedProcessNamesTheChildItForks) {
  Event forked;
  ASSERT_TRUE(DecodeRecord(ForkRecord(30, 35, 0, "renamed").bytes(), forked).ok());
  tracker_.Apply(forked);
  std::string out;
  ASSERT_TRUE(Fires("evt.type = clone", SyscallRecord(SYS_clone, 35, {SIGCHLD}, {}, {}, 30), &out,
                    "%proc.name|%evt.arg.comm|%evt.arg.res"));
  EXPECT_EQ(out, "cat|renamed|renamed");
  ASSERT_TRUE(Fires("evt.type = clone and proc.name = renamed", SyscallRecord(SYS_clone, 0, {SIGCHLD}, {}, {}, 35),
                    &out, "%proc.cmdline|%proc.pname|%evt.arg.comm|%evt.arg.ptid"));
  EXPECT_EQ(out.substr(0, out.find(' ')), "renamed");
  EXPECT_TRUE(out.ends_with("|cat|renamed|cat")) << out;
}

// A new thread's side of a clone in the initial pid namespace: its vtid is its own id,
// named by its process.
TEST_F(RuleEvaluation, AThreadsVtidInTheInitialPidNamespaceIsItsTid) {
  Event exec;  // its vpid, as the kernel reports it: its pid
  ASSERT_TRUE(DecodeRecord(ExecRecord(30, 20, "/usr/bin/cat", {"cat"}).bytes(), exec).ok());
  tracker_.Apply(exec);
  std::string out;
  auto thread_side = SyscallRecord(SYS_clone3, 0, {0x1000, 88}, {}, {}, 30);
  reinterpret_cast<rp_syscall_record*>(thread_side.storage.data())->hdr.tid = 33;
  ASSERT_TRUE(Fires("evt.type = clone3", thread_side, &out, "%evt.arg.vtid|%evt.arg.vpid|%evt.rawarg.vtid"));
  EXPECT_EQ(out, "cat|cat|33");
}

// Falco prints strings made printable (libsinsp 0.25 sanitizes every extracted string it
// prints): a tab or a byte that is not UTF-8 in an argv prints as U+FFFD, in the message and
// in output_fields alike, while the condition still compares the bytes the process gave.
TEST_F(RuleEvaluation, PrintedStringsAreMadePrintableButComparedRaw) {
  Event exec;
  auto rec = ExecRecord(30, 20, "/root/tool", {"tool", "a\tb", "c\x80"});
  ASSERT_TRUE(DecodeRecord(rec.bytes(), exec).ok());
  tracker_.Apply(exec);
  std::string out;
  ASSERT_TRUE(Fires("evt.type = close and proc.args startswith \"a\tb \"", SyscallRecord(SYS_close, 0, {9}, {}, {}, 30),
                    &out, "%proc.args"));
  EXPECT_EQ(out, "a\xEF\xBF\xBD" "b c\xEF\xBF\xBD");
  EXPECT_EQ(last_fields_["proc.args"], out);
}

// capset: the sets it asked for (header version 3: two 32-bit halves each) are the
// process' once it succeeds, and its parameters show the caller's sets after the call, in
// hex; a failed call leaves them.
TEST_F(RuleEvaluation, CapsetChangesTheCapabilitiesItSets) {
  auto capset = [](int64_t ret, uint32_t eff, uint32_t prm, uint32_t inh) {
    uint32_t header[2] = {0x20080522, 0};
    uint32_t data[6] = {eff, prm, inh, 0, 0, 0};
    return SyscallRecord(SYS_capset, ret, {0x1000, 0x2000}, std::string(reinterpret_cast<const char*>(header), 8),
                         std::string(reinterpret_cast<const char*>(data), 24), 30, false);
  };
  std::string out;
  ASSERT_TRUE(Fires("evt.type = capset", capset(0, 0x1, 0x481, 0x1), &out,
                    "%evt.args|%evt.arg.cap_permitted|%thread.cap_effective|%thread.cap_permitted"));
  EXPECT_EQ(out, "res=0 cap_inheritable=1 cap_permitted=481 cap_effective=1|481|CAP_CHOWN|CAP_CHOWN CAP_SETUID CAP_NET_BIND_SERVICE");
  ASSERT_TRUE(Fires("evt.type = capset", capset(-EPERM, 0xff, 0xff, 0xff), &out, "%evt.args"));
  EXPECT_EQ(out, "res=-1(EPERM) cap_inheritable=1 cap_permitted=481 cap_effective=1");
}

// creat's event has no flags parameter: Falco's is_open_read and is_open_write are false on
// it; is_open_exec is its mode's execute bits. An open creating with O_TMPFILE (or any
// bit of it: O_DIRECTORY) and an execute bit is an exec open too.
TEST_F(RuleEvaluation, OpenPredicatesFollowFalcosParameters) {
  auto creat = SyscallRecord(SYS_creat, 3, {0, 0755}, "/tmp/run.sh", {}, 30);
  EXPECT_TRUE(Fires("evt.type = creat and evt.is_open_write = false and evt.is_open_read = false and evt.is_open_exec = true", creat));
  auto tmpfile = SyscallRecord(SYS_openat, 4, {static_cast<uint64_t>(AT_FDCWD), 0, O_TMPFILE | O_RDWR, 0700}, "/tmp", {}, 30);
  EXPECT_TRUE(Fires("evt.is_open_exec = true and evt.is_open_write = true", tmpfile));
  auto plain = SyscallRecord(SYS_openat, 5, {static_cast<uint64_t>(AT_FDCWD), 0, O_RDONLY, 0700}, "/tmp/y", {}, 30);
  EXPECT_TRUE(Fires("evt.type = openat and evt.is_open_exec = false", plain));
}

// set*id: the parameters are user and group names (-1: <NONE>), and once the call
// succeeds the process is its effective argument (upstream "Non sudo setuid" relies on
// user.name=nobody and evt.arg.uid=nobody after root drops to nobody).
TEST_F(RuleEvaluation, SetuidChangesTheUserAndNamesIds) {
  std::string out;
  ASSERT_TRUE(Fires("evt.type = setuid and user.name = nobody and evt.arg.uid = nobody",
                    SyscallRecord(SYS_setuid, 0, {65534}, {}, {}, 30), &out, "%user.uid %evt.rawarg.uid"));
  EXPECT_EQ(out, "65534 65534");
  EXPECT_EQ(last_fields_["evt.rawarg.uid"], 65534);  // a plain raw number is a JSON number
  EXPECT_TRUE(last_fields_["evt.time"].is_number());  // always there, as Falco's text starts with it
  ASSERT_TRUE(Fires("evt.type = setuid and evt.failed = true", SyscallRecord(SYS_setuid, -EPERM, {0}, {}, {}, 30), &out,
                    "%user.name %evt.arg.uid"));
  EXPECT_EQ(out, "nobody root");  // a refused setuid(0) leaves the user as it was
  ASSERT_TRUE(Fires("evt.type = setresuid", SyscallRecord(SYS_setresuid, 0, {0xffffffff, 0xffffffff, 0xffffffff}, {}, {}, 30),
                    &out, "%evt.arg.ruid %evt.arg.euid %user.uid"));
  EXPECT_EQ(out, "<NONE> <NONE> 4294967295");  // Falco's quirk, kept
  ASSERT_TRUE(Fires("evt.type = setgid", SyscallRecord(SYS_setgid, 0, {0}, {}, {}, 30), &out, "%evt.arg.gid %group.name"));
  EXPECT_EQ(out, "root root");
}

// Falco renders chmod's mode as bit names (upstream "Set Setuid or Setgid bit" asks
// `evt.arg.mode contains S_ISUID`), mkdir's in hex, open's in octal.
TEST_F(RuleEvaluation, ModesRenderAsFalcoDoesPerSyscall) {
  auto chmod = SyscallRecord(SYS_chmod, 0, {0, 04755}, "/tmp/x", {}, 30);
  std::string out;
  ASSERT_TRUE(Fires("evt.type = chmod and evt.arg.mode contains S_ISUID", chmod, &out, "%evt.arg.mode|%evt.rawarg.mode"));
  EXPECT_EQ(out, "S_IXOTH|S_IROTH|S_IXGRP|S_IRGRP|S_IXUSR|S_IWUSR|S_IRUSR|S_ISUID|4755");
  EXPECT_FALSE(Fires("evt.arg.mode contains S_ISGID", chmod));
  ASSERT_TRUE(Fires("evt.type = chmod", SyscallRecord(SYS_chmod, 0, {0, 0}, "/tmp/x", {}, 30), &out, "%evt.arg.mode"));
  EXPECT_EQ(out, "0");
  ASSERT_TRUE(Fires("evt.type = mkdir", SyscallRecord(SYS_mkdir, 0, {0, 0755}, "/tmp/d", {}, 30), &out, "%evt.arg.mode"));
  EXPECT_EQ(out, "1ED");
  // a raw argument prints in its display base but compares as the number it is
  ASSERT_TRUE(Fires("evt.rawarg.mode = 493 and evt.rawarg.mode in (1, 493) and evt.rawarg.mode > 400",
                    SyscallRecord(SYS_mkdir, 0, {0, 0755}, "/tmp/d", {}, 30), &out, "%evt.rawarg.mode"));
  EXPECT_EQ(out, "1ED");
  EXPECT_EQ(last_fields_["evt.rawarg.mode"], "1ED");
  ASSERT_TRUE(Fires("evt.type = openat",
                    SyscallRecord(SYS_openat, 4, {static_cast<uint64_t>(AT_FDCWD), 0, O_CREAT | O_WRONLY, 0644}, "/tmp/f", {}, 30),
                    &out, "%evt.arg.mode %evt.rawarg.mode"));
  EXPECT_EQ(out, "0644 644");
}

// append_output: Falco's default appends the suggested fields (which container, which
// pod) to every alert; entries match by source, tags and rule; extra_fields only reach
// output_fields, a bare field name typed.
TEST_F(RuleEvaluation, AppendOutputAddsSuggestedAndExtraFields) {
  const std::string rules =
      "- rule: Tagged\n  desc: t\n  condition: evt.type = openat\n  output: \"open %fd.name\"\n  priority: WARNING\n"
      "  tags: [a, b]\n"
      "- rule: Plain\n  desc: t\n  condition: evt.type = openat\n  output: \"plain\"\n  priority: WARNING\n";
  AppendOutput tagged;
  tagged.tags = {"a"};
  tagged.extra_output = "by %proc.name";
  tagged.extra_fields = {{"fd.num", ""}, {"who", "%proc.name/%proc.pname"}};
  std::vector<AppendOutput> entries = DefaultAppendOutput();
  entries.push_back(tagged);
  auto set = RuleSet::LoadTexts({{"t.yaml", rules}}, entries);
  ASSERT_FALSE(set->has_errors());
  std::vector<Alert> alerts = Evaluate(std::move(set), OpenShadow());
  ASSERT_EQ(alerts.size(), 2u);
  const std::string suggested =
      " container_id=host container_name=host container_image_repository= container_image_tag="
      " k8s_pod_name=<NA> k8s_ns_name=<NA>";
  EXPECT_EQ(alerts[0].output, "open /etc/shadow" + suggested + " by cat");
  EXPECT_EQ(alerts[1].output, "plain" + suggested);
  EXPECT_EQ(alerts[0].output_fields["container.id"], "host");
  EXPECT_EQ(alerts[0].output_fields["fd.num"], 3);
  EXPECT_EQ(alerts[0].output_fields["who"], "cat/bash");
  EXPECT_FALSE(alerts[1].output_fields.contains("who"));
}

TEST_F(RuleEvaluation, TransformersAndValField) {
  EXPECT_TRUE(Fires("toupper(proc.name) = CAT and tolower(proc.pname) = bash", OpenShadow()));
  EXPECT_TRUE(Fires("basename(fd.name) = shadow and len(fd.name) = 11", OpenShadow()));
  EXPECT_TRUE(Fires("proc.exe = val(proc.name)", OpenShadow()));
  EXPECT_FALSE(Fires("proc.pname = val(proc.name)", OpenShadow()));
}

TEST_F(RuleEvaluation, OutputsSubstituteFieldsAndKeepNumbersAsNumbers) {
  std::string out;
  ASSERT_TRUE(Fires("evt.type = openat", OpenShadow(), &out,
                    "file=%fd.name by %proc.name (pid=%proc.pid) gparent=%proc.aname[2] pod=%k8s.pod.name"));
  EXPECT_EQ(out, "file=/etc/shadow by cat (pid=30) gparent=sshd pod=<NA>");
  EXPECT_EQ(last_fields_["proc.pid"], 30);
  EXPECT_EQ(last_fields_["fd.name"], "/etc/shadow");
  EXPECT_TRUE(last_fields_["k8s.pod.name"].is_null());
}

TEST_F(RuleEvaluation, RulesAreOnlyEvaluatedForTheirEventTypes) {
  auto set = RuleSet::LoadTexts({{"t.yaml", R"(
- rule: Opens
  desc: t
  condition: evt.type in (open, openat) and fd.name = /etc/shadow
  output: o
  priority: WARNING
- rule: Execs
  desc: t
  condition: evt.type = execve
  output: e
  priority: WARNING
)"}});
  EXPECT_EQ(set->RulesFor("openat").size(), 1u);
  EXPECT_EQ(set->RulesFor("execve").size(), 1u);
  EXPECT_TRUE(set->RulesFor("connect").empty());
  bool any = true;
  EXPECT_EQ(set->EventTypes(&any), (std::set<std::string>{"execve", "open", "openat"}));
  EXPECT_FALSE(any);
}

// fs.path.*: the path a successful file syscall acted on, Falco's way: absolute against
// the cwd (or "<UNKNOWN>" where Falco does not know the dirfd's directory), raw as passed,
// source and target for the two-path syscalls, and a failed open still named unless it
// failed with EPERM (Falco's test is fd != -1).
TEST_F(RuleEvaluation, FsPathFieldsNameThePathsOfFileSyscalls) {
  std::string out;
  auto unlink_rel = SyscallRecord(SYS_unlink, 0, {}, "tmp/../x", {}, 30);
  ASSERT_TRUE(Fires("fs.path.name exists", unlink_rel, &out, "%fs.path.name|%fs.path.nameraw"));
  EXPECT_EQ(out, "/root/x|tmp/../x");
  auto unlinkat_cwd = SyscallRecord(SYS_unlinkat, 0, {static_cast<uint64_t>(AT_FDCWD), 0, 0}, "rel", {}, 30);
  ASSERT_TRUE(Fires("fs.path.name exists", unlinkat_cwd, &out, "%fs.path.name"));
  EXPECT_EQ(out, "<UNKNOWN>rel");
  auto rename = SyscallRecord(SYS_rename, 0, {}, "a", "/tmp/b", 30);
  ASSERT_TRUE(Fires("fs.path.source exists", rename, &out, "%fs.path.source|%fs.path.target|%fs.path.name"));
  EXPECT_EQ(out, "/root/a|/tmp/b|<NA>");
  auto link = SyscallRecord(SYS_link, 0, {}, "/etc/shadow", "/tmp/s", 30);  // link's source is the new name
  ASSERT_TRUE(Fires("fs.path.source exists", link, &out, "%fs.path.source|%fs.path.target"));
  EXPECT_EQ(out, "/tmp/s|/etc/shadow");
  EXPECT_FALSE(Fires("fs.path.name exists", SyscallRecord(SYS_unlink, -ENOENT, {}, "/nope", {}, 30)));
  auto open_enoent = SyscallRecord(SYS_openat, -ENOENT, {static_cast<uint64_t>(AT_FDCWD), 0, O_RDONLY}, "/etc/nope", {}, 30);
  EXPECT_TRUE(Fires("fs.path.name = /etc/nope", open_enoent));
  auto open_eperm = SyscallRecord(SYS_openat, -EPERM, {static_cast<uint64_t>(AT_FDCWD), 0, O_RDONLY}, "/etc/nope", {}, 30);
  EXPECT_FALSE(Fires("fs.path.name exists", open_eperm));
}

// evt.category and the I/O fields follow Falco's event table; I/O categories come from
// the fd the event uses.
TEST_F(RuleEvaluation, EventCategoriesAndIoFields) {
  std::string out;
  ASSERT_TRUE(Fires("evt.category = file", OpenShadow(), &out, "%evt.is_io|%evt.io_dir|%evt.count|%evt.count.error.file"));
  EXPECT_EQ(out, "false|<NA>|1|0");
  ASSERT_TRUE(Fires("evt.type = openat", OpenShadow()));  // fd 3 of pid 30 is now /etc/shadow
  auto read = SyscallRecord(SYS_read, 12, {3, 0, 4096}, {}, {}, 30);
  ASSERT_TRUE(Fires("evt.is_io_read = true", read, &out, "%evt.category|%evt.io_dir|%evt.buflen|%evt.buflen.file.in|%evt.buflen.out"));
  EXPECT_EQ(out, "file|read|12|12|<NA>");
  auto kill = SyscallRecord(SYS_kill, -ESRCH, {1234, 9}, {}, {}, 30);
  ASSERT_TRUE(Fires("evt.category = signal", kill, &out, "%evt.count.error|%evt.count.error.other|%evt.count.error.file"));
  EXPECT_EQ(out, "1|1|<NA>");
  EXPECT_TRUE(Fires("evt.type.is[kill] = 1 and syscall.type = kill", kill));
  EXPECT_TRUE(Fires("evt.type.is[openat] = 0", kill));
}

// Process fields Falco has beyond the basics: ancestors' command lines and environment,
// argument counts, leaders of the session and group, the standard fds.
TEST_F(RuleEvaluation, MoreProcessFields) {
  std::string out;
  ASSERT_TRUE(Fires("proc.acmdline = \"sshd -D\"", OpenShadow(), &out,
                    "%proc.cmdnargs|%proc.cmdlenargs|%proc.exeline|%proc.aargs[2]|%proc.pvpid|%thread.ismain"));
  EXPECT_EQ(out, "1|11|cat /etc/shadow|-D|0|true");
  EXPECT_TRUE(Fires("proc.aenv[TERM] = xterm", OpenShadow()));
  EXPECT_TRUE(Fires("proc.aenv[NOT_SET] = \"\"", OpenShadow()));
  ASSERT_TRUE(Fires("user.homedir exists", OpenShadow(), &out, "%user.homedir|%user.shell"));
  EXPECT_EQ(out, "/root|" + std::string(UserShell(0)));
}

// A Falco field riposte has no value for loads with a warning, and a check on it is false.
TEST_F(RuleEvaluation, FieldsWithoutValueWarnAndNeverMatch) {
  auto set = RuleSet::LoadTexts({{"t.yaml", "- rule: T\n  desc: t\n  condition: evt.type = openat and thread.exectime > 0\n"
                                            "  output: o\n  priority: WARNING\n"}});
  ASSERT_FALSE(set->has_errors());
  bool warned = false;
  for (const auto& m : set->messages()) warned |= m.text.find("'thread.exectime' has no value") != std::string::npos;
  EXPECT_TRUE(warned);
  EXPECT_TRUE(Evaluate(std::move(set), OpenShadow()).empty());
  EXPECT_FALSE(Fires("thread.exectime exists", OpenShadow()));
}

TEST_F(RuleEvaluation, ARulesOutputIsTrimmedAsFalcoTrimsIt) {
  // A folded block (`output: >`) ends in a newline; Falco trims it, so the appended
  // container fields follow the rule's text after one space.
  auto set = RuleSet::LoadTexts({{"t.yaml", "- rule: T\n  desc: t\n  condition: evt.type = openat\n  output: >\n"
                                            "    read %fd.name\n    by %proc.name\n  priority: WARNING\n"}},
                                {AppendOutput{.suggested_output = true}});
  std::vector<Alert> alerts = Evaluate(std::move(set), OpenShadow());
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_TRUE(alerts[0].output.starts_with("read /etc/shadow by cat container_id=host")) << alerts[0].output;
  EXPECT_EQ(alerts[0].output.find('\n'), std::string::npos) << alerts[0].output;
}

TEST_F(RuleEvaluation, MinimumPriorityDropsLowerRules) {
  auto set = RuleSet::LoadTexts({{"t.yaml", "- rule: Low\n  desc: t\n  condition: evt.type = openat\n  output: o\n  priority: INFO\n"}});
  Event e;
  auto rec = OpenShadow();
  ASSERT_TRUE(DecodeRecord(rec.bytes(), e).ok());
  tracker_.Apply(e);
  RuleEngine engine(std::shared_ptr<const RuleSet>(std::move(set)), Priority::kWarning, "h");
  std::vector<Alert> alerts;
  engine.Evaluate(e, tracker_.processes(), 0, alerts);
  EXPECT_TRUE(alerts.empty());
}

}  // namespace
}  // namespace riposte::testing
