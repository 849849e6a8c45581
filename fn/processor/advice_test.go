package processor

import (
	"bytes"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/labels"
)

// adviceService is one Service of an advice case: its kind (lb, clusterip, headless, external)
// and labels.
type adviceService struct {
	name, kind string
	labels     map[string]string
}

func (s adviceService) supported() bool { return s.kind == "lb" || s.kind == "clusterip" }

func (s adviceService) item(extra map[string]string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "- apiVersion: v1\n  kind: Service\n  metadata:\n    name: %s\n    labels:\n", s.name)
	var keys []string
	all := map[string]string{}
	for k, v := range s.labels {
		all[k] = v
	}
	for k, v := range extra {
		all[k] = v
	}
	for k := range all {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "      %s: %q\n", k, all[k])
	}
	switch s.kind {
	case "lb":
		b.WriteString("  spec:\n    type: LoadBalancer\n    ports: [{port: 80}]\n")
	case "clusterip":
		b.WriteString("  spec:\n    ports: [{port: 80}]\n")
	case "headless":
		b.WriteString("  spec:\n    clusterIP: None\n    ports: [{port: 80}]\n")
	case "external":
		b.WriteString("  spec:\n    type: ExternalName\n    externalName: db.example.com\n")
	}
	return b.String()
}

func adviceList(selector string, services []adviceService, labelled map[string]bool) string {
	var b strings.Builder
	b.WriteString("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n")
	for _, s := range services {
		var extra map[string]string
		if labelled[s.name] {
			extra = map[string]string{"session-affinity.kpt.dev/skip": "true"}
		}
		b.WriteString(s.item(extra))
	}
	fmt.Fprintf(&b, "functionConfig:\n  apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: cfg}\n  data:\n    selector: %q\n", selector)
	return b.String()
}

var (
	adviceSelector = regexp.MustCompile(`or leave this one out: .*selector: '([^']*)'$`)
	adviceError    = regexp.MustCompile(`^\[error\] v1/Service/(\S+) `)
)

// TestUnsupportedAdvice: the selector the error for a headless or ExternalName Service suggests
// keeps every other selected Service that can be sticky selected and leaves out every unsupported
// one; when a Service's labels cannot tell it apart, the error says so and asks for a label.
// Following the advice gives a run without errors. (The first case is bugs-repro 01: the old
// advice, app!=web, left out the LoadBalancer too and the run changed nothing.)
func TestUnsupportedAdvice(t *testing.T) {
	const sticky = "session-affinity.kpt.dev/sticky"
	bitnami := func(component string) map[string]string {
		l := map[string]string{"app.kubernetes.io/name": "redis", "app.kubernetes.io/instance": "cache", "helm.sh/chart": "redis-23.1.1"}
		if component != "" {
			l["app.kubernetes.io/component"] = component
		}
		return l
	}
	for _, tc := range []struct {
		name     string
		selector string
		services []adviceService
		want     string          // the suggested selector
		label    map[string]bool // the Services asked to carry the skip label
	}{
		{
			name:     "same labels as a LoadBalancer: no selector tells them apart, so a label is asked for",
			selector: sticky + "=true",
			services: []adviceService{
				{"web", "lb", map[string]string{"app": "web", sticky: "true"}},
				{"web-headless", "headless", map[string]string{"app": "web", sticky: "true"}},
			},
			want:  sticky + "=true,session-affinity.kpt.dev/skip!=true",
			label: map[string]bool{"web-headless": true},
		},
		{
			name:     "bitnami redis: the headless Service lacks the component label the others have",
			selector: "app.kubernetes.io/name=redis",
			services: []adviceService{
				{"cache-redis-headless", "headless", bitnami("")},
				{"cache-redis-master", "clusterip", bitnami("master")},
				{"cache-redis-replicas", "clusterip", bitnami("replica")},
			},
			want: "app.kubernetes.io/name=redis,app.kubernetes.io/component",
		},
		{
			name:     "a label value only the unsupported Service has",
			selector: sticky + "=true",
			services: []adviceService{
				{"api", "lb", map[string]string{"app": "shop", "app.kubernetes.io/component": "api", sticky: "true"}},
				{"api-headless", "headless", map[string]string{"app": "shop", "app.kubernetes.io/component": "peers", sticky: "true"}},
			},
			want: sticky + "=true,app.kubernetes.io/component!=peers",
		},
		{
			name:     "two unsupported Services on one key: one requirement",
			selector: "",
			services: []adviceService{
				{"cart", "clusterip", map[string]string{"app": "cart"}},
				{"db", "external", map[string]string{"app": "db"}},
				{"cache", "headless", map[string]string{"app": "cache"}},
			},
			want: "app notin (cache,db)",
		},
		{
			name:     "one told apart, one not: one selector for both errors",
			selector: "",
			services: []adviceService{
				{"cart", "clusterip", map[string]string{"app": "cart"}},
				{"cart-headless", "headless", map[string]string{"app": "cart"}},
				{"payments-api", "external", map[string]string{"app": "payments"}},
			},
			want:  "app!=payments,session-affinity.kpt.dev/skip!=true",
			label: map[string]bool{"cart-headless": true},
		},
		{
			name:     "only unsupported Services selected: a label of its own leaves it out",
			selector: sticky + "=true",
			services: []adviceService{
				{"db", "external", map[string]string{"app": "db", sticky: "true"}},
			},
			want: sticky + "=true,app!=db",
		},
		{
			name:     "a label every kept Service has and the unsupported one lacks, against one they share",
			selector: sticky + "=true",
			services: []adviceService{
				{"a", "lb", map[string]string{"team": "x", "tier": "front", sticky: "true"}},
				{"b", "clusterip", map[string]string{"team": "x", "tier": "back", sticky: "true"}},
				{"c", "headless", map[string]string{"team": "x", sticky: "true"}},
			},
			want: sticky + "=true,tier",
		},
		{
			// Issue 17, symptom 8: the old advice left keys the selector names alone and asked for
			// the skip label, although tier!=db tells the db Service apart.
			name:     "a key the selector names tells the unsupported Service apart",
			selector: "tier",
			services: []adviceService{
				{"web", "lb", map[string]string{"tier": "web"}},
				{"api", "clusterip", map[string]string{"tier": "api"}},
				{"db", "headless", map[string]string{"tier": "db"}},
			},
			want: "tier,tier!=db",
		},
		{
			name:     "no Service kept: no requirement that contradicts the selector (sticky=true,sticky!=true)",
			selector: sticky + "=true",
			services: []adviceService{
				{"db", "headless", map[string]string{sticky: "true"}},
			},
			want:  sticky + "=true,session-affinity.kpt.dev/skip!=true",
			label: map[string]bool{"db": true},
		},
		{
			name:     "a value the selector allows, against one it requires",
			selector: "tier in (web,db),app=shop",
			services: []adviceService{
				{"web", "lb", map[string]string{"tier": "web", "app": "shop"}},
				{"db", "external", map[string]string{"tier": "db", "app": "shop"}},
			},
			want: "app=shop,tier in (db,web),tier!=db",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := adviceList(tc.selector, tc.services, nil)
			var out, errOut bytes.Buffer
			if code := Run([]byte(in), StreamOptions{}, &out, &errOut); code != 1 {
				t.Fatalf("exit code %d, want 1; stderr:\n%s", code, errOut.String())
			}
			suggested := map[string]bool{}
			asked := map[string]bool{}
			errs := 0
			for _, line := range strings.Split(strings.TrimSpace(errOut.String()), "\n") {
				if !strings.HasPrefix(line, "[error]") {
					continue // warnings (an assumed provider's annotations) are not advice
				}
				m := adviceSelector.FindStringSubmatch(line)
				if m == nil {
					t.Fatalf("an error without a selector: %s", line)
				}
				errs++
				suggested[m[1]] = true
				if strings.Contains(line, "label it session-affinity.kpt.dev/skip=true") {
					asked[adviceError.FindStringSubmatch(line)[1]] = true
				}
				if asked[adviceError.FindStringSubmatch(line)[1]] && len(tc.services) > 1 && !strings.Contains(line, "its labels do not tell it apart") {
					t.Errorf("asks for a label without saying why: %s", line)
				}
			}
			unsupported := 0
			for _, s := range tc.services {
				if !s.supported() {
					unsupported++
				}
			}
			if errs != unsupported || len(suggested) != 1 {
				t.Fatalf("%d errors suggesting %v; want %d naming one selector:\n%s", errs, suggested, unsupported, errOut.String())
			}
			var sel string
			for s := range suggested {
				sel = s
			}
			if sel != tc.want {
				t.Errorf("suggests %q, want %q", sel, tc.want)
			}
			if fmt.Sprint(asked) != fmt.Sprint(nonNil(tc.label)) {
				t.Errorf("asks to label %v, want %v", asked, tc.label)
			}
			parsed, err := labels.Parse(sel)
			if err != nil {
				t.Fatalf("the suggested selector does not parse: %v", err)
			}
			for _, s := range tc.services {
				set := labels.Set(s.labels)
				if asked[s.name] {
					set = labels.Merge(set, labels.Set{"session-affinity.kpt.dev/skip": "true"})
				}
				if parsed.Matches(set) != s.supported() {
					t.Errorf("%s (%s): selected %v by %q", s.name, s.kind, parsed.Matches(set), sel)
				}
			}
			// Following the advice: the run has no error (a warning that nothing is selected when
			// no Service was supported), and changes the Services kept.
			out.Reset()
			errOut.Reset()
			followed := adviceList(sel, tc.services, asked)
			if code := Run([]byte(followed), StreamOptions{}, &out, &errOut); code != 0 || strings.Contains(errOut.String(), "[error]") {
				t.Fatalf("following the advice: exit code %d, stderr:\n%s", code, errOut.String())
			}
			supported := 0
			for _, s := range tc.services {
				if s.supported() {
					supported++
				}
			}
			if want := fmt.Sprintf("%d Services updated", supported); supported > 1 && !strings.Contains(out.String(), want) {
				t.Errorf("following the advice: the summary does not say %q:\n%s", want, out.String())
			}
		})
	}
}

func nonNil(m map[string]bool) map[string]bool {
	if m == nil {
		return map[string]bool{}
	}
	return m
}
