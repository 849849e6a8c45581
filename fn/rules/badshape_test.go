package rules

// Cases of input the API would not accept, or that the function must not edit.
var badShapeCases = []ruleCase{
	{
		name:     "a key given twice is refused",
		in:       "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: NodePort\n  externalTrafficPolicy: Local\n  externalTrafficPolicy: Cluster\n",
		outcome:  Failed,
		findings: []string{"error spec.externalTrafficPolicy"},
	},
	{
		name:     "a port given as a string is refused",
		in:       "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: NodePort\n  ports:\n  - port: \"80\"\n",
		outcome:  Failed,
		findings: []string{"error spec.ports[0].port"},
	},
	{
		name:     "an invalid label value is refused",
		in:       "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  labels:\n    app: \"web server\"\nspec:\n  type: NodePort\n",
		outcome:  Failed,
		findings: []string{"error metadata.labels[app]"},
	},
	{
		name:     "annotation values of other types are refused",
		in:       "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  annotations:\n    a: true\n    b: null\n    c: 1.5\nspec:\n  type: NodePort\n",
		outcome:  Failed,
		findings: []string{"error metadata.annotations[a]", "error metadata.annotations[b]", "error metadata.annotations[c]"},
	},
}

func init() { ruleCases = append(ruleCases, badShapeCases...) }
