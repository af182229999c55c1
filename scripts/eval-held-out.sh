#!/usr/bin/env bash
# eval-held-out.sh: how the offline agent does on a business it has never
# seen. For each business under BUSINESSES, the answer weights
# (agent/internal/answerfit) and the handoff classifier (agent/intent/train)
# are fit on the other businesses only, the binary is built with them, and
# the business's suite is run. Prints, in sample (the shipped weights) and
# held out, each business's pass rate and how often the agent declined a
# question the knowledge answers (leadagent eval totals).
#
# It works in a copy of the working tree under a temporary directory, so
# the weights in the checkout are never touched; about 5 minutes on two
# cores. Needs DATABASE_URL (make eval-held-out starts the private
# PostgreSQL when it is not set), the businesses and the public intent
# sets (TRAIN_DATA).
set -euo pipefail

BUSINESSES=$(realpath "${BUSINESSES:-../shared/businesses}")
TRAIN_DATA=$(realpath "${TRAIN_DATA:-../shared/data}")
GO=${GO:-go}
: "${DATABASE_URL:?set DATABASE_URL}"
export LLM_PROVIDER=offline EMBEDDING_PROVIDER=local JUDGE_MODEL=

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
copy="$work/repo"
mkdir -p "$copy"
# Tracked and untracked files, not ignored ones: what a commit of the
# working tree would hold.
git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' f; do
	[ -e "$f" ] || continue
	mkdir -p "$copy/$(dirname "$f")"
	cp -p "$f" "$copy/$f"
done

cd "$copy"
$GO build -o bin/shipped ./cmd/leadagent
cp agent/answer_weights.go "$work/answer_weights.go"
cp agent/intent/weights.bin "$work/weights.bin"
mkdir -p "$work/none"

# run OUT BIN SUITE: the suite's report as OUT.json; failed cases (exit 1)
# are figures, anything else stops the script.
run() {
	local rc=0
	"$2" eval run "$3" --json "$1.json" >"$1.md" 2>&1 || rc=$?
	if [ $rc -gt 1 ]; then
		cat "$1.md"
		exit $rc
	fi
}

for suite in "$BUSINESSES"/*/suite.yaml; do
	b=$(basename "$(dirname "$suite")")
	echo "fitting without $b..." >&2
	# The other businesses: their suites by their own paths for the
	# answer fit (so their knowledge keeps the namespaces make eval gave
	# it), a folder of links to them for the classifier.
	others="$work/others-$b" suites=()
	mkdir -p "$others"
	for d in "$BUSINESSES"/*/; do
		o=$(basename "$d")
		[ "$o" != "$b" ] && [ -f "${d%/}/suite.yaml" ] || continue
		ln -s "$d" "$others/$o"
		suites+=("${d%/}/suite.yaml")
	done
	cp "$work/answer_weights.go" agent/answer_weights.go
	cp "$work/weights.bin" agent/intent/weights.bin
	$GO run ./agent/internal/answerfit -businesses "$work/none" -out agent/answer_weights.go "${suites[@]}" \
		>"$work/fit-$b.log" 2>&1 || { cat "$work/fit-$b.log"; exit 1; }
	$GO run ./agent/intent/train -data "$TRAIN_DATA" -businesses "$others" -measure=false -out agent/intent/weights.bin \
		>"$work/train-$b.log" 2>&1 || { cat "$work/train-$b.log"; exit 1; }
	$GO build -o bin/held-out ./cmd/leadagent
	run "$work/in-$b" bin/shipped "$suite"
	run "$work/out-$b" bin/held-out "$suite"
done
echo "In sample (the weights in the checkout):"
bin/shipped eval totals "$work"/in-*.json
echo
echo "Held out (each business with both models fit without it):"
bin/shipped eval totals "$work"/out-*.json
