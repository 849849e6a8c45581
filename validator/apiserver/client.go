// Package apiserver sends Service manifests to a real kube-apiserver as dry-run creates and
// returns the server's answer as a validator.Verdict, so that it compares with the in-process
// validator's.
package apiserver

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/sticky-services/set-session-affinity/validator"
)

// Server is where and how to reach a kube-apiserver.
type Server struct {
	URL    string // https://127.0.0.1:PORT
	Token  string // a bearer token in system:masters
	CAFile string // the CA that signed the serving certificate
}

// Client talks to one server over a single keep-alive connection: requests are sequential, so
// one idle connection is all the transport ever needs.
type Client struct {
	server      Server
	http        *http.Client
	connections atomic.Int64 // TCP connections opened, to show that one is reused
}

// NewClient makes a Client that trusts only server.CAFile.
func NewClient(server Server) (*Client, error) {
	pem, err := os.ReadFile(server.CAFile)
	if err != nil {
		return nil, fmt.Errorf("read CA: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("CA file %s holds no certificate", server.CAFile)
	}
	c := &Client{server: server}
	dialer := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	transport := &http.Transport{
		TLSClientConfig:     &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12},
		MaxIdleConnsPerHost: 1,
		MaxConnsPerHost:     1,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			c.connections.Add(1)
			return dialer.DialContext(ctx, network, addr)
		},
	}
	c.http = &http.Client{Transport: transport, Timeout: 30 * time.Second}
	return c, nil
}

// Connections is the number of TCP connections the Client has opened so far.
func (c *Client) Connections() int64 { return c.connections.Load() }

// Close drops the connection.
func (c *Client) Close() { c.http.CloseIdleConnections() }

// DryRunCreate POSTs manifest (YAML, as written) to namespace's services with dryRun=All and
// fieldValidation=Strict, and returns the server's Verdict.
func (c *Client) DryRunCreate(ctx context.Context, namespace string, manifest []byte) (validator.Verdict, error) {
	path := "/api/v1/namespaces/" + url.PathEscape(namespace) + "/services?dryRun=All&fieldValidation=Strict"
	resp, body, err := c.do(ctx, http.MethodPost, path, "application/yaml", manifest)
	if err != nil {
		return validator.Verdict{}, err
	}
	warnings := warningsOf(resp.Header)
	if resp.StatusCode == http.StatusCreated || resp.StatusCode == http.StatusOK {
		return validator.Verdict{Accepted: true, Code: resp.StatusCode, Warnings: warnings}, nil
	}
	var status metav1.Status
	if err := json.Unmarshal(body, &status); err != nil || status.Kind != "Status" {
		return validator.Verdict{}, fmt.Errorf("POST %s: HTTP %d with a body that is not a Status: %.200s", path, resp.StatusCode, body)
	}
	v := validator.FromStatus(status)
	v.Warnings = warnings
	return v, nil
}

// EnsureNamespace creates namespace for real (not a dry run) unless it exists, so that the
// NamespaceLifecycle admission plugin lets Services into it.
func (c *Client) EnsureNamespace(ctx context.Context, namespace string) error {
	body := fmt.Appendf(nil, `{"apiVersion":"v1","kind":"Namespace","metadata":{"name":%q}}`, namespace)
	resp, respBody, err := c.do(ctx, http.MethodPost, "/api/v1/namespaces", "application/json", body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusConflict {
		return fmt.Errorf("create namespace %q: HTTP %d: %.300s", namespace, resp.StatusCode, respBody)
	}
	return nil
}

// Version returns the server's gitVersion.
func (c *Client) Version(ctx context.Context) (string, error) {
	resp, body, err := c.do(ctx, http.MethodGet, "/version", "", nil)
	if err != nil {
		return "", err
	}
	var info struct {
		GitVersion string `json:"gitVersion"`
	}
	if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &info) != nil {
		return "", fmt.Errorf("GET /version: HTTP %d: %.200s", resp.StatusCode, body)
	}
	return info.GitVersion, nil
}

func (c *Client) do(ctx context.Context, method, path, contentType string, body []byte) (*http.Response, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.server.URL+path, bytes.NewReader(body))
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.server.Token)
	req.Header.Set("Accept", "application/json")
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer func() { _ = resp.Body.Close() }()
	// Reading the body to the end is what lets the transport reuse the connection.
	respBody, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, nil, fmt.Errorf("%s %s: read body: %w", method, path, err)
	}
	return resp, respBody, nil
}

// warningsOf reads `Warning: 299 - "text"` headers.
func warningsOf(h http.Header) []string {
	var out []string
	for _, w := range h.Values("Warning") {
		text := strings.TrimPrefix(w, `299 - `)
		out = append(out, strings.Trim(text, `"`))
	}
	return out
}
