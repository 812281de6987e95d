#!/usr/bin/env bash
# Retrieval evaluation of one embedder over every question set; writes JSON reports to OUT.
#   [PRESSCHAT_RETRIEVAL_MODE=dense|hybrid] bench/retrieval_evals.sh EMBEDDER DOJ_2000_DATA_DIR OUT
# DOJ_2000_DATA_DIR must hold the 2,000-release DOJ subset ingested with EMBEDDER
# (bench/ingest_bench.py builds it). The SQuAD-style sets are converted and ingested here.
set -euo pipefail
embedder=$1; doj=$2; out=$3
mode=${PRESSCHAT_RETRIEVAL_MODE:-hybrid}
cd "$(dirname "$0")/.."
shared=${SHARED:-../shared/data}
work=$out/work; mkdir -p "$work"
presschat=.venv/bin/presschat
py=.venv/bin/python

export PRESSCHAT_EMBEDDER=$embedder
$presschat --data-dir "$doj" eval retrieval "$shared/eval/doj_dev.jsonl" --json > "$out/$embedder-$mode-doj_dev.json"

$py bench/squad_corpus.py xquad "$shared/eval/xquad/xquad.en.json" --lang en --out "$work/xquad-en"
$py bench/squad_corpus.py xquad "$shared/eval/xquad/xquad.ru.json" --lang ru --out "$work/xquad-ru"
$py bench/squad_corpus.py xquad "$shared/eval/xquad/xquad.ru.json" --lang ru \
  --corpus-from "$shared/eval/xquad/xquad.en.json" --out "$work/xquad-ru-en"
$py bench/squad_corpus.py kazqad "$shared/eval/kazqad/kazqad-reading-comprehension-v1.0-kk-validation.jsonl" \
  --lang kk --out "$work/kazqad"

for set in xquad-en xquad-ru kazqad; do
  $presschat --data-dir "$work/store-$set" ingest -q "$work/$set/corpus.jsonl" > /dev/null
  $presschat --data-dir "$work/store-$set" eval retrieval "$work/$set/questions.jsonl" --json \
    > "$out/$embedder-$mode-$set.json"
done
# Russian questions against the English paragraphs: the English store serves them.
$presschat --data-dir "$work/store-xquad-en" eval retrieval "$work/xquad-ru-en/questions.jsonl" \
  --json > "$out/$embedder-$mode-xquad-ru-en.json"

for f in "$out/$embedder-$mode"-*.json; do
  printf '%-40s %s\n' "$(basename "$f" .json)" "$($py -c 'import json,sys; print(json.load(open(sys.argv[1]))["overall"])' "$f")"
done
