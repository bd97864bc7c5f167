"""`cchc-bot nlu --today YYYY-MM-DD` (docs/contracts.md §3): JSON lines in, one JSON line out per input.

`cchc-bot nlu --eval FILE [--noise SEED] [--failures N]` measures the understanding on a labelled corpus
instead (conversation/nlu/evaluation.py) and prints accuracy by intent and by slot; exit status 0.

Each input line is an object with a string "text"; each output line has exactly the nine contract keys.
Blank lines are skipped. A malformed line (not JSON, not an object, no string "text") gets no output
line: a one-line error naming the line number goes to stderr and processing continues, because one bad
line in a batch must not hide the answers to the others — and a made-up `unknown` answer would be
indistinguishable from a real one. The exit status is 1 when any line was malformed, else 0.
Internal intents (record_trigger, confirm, ...; see `conversation.nlu`) are printed under their own names.
"""

from __future__ import annotations

import json
import sys

from bot.cli import register
from conversation.nlu import Understander
from conversation.nlu.evaluation import evaluate, format_report, load_cases
from conversation.task_index import load_task_index


@register("nlu")
async def cmd_nlu(app, args) -> int:
    understander = Understander(app.units, await load_task_index(app), workdays=app.workdays)
    if args.eval_file:
        report = evaluate(understander, load_cases(args.eval_file), noise_seed=args.noise)
        print(format_report(report, failures=args.failures))
        return 0
    if args.today is None:
        print("cchc-bot nlu: cần --today YYYY-MM-DD (hoặc --eval FILE)", file=sys.stderr)
        return 2
    today = args.today
    stdin = open(sys.stdin.fileno(), encoding="utf-8", errors="replace", closefd=False)  # noqa: SIM115
    bad = 0
    for number, line in enumerate(stdin, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            bad += 1
            print(f"cchc-bot nlu: dòng {number}: JSON không hợp lệ ({exc.msg})", file=sys.stderr, flush=True)
            continue
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            bad += 1
            print(f'cchc-bot nlu: dòng {number}: cần một đối tượng có "text" là chuỗi', file=sys.stderr, flush=True)
            continue
        result = understander.parse(item["text"], today).to_contract()
        sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
        sys.stdout.flush()
    return 1 if bad else 0
