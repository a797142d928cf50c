"""``python manage.py verify_audit [--anchor SEQ:HASH] [--json]``: check the hash-chained
audit trail (ADR 0023) and say "intact" or name the first broken link. Exits 1 when broken."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from liaison.records.audit_chain import verify
from liaison.records.models import AuditLink


class Command(BaseCommand):
    help = "Verify the hash-chained audit trail: intact, or the first broken link."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--anchor",
            action="append",
            default=[],
            metavar="SEQ:HASH",
            help="A link's number and hash noted earlier outside the system (repeatable): "
            "the chain must still hold that hash there, or it was rewritten.",
        )
        parser.add_argument("--json", action="store_true", help="Print the result as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        anchors = []
        for text in options["anchor"]:
            seq, _, digest = text.partition(":")
            if not seq.isdigit() or len(digest) != 64:
                raise CommandError(f"--anchor {text!r}: expected NUMBER:HASH (64 hex digits).")
            anchors.append((int(seq), digest.lower()))
        result = verify()
        report = result.as_dict()
        anchor_failures = []
        for seq, digest in anchors:
            held = AuditLink.objects.filter(seq=seq).values_list("hash", flat=True).first()
            if held != digest:
                anchor_failures.append(
                    f"Anchor #{seq}: the chain holds {held or 'no link'} there, not {digest}: "
                    "the chain was rewritten since the anchor was noted."
                )
        report["anchors"] = {"checked": len(anchors), "failures": anchor_failures}
        if options["json"]:
            self.stdout.write(json.dumps(report, indent=2))
        elif result.intact and not anchor_failures:
            self.stdout.write(
                f"Intact: {result.links} links, {result.rows} audit rows in {result.tables} "
                f"tables, {result.destroyed} destroyed under retention; last link "
                f"#{result.head_seq} {result.head_hash} ({result.seconds:.2f} s)."
            )
        else:
            if result.first is not None:
                self.stdout.write(f"Broken: {result.first.sentence()}")
                self.stdout.write(f"{result.problems} problem(s) in all.")
            for line in anchor_failures:
                self.stdout.write(f"Broken: {line}")
        if not result.intact or anchor_failures:
            raise SystemExit(1)
