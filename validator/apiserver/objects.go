package apiserver

import (
	"context"
	"fmt"
	"net/http"
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
