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
	configMaps  map[string]corev1.ConfigMap
	daemonSets  map[string]appsv1.DaemonSet
	deployments map[string]appsv1.Deployment
	services    map[string]corev1.Service
}

func load(t *testing.T, files ...string) objects {
	t.Helper()
	o := objects{map[string]corev1.ConfigMap{}, map[string]appsv1.DaemonSet{}, map[string]appsv1.Deployment{}, map[string]corev1.Service{}}
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

	env := envByName(c)
	require.Contains(t, env, "K8S_NODE_NAME")
	assert.Equal(t, "spec.nodeName", env["K8S_NODE_NAME"].ValueFrom.FieldRef.FieldPath)
	cfg := o.configMaps["agent.yaml/otelcol-mlflow-agent"].Data["config.yaml"]
	assert.Contains(t, cfg, "key: k8s.node.name")
	assert.Contains(t, cfg, "value: ${env:K8S_NODE_NAME}")

	// The persistent queue's directory is a mounted volume.
	queueDir := regexp.MustCompile(`directory: (\S+)`).FindStringSubmatch(cfg)
	require.Len(t, queueDir, 2, "file_storage directory in the agent config")
	assert.True(t, mounted(c, queueDir[1]), "queue directory %s is mounted", queueDir[1])
	assert.Contains(t, cfg, "storage: file_storage/queue")
	// It outlives the pod (a hostPath), and an init container hands it to the collector's user,
	// since the kubelet creates hostPath directories owned by root.
	queue := volumeAt(t, pod, c, queueDir[1])
	require.NotNil(t, queue.HostPath, "queue volume %s is a hostPath", queue.Name)
	require.Len(t, pod.InitContainers, 1)
	initC := pod.InitContainers[0]
	assert.True(t, mounted(initC, queueDir[1]), "the init container mounts the queue directory")
	assert.Equal(t, []string{"chown", "-R", "10001:10001", queueDir[1]}, initC.Command)
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
	o := load(t, "gateway.yaml", "agent-to-gateway.yaml")
	dep, ok := o.deployments["otelcol-mlflow-gateway"]
	require.True(t, ok)
	require.NotNil(t, dep.Spec.Replicas)
	assert.GreaterOrEqual(t, *dep.Spec.Replicas, int32(2))
	checkPodBasics(t, dep.Spec.Template.Spec, dep.Spec.Template.Spec.Containers[0])

	headless, ok := o.services["otelcol-mlflow-gateway-headless"]
	require.True(t, ok)
	assert.Equal(t, corev1.ClusterIPNone, headless.Spec.ClusterIP)
	assert.Equal(t, dep.Spec.Template.Labels["app.kubernetes.io/component"], headless.Spec.Selector["app.kubernetes.io/component"])

	agentCfg := o.configMaps["agent-to-gateway.yaml/otelcol-mlflow-agent"].Data["config.yaml"]
	assert.Contains(t, agentCfg, "routing_key: traceID")
	assert.Contains(t, agentCfg, headless.Name+".")

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

// checkPodBasics: probes on the health check, requests and limits, GOMEMLIMIT at about 80% of
// the memory limit, non-root, a read-only root filesystem and the tracking URI from the Secret.
func checkPodBasics(t *testing.T, pod corev1.PodSpec, c corev1.Container) {
	t.Helper()
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
		Mode    string
		Image   struct{ Repository, Tag string }
		Command struct{ Name string }
		Config  map[string]any
	}
	require.NoError(t, yaml.Unmarshal(raw, &v))
	assert.Equal(t, "daemonset", v.Mode)
	assert.NotEmpty(t, v.Image.Repository)
	assert.Equal(t, "otelcol-mlflow", v.Command.Name, "the chart runs /<command.name>; the image's binary is /otelcol-mlflow")
	assert.Contains(t, v.Config, "exporters")
}

func TestDockerfile(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "Dockerfile"))
	require.NoError(t, err)
	df := string(raw)
	assert.Regexp(t, `(?m)^FROM (scratch|gcr\.io/distroless/static\S*)$`, df)
	assert.Regexp(t, `(?m)^USER 10001(:10001)?$`, df)
	assert.Regexp(t, `(?m)^ENTRYPOINT \["/otelcol-mlflow"\]$`, df)
}
