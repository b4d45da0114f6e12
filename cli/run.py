"""Run one command line: parse, load the config, wire when the command needs the engine, and turn every error
into one line and an exit code (0 ok, 2 bad usage or config, 1 a source failed or a bug)."""
from __future__ import annotations

import os
import sys
from typing import Callable, Mapping, Sequence

from cli.commands import COMMANDS, Command, Runtime
from cli.parser import parser
from config.settings import Config, load_config
from core.errors import VantageError
from core.state import attach


def run(argv: Sequence[str] | None, wire: Callable[[Config], Runtime], extra: Mapping[str, Command]) -> int:
    """Run `python app.py ARGS`; `extra` adds the commands app.py wires (serve, snapshot, scheduler)."""
    args = parser().parse_args(argv)
    command = {**COMMANDS, **extra}[args.command or "serve"]
    try:
        overrides = {"data_dir": args.data_dir, "language": args.language, "today": args.today,
                     "host": getattr(args, "host", None), "port": getattr(args, "port", None)}
        config = load_config(args.config, overrides)
        if not command.needs_runtime:
            if command.uses_state:
                attach(config.data_path, config.state_url)
            return command.run(config, args)  # type: ignore[arg-type]
        return command.run(wire(config), args)  # type: ignore[arg-type]
    except VantageError as exc:
        if args.debug:
            raise
        print(f"error: {exc.message}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader went away (`... | head`): nothing more to say, and no traceback at exit
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # a bug, not bad input: still one line unless --debug
        if args.debug:
            raise
        print(f"error: unexpected {type(exc).__name__}: {exc}. To fix this, run again with --debug and report the "
              "traceback", file=sys.stderr)
        return 1
