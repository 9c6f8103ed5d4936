"""The `wellbeing` command: one entry point for the Makefile, CI and analysts."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from helpers.errors import InputError


def _parser() -> argparse.ArgumentParser:
    """Describe the sub-commands and their options."""
    parser = argparse.ArgumentParser(prog="wellbeing", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    data = sub.add_parser("data", help="fetch raw data and build the processed snapshot")
    data_sub = data.add_subparsers(dest="data_command", required=True)
    fetch = data_sub.add_parser(
        "fetch", help="refresh the full ONS local-authority series in the raw folder"
    )
    fetch.add_argument("--url", help="override the configured download URL")
    fetch.add_argument("--raw-dir", type=Path, help="raw-data folder (default: data/raw)")
    fetch.add_argument("--timeout", type=float, default=60.0, help="seconds per attempt")
    fetch.add_argument("--retries", type=int, default=3, help="attempts before giving up")
    build = data_sub.add_parser("build", help="raw files → validated tidy table + manifest")
    build.add_argument("--raw-dir", type=Path, help="raw-data folder (default from config)")
    build.add_argument("--out", type=Path, help="output folder (default: data/processed)")

    editions = sub.add_parser("edition", help="manage edition files")
    editions_sub = editions.add_subparsers(dest="edition_command", required=True)
    new = editions_sub.add_parser("new", help="scaffold a new edition from an earlier one")
    new.add_argument("name", help="name of the new edition, e.g. 2025")
    new.add_argument("--from", dest="source", required=True, help="edition to start from")

    sub.add_parser("check", help="check notebooks, editions and the registry")

    edition = sub.add_parser("build", help="execute and render one edition of the update")
    edition.add_argument("--edition", default="2024", help="edition name in editions/")
    edition.add_argument("--force", action="store_true", help="rebuild a published edition")
    edition.add_argument(
        "--renderer", choices=["sphinx", "quarto"], default="sphinx", help="site renderer"
    )
    edition.add_argument(
        "--section", help="build only this section (file name or stem) into <edition>-<section>"
    )
    edition.add_argument(
        "-p",
        "--param",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a parameter of the section (value read as YAML); repeatable",
    )

    preview = sub.add_parser("preview", help="serve an edition and rebuild it as files change")
    preview.add_argument("--edition", default="2024", help="edition name in editions/")
    preview.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one sub-command; bad inputs end with their located message and exit code 2."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "data" and args.data_command == "fetch":
            from helpers.fetch import fetch_ons_series

            report = fetch_ons_series(
                url=args.url, raw_folder=args.raw_dir, timeout=args.timeout, retries=args.retries
            )
            print(report.line())
        elif args.command == "data" and args.data_command == "build":
            from helpers.dataset import build_processed

            build_processed(raw_dir=args.raw_dir, out_dir=args.out)
        elif args.command == "edition" and args.edition_command == "new":
            from helpers.scaffold import new_edition

            print(f"wrote {new_edition(args.name, args.source)}")
        elif args.command == "check":
            from helpers.check import problems

            found = problems()
            for problem in found:
                print(problem, file=sys.stderr)
            print(
                f"wellbeing check: {len(found)} problem(s)",
                file=sys.stderr if found else sys.stdout,
            )
            return 2 if found else 0
        elif args.command == "build":
            from helpers.build import build_edition
            from helpers.editions import parse_overrides

            overrides = parse_overrides(args.param)
            if overrides and args.section is None:
                raise InputError("-p overrides need --section", file="-p", value=args.param[0])
            build_edition(
                args.edition,
                force=args.force,
                renderer=args.renderer,
                section=args.section,
                overrides=overrides,
            )
        elif args.command == "preview":
            from helpers.preview import Preview

            Preview(args.edition, port=args.port).run()
    except InputError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
