#!/usr/bin/env bash
# `npm test`: typecheck, lint, build the console once, then the vitest projects one after another
# (unit, integration incl. interop with real Syncthing, e2e in real Chromium), so the heavy ones
# don't compete for the two cores. Ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."

passed=0
failed=0
step() {
  local name=$1; shift
  echo "== $name: $*"
  if "$@"; then passed=$((passed + 1)); echo "== $name: ok"; else failed=$((failed + 1)); echo "== $name: FAILED"; fi
}

step typecheck npx tsc --noEmit
step lint npx eslint --max-warnings=0 .
# Nodes started by the tests build the console when its sources changed; do it once up front.
step build node --import tsx -e 'import("./server/next-build.ts").then(m => m.ensureNextBuild(process.cwd(), console.log))'

projects=("${@:-unit integration e2e}")
for project in ${projects[@]}; do
  report=".vitest-$project.json"
  rm -f "$report"
  echo "== vitest project $project"
  npx vitest run --project "$project" --reporter=default --reporter=json --outputFile="$report"
  status=$?
  if [ -f "$report" ]; then
    # A file that fails to load has no failed test inside it; count it as one failure.
    read -r vp vf < <(node -e '
      const r = require("./'"$report"'");
      const broken = (r.testResults || []).filter((f) => f.status === "failed" && !(f.assertionResults || []).some((a) => a.status === "failed")).length;
      console.log(r.numPassedTests, r.numFailedTests + broken);')
    passed=$((passed + vp))
    failed=$((failed + vf))
    [ $status -ne 0 ] && [ "$vf" -eq 0 ] && failed=$((failed + 1))
  elif [ $status -ne 0 ]; then
    failed=$((failed + 1))
  fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
