#!/usr/bin/python3
"""Runs Python scripts in forked children of one process that has imported torch once.

bench/compare.py starts some sixty short PyTorch processes in a full `make bench`; each spent
about 1.9 s of its 2.7-3.7 s importing torch. This server imports torch, numpy and torch.nn
once, in the environment it was started with, and then for each request forks a child that
runs the script as `python3 SCRIPT ARGS...` would: a fresh process for every run (its own
thread pool, seeds and peak memory), minus the import. Nothing here creates a thread before
the fork: torch starts its pool lazily and the child sets its size.

Memory: a forked child shares the server's pages, but its page tables start without the
file-backed ones (the libraries' code and data), so its resident size would start about 110 MB
below a fresh `python3` that imported torch, and the peak memory bench_workloads' lines report
for torch would fall by as much. The server notes which file-backed pages it has resident after
the import, and each child touches them before the script runs: its resident size then starts
where a fresh process's does.

Protocol, one JSON object per line. Request on stdin: {"argv": [script, args...], "timeout": s}.
Reply on stdout: {"returncode": n, "stdout": "...", "stderr": "..."}; returncode -9 and the like
(a signal) as subprocess reports it, SIGALRM's when the child ran past the timeout. The server
ends at the end of its input.
"""
import ctypes
import json
import os
import runpy
import signal
import struct
import sys
import tempfile
import traceback

import numpy  # noqa: F401  (imported for the children)
import torch  # noqa: F401
import torch.nn  # noqa: F401

PAGE = os.sysconf("SC_PAGE_SIZE")


def resident_file_pages():
    """[start, end) address runs of the readable file-backed pages mapped in this process now
    (/proc/self/pagemap's bit 63: present)."""
    runs = []
    with open("/proc/self/maps") as maps, open("/proc/self/pagemap", "rb") as pagemap:
        for line in maps:
            fields = line.split()
            if len(fields) < 6 or not fields[5].startswith("/") or fields[5].startswith("/dev/") or "r" not in fields[1]:
                continue
            start, end = (int(value, 16) for value in fields[0].split("-"))
            pagemap.seek(start // PAGE * 8)
            entries = pagemap.read((end - start) // PAGE * 8)
            for i, (entry,) in enumerate(struct.iter_unpack("<Q", entries)):
                address = start + i * PAGE
                if not entry >> 63:
                    continue
                if runs and runs[-1][1] == address:
                    runs[-1][1] = address + PAGE
                else:
                    runs.append([address, address + PAGE])
    return runs


def touch(runs):
    """Reads a byte of every page: maps them into this process as the import did in the server."""
    byte = ctypes.create_string_buffer(1)
    for start, end in runs:
        for address in range(start, end, PAGE):
            ctypes.memmove(byte, address, 1)


def run_child(argv, timeout, out_fd, err_fd, resident):
    """In the forked child: the script as __main__, its output into the two files; never returns."""
    code = 1
    try:
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.dup2(out_fd, 1)
        os.dup2(err_fd, 2)
        touch(resident)
        signal.alarm(max(1, int(timeout)))  # default action: the child ends, the server reports it
        sys.argv = list(argv)
        sys.path.insert(0, os.path.dirname(os.path.abspath(argv[0])))  # as `python3 SCRIPT` does
        try:
            runpy.run_path(argv[0], run_name="__main__")
            code = 0
        except SystemExit as done:
            if done.code is None:
                code = 0
            elif isinstance(done.code, int):
                code = done.code
            else:
                print(done.code, file=sys.stderr)
                code = 1
    except BaseException:  # the script's own failure: report it as python3 would
        traceback.print_exc()
        code = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def serve(request, resident):
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        pid = os.fork()
        if pid == 0:
            run_child(request["argv"], request.get("timeout", 3600), out.fileno(), err.fileno(), resident)
        _, status = os.waitpid(pid, 0)
        returncode = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
        texts = []
        for stream in (out, err):
            stream.seek(0)
            texts.append(stream.read().decode(errors="replace"))
    return dict(returncode=returncode, stdout=texts[0], stderr=texts[1])


def main():
    try:
        resident = resident_file_pages()
    except OSError as error:
        print(f"fork_server: cannot list the resident pages ({error}): without them a child's peak memory "
              "would read low; run bench/compare.py with --fresh-processes", file=sys.stderr)
        return 2
    for line in sys.stdin:
        if line.strip():
            print(json.dumps(serve(json.loads(line), resident)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
