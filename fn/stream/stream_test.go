package stream

import (
	"bytes"
	"testing"

	"github.com/sticky-services/set-session-affinity/fn/report"
)

// What helm template prints: a comment-only document for a template that rendered nothing,
// wide list indentation, and a trailing marker.
const helmOutput = `---
# Source: app/templates/empty.yaml
# nothing rendered
---
# Source: app/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: web    # wide indentation, two spaces before the comment
          image: "nginx:1.27"
---
# Source: app/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: web
  labels:
    session-affinity.kpt.dev/sticky: "true"
spec:
  type: NodePort
  ports:
    - port: 80
---
`

func TestUnchangedDocumentsKeepTheirBytes(t *testing.T) {
	docs, err := Split([]byte(helmOutput))
	if err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if code := Run(docs, nil, &out, &errOut, report.Output{}); code != 0 {
		t.Fatalf("exit code %d: %s", code, errOut.String())
	}
	want := `---
# Source: app/templates/empty.yaml
# nothing rendered
---
# Source: app/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: web    # wide indentation, two spaces before the comment
          image: "nginx:1.27"
---
# Source: app/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: web
  labels:
    session-affinity.kpt.dev/sticky: "true"
spec:
  type: NodePort
  ports:
    - port: 80
  sessionAffinity: ClientIP
  sessionAffinityConfig:
    clientIP:
      timeoutSeconds: 10800
  externalTrafficPolicy: Local
---
`
	if out.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", out.String(), want)
	}
}

func TestCut(t *testing.T) {
	for in, want := range map[string]int{
		"":                            0,
		"a: 1\n":                      1,
		"---\na: 1\n":                 1,
		"a: 1\n---\n":                 2,
		"# c\n---\na: 1\n---\nb: 2":   3,
		"a: |\n  ---\n  x\n---\nb: 2": 2, // an indented --- is content
		"--- # marker with a comment\na: 1\n----\n": 1,
	} {
		if got := len(cut([]byte(in))); got != want {
			t.Errorf("cut(%q): %d documents, want %d", in, got, want)
		}
		if joined := bytes.Join(cut([]byte(in)), nil); string(joined) != in {
			t.Errorf("cut(%q) lost bytes: %q", in, joined)
		}
	}
}
