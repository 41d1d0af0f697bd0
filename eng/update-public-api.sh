#!/usr/bin/env bash
# Records the packages' public API changes in src/<project>/PublicAPI.Unshipped.txt (CsScoring and CsScoring.Hosting):
# adds the symbols the analyzer reports as undeclared (RS0016) and drops declared ones that are gone (RS0017).
# Review the diff of PublicAPI.Unshipped.txt afterwards: it is the public surface users will depend on.
set -euo pipefail
cd "$(dirname "$0")/.."
for project in CsScoring CsScoring.Hosting; do
api=src/$project/PublicAPI.Unshipped.txt
log=$(mktemp)
trap 'rm -f "$log"' EXIT
dotnet build src/$project -c Release --no-incremental -p:TreatWarningsAsErrors=false 2>&1 > "$log" || true
python3 - "$api" "$log" "$project" <<'PY'
import re, sys
api, log, project = sys.argv[1], sys.argv[2], sys.argv[3]
text = open(log, encoding="utf-8").read()
# Only this project's diagnostics (a build also reports those of the projects it references).
text = "\n".join(l for l in text.splitlines() if f"/{project}.csproj]" in l)
add = set(re.findall(r"RS0016: Symbol '(.+?)' is not part of the declared public API", text))
remove = set(re.findall(r"RS0017: Symbol '(.+?)' is part of the declared API, but is either not public or could not be found", text))
lines = [l.rstrip("\n") for l in open(api, encoding="utf-8") if l.strip() and not l.startswith("#nullable")]
kept = sorted((set(lines) - remove) | add, key=lambda s: s.replace("static ", "").replace("const ", "").replace("override ", "").replace("virtual ", "").replace("abstract ", ""))
open(api, "w", encoding="utf-8").write("#nullable enable\n" + "".join(l + "\n" for l in kept))
print(f"{project} public API: +{len(add)} -{len(remove & set(lines))} ({len(kept)} unshipped symbols)")
PY
done
