#!/usr/bin/env python3
"""bench/measure.py - run a command, report its wall time and peak RSS.

    measure.py RESULT LOG -- COMMAND [ARGS...]

Writes "SECONDS MAXRSS_KIB EXIT CPU_SECONDS" to RESULT (CPU = user +
system); the command's output goes to
LOG.  $MEASURE_TIMEOUT (seconds, default 1800) bounds the run: the command
then gets SIGTERM, SIGKILL 5 s later, and EXIT is "timeout", so a hung tool
cannot hang the benchmark.  The peak RSS comes from wait4()'s rusage, the same number
/usr/bin/time -v prints, so the benchmark needs no extra package.  Exit
status is the command's.
"""

import os
import signal
import subprocess
import sys
import time


def main():
    if len(sys.argv) < 5 or sys.argv[3] != "--":
        sys.stderr.write(__doc__)
        return 2
    result, log, cmd = sys.argv[1], sys.argv[2], sys.argv[4:]
    limit = float(os.environ.get("MEASURE_TIMEOUT", "1800"))
    with open(log, "wb") as out:
        t0 = time.monotonic()
        p = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL)
        timed_out = False
        killed_at = None
        while True:
            pid, status, ru = os.wait4(p.pid, os.WNOHANG)
            if pid:
                break
            now = time.monotonic()
            if not timed_out and now - t0 > limit:
                timed_out, killed_at = True, now
                p.send_signal(signal.SIGTERM)
            elif timed_out and now - killed_at > 5:
                p.kill()
            time.sleep(0.005)
        secs = time.monotonic() - t0
    p.returncode = os.waitstatus_to_exitcode(status)  # already reaped
    code = "timeout" if timed_out else str(p.returncode)
    with open(result, "w") as f:
        f.write("{:.3f} {} {} {:.3f}\n".format(secs, ru.ru_maxrss, code,
                                             ru.ru_utime + ru.ru_stime))
    return 124 if timed_out else p.returncode


if __name__ == "__main__":
    sys.exit(main())
