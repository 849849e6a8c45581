package apiserver

import (
	"context"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeServer answers like kube-apiserver: 201 with a warning, or a 422 Status with causes.
func fakeServer(t *testing.T) (*Client, *[]string) {
	t.Helper()
	var requests []string
	ts := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		requests = append(requests, r.Method+" "+r.URL.RequestURI()+" "+r.Header.Get("Content-Type")+" "+r.Header.Get("Authorization"))
		w.Header().Set("Content-Type", "application/json")
		if strings.Contains(string(body), "broken") {
			w.WriteHeader(http.StatusUnprocessableEntity)
			_, _ = io.WriteString(w, `{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"Invalid","code":422,
				"message":"Service \"broken\" is invalid: spec.externalTrafficPolicy: Invalid value: \"Local\": may only be set for externally-accessible services",
				"details":{"name":"broken","kind":"Service","causes":[{"reason":"FieldValueInvalid","field":"spec.externalTrafficPolicy","message":"Invalid value"}]}}`)
			return
		}
		w.Header().Add("Warning", `299 - "spec.trafficDistribution: deprecated"`)
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, `{"kind":"Service"}`)
	}))
	t.Cleanup(ts.Close)
	caFile := filepath.Join(t.TempDir(), "ca.crt")
	caPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ts.Certificate().Raw})
	if err := os.WriteFile(caFile, caPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := NewClient(Server{URL: ts.URL, Token: "secret", CAFile: caFile})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c, &requests
}

func TestDryRunCreate(t *testing.T) {
	c, requests := fakeServer(t)
	ctx := context.Background()
	ok, err := c.DryRunCreate(ctx, "shop", []byte("metadata: {name: web}"))
	if err != nil || !ok.Accepted || ok.Code != 201 || len(ok.Warnings) != 1 || ok.Warnings[0] != "spec.trafficDistribution: deprecated" {
		t.Fatalf("accepted case: %+v, %v", ok, err)
	}
	refused, err := c.DryRunCreate(ctx, "shop", []byte("metadata: {name: broken}"))
	if err != nil || refused.Accepted || refused.Code != 422 || strings.Join(refused.Fields(), ",") != "spec.externalTrafficPolicy" {
		t.Fatalf("refused case: %+v, %v", refused, err)
	}
	want := "POST /api/v1/namespaces/shop/services?dryRun=All&fieldValidation=Strict application/yaml Bearer secret"
	if (*requests)[0] != want {
		t.Errorf("request: got %q, want %q", (*requests)[0], want)
	}
	if c.Connections() != 1 {
		t.Errorf("two requests opened %d connections; want one kept alive", c.Connections())
	}
}

func TestNewClientRefusesABadCA(t *testing.T) {
	caFile := filepath.Join(t.TempDir(), "ca.crt")
	if err := os.WriteFile(caFile, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := NewClient(Server{URL: "https://127.0.0.1:1", CAFile: caFile}); err == nil {
		t.Fatal("want an error for a CA file without a certificate")
	}
}
