"""The baseline of the command-line row in ``make bench``: one StatsBomb match, whole process.

What a kloppy user writes to do what ``pitchstream normalize --source statsbomb`` does: read
the match's local open-data files (events and line-ups) with kloppy and print one JSON line per
event on stdout. kloppy's own record of an event (``to_records``: id, type, period, timestamp,
teams, player, coordinates, result) is written with orjson, the encoder our command uses, so
the two differ in the reading and mapping, not in the JSON writer.

Run: ``python bench/kloppy_normalize.py EVENTS.json LINEUPS.json > events.jsonl``.
"""

import sys

import orjson
from kloppy import statsbomb


def main() -> None:
    events, lineups = sys.argv[1:3]
    dataset = statsbomb.load(event_data=events, lineup_data=lineups)
    out = sys.stdout.buffer
    for record in dataset.to_records(as_list=False):
        out.write(orjson.dumps(record, default=str) + b"\n")
    out.flush()
    print(f"{len(dataset.records)} events", file=sys.stderr)


if __name__ == "__main__":
    main()
