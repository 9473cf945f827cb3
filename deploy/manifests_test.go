// Package deploy checks the Kubernetes manifests, the Helm values and the Dockerfile that ship
// with otelcol-mlflow. No cluster runs here: manifests are decoded strictly into the k8s.io/api
// types, their invariants are checked, and the collector configs they carry are validated by the
// built binary itself (`otelcol-mlflow validate`).
package deploy

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

// objects are the decoded documents of the manifests, by kind and name.
type objects struct {
	configMaps   map[string]corev1.ConfigMap
	daemonSets   map[string]appsv1.DaemonSet
	deployments  map[string]appsv1.Deployment
	statefulSets map[string]appsv1.StatefulSet
	services     map[string]corev1.Service
}

func load(t *testing.T, files ...string) objects {
	t.Helper()
	o := objects{map[string]corev1.ConfigMap{}, map[string]appsv1.DaemonSet{}, map[string]appsv1.Deployment{}, map[string]appsv1.StatefulSet{}, map[string]corev1.Service{}}
	for _, f := range files {
		raw, err := os.ReadFile(filepath.Join("kubernetes", f))
		require.NoError(t, err)
		for i, doc := range regexp.MustCompile(`(?m)^---\s*$`).Split(string(raw), -1) {
			if strings.TrimSpace(stripComments(doc)) == "" {
				continue
			}
			var meta struct{ Kind string }
			require.NoError(t, yaml.Unmarshal([]byte(doc), &meta))
			ctx := f + " document " + string(rune('0'+i))
			switch meta.Kind {
			case "ConfigMap":
				var v corev1.ConfigMap
				require.NoError(t, yaml.UnmarshalStrict([]byte(doc), &v), ctx)
				o.configMaps[f+"/"+v.Name] = v
			case "DaemonSet":
				var v appsv1.DaemonSet
				require.NoError(t, yaml.UnmarshalStrict([]byte(doc), &v), ctx)
				o.daemonSets[v.Name] = v
			case "Deployment":
				var v appsv1.Deployment
				require.NoError(t, yaml.UnmarshalStrict([]byte(doc), &v), ctx)
				o.deployments[v.Name] = v
			case "StatefulSet":
				var v appsv1.StatefulSet
				require.NoError(t, yaml.UnmarshalStrict([]byte(doc), &v), ctx)
				o.statefulSets[v.Name] = v
			case "Service":
				var v corev1.Service
				require.NoError(t, yaml.UnmarshalStrict([]byte(doc), &v), ctx)
				o.services[v.Name] = v
			default:
				t.Fatalf("%s: unexpected kind %q", ctx, meta.Kind)
			}
		}
	}
	return o
}

func stripComments(doc string) string {
	var b strings.Builder
	for _, l := range strings.Split(doc, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(l), "#") {
			b.WriteString(l + "\n")
		}
	}
	return b.String()
}

func TestAgentDaemonSet(t *testing.T) {
	o := load(t, "agent.yaml")
	ds, ok := o.daemonSets["otelcol-mlflow-agent"]
	require.True(t, ok)
	pod := ds.Spec.Template.Spec
	require.Len(t, pod.Containers, 1)
	c := pod.Containers[0]

	hostPorts := map[int32]bool{}
	for _, p := range c.Ports {
		if p.HostPort != 0 {
			assert.Equal(t, p.ContainerPort, p.HostPort, "hostPort %s", p.Name)
			hostPorts[p.HostPort] = true
		}
	}
	assert.True(t, hostPorts[4317] && hostPorts[4318] && hostPorts[5050], "OTLP and mlflow receiver ports are host ports: %v", hostPorts)

	checkPodBasics(t, pod, c)
	checkConfigMount(t, o, "agent.yaml", pod, c)

	env := envByName(c)
	require.Contains(t, env, "K8S_NODE_NAME")
	assert.Equal(t, "spec.nodeName", env["K8S_NODE_NAME"].ValueFrom.FieldRef.FieldPath)
	cfg := o.configMaps["agent.yaml/otelcol-mlflow-agent"].Data["config.yaml"]
	assert.Contains(t, cfg, "key: k8s.node.name")
	assert.Contains(t, cfg, "value: ${env:K8S_NODE_NAME}")

	// The persistent queue's directory is a mounted volume.
	queueDir := queueDirectory(t, cfg)
	assert.True(t, mounted(c, queueDir), "queue directory %s is mounted", queueDir)
	assert.Contains(t, cfg, "storage: file_storage/queue")
	// It outlives the pod (a hostPath), and an init container hands it to the collector's user,
	// since the kubelet creates hostPath directories owned by root and fsGroup does not apply
	// to hostPath. The init container runs as root with CHOWN as its only capability.
	queue := volumeAt(t, pod, c, queueDir)
	require.NotNil(t, queue.HostPath, "queue volume %s is a hostPath", queue.Name)
	checkChownInit(t, pod.InitContainers, queueDir)
}

// volumeAt returns the pod volume that c mounts at path.
func volumeAt(t *testing.T, pod corev1.PodSpec, c corev1.Container, path string) corev1.Volume {
	t.Helper()
	for _, m := range c.VolumeMounts {
		if m.MountPath != path {
			continue
		}
		for _, v := range pod.Volumes {
			if v.Name == m.Name {
				return v
			}
		}
	}
	t.Fatalf("no volume mounted at %s", path)
	return corev1.Volume{}
}

func TestGateway(t *testing.T) {
	o := load(t, "gateway.yaml", "agent-to-gateway.yaml", "agent.yaml")
	assert.Empty(t, o.deployments, "the gateway is a StatefulSet: each replica needs its own queue volume")
	sts, ok := o.statefulSets["otelcol-mlflow-gateway"]
	require.True(t, ok)
	require.NotNil(t, sts.Spec.Replicas)
	assert.GreaterOrEqual(t, *sts.Spec.Replicas, int32(2))
	pod := sts.Spec.Template.Spec
	require.Len(t, pod.Containers, 1)
	c := pod.Containers[0]
	checkPodBasics(t, pod, c)
	checkConfigMount(t, o, "gateway.yaml", pod, c)

	// The persistent queue is on a ReadWriteOnce PVC per replica (a volumeClaimTemplate), not
	// on an emptyDir, which a rolling update deletes with whatever is queued.
	cfg := o.configMaps["gateway.yaml/otelcol-mlflow-gateway"].Data["config.yaml"]
	queueDir := queueDirectory(t, cfg)
	assert.Contains(t, cfg, "storage: file_storage/queue")
	var queueMount string
	for _, m := range c.VolumeMounts {
		if m.MountPath == queueDir {
			queueMount = m.Name
		}
	}
	require.NotEmpty(t, queueMount, "queue directory %s is mounted", queueDir)
	for _, v := range pod.Volumes {
		assert.NotEqual(t, queueMount, v.Name, "queue volume %s comes from a volumeClaimTemplate, not the pod's volumes", v.Name)
	}
	var claim *corev1.PersistentVolumeClaim
	for i := range sts.Spec.VolumeClaimTemplates {
		if sts.Spec.VolumeClaimTemplates[i].Name == queueMount {
			claim = &sts.Spec.VolumeClaimTemplates[i]
		}
	}
	require.NotNil(t, claim, "volumeClaimTemplate %s", queueMount)
	assert.Equal(t, []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce}, claim.Spec.AccessModes)
	assert.False(t, claim.Spec.Resources.Requests.Storage().IsZero(), "queue PVC size")
	// fsGroup makes the PVC writable by the collector's group; no init container needed.
	require.NotNil(t, pod.SecurityContext.FSGroup)
	assert.EqualValues(t, 10001, *pod.SecurityContext.FSGroup)
	assert.Empty(t, pod.InitContainers)

	headless, ok := o.services["otelcol-mlflow-gateway-headless"]
	require.True(t, ok)
	assert.Equal(t, corev1.ClusterIPNone, headless.Spec.ClusterIP)
	assert.Equal(t, headless.Name, sts.Spec.ServiceName)
	assert.Equal(t, sts.Spec.Template.Labels["app.kubernetes.io/component"], headless.Spec.Selector["app.kubernetes.io/component"])

	agentCfg := o.configMaps["agent-to-gateway.yaml/otelcol-mlflow-agent"].Data["config.yaml"]
	assert.Contains(t, agentCfg, "routing_key: traceID")
	assert.Contains(t, agentCfg, headless.Name+".")
	// A send that fails comes back to load_balancing, which queues it on disk and routes it
	// again once the gateway set changed; the per-gateway otlp exporter neither queues (that
	// would count the spans as sent) nor retries (that would hold them on a gone gateway).
	var agent map[string]any
	require.NoError(t, yaml.Unmarshal([]byte(agentCfg), &agent))
	assert.Equal(t, true, lookup(agent, "exporters", "load_balancing", "retry_on_failure", "enabled"))
	assert.Equal(t, true, lookup(agent, "exporters", "load_balancing", "sending_queue", "enabled"))
	assert.Equal(t, "file_storage/queue", lookup(agent, "exporters", "load_balancing", "sending_queue", "storage"))
	// That queue is on the DaemonSet's hostPath, which agent-to-gateway.yaml keeps.
	ds := o.daemonSets["otelcol-mlflow-agent"]
	require.NotEmpty(t, ds.Spec.Template.Spec.Containers)
	agentQueue := volumeAt(t, ds.Spec.Template.Spec, ds.Spec.Template.Spec.Containers[0], queueDirectory(t, agentCfg))
	assert.NotNil(t, agentQueue.HostPath, "the agent's queue volume is a hostPath")
	assert.Equal(t, false, lookup(agent, "exporters", "load_balancing", "protocol", "otlp", "sending_queue", "enabled"))
	assert.Equal(t, false, lookup(agent, "exporters", "load_balancing", "protocol", "otlp", "retry_on_failure", "enabled"))

	// Existing collectors use the gateway through a ClusterIP Service on its OTLP ports.
	gateway, ok := o.services["otelcol-mlflow-gateway"]
	require.True(t, ok)
	assert.NotEqual(t, corev1.ClusterIPNone, gateway.Spec.ClusterIP)
	assert.Equal(t, headless.Spec.Selector, gateway.Spec.Selector)
	ports := map[int32]bool{}
	for _, p := range gateway.Spec.Ports {
		ports[p.Port] = true
	}
	assert.True(t, ports[4317] && ports[4318], "OTLP ports: %v", ports)
}

// lookup walks a decoded collector config; nil if a key is missing.
func lookup(m map[string]any, keys ...string) any {
	var v any = m
	for _, k := range keys {
		mm, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = mm[k]
	}
	return v
}

// queueDirectory is the file_storage directory of a config.
func queueDirectory(t *testing.T, cfg string) string {
	t.Helper()
	m := regexp.MustCompile(`directory: (\S+)`).FindStringSubmatch(cfg)
	require.Len(t, m, 2, "file_storage directory in the config")
	return m[1]
}

// checkPodBasics: probes on the health check, requests and limits, GOMEMLIMIT at about 80% of
// the memory limit, non-root, a read-only root filesystem, the tracking URI from the Secret, and
// a grace period that outlasts the exporter's in-flight request at shutdown.
func checkPodBasics(t *testing.T, pod corev1.PodSpec, c corev1.Container) {
	t.Helper()
	// The mlflow exporter's request timeout is 30s, the kubelet's default grace period too: a
	// SIGKILL would cut the request llmtrace's shutdown flush is waiting on.
	require.NotNil(t, pod.TerminationGracePeriodSeconds, "terminationGracePeriodSeconds")
	assert.GreaterOrEqual(t, *pod.TerminationGracePeriodSeconds, int64(60))
	for name, probe := range map[string]*corev1.Probe{"liveness": c.LivenessProbe, "readiness": c.ReadinessProbe} {
		require.NotNil(t, probe, name)
		require.NotNil(t, probe.HTTPGet, name)
		assert.Equal(t, 13133, probe.HTTPGet.Port.IntValue(), name)
	}
	require.NotNil(t, c.Resources.Limits.Memory())
	limit := c.Resources.Limits.Memory().Value()
	assert.False(t, c.Resources.Requests.Memory().IsZero(), "memory request")
	assert.False(t, c.Resources.Requests.Cpu().IsZero(), "cpu request")
	assert.False(t, c.Resources.Limits.Cpu().IsZero(), "cpu limit")

	env := envByName(c)
	require.Contains(t, env, "GOMEMLIMIT")
	memLimit := parseGoMemLimit(t, env["GOMEMLIMIT"].Value)
	ratio := float64(memLimit) / float64(limit)
	assert.InDelta(t, 0.8, ratio, 0.05, "GOMEMLIMIT %s of %d", env["GOMEMLIMIT"].Value, limit)

	require.NotNil(t, pod.SecurityContext)
	require.NotNil(t, pod.SecurityContext.RunAsNonRoot)
	assert.True(t, *pod.SecurityContext.RunAsNonRoot)
	assert.EqualValues(t, 10001, *pod.SecurityContext.RunAsUser)
	require.NotNil(t, c.SecurityContext)
	assert.True(t, *c.SecurityContext.ReadOnlyRootFilesystem)
	assert.False(t, *c.SecurityContext.AllowPrivilegeEscalation)
	assert.True(t, mounted(c, "/conf"))

	// The tracking URI, which may carry credentials, comes from the Secret.
	uri, ok := env["MLFLOW_TRACKING_URI"]
	require.True(t, ok, "MLFLOW_TRACKING_URI")
	require.NotNil(t, uri.ValueFrom)
	require.NotNil(t, uri.ValueFrom.SecretKeyRef)
	assert.Equal(t, "otelcol-mlflow", uri.ValueFrom.SecretKeyRef.Name)
}

func envByName(c corev1.Container) map[string]corev1.EnvVar {
	out := map[string]corev1.EnvVar{}
	for _, e := range c.Env {
		out[e.Name] = e
	}
	return out
}

func mounted(c corev1.Container, path string) bool {
	for _, m := range c.VolumeMounts {
		if m.MountPath == path {
			return true
		}
	}
	return false
}

func parseGoMemLimit(t *testing.T, v string) int64 {
	t.Helper()
	m := regexp.MustCompile(`^(\d+)(MiB|GiB)$`).FindStringSubmatch(v)
	require.Len(t, m, 3, "GOMEMLIMIT %q", v)
	var n int64
	for _, d := range m[1] {
		n = n*10 + int64(d-'0')
	}
	if m[2] == "GiB" {
		return n << 30
	}
	return n << 20
}

// TestMemoryLimiter: every config limits memory as a percentage of the container's limit (so a
// changed limit needs no config change), at or above GOMEMLIMIT's share (checkPodBasics pins
// 80%), and memory_limiter comes first in each pipeline, so refused data is refused before any
// processor holds it.
func TestMemoryLimiter(t *testing.T) {
	o := load(t, "agent.yaml", "gateway.yaml", "agent-to-gateway.yaml")
	require.Len(t, o.configMaps, 3)
	for name, cm := range o.configMaps {
		var cfg map[string]any
		require.NoError(t, yaml.Unmarshal([]byte(cm.Data["config.yaml"]), &cfg), name)
		ml, ok := lookup(cfg, "processors", "memory_limiter").(map[string]any)
		require.True(t, ok, "%s: memory_limiter", name)
		assert.NotContains(t, ml, "limit_mib", name)
		pct, ok := ml["limit_percentage"].(float64)
		require.True(t, ok, "%s: limit_percentage", name)
		assert.GreaterOrEqual(t, pct, 80.0, "%s: the limiter's hard limit is not below GOMEMLIMIT", name)
		pipelines, ok := lookup(cfg, "service", "pipelines").(map[string]any)
		require.True(t, ok, name)
		for p := range pipelines {
			procs, _ := lookup(cfg, "service", "pipelines", p, "processors").([]any)
			require.NotEmpty(t, procs, "%s: %s processors", name, p)
			assert.Equal(t, "memory_limiter", procs[0], "%s: %s", name, p)
		}
	}
}

// TestConfigsValidate runs the built collector's own `validate` on every config the manifests
// carry, so an unknown component or field fails here rather than in a cluster.
func TestConfigsValidate(t *testing.T) {
	bin, err := filepath.Abs(filepath.Join("..", "bin", "otelcol-mlflow"))
	require.NoError(t, err)
	if _, err := os.Stat(bin); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s missing; `make build` first", bin)
		}
		t.Skipf("%s missing; run `make build` to validate the configs", bin)
	}
	o := load(t, "agent.yaml", "gateway.yaml", "agent-to-gateway.yaml")
	require.Len(t, o.configMaps, 3)
	for name, cm := range o.configMaps {
		t.Run(name, func(t *testing.T) {
			f := filepath.Join(t.TempDir(), "config.yaml")
			require.NoError(t, os.WriteFile(f, []byte(cm.Data["config.yaml"]), 0o600))
			cmd := exec.Command(bin, "validate", "--config", f)
			cmd.Env = append(os.Environ(), "MY_POD_IP=127.0.0.1", "K8S_NODE_NAME=node-1", "MLFLOW_TRACKING_URI=http://127.0.0.1:5000")
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			assert.NoError(t, cmd.Run(), out.String())
		})
	}
}

func TestHelmValues(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("helm", "values.yaml"))
	require.NoError(t, err)
	var v struct {
		Mode              string
		Image             struct{ Repository, Tag string }
		Command           struct{ Name string }
		UseGOMEMLIMIT     bool                        `json:"useGOMEMLIMIT"`
		Resources         corev1.ResourceRequirements `json:"resources"`
		SecurityContext   corev1.SecurityContext      `json:"securityContext"`
		ExtraEnvs         []corev1.EnvVar             `json:"extraEnvs"`
		ExtraVolumes      []corev1.Volume             `json:"extraVolumes"`
		ExtraVolumeMounts []corev1.VolumeMount        `json:"extraVolumeMounts"`
		InitContainers    []corev1.Container          `json:"initContainers"`
		Config            map[string]any
	}
	require.NoError(t, yaml.Unmarshal(raw, &v))
	assert.Equal(t, "daemonset", v.Mode)
	assert.NotEmpty(t, v.Image.Repository)
	assert.Equal(t, "otelcol-mlflow", v.Command.Name, "the chart runs /<command.name>; the image's binary is /otelcol-mlflow")
	assert.Contains(t, v.Config, "exporters")

	// The chart derives GOMEMLIMIT (80%) from the memory limit; memory_limiter's percentages
	// come from the chart's default config.
	assert.True(t, v.UseGOMEMLIMIT)
	assert.False(t, v.Resources.Limits.Memory().IsZero(), "memory limit")
	require.NotNil(t, v.SecurityContext.RunAsUser)
	assert.EqualValues(t, 10001, *v.SecurityContext.RunAsUser)
	require.NotNil(t, v.SecurityContext.ReadOnlyRootFilesystem)
	assert.True(t, *v.SecurityContext.ReadOnlyRootFilesystem)

	env := map[string]corev1.EnvVar{}
	for _, e := range v.ExtraEnvs {
		env[e.Name] = e
	}
	require.NotNil(t, env["MLFLOW_TRACKING_URI"].ValueFrom, "MLFLOW_TRACKING_URI")
	require.NotNil(t, env["MLFLOW_TRACKING_URI"].ValueFrom.SecretKeyRef, "MLFLOW_TRACKING_URI from the Secret")

	// The queue directory is a hostPath mounted in the collector and handed to 10001 by the
	// init container, as in agent.yaml.
	dir, _ := lookup(v.Config, "extensions", "file_storage/queue", "directory").(string)
	require.NotEmpty(t, dir, "file_storage directory")
	var hostPath string
	for _, m := range v.ExtraVolumeMounts {
		if m.MountPath != dir {
			continue
		}
		for _, vol := range v.ExtraVolumes {
			if vol.Name == m.Name && vol.HostPath != nil {
				hostPath = vol.HostPath.Path
			}
		}
	}
	assert.NotEmpty(t, hostPath, "a hostPath volume is mounted at %s", dir)
	checkChownInit(t, v.InitContainers, dir)
}

// checkChownInit checks the one init container that hands the queue directory dir, a hostPath
// the kubelet creates owned by root, to the collector's user: chown and nothing more.
func checkChownInit(t *testing.T, initContainers []corev1.Container, dir string) {
	t.Helper()
	require.Len(t, initContainers, 1)
	initC := initContainers[0]
	assert.True(t, mounted(initC, dir), "the init container mounts the queue directory")
	assert.Equal(t, []string{"chown", "-R", "10001:10001", dir}, initC.Command)
	require.NotNil(t, initC.SecurityContext)
	require.NotNil(t, initC.SecurityContext.Capabilities)
	assert.Equal(t, []corev1.Capability{"ALL"}, initC.SecurityContext.Capabilities.Drop)
	assert.Equal(t, []corev1.Capability{"CHOWN"}, initC.SecurityContext.Capabilities.Add)
	require.NotNil(t, initC.SecurityContext.AllowPrivilegeEscalation)
	assert.False(t, *initC.SecurityContext.AllowPrivilegeEscalation)
	assert.False(t, initC.Resources.Limits.Memory().IsZero(), "init container memory limit")
}

func TestDockerfile(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "Dockerfile"))
	require.NoError(t, err)
	df := string(raw)
	froms := regexp.MustCompile(`(?m)^FROM (\S+)`).FindAllStringSubmatch(df, -1)
	require.Len(t, froms, 2, "a build stage and the runtime stage")
	assert.Regexp(t, `^(scratch|gcr\.io/distroless/static\S*)$`, froms[1][1], "the runtime base has no shell")
	assert.Regexp(t, `(?m)^USER 10001(:10001)?$`, df)
	assert.Regexp(t, `(?m)^ENTRYPOINT \["/otelcol-mlflow"\]$`, df)

	// The binary is built in the image, static, by the ocb version `make build` uses.
	assert.Regexp(t, `(?m)^COPY --from=build \S+/otelcol-mlflow /otelcol-mlflow$`, df)
	assert.Regexp(t, `(?m)^RUN CGO_ENABLED=0 .*builder --config builder-config\.yaml$`, df)
	// Every folder of this module that the manifest builds from is in the build context.
	manifest, err := os.ReadFile(filepath.Join("..", "builder-config.yaml"))
	require.NoError(t, err)
	local := regexp.MustCompile(`(?m)^\s*import: github\.com/otelcol-mlflow/otelcol-mlflow/([^/\s]+)/`).FindAllStringSubmatch(string(manifest), -1)
	require.NotEmpty(t, local)
	for _, m := range append(local, []string{"", "internal"}) {
		assert.Contains(t, df, "\nCOPY "+m[1]+" "+m[1]+"\n", "the image builds %s", m[1])
	}
	mk, err := os.ReadFile(filepath.Join("..", "Makefile"))
	require.NoError(t, err)
	ocb := regexp.MustCompile(`(?m)^OCB_VERSION\s*:=\s*(\S+)$`).FindStringSubmatch(string(mk))
	require.Len(t, ocb, 2, "OCB_VERSION in the Makefile")
	assert.Contains(t, df, "ARG OCB_VERSION="+ocb[1]+"\n")
}

// checkConfigMount: the container reads /conf/config.yaml, which is the key config.yaml of the
// ConfigMap mounted on /conf (the image's own config is replaced by these args).
func checkConfigMount(t *testing.T, o objects, file string, pod corev1.PodSpec, c corev1.Container) {
	t.Helper()
	assert.Equal(t, []string{"--config", "/conf/config.yaml"}, c.Args)
	v := volumeAt(t, pod, c, "/conf")
	require.NotNil(t, v.ConfigMap, "/conf is a ConfigMap")
	cm, ok := o.configMaps[file+"/"+v.ConfigMap.Name]
	require.True(t, ok, "ConfigMap %s in %s", v.ConfigMap.Name, file)
	assert.NotEmpty(t, cm.Data["config.yaml"])
}
