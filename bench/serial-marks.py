#!/usr/bin/env python3
# serial-marks.py - run an emulator whose guest prints "@@mark NAME" lines on
# the serial console (its standard output), and note, the moment each such
# line arrives, the host's wall clock and the emulator's CPU time (user +
# system, all its threads, from /proc/PID/stat).  Used by
# bench/paravirt-linux.sh to time a transfer from outside the guest: the
# guest's own clock is bt86's virtual clock, which falls behind the host's
# during a long monitor entry (a REP INSW), so it would flatter port I/O.
#
# Usage: serial-marks.py LOG TIMEOUT COMMAND...
# Writes the console output to LOG (carriage returns dropped) and one line
# per mark on standard output: "NAME WALL_SECONDS CPU_SECONDS" (both since
# the start).  Exit status: the emulator's, or 124 after TIMEOUT seconds
# (then the emulator is killed).
import os
import selectors
import subprocess
import sys
import time

log_path, timeout, cmd = sys.argv[1], float(sys.argv[2]), sys.argv[3:]
tick = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            # The command name (field 2) may hold spaces: split after its ")".
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / tick
    except (OSError, IndexError, ValueError):
        return float("nan")


start = time.monotonic()
proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                        stderr=subprocess.STDOUT)
sel = selectors.DefaultSelector()
sel.register(proc.stdout, selectors.EVENT_READ)
partial = b""
status = None
with open(log_path, "wb") as log:
    while True:
        left = start + timeout - time.monotonic()
        if left <= 0:
            proc.kill()
            proc.wait()
            status = 124
            break
        if not sel.select(min(left, 1.0)):
            continue
        chunk = os.read(proc.stdout.fileno(), 65536)
        if not chunk:
            break
        now = time.monotonic() - start
        cpu = cpu_seconds(proc.pid)
        chunk = chunk.replace(b"\r", b"")
        log.write(chunk)
        log.flush()
        lines = (partial + chunk).split(b"\n")
        partial = lines.pop()
        for line in lines:
            if line.startswith(b"@@mark "):
                name = line[7:].decode(errors="replace").strip()
                print(f"{name} {now:.3f} {cpu:.2f}", flush=True)
if status is None:
    status = proc.wait()
sys.exit(status)
