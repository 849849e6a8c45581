#!/usr/bin/env bash
# A CI gate: fails when a Service that set-session-affinity selects is not sticky from the load
# balancer to the pod. Runs the function in validate mode, which changes nothing and reports each
# field that would need a change as an error, over every .yaml/.yml file under the given
# directories, one file at a time so each finding names its file.
#
# Usage: check.sh DIR... [-- FUNCTION_FLAGS...]
#   check.sh k8s/
#   check.sh k8s/ -- --provider aws
#   check.sh k8s/ -- --config session-affinity.yaml
# Needs set-session-affinity on PATH, or SET_SESSION_AFFINITY=/path/to/the/binary.
# Under GitHub Actions (GITHUB_ACTIONS=true) findings are printed as ::error and ::warning
# workflow commands, so they show as annotations on the pull request.
# Exit code: 0 when every file passes (warnings allowed), 1 otherwise, 2 on a usage error.
set -euo pipefail

fn="${SET_SESSION_AFFINITY:-set-session-affinity}"
dirs=()
while [[ $# -gt 0 && "$1" != "--" ]]; do dirs+=("$1"); shift; done
[[ $# -gt 0 ]] && shift # the "--"; what is left goes to the function
if [[ ${#dirs[@]} -eq 0 ]]; then
  echo "usage: $0 DIR... [-- FUNCTION_FLAGS...]" >&2
  exit 2
fi
for d in "${dirs[@]}"; do
  [[ -d "$d" ]] || { echo "$0: $d is not a directory" >&2; exit 2; }
done

# has_documents FILE: true when FILE holds more than comments, blank lines and separators; the
# function refuses an empty stream, and an empty file is no finding.
has_documents() { grep -qvE '^[[:space:]]*(#.*)?$|^(---|\.\.\.)[[:space:]]*$' "$1"; }

# report FILE LINE: one finding, as a plain line or as a GitHub Actions workflow command.
report() {
  local file="$1" line="$2" level=error
  [[ "$line" == "[warning]"* ]] && level=warning
  if [[ "${GITHUB_ACTIONS:-}" == true ]]; then
    echo "::${level} file=${file}::${line}"
  else
    echo "${file}: ${line}"
  fi
}

checked=0 failed=0
while IFS= read -r -d '' file; do
  has_documents "$file" || continue
  checked=$((checked + 1))
  status=0
  findings="$("$fn" --mode validate "$@" <"$file" 2>&1 >/dev/null)" || status=$?
  [[ "$status" -eq 0 ]] || failed=$((failed + 1))
  while IFS= read -r line; do
    [[ -n "$line" ]] && report "$file" "$line"
  done <<<"$findings"
done < <(find "${dirs[@]}" -type f \( -name '*.yaml' -o -name '*.yml' \) -print0 | LC_ALL=C sort -z)

echo "set-session-affinity gate: ${checked} files checked, ${failed} failed"
[[ "$failed" -eq 0 ]]
