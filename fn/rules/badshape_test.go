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
		name:     "a key given twice is named in the API's notation, a key holding dots in brackets",
		in:       "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  labels:\n    app.kubernetes.io/name: web\n    app.kubernetes.io/name: shop\nspec:\n  type: NodePort\n",
		outcome:  Failed,
		findings: []string{"error metadata.labels[app.kubernetes.io/name]"},
	},
	{
		name:     "a port given as a string is refused",
		in:       "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: NodePort\n  ports:\n  - port: \"80\"\n",
		outcome:  Failed,
		findings: []string{"error spec.ports[0].port"},
	},
	{
		name:     "an invalid label value is refused",
		in:       "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  labels:\n    app: \"web server\"\nspec:\n  ports: [{port: 80}]\n  type: NodePort\n",
		outcome:  Failed,
		findings: []string{"error metadata.labels[app]"},
	},
	{
		name:     "annotation values of other types are refused; null, which the API server reads as \"\", is a warning",
		in:       "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  annotations:\n    a: true\n    b: null\n    c: 1.5\nspec:\n  ports: [{port: 80}]\n  type: NodePort\n",
		outcome:  Failed,
		findings: []string{"error metadata.annotations[a]", "warning metadata.annotations[b]", "error metadata.annotations[c]"},
	},
}

func init() { ruleCases = append(ruleCases, badShapeCases...) }
