// Package config holds the function's configuration: the typed Config, its defaults, and the one
// place where both wire forms are decoded and validated.
//
// The two forms carry the same keys. A ConfigMap (what `kpt fn eval -- key=value` and a Kptfile
// `configMap:` send) has them as strings under `data`; a `fn.kpt.dev/v1alpha1` SetSessionAffinity
// has them at its top level with their own types. Unknown keys, wrong types and values out of
// range are errors that name the key, the value given and what is allowed.
package config
