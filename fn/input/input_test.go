package input

import (
	"fmt"
	"strings"
	"testing"
)

func TestRead(t *testing.T) {
	const list = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n"
	svc := "- apiVersion: v1\n  kind: Service\n  metadata: {name: a}\n"
	cm := "- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: c}\n"
	for _, tc := range []struct {
		name, in string
		want     string // pieces as form:name:decode, joined by spaces
	}{
		{"a scanned list: only the Service is decoded", list + svc + cm, "entry:items[0]:true entry:items[1]:false"},
		{"column-0 comments between items keep the scan", list + "# about a\n" + svc + "# about c\n" + cm, "entry:items[0]:true entry:items[1]:false"},
		{"a List item is decoded", list + "- apiVersion: v1\n  kind: List\n  items: []\n", "entry:items[0]:true"},
		{"a key given twice sends the item to yaml.v3", list + "- apiVersion: v1\n  kind: ConfigMap\n  kind: ConfigMap\n", "entry:items[0]:true"},
		{"a list holding results (a re-run) is scanned, not decoded whole", list + svc + cm + "results:\n- message: earlier\n  severity: info\n", "entry:items[0]:true entry:items[1]:false"},
		{"CRLF: the list is decoded whole", strings.ReplaceAll(list+svc, "\n", "\r\n"), "whole:the ResourceList:true"},
		{"anchors are left to yaml.v3 (fn/processor reads the list whole when an item needs another)", list + "- &a {apiVersion: v1, kind: ConfigMap}\n- *a\n", "entry:items[0]:true entry:items[1]:true"},
		{"a stream: one piece a document", "a: 1\n---\nb: 2\n...\nc: 3\n", "document:document 1:true document:document 2:true document:document 3:true"},
		{"comments before the first marker belong to the first document", "# head\n---\na: 1\n", "document:document 1:true"},
		{"nothing", "", ""},
		{"a % line that continues a quoted scalar is no directive: one document, as yaml.v3 reads it",
			"metadata:\n  annotations:\n    a: \"x\n%not a directive\"\n", "document:document 1:true"},
		{"a %YAML directive after a document with no end marker starts the next",
			"a: 1\n%YAML 1.1\n---\nb: 2\n", "document:document 1:true document:document 2:true"},
		{"a document whose first kind line says ResourceList is a stream when it is not one", "kind: ResourceList\n 00\n", "document:document 1:true"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in, err := Read([]byte(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range in.Pieces {
				class, err := in.Classify(p)
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, fmt.Sprintf("%s:%s:%v", [...]string{"document", "entry", "whole"}[p.Form()], p.Name(), class.Decode))
			}
			if strings.Join(got, " ") != tc.want {
				t.Errorf("pieces %q, want %q", strings.Join(got, " "), tc.want)
			}
			before, _, _ := strings.Cut(tc.in, "results:")
			for i := 0; in.Root != nil && i < len(in.Root.Content); i += 2 {
				if k := in.Root.Content[i]; k.Value == "results" && k.Line != strings.Count(before, "\n")+1 {
					t.Errorf("results decode at line %d, not at their line in the input", k.Line)
				}
			}
			if strings.Contains(tc.name, "results") && len(in.Results.Spans) != 1 {
				t.Errorf("the scan found %d entries of the results, want 1", len(in.Results.Spans))
			}
		})
	}
}

func TestDecodeNamesTheInputsLine(t *testing.T) {
	in, err := Read([]byte("a: 1\n---\nb: 2\nb: 3\n"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = in.Decode(in.Pieces[1])
	if err == nil || !strings.Contains(err.Error(), "document 2 is not valid YAML: line 4: b appears twice") {
		t.Errorf("got %v", err)
	}
}

// A key given twice is named in the API's notation: a label key holding dots in brackets, not
// split at its dots.
func TestDecodeNamesADottedKeyInBrackets(t *testing.T) {
	in, err := Read([]byte("metadata:\n  labels:\n    app.kubernetes.io/name: a\n    app.kubernetes.io/name: b\n"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = in.Decode(in.Pieces[0])
	if err == nil || !strings.Contains(err.Error(), "line 4: metadata.labels[app.kubernetes.io/name] appears twice") {
		t.Errorf("got %v", err)
	}
}

func TestDecodeRefusesAnObjectPastTheBound(t *testing.T) {
	defer func(max int) { MaxObject = max }(MaxObject)
	MaxObject = 64
	in, err := Read([]byte("apiVersion: v1\nkind: Service\nmetadata: {name: a-name-that-makes-it-long-enough}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := in.Decode(in.Pieces[0]); err == nil || !strings.Contains(err.Error(), "the function decodes objects of at most") {
		t.Errorf("got %v", err)
	}
}
