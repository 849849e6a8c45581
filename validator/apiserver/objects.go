package apiserver

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/sticky-services/set-session-affinity/validator"
)

// Create POSTs an object (YAML or JSON) to path, for real (not a dry run), and returns the
// server's refusal as an error that quotes its Status.
func (c *Client) Create(ctx context.Context, path, contentType string, body []byte) error {
	resp, respBody, err := c.do(ctx, http.MethodPost, path, contentType, body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusOK {
		return fmt.Errorf("POST %s: HTTP %d: %s", path, resp.StatusCode, respBody)
	}
	return nil
}

// Delete deletes the object at path; one that does not exist is not an error.
func (c *Client) Delete(ctx context.Context, path string) error {
	resp, respBody, err := c.do(ctx, http.MethodDelete, path, "", nil)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusAccepted && resp.StatusCode != http.StatusNotFound {
		return fmt.Errorf("DELETE %s: HTTP %d: %.300s", path, resp.StatusCode, respBody)
	}
	return nil
}

// Get returns the object at path as JSON, and its HTTP status.
func (c *Client) Get(ctx context.Context, path string) (int, []byte, error) {
	resp, body, err := c.do(ctx, http.MethodGet, path, "", nil)
	if err != nil {
		return 0, nil, err
	}
	return resp.StatusCode, body, nil
}

// DryRunUpdate PUTs manifest (YAML) to path with dryRun=All and fieldValidation=Strict, and
// returns the server's Verdict.
func (c *Client) DryRunUpdate(ctx context.Context, path string, manifest []byte) (validator.Verdict, error) {
	resp, body, err := c.do(ctx, http.MethodPut, path+"?dryRun=All&fieldValidation=Strict", "application/yaml", manifest)
	if err != nil {
		return validator.Verdict{}, err
	}
	return verdictOf(resp, body, path)
}

func verdictOf(resp *http.Response, body []byte, path string) (validator.Verdict, error) {
	warnings := warningsOf(resp.Header)
	if resp.StatusCode == http.StatusCreated || resp.StatusCode == http.StatusOK {
		return validator.Verdict{Accepted: true, Code: resp.StatusCode, Warnings: warnings}, nil
	}
	var status metav1.Status
	if err := json.Unmarshal(body, &status); err != nil || status.Kind != "Status" {
		return validator.Verdict{}, fmt.Errorf("%s: HTTP %d with a body that is not a Status: %.200s", path, resp.StatusCode, body)
	}
	v := validator.FromStatus(status)
	v.Warnings = warnings
	return v, nil
}

// DryRunCreateObject is DryRunCreate that also returns the object the server would store (JSON),
// after defaulting and mutating admission; nil when the server refuses.
func (c *Client) DryRunCreateObject(ctx context.Context, namespace string, manifest []byte) (validator.Verdict, []byte, error) {
	path := "/api/v1/namespaces/" + url.PathEscape(namespace) + "/services?dryRun=All&fieldValidation=Strict"
	resp, body, err := c.do(ctx, http.MethodPost, path, "application/yaml", manifest)
	if err != nil {
		return validator.Verdict{}, nil, err
	}
	v, err := verdictOf(resp, body, path)
	if err != nil || !v.Accepted {
		return v, nil, err
	}
	return v, body, nil
}

// DryRunUpdateObject is DryRunUpdate that also returns the object the server would store (JSON);
// nil when the server refuses.
func (c *Client) DryRunUpdateObject(ctx context.Context, path string, manifest []byte) (validator.Verdict, []byte, error) {
	resp, body, err := c.do(ctx, http.MethodPut, path+"?dryRun=All&fieldValidation=Strict", "application/yaml", manifest)
	if err != nil {
		return validator.Verdict{}, nil, err
	}
	v, err := verdictOf(resp, body, path)
	if err != nil || !v.Accepted {
		return v, nil, err
	}
	return v, body, nil
}
