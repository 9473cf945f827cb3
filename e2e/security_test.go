//go:build e2e

package e2e

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflowtest"
)

// randomSecret is a fresh secret value, easy to grep for in logs.
func randomSecret(prefix string) string {
	b := randomBytes16()
	return prefix + "-" + hex.EncodeToString(b[:])
}

// do sends a request and returns the status code and body.
func do(t testing.TB, hc *http.Client, method, url string, body []byte, header map[string]string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	require.NoError(t, err)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := hc.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestReceiversRequireCredentials: the OTLP receiver behind basicauth and the mlflow receiver
// behind bearertokenauth answer 401 without (or with wrong) credentials and accept the right
// ones; the mlflow receiver answers 413 over max_request_body_size; the secrets (configopaque:
// the htpasswd, the token, an exporter header) reach their destination and never the log.
func TestReceiversRequireCredentials(t *testing.T) {
	srv := mlflowtest.Start(t)
	// Records the secret header the exporter sends on every call.
	var headerSeen atomic.Value
	target, _ := url.Parse(srv.URL)
	rp := httputil.NewSingleHostReverseProxy(target)
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if v := r.Header.Get("X-E2E-Secret"); v != "" {
			headerSeen.Store(v)
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)

	otlpPassword, token, headerSecret := randomSecret("otlp-pw"), randomSecret("token"), randomSecret("header")
	experiment := fmt.Sprintf("e2e-auth-%d", time.Now().UnixNano())
	col := startCollector(t, map[string]string{
		"MLFLOW_TRACKING_URI":    front.URL,
		"MLFLOW_EXPERIMENT_NAME": experiment,
		"OTELCOL_LOG_LEVEL":      "debug",
		"E2E_OTLP_USER":          "app",
		"E2E_OTLP_PASSWORD":      otlpPassword,
		"E2E_BEARER_TOKEN":       token,
		"E2E_HEADER_SECRET":      headerSecret,
	}, "e2e/testdata/security-auth.yaml")
	hc := &http.Client{Timeout: 30 * time.Second}

	// OTLP: basic auth.
	td, traceID, n := loadTrace(0)
	otlpURL := "http://" + col.OTLPHTTP + "/v1/traces"
	for name, h := range map[string]http.Header{
		"no credentials":  nil,
		"wrong password":  {"Authorization": {basicAuth("app", "wrong-password")}},
		"bearer on basic": {"Authorization": {"Bearer " + token}},
	} {
		code, err := postOTLP(t.Context(), hc, otlpURL, td, h)
		require.NoError(t, err)
		assert.Equal(t, http.StatusUnauthorized, code, name)
	}
	code, err := postOTLP(t.Context(), hc, otlpURL, td, http.Header{"Authorization": {basicAuth("app", otlpPassword)}})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, code)
	srv.WaitForSpans(t, traceID, n)
	assert.Equal(t, headerSecret, headerSeen.Load(), "the exporter sends its configured header")

	// mlflow receiver: bearer token.
	mlflowURL := "http://" + col.MLflow
	byName := mlflowURL + mlflow.PathGetExperimentByName + "?experiment_name=Default"
	code, _ = do(t, hc, http.MethodGet, byName, nil, nil)
	assert.Equal(t, http.StatusUnauthorized, code, "no token")
	code, _ = do(t, hc, http.MethodGet, byName, nil, map[string]string{"Authorization": "Bearer wrong"})
	assert.Equal(t, http.StatusUnauthorized, code, "wrong token")
	bearer := map[string]string{"Authorization": "Bearer " + token}
	code, body := do(t, hc, http.MethodGet, byName, nil, bearer)
	assert.Equal(t, http.StatusOK, code, body)

	// mlflow receiver: body limit (64 KiB in the add-on).
	small, _, _ := loadTrace(1)
	code, err = postOTLP(t.Context(), hc, mlflowURL+mlflow.PathOTLPTraces, small, http.Header{"Authorization": {"Bearer " + token}})
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, code, "a small body is accepted")
	big, _ := newTrace("svc", []testSpan{{name: "big", attrs: map[string]any{"blob": strings.Repeat("x", 100<<10)}}})
	code, err = postOTLP(t.Context(), hc, mlflowURL+mlflow.PathOTLPTraces, big, http.Header{"Authorization": {"Bearer " + token}})
	require.NoError(t, err)
	assert.Equal(t, http.StatusRequestEntityTooLarge, code, "over max_request_body_size")
	code, _ = do(t, hc, http.MethodPost, mlflowURL+"/api/3.0/mlflow/traces", bytes.Repeat([]byte(" "), 100<<10),
		map[string]string{"Authorization": "Bearer " + token, "Content-Type": "application/json"})
	assert.Equal(t, http.StatusRequestEntityTooLarge, code, "over max_request_body_size (StartTraceV3)")

	col.Stop(t)
	logs := col.Logs.String()
	require.NotEmpty(t, logs)
	for _, secret := range []string{otlpPassword, token, headerSecret} {
		assert.NotContains(t, logs, secret, "a secret reached the log")
	}
}

func basicAuth(user, password string) string {
	req, _ := http.NewRequest(http.MethodGet, "http://x", http.NoBody)
	req.SetBasicAuth(user, password)
	return req.Header.Get("Authorization")
}

// testCerts is a CA and a server certificate for 127.0.0.1 and localhost, as PEM files.
type testCerts struct {
	CAFile, CertFile, KeyFile string
	Pool                      *x509.CertPool
	Server                    tls.Certificate
}

func makeCerts(t testing.TB) testCerts {
	t.Helper()
	dir := t.TempDir()
	now := time.Now()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "otelcol-mlflow e2e CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	require.NoError(t, err)
	caCert, err := x509.ParseCertificate(caDER)
	require.NoError(t, err)

	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, &key.PublicKey, caKey)
	require.NoError(t, err)
	keyDER, err := x509.MarshalECPrivateKey(key)
	require.NoError(t, err)

	c := testCerts{
		CAFile: filepath.Join(dir, "ca.pem"), CertFile: filepath.Join(dir, "cert.pem"), KeyFile: filepath.Join(dir, "key.pem"),
		Pool: x509.NewCertPool(),
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})
	require.NoError(t, os.WriteFile(c.CAFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}), 0o600))
	require.NoError(t, os.WriteFile(c.CertFile, certPEM, 0o600))
	require.NoError(t, os.WriteFile(c.KeyFile, keyPEM, 0o600))
	c.Pool.AddCert(caCert)
	c.Server, err = tls.X509KeyPair(certPEM, keyPEM)
	require.NoError(t, err)
	return c
}

// startTLSProxy terminates TLS in front of target (MLflow cannot serve TLS here) and counts the
// requests it forwarded.
func startTLSProxy(t testing.TB, certs testCerts, target string) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	u, err := url.Parse(target)
	require.NoError(t, err)
	rp := httputil.NewSingleHostReverseProxy(u)
	var n atomic.Int64
	s := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.TLS != nil {
			n.Add(1)
		}
		rp.ServeHTTP(w, r)
	}))
	s.TLS = &tls.Config{Certificates: []tls.Certificate{certs.Server}, MinVersion: tls.VersionTLS12}
	s.StartTLS()
	t.Cleanup(s.Close)
	return s, &n
}

// TestTLS: the OTLP and mlflow receivers serve TLS with the test's certificate, and the
// exporter and the receiver's upstream reach MLflow through a TLS-terminating proxy, trusting
// the test's CA only.
func TestTLS(t *testing.T) {
	certs := makeCerts(t)
	srv := mlflowtest.Start(t)
	proxy, forwarded := startTLSProxy(t, certs, srv.URL)
	experiment := fmt.Sprintf("e2e-tls-%d", time.Now().UnixNano())
	col := startCollector(t, map[string]string{
		"MLFLOW_TRACKING_URI":    proxy.URL, // https://127.0.0.1:port
		"MLFLOW_EXPERIMENT_NAME": experiment,
		"E2E_TLS_CERT":           certs.CertFile,
		"E2E_TLS_KEY":            certs.KeyFile,
		"E2E_TLS_CA":             certs.CAFile,
	}, "e2e/testdata/security-tls.yaml")

	trusting := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: certs.Pool, MinVersion: tls.VersionTLS12},
	}}
	td, traceID, n := loadTrace(0)
	code, err := postOTLP(t.Context(), trusting, "https://"+col.OTLPHTTP+"/v1/traces", td, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, code)
	srv.WaitForSpans(t, traceID, n)
	assert.Positive(t, forwarded.Load(), "the exporter went through the TLS proxy")

	// Plain HTTP to a TLS port, and TLS without trusting the CA, fail.
	code, err = postOTLP(t.Context(), &http.Client{Timeout: 10 * time.Second}, "http://"+col.OTLPHTTP+"/v1/traces", td, nil)
	assert.True(t, err != nil || code != http.StatusOK, "plain HTTP accepted on the TLS port")
	_, err = postOTLP(t.Context(), &http.Client{Timeout: 10 * time.Second}, "https://"+col.OTLPHTTP+"/v1/traces", td, nil)
	assert.Error(t, err, "a client that does not trust the CA must fail the handshake")

	// The mlflow receiver over TLS, forwarding an experiment call to its upstream over TLS.
	before := forwarded.Load()
	code, body := do(t, trusting, http.MethodGet,
		"https://"+col.MLflow+mlflow.PathGetExperimentByName+"?experiment_name="+experiment, nil, nil)
	assert.Equal(t, http.StatusOK, code, body)
	assert.Contains(t, body, experiment)
	assert.Greater(t, forwarded.Load(), before, "the receiver's upstream call went through the TLS proxy")
}

// TestExporterToMLflowBasicAuth: MLflow runs its basic-auth app. With the right credentials
// (basicauth client extension) traces land; with wrong ones the exporter logs a clear,
// permanent 401 and does not log the password.
func TestExporterToMLflowBasicAuth(t *testing.T) {
	dir := t.TempDir()
	adminPassword := randomSecret("admin-pw")
	ini := fmt.Sprintf("[mlflow]\ndefault_permission = READ\ndatabase_uri = sqlite:///%s\nadmin_username = admin\n"+
		"authorization_function = mlflow.server.auth:authenticate_request_basic_auth\n", filepath.Join(dir, "basic_auth.db"))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "basic_auth.ini"), []byte(ini), 0o600))
	srv := mlflowtest.StartWith(t, mlflowtest.Options{Dir: dir, AppName: "basic-auth", Env: []string{
		"MLFLOW_AUTH_CONFIG_PATH=" + filepath.Join(dir, "basic_auth.ini"),
		"MLFLOW_AUTH_ADMIN_PASSWORD=" + adminPassword,
		"MLFLOW_FLASK_SERVER_SECRET_KEY=" + randomSecret("flask"),
	}})
	// The server refuses anonymous reads; the test reads back as admin.
	_, err := srv.Client.GetExperimentByName(t.Context(), "Default")
	require.Error(t, err, "the basic-auth app must refuse anonymous calls")
	srv.Client = mlflow.NewClient(srv.URL, &http.Client{Timeout: 30 * time.Second, Transport: basicAuthTransport{"admin", adminPassword}})

	experiment := fmt.Sprintf("e2e-mlflow-auth-%d", time.Now().UnixNano())
	env := map[string]string{
		"MLFLOW_TRACKING_URI":    srv.URL,
		"MLFLOW_EXPERIMENT_NAME": experiment,
		"E2E_MLFLOW_USER":        "admin",
		"E2E_MLFLOW_PASSWORD":    adminPassword,
	}
	good := startCollector(t, env, "e2e/testdata/mlflow-basicauth-exporter.yaml")
	td, traceID, n := loadTrace(0)
	good.sendOTLP(t, td)
	srv.WaitForSpans(t, traceID, n)

	wrongPassword := randomSecret("wrong-pw")
	env["E2E_MLFLOW_PASSWORD"] = wrongPassword
	bad := startCollector(t, env, "e2e/testdata/mlflow-basicauth-exporter.yaml")
	td, badTraceID, _ := loadTrace(1)
	bad.sendOTLP(t, td)
	// "HTTP 401", not "401": timestamps and instance ids contain "401" too.
	bad.waitForLog(t, "HTTP 401", time.Minute)
	// exporterhelper logs "Dropping data" for a permanent error once the request is given up.
	bad.waitForLog(t, "Dropping data", time.Minute)
	logs := bad.Logs.String()
	assert.Regexp(t, `(?i)permanent`, logs, "a 401 is permanent")
	assert.NotContains(t, logs, "Will retry", "a 401 must not be retried")
	assert.NotContains(t, logs, wrongPassword)
	assert.NotContains(t, good.Logs.String(), adminPassword)
	_, err = srv.Client.GetTrace(t.Context(), badTraceID)
	assert.Error(t, err, "the trace sent with wrong credentials must not be stored")
	t.Logf("exporter's error: %s", firstLine(logs, "HTTP 401"))
}

type basicAuthTransport struct{ user, password string }

func (b basicAuthTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.SetBasicAuth(b.user, b.password)
	return http.DefaultTransport.RoundTrip(r)
}

// firstLine returns the first log line containing substr.
func firstLine(logs, substr string) string {
	for _, line := range strings.Split(logs, "\n") {
		if strings.Contains(line, substr) {
			return line
		}
	}
	return ""
}
