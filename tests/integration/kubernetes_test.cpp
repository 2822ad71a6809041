// riposte on Kubernetes (deploy/kubernetes): the base and both overlays build with
// `kubectl kustomize` and pass the Kubernetes API schemas; the DaemonSet gives the pod
// exactly what docs/deploy.md says; the ConfigMaps load in the agent; and the enforce
// overlay's pod, run through CRI as a kubelet would from the image the recipe builds,
// answers /readyz at its IP, pauses another pod's interactive shell (writing the audit
// record on the node), and takes ConfigMap edits live, refusing a broken one.
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <httplib.h>

#include "audit/audit_verifier.h"
#include "common/prometheus_parse.h"
#include "containers/containerd_client.h"
#include "integration/agent_image.h"
#include "integration/agent_process.h"
#include "integration/capture_harness.h"
#include "integration/daemonset_pod.h"
#include "integration/kubernetes_manifests.h"
#include "integration/test_pod.h"

namespace riposte::testing {
namespace {

namespace fs = std::filesystem;

const char* const kBuilds[] = {"base", "overlays/dry-run", "overlays/enforce"};

std::vector<std::string> Strings(const YAML::Node& list) {
  std::vector<std::string> out;
  for (const auto& s : list) out.push_back(s.as<std::string>());
  return out;
}

// `node tests/kubernetes/validate.mjs FILE`: its output and exit code.
std::string ValidateAgainstSchemas(const std::string& text, int* rc) {
  const std::string file = "/tmp/riposte-manifests-" + std::to_string(getpid()) + ".yaml";
  std::ofstream(file) << text;
  std::string out = ShellStatus("node " + SourceDir() + "/tests/kubernetes/validate.mjs " + file + " 2>&1", rc);
  fs::remove(file);
  return out;
}

TEST(KubernetesManifests, BaseAndOverlaysBuildAndPassTheApiSchemas) {
  // The validator's schemas come from the npm registry (tests/run-all.sh installs them):
  // without them this test has nothing to check against, and says so instead of failing.
  if (!fs::exists(SourceDir() + "/tests/kubernetes/node_modules/.installed-lock.json"))
    GTEST_SKIP() << "not run: the Kubernetes schema packages are not installed (npm ci failed or was not run)";
  for (const char* dir : kBuilds) {
    SCOPED_TRACE(dir);
    RenderedManifests m = Kustomize(dir);
    ASSERT_TRUE(m.error.empty()) << m.error;
    int rc = 0;
    std::string out = ValidateAgainstSchemas(m.text, &rc);
    EXPECT_EQ(rc, 0) << out;
    for (const char* object : {"v1 Namespace/riposte", "v1 ServiceAccount/riposte", "v1 ConfigMap/riposte-config",
                               "v1 ConfigMap/riposte-rules", "v1 ConfigMap/riposte-policies",
                               "v1 Service/riposte-metrics", "apps/v1 DaemonSet/riposte"})
      EXPECT_NE(out.find(std::string("valid ") + object), std::string::npos) << object << "\n" << out;
    // No API permissions at all: the agent never calls the API server.
    for (const auto& o : m.objects) {
      const std::string kind = o["kind"].as<std::string>();
      EXPECT_EQ(kind.find("Role"), std::string::npos) << kind;
      if (kind != "Namespace") {
        EXPECT_EQ(o["metadata"]["namespace"].as<std::string>(""), "riposte") << kind;
      }
    }
  }
  // The validator refuses what the API server would: a port that is not a number.
  RenderedManifests base = Kustomize("base");
  std::string broken = base.text;
  broken.replace(broken.find("containerPort: 9376"), 19, "containerPort: ops");
  int rc = 0;
  std::string out = ValidateAgainstSchemas(broken, &rc);
  EXPECT_NE(rc, 0) << out;
  EXPECT_NE(out.find("containerPort must be integer"), std::string::npos) << out;
}

TEST(KubernetesManifests, TheDaemonSetGivesThePodWhatTheDocsSay) {
  const DocumentedPod docs = ReadDocumentedPod(ReadFileText(SourceDir() + "/docs/deploy.md"));
  ASSERT_EQ(docs.capabilities.size(), 7u) << "the capability table of docs/deploy.md";
  ASSERT_EQ(docs.host_mounts.size(), 6u) << "the volume table of docs/deploy.md";
  for (const char* dir : kBuilds) {
    SCOPED_TRACE(dir);
    RenderedManifests m = Kustomize(dir);
    ASSERT_TRUE(m.error.empty()) << m.error;
    const YAML::Node ds = m.Find("DaemonSet", "riposte");
    ASSERT_FALSE(ds.IsNull());
    const YAML::Node pod = ds["spec"]["template"]["spec"];
    const YAML::Node c = pod["containers"][0];
    EXPECT_TRUE(pod["hostPID"].as<bool>(false));
    EXPECT_FALSE(pod["hostNetwork"].as<bool>(false));
    EXPECT_FALSE(pod["automountServiceAccountToken"].as<bool>(true));
    EXPECT_EQ(pod["tolerations"][0]["operator"].as<std::string>(""), "Exists");
    EXPECT_EQ(ds["spec"]["updateStrategy"]["type"].as<std::string>(""), "RollingUpdate");

    const YAML::Node sc = c["securityContext"];
    EXPECT_FALSE(sc["privileged"].as<bool>(true));
    EXPECT_TRUE(sc["readOnlyRootFilesystem"].as<bool>(false));
    EXPECT_EQ(Strings(sc["capabilities"]["drop"]), std::vector<std::string>{"ALL"});
    auto added = Strings(sc["capabilities"]["add"]);
    EXPECT_EQ(std::set<std::string>(added.begin(), added.end()), docs.capabilities);
    EXPECT_EQ(sc["seccompProfile"]["type"].as<std::string>(""), "Unconfined");

    // Every hostPath is in the table, with the same paths and access, and nothing else.
    std::map<std::string, YAML::Node> mounts;
    for (const auto& vm : c["volumeMounts"]) mounts.emplace(vm["name"].as<std::string>(), static_cast<const YAML::Node&>(vm));
    size_t host_paths = 0;
    for (const auto& v : pod["volumes"]) {
      const std::string name = v["name"].as<std::string>();
      ASSERT_TRUE(mounts.count(name)) << "volume " << name << " is mounted nowhere";
      if (v["configMap"]) {
        EXPECT_TRUE(mounts[name]["readOnly"].as<bool>(false)) << name;
        continue;
      }
      ++host_paths;
      auto doc = docs.host_mounts.find(name);
      ASSERT_NE(doc, docs.host_mounts.end()) << "hostPath volume " << name << " is not in docs/deploy.md";
      EXPECT_EQ(v["hostPath"]["path"].as<std::string>(), doc->second.host_path) << name;
      EXPECT_EQ(mounts[name]["mountPath"].as<std::string>(), doc->second.mount_path) << name;
      EXPECT_EQ(mounts[name]["readOnly"].as<bool>(false), doc->second.read_only) << name;
    }
    EXPECT_EQ(host_paths, docs.host_mounts.size());

    // Probes on the ops port, which is where the configuration serves them.
    EXPECT_EQ(c["ports"][0]["name"].as<std::string>(), "ops");
    EXPECT_EQ(c["ports"][0]["containerPort"].as<int>(), 9376);
    EXPECT_EQ(c["livenessProbe"]["httpGet"]["path"].as<std::string>(), "/healthz");
    EXPECT_EQ(c["readinessProbe"]["httpGet"]["path"].as<std::string>(), "/readyz");
    EXPECT_EQ(c["startupProbe"]["httpGet"]["path"].as<std::string>(), "/readyz");
    for (const char* probe : {"livenessProbe", "readinessProbe", "startupProbe"})
      EXPECT_EQ(c[probe]["httpGet"]["port"].as<std::string>(), "ops") << probe;
    const YAML::Node config = YAML::Load(m.ConfigMapData("riposte-config")["riposte.yaml"]);
    EXPECT_EQ(config["ops"]["listen"].as<std::string>(), "0.0.0.0:9376");
    const YAML::Node service = m.Find("Service", "riposte-metrics");
    EXPECT_EQ(service["spec"]["ports"][0]["port"].as<int>(), 9376);
    EXPECT_EQ(service["spec"]["ports"][0]["targetPort"].as<std::string>(), "ops");

    auto args = Strings(c["args"]);
    const bool dry_run = std::find(args.begin(), args.end(), "--dry-run") != args.end();
    EXPECT_EQ(dry_run, std::string(dir) == "overlays/dry-run");
  }
}

// The rules and policies each build ships load in the agent beside the image's defaults,
// in the order its configuration gives.
TEST(KubernetesManifests, EveryBuildsRulesPoliciesAndConfigurationLoad) {
  for (const char* dir : kBuilds) {
    SCOPED_TRACE(dir);
    RenderedManifests m = Kustomize(dir);
    ASSERT_TRUE(m.error.empty()) << m.error;
    const std::string tmp = "/tmp/riposte-k8s-config-" + std::to_string(getpid());
    fs::create_directories(tmp);
    std::ofstream(tmp + "/riposte.yaml") << m.ConfigMapData("riposte-config")["riposte.yaml"];
    std::ofstream(tmp + "/local_rules.yaml") << m.ConfigMapData("riposte-rules")["local_rules.yaml"];
    std::ofstream(tmp + "/local_policies.yaml") << m.ConfigMapData("riposte-policies")["local_policies.yaml"];
    const std::string riposte = RiposteBinary() + " --config " + tmp + "/riposte.yaml ";
    int rc = 0;
    std::string out = ShellStatus(riposte + "rules validate " + SourceDir() + "/rules " + tmp + "/local_rules.yaml 2>&1", &rc);
    EXPECT_EQ(rc, 0) << out;
    out = ShellStatus(riposte + "policy validate " + tmp + "/local_policies.yaml " + SourceDir() + "/policies 2>&1", &rc);
    EXPECT_EQ(rc, 0) << out;
    if (std::string(dir) == "overlays/enforce") {
      // Its policies act (no dry-run mode) and come first.
      const YAML::Node policies = YAML::Load(m.ConfigMapData("riposte-policies")["local_policies.yaml"]);
      ASSERT_GE(policies.size(), 1u);
      for (const auto& p : policies) EXPECT_FALSE(p["mode"]) << p["policy"].as<std::string>();
      EXPECT_EQ(Strings(YAML::Load(m.ConfigMapData("riposte-config")["riposte.yaml"])["policies"])[0],
                "/etc/riposte/policies.d");
    }
    fs::remove_all(tmp);
  }
}

// The CapEff bit of each capability the DaemonSet names (linux/capability.h).
uint64_t CapabilityBits(const std::vector<std::string>& names) {
  static const std::map<std::string, int> bit = {{"DAC_READ_SEARCH", 2}, {"KILL", 5},       {"NET_ADMIN", 12},
                                                  {"SYS_PTRACE", 19},     {"SYS_ADMIN", 21},
                                                  {"PERFMON", 38},        {"BPF", 39}};
  uint64_t bits = 0;
  for (const auto& n : names) bits |= uint64_t{1} << bit.at(n);
  return bits;
}

std::string StatusLine(pid_t pid, const std::string& key) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);)
    if (line.starts_with(key + ":")) return line.substr(line.find_first_not_of(" \t", key.size() + 1));
  return "";
}

TEST(KubernetesDaemonSet, TheEnforcePodRunsThroughCriAndPausesAnInteractiveShellInAnotherPod) {
  const std::string socket = TestContainerdSocket();
  RenderedManifests m = Kustomize("overlays/enforce");
  ASSERT_TRUE(m.error.empty()) << m.error;
  const YAML::Node ds = m.Find("DaemonSet", "riposte");
  ASSERT_FALSE(ds.IsNull());
  const YAML::Node container = ds["spec"]["template"]["spec"]["containers"][0];

  // The image the DaemonSet names, built by the recipe and imported as a node would pull it.
  const std::string image = container["image"].as<std::string>();
  const size_t colon = image.rfind(':');
  const std::string work = "/tmp/riposte-k8s-" + std::to_string(getpid());
  fs::remove_all(work);
  auto built = BuildAgentImage(work + "/image", image.substr(colon + 1));
  ASSERT_TRUE(built.ok()) << built.error().message;
  Status imported = ImportImage(socket, "k8s.io", image.substr(0, colon), *built);
  ASSERT_TRUE(imported.ok()) << imported.error().message;

  std::map<std::string, std::map<std::string, std::string>> config_maps;
  for (const char* name : {"riposte-config", "riposte-rules", "riposte-policies"}) config_maps[name] = m.ConfigMapData(name);
  {
    DaemonSetPod agent(socket, ds, config_maps, work + "/node");
    ASSERT_TRUE(agent.ok()) << agent.error();

    // Ready, asked the way the kubelet's prober asks: the pod's IP and the ops port.
    auto pod = agent.cri().PodSandboxStatus(agent.sandbox_id());
    ASSERT_TRUE(pod && !pod->ip.empty()) << (pod ? "no pod IP" : pod.error().message);
    httplib::Client ops(pod->ip, container["ports"][0]["containerPort"].as<int>());
    ops.set_connection_timeout(std::chrono::seconds(1));
    auto status_of = [&](const char* path) {
      auto r = ops.Get(path);
      return r ? r->status : 0;
    };
    const std::string agent_log = work + "/node/pod-logs/riposte.log";
    ASSERT_TRUE(WaitFor([&] { return status_of("/readyz") == 200; }, 90000))
        << "/readyz never answered 200; the agent's log:\n" << ReadFileText(agent_log);
    EXPECT_EQ(status_of("/healthz"), 200);

    // The agent runs with exactly the DaemonSet's capabilities, not privileged.
    ContainerdClient containerd(socket);
    auto task = containerd.GetTask("k8s.io", agent.container_id());
    ASSERT_TRUE(task) << task.error().message;
    const uint64_t expected = CapabilityBits(Strings(container["securityContext"]["capabilities"]["add"]));
    EXPECT_EQ(std::stoull(StatusLine(task->pid, "CapEff"), nullptr, 16), expected);
    EXPECT_EQ(StatusLine(task->pid, "NoNewPrivs"), "1");
    EXPECT_EQ(StatusLine(task->pid, "Seccomp"), "0");

    // A pod whose entrypoint is a shell script (no terminal): detected by the default rule,
    // answered by no enforcing policy, left running.
    TestPod script(socket, "script-pod", "default", {{"app", "script"}});
    ASSERT_TRUE(script.ok()) << script.error();
    const std::string script_id = script.AddContainer("job", {"sh", "-c", "sleep 300"});
    ASSERT_FALSE(script_id.empty()) << script.error();

    // Another pod's container starts a shell on a terminal, as `kubectl run -it` does.
    std::string victim_id;
    {
      TestPod victim(socket, "shell-victim", "default", {{"app", "victim"}});
      ASSERT_TRUE(victim.ok()) << victim.error();
      victim_id = victim.AddContainer("sh", {"sh"}, "", /*interactive=*/true);
      ASSERT_FALSE(victim_id.empty()) << victim.error();
      const bool paused = WaitFor(
          [&] {
            auto t = containerd.GetTask("k8s.io", victim_id);
            return t && t->status == TaskStatus::kPaused;
          },
          30000);
      EXPECT_TRUE(paused) << "the shell's container was not paused; the agent's log:\n" << ReadFileText(agent_log);
      (void)containerd.ResumeTask("k8s.io", victim_id);  // so the pod can be stopped
    }
    auto script_task = containerd.GetTask("k8s.io", script_id);
    ASSERT_TRUE(script_task) << script_task.error().message;
    EXPECT_EQ(script_task->status, TaskStatus::kRunning) << "a shell without a terminal must not be paused";

    // The audit record is on the node's path, in an intact chain.
    const std::string audit = agent.NodePath("/var/log/riposte") + "/audit.log";
    bool paused_record = false;
    std::ifstream in(audit);
    for (std::string line; std::getline(in, line);) {
      auto r = nlohmann::json::parse(line, nullptr, false);
      if (r.is_object() && r.value("kind", "") == "action" && r.value("phase", "") == "result" &&
          r.value("action", "") == "container.pause" && r.value("outcome", "") == "done")
        paused_record = r.value("policy", "") == "pause-interactive-shells" &&
                        r["target"].value("container_id", "") == victim_id;
    }
    EXPECT_TRUE(paused_record) << ReadFileText(audit);
    EXPECT_TRUE(VerifyAuditChain({audit}).ok);

    // And the scrape says so (alert counts are published once a second: wait for one).
    PromParse p;
    EXPECT_TRUE(WaitFor(
        [&] {
          auto metrics = ops.Get("/metrics");
          if (!metrics) return false;
          p = ParsePrometheusText(metrics->body);
          return p.Value("riposte_alerts_total", {{"rule", "Interactive shell in pod"}}).value_or(0) >= 1.0;
        },
        3000));
    ASSERT_TRUE(p.error.empty()) << p.error;
    EXPECT_EQ(p.Value("riposte_actions_total", {{"action", "container.pause"}, {"outcome", "done"}}), 1.0);

    // A ConfigMap edit reaches the running pod: a broken rule file is refused (counted, the
    // pod stays ready), a good one is taken.
    auto reloads = [&](const char* result) {
      auto r = ops.Get("/metrics");
      return r ? ParsePrometheusText(r->body).Value("riposte_reloads_total", {{"result", result}}).value_or(0) : -1.0;
    };
    const double failures = reloads("failure"), successes = reloads("success");
    agent.UpdateConfigMap("riposte-rules", {{"local_rules.yaml", "- rule: Broken\n  condition: proc.nme = x\n"}});
    EXPECT_TRUE(WaitFor([&] { return reloads("failure") == failures + 1; }, 10000))
        << "the broken rules were not refused; the agent's log:\n" << ReadFileText(agent_log);
    EXPECT_EQ(status_of("/readyz"), 200);
    agent.UpdateConfigMap("riposte-rules", config_maps["riposte-rules"]);
    EXPECT_TRUE(WaitFor([&] { return reloads("success") == successes + 1; }, 10000))
        << "the good rules were not reloaded; the agent's log:\n" << ReadFileText(agent_log);
  }
  Shell("ctr --address " + socket + " -n k8s.io images rm " + image + " >/dev/null 2>&1; true");
  fs::remove_all(work);
}

}  // namespace
}  // namespace riposte::testing
